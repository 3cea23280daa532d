/**
 * The error codes and the identifier error, without GraphQL: what `@huishang/schema/core` (the CLI)
 * needs. errors.ts re-exports them beside the GraphQLError builders.
 */

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
