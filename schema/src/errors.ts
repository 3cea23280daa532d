import { GraphQLError } from 'graphql';

import { ErrorCode } from './errorCodes';
export { ErrorCode, IdentifierError, PUBLIC_ERROR_CODES } from './errorCodes';

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
