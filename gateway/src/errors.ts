import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, formatError } from '@huishang/schema';

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
export function createFormatError(options: { stacktraces: boolean }): FormatError {
  return (formatted, error) => {
    let result = formatError(formatted, error);
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
