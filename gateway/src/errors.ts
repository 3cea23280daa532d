import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, isEnumType, Kind, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { ErrorCode, formatError, PUBLIC_ERROR_CODES } from '@huishang/schema';
import { nullInNonNullPosition } from './variables';

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
  'PERSISTED_QUERY_HASH_MISMATCH',
  'PERSISTED_QUERY_VERSION_UNSUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'AUDIT_UNAVAILABLE',
  'RATE_LIMITED',
  // What failed is a department's service: the client may know which, and why (no address in it).
  'SUBGRAPH_UNAVAILABLE',
  'SUBGRAPH_TIMEOUT',
  'SUBGRAPH_BAD_RESPONSE',
  'ALIAS_SHADOWS_KEY',
  'ALIAS_SHADOWS_FIELD',
]);

/**
 * An internal address in a message (`connect ECONNREFUSED 127.0.0.1:4003`, `http://energy:4003/graphql`):
 * replaced in every mode, whatever produced the message. A bracketed IPv6 address has at least two
 * colons: `[0]`, `[12]`, `[add]`, `[a:b]` in a path or a message are not addresses and stay.
 */
const INTERNAL_ADDRESS = /(?:\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?|\[[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*\](?::\d+)?|\blocalhost:\d+|(?<![\w:])::1(?::\d+)?)/gi;

/** Code of a subgraph's own GraphQL error that carried none (README, "When a department fails"). */
export const SUBGRAPH_INTERNAL_ERROR = 'SUBGRAPH_INTERNAL_ERROR';

export function withoutAddresses(message: string): string {
  return message.replace(INTERNAL_ADDRESS, '<internal address>');
}

/** Codes of the gateway's own validation rules, restored under Apollo's GRAPHQL_VALIDATION_FAILED. */
const GATEWAY_RULE_CODES = new Set(['ALIAS_SHADOWS_KEY', 'ALIAS_SHADOWS_FIELD']);

function gatewayCodeOf(error: unknown): { code: string; extensions: Record<string, unknown> } | null {
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 5; depth++) {
    const extensions = (cause as GraphQLError).extensions;
    if (cause instanceof GraphQLError && typeof extensions?.code === 'string' && GATEWAY_RULE_CODES.has(extensions.code)) return { code: extensions.code, extensions };
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return null;
}

/**
 * Apollo Server's own persisted-query refusals (HTTP 400) carry no code, so Apollo reports them as
 * INTERNAL_SERVER_ERROR and they counted as server faults: the caller's mistake, coded and with the fix.
 * Matched on Apollo's exact messages (@apollo/server requestPipeline).
 */
const PERSISTED_QUERY_REFUSALS: Record<string, { code: string; message: string }> = {
  'provided sha does not match query': {
    code: 'PERSISTED_QUERY_HASH_MISMATCH',
    message:
      'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent (lowercase hex of its exact text, whitespace and final newline included): send the matching hash, the hash alone for a registered document (huishang documents list), or no persistedQuery.',
  },
  'Unsupported persisted query version': {
    code: 'PERSISTED_QUERY_VERSION_UNSUPPORTED',
    message: 'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<SHA-256 hex of the document>"} (Apollo\'s persisted-query protocol, version 1).',
  },
};

const PERSISTED_QUERY_NOT_FOUND_FIX =
  'no registered document has this sha256Hash: send the document itself in "query" (the hash beside it is optional). Sending it does not register it: an administrator registers documents with `huishang documents add` (see `huishang documents list`). A client in safelist mode runs registered documents only: have it registered first.';

/**
 * graphql-js's "Value "YTD" does not exist in "RankingBasis" enum." (with "Did you mean" only for a
 * near miss) names no value to use: the enum's values are added, from the API schema.
 */
export function withEnumValues(message: string, schema: GraphQLSchema | undefined): string {
  const match = /Value "[^"]*" does not exist in "([A-Za-z_][A-Za-z0-9_]*)" enum\./.exec(message);
  const type = match && schema?.getType(match[1]);
  if (!type || !isEnumType(type)) return message;
  return `${message} The values of ${type.name}: ${type.getValues().map((v) => v.name).join(', ')}.`;
}

export function createFormatError(options: { stacktraces: boolean; production?: boolean; schema?: () => GraphQLSchema | undefined }): FormatError {
  return (formatted, error) => {
    let result = formatError(formatted, error);
    // A document's or a variable's wrong enum value (graphql-js's own wording, whatever code it ends with).
    const message = withEnumValues(result.message, options.schema?.());
    if (message !== result.message) result = { ...result, message };
    const refusal = (result.extensions?.code === undefined || result.extensions.code === 'INTERNAL_SERVER_ERROR') && PERSISTED_QUERY_REFUSALS[result.message];
    if (refusal) result = { ...result, message: refusal.message, extensions: { ...result.extensions, code: refusal.code } };
    // Apollo's bare "PersistedQueryNotFound" named no fix. The message is kept (Apollo clients match
    // it to send the document); the fix goes beside it: sending the document does not register it here.
    if (result.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND' && result.extensions.fix === undefined) {
      result = { ...result, extensions: { ...result.extensions, fix: PERSISTED_QUERY_NOT_FOUND_FIX } };
    }
    // Apollo Server re-codes validation errors GRAPHQL_VALIDATION_FAILED: the gateway's own rules keep theirs.
    const own = gatewayCodeOf(error);
    if (own) result = { ...result, extensions: { ...result.extensions, ...own.extensions, code: own.code } };
    if (INTERNAL_ADDRESS.test(result.message)) result = { ...result, message: withoutAddresses(result.message) };
    INTERNAL_ADDRESS.lastIndex = 0;
    // Production: anything that is not about the request (a subgraph's SQL error, a crash) is masked.
    if (options.production && !CLIENT_ERROR_CODES.has(String(result.extensions?.code ?? ''))) {
      // Which department failed, and the code of a subgraph's own error, are kept: neither says anything inside.
      const code = result.extensions?.code === SUBGRAPH_INTERNAL_ERROR ? SUBGRAPH_INTERNAL_ERROR : 'INTERNAL_SERVER_ERROR';
      const subgraph = result.extensions?.subgraph;
      return { message: 'Internal server error: quote the x-request-id to the operators', path: result.path, extensions: { code, ...(subgraph !== undefined ? { subgraph } : {}) } };
    }
    // A department's stack (file paths of its service) never reaches a client, in any mode.
    const fromSubgraph = result.extensions?.serviceName !== undefined || String(result.extensions?.code ?? '').startsWith('SUBGRAPH_');
    if ((!options.stacktraces || fromSubgraph) && result.extensions && 'stacktrace' in result.extensions) {
      const { stacktrace: _dropped, ...extensions } = result.extensions;
      result = { ...result, extensions };
    }
    if (result.extensions?.code !== ErrorCode.BadUserInput || !(error instanceof GraphQLError)) return result;
    const node = error.nodes?.[0];
    if (node?.kind !== Kind.VARIABLE_DEFINITION || result.extensions.variable !== undefined) return result;
    const variablePath = pathInVariable(result.message, node.variable.name.value);
    return { ...result, extensions: { ...result.extensions, variable: node.variable.name.value, ...(variablePath ? { variablePath } : {}) } };
  };
}

/**
 * Where inside a variable's value graphql-js found the bad part, for a program to point at the
 * cell: `batch.observations[3].value` from `Variable "$batch" got invalid value 1 at
 * "batch.observations[3].value"; …`, and `batch.month` from `… at "batch"; Field "month" of
 * required type "Month!" was not provided.` (or `is not defined by type`). graphql-js 16 puts the
 * path only in the message (coerceVariableValues), so it is read from there; undefined when the
 * variable's value is wrong as a whole.
 */
export function pathInVariable(message: string, variable: string): string | undefined {
  if (!message.startsWith(`Variable "$${variable}" got invalid value `)) return undefined;
  // The last ` at "<variable>…"; `: the printed value before it escapes its own quotes.
  const at = [...message.matchAll(/ at "([^"]+)"; /g)].map((m) => m[1]).filter((p) => p === variable || p.startsWith(`${variable}.`) || p.startsWith(`${variable}[`)).pop();
  const field = /; Field "([^"]+)" (?:of required type "[^"]+" was not provided|is not defined by type)/.exec(message)?.[1];
  if (field) return `${at ?? variable}.${field}`;
  return at;
}

/**
 * Three gaps of Apollo Server with @apollo/gateway, closed for clients:
 * - an explicit `null` for a nullable variable filling a non-null argument is refused with
 *   BAD_USER_INPUT before anything runs (nullInNonNullPosition), not failed inside a subgraph;
 * - an operation that cannot be resolved (several operations and no `operationName`, or an unknown
 *   one) answers 400 with Apollo's documented code OPERATION_RESOLUTION_FAILURE, before anything runs;
 * - a non-null violation in the merged subgraph data (a subgraph answered null where the schema says
 *   it cannot) is reported by @apollo/gateway only in `extensions.valueCompletion`, so a response
 *   could carry `data: null` and no error: such violations become errors (SUBGRAPH_BAD_RESPONSE, with
 *   their paths), and a null `data` without any error gets one.
 */
export function responseIntegrityPlugin(): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operation, request, document, schema }) => {
        if (operation) {
          const refusal = nullInNonNullPosition(schema, document, operation, request.variables);
          if (refusal) throw refusal;
          return;
        }
        const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
        const message = request.operationName
          ? `Unknown operation named "${request.operationName}".`
          : operations > 1
            ? 'Must provide operation name if query contains multiple operations.'
            : 'Could not resolve the operation to run.';
        throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
      },
      willSendResponse: async ({ response }) => {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const completion = result.extensions?.valueCompletion as readonly GraphQLError[] | undefined;
        if (completion) {
          const { valueCompletion: _moved, ...extensions } = result.extensions!;
          result.extensions = Object.keys(extensions).length ? extensions : undefined;
          const errors: GraphQLFormattedError[] = completion.map((e) => ({
            message: `${e.message} A department's service answered null where the schema does not allow it.`,
            ...(e.path ? { path: e.path } : {}),
            extensions: { code: 'SUBGRAPH_BAD_RESPONSE' },
          }));
          result.errors = [...(result.errors ?? []), ...errors];
        }
        if (result.data === null && !result.errors?.length) {
          result.errors = [{ message: 'No data could be served for this operation.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
        }
      },
    }),
  };
}
