import { GraphQLError } from 'graphql';

/**
 * Stable `extensions.code` values. Clients (the briefing tool, other government systems)
 * branch on these, so they never change meaning once published.
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  UnknownIndicator: 'UNKNOWN_INDICATOR',
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
  IdempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  Forbidden: 'FORBIDDEN',
  /** A rule that uses another department's figures has no live grant for that rule (issue 12): names the grant. */
  RuleGrantRequired: 'RULE_GRANT_REQUIRED',
  /** A rule's input from another department could not be fetched: the rule was not judged. */
  RuleInputUnavailable: 'RULE_INPUT_UNAVAILABLE',
  /** A client holds as many staged upload parts (or characters of them) as its quota allows: commit or wait for them to expire. */
  UploadQuotaExceeded: 'UPLOAD_QUOTA_EXCEEDED',
  Unauthenticated: 'UNAUTHENTICATED',
  InternalServerError: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes we raise on purpose; anything else from a subgraph is masked as internal. */
export const PUBLIC_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Why an identifier was refused: a sentence a person can act on. */
export class IdentifierError extends Error {
  constructor(
    readonly kind: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(value)} is not a valid ${kind}: ${reason}`);
    this.name = 'IdentifierError';
  }
}

/**
 * A bad argument or input field. `field` is the argument or input path ("creditCode",
 * "enterprises.region"); the message names it too, so a person reading only the message knows.
 */
export function badUserInput(
  field: string | undefined,
  reason: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  const message = field ? `Invalid value for "${field}": ${reason}` : reason;
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BadUserInput, ...(field ? { field } : {}), reason, ...extra },
  });
}

export function notFound(what: string, key: string): GraphQLError {
  return new GraphQLError(`${what} ${JSON.stringify(key)} does not exist`, {
    extensions: { code: ErrorCode.NotFound, what, key },
  });
}

export function unknownIndicator(field: string, code: string, known: readonly string[]): GraphQLError {
  return new GraphQLError(
    `Invalid value for "${field}": unknown indicator ${JSON.stringify(code)}; this department publishes ${known.join(', ')}`,
    { extensions: { code: ErrorCode.UnknownIndicator, field, indicator: code } },
  );
}

/** `word` with its indefinite article, for messages: "an administrator", "a client" (by the first letter: a vowel takes "an"). */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** Why a reading role may not write, in words for a refusal: auditors read the audit trail, meeting members read figures. */
export function readingRoleReason(role: string, writes: string): string {
  return role === 'AUDITOR' ? `auditors read the audit trail; ${writes}` : `meeting members read; ${writes}`;
}
