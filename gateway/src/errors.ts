import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, formatError, PUBLIC_ERROR_CODES } from '@huishang/schema';

export type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * The shared `formatError` restores our codes (BAD_USER_INPUT, QUERY_TOO_COMPLEX, …) that Apollo
 * Server overwrites with GRAPHQL_VALIDATION_FAILED. On top of it:
 * - a variable refused by the gateway's coercion gets `extensions.variable`, so a client can point
 *   at the variable without parsing the message;
 * - a subgraph's stack trace (subgraphs outside production include theirs, and the gateway copies a
 *   subgraph error's extensions) is dropped unless the gateway itself shows stack traces: file
 *   paths of department services are not for clients.
 */
/** Codes that describe the request itself: their messages help the caller and reveal nothing inside. */
const CLIENT_ERROR_CODES = new Set([
  ...[...PUBLIC_ERROR_CODES].filter((code) => code !== ErrorCode.InternalServerError),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'OPERATION_RESOLUTION_FAILURE',
  'AUDIT_UNAVAILABLE',
  'RATE_LIMITED',
]);

export function createFormatError(options: { stacktraces: boolean; production?: boolean }): FormatError {
  return (formatted, error) => {
    let result = formatError(formatted, error);
    // Production: anything that is not about the request (a subgraph's SQL error, a crash) is masked.
    if (options.production && !CLIENT_ERROR_CODES.has(String(result.extensions?.code ?? ''))) {
      return { message: 'Internal server error: quote the x-request-id to the operators', path: result.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    if (!options.stacktraces && result.extensions && 'stacktrace' in result.extensions) {
      const { stacktrace: _dropped, ...extensions } = result.extensions;
      result = { ...result, extensions };
    }
    if (result.extensions?.code !== ErrorCode.BadUserInput || !(error instanceof GraphQLError)) return result;
    const node = error.nodes?.[0];
    if (node?.kind !== Kind.VARIABLE_DEFINITION || result.extensions.variable !== undefined) return result;
    return { ...result, extensions: { ...result.extensions, variable: node.variable.name.value } };
  };
}
