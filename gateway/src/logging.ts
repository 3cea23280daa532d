import type { ApolloServerPlugin } from '@apollo/server';
import { logRequest, type Logger } from '@huishang/schema';
import type { GatewayContext } from './context';

/**
 * One structured line per GraphQL request the gateway answers (kit's logger.ts): request id,
 * trace id, client, department, role, operation, outcome and error codes, duration — the same
 * fields as the subgraphs' lines, so one request id (or trace id) finds them all. Refusals before
 * GraphQL (401, 429) are logged where they are made (gateway.ts).
 */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const errors = result.errors ?? [];
          logRequest(logger, {
            requestId: contextValue.requestId,
            clientId: contextValue.client?.clientId ?? null,
            department: contextValue.client?.department ?? null,
            role: contextValue.client?.role ?? null,
            operationName: operationName ?? null,
            outcome: !errors.length ? 'OK' : result.data ? 'PARTIAL' : 'ERROR',
            errorCodes: [...new Set(errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')))],
            durationMs: Date.now() - contextValue.startedAt,
          });
        },
      };
    },
  };
}
