import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { PUBLIC_ERROR_CODES } from '../errors';

/**
 * Apollo Server re-codes every validation failure as GRAPHQL_VALIDATION_FAILED, including a bad
 * identifier literal. Our own errors keep their code: clients branch on BAD_USER_INPUT and friends.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof GraphQLError && cause !== error) {
      const code = cause.extensions?.code;
      if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) {
        const extensions: Record<string, unknown> = { ...formatted.extensions, ...cause.extensions, code };
        // A denied figure names the field asked for (`<department>.<headline field>`), not only the indicator.
        if (code === 'FORBIDDEN' && formatted.path) {
          const names = formatted.path.filter((p): p is string => typeof p === 'string' && !p.startsWith('_'));
          if (names.length) extensions.field = names.slice(-2).join('.');
        }
        // …and says so in the message too, which the resolver could only word by indicator code.
        const message = code === 'FORBIDDEN' && typeof extensions.field === 'string' ? formatted.message.replace(/^Access denied to "[^"]*"/, `Access denied to "${extensions.field}"`) : formatted.message;
        // A coded error is about the request: the service's stack says nothing the caller can use.
        delete extensions.stacktrace;
        return { ...formatted, message, extensions };
      }
    }
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return formatted;
}
