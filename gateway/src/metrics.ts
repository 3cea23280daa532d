import type { ApolloServerPlugin } from '@apollo/server';
import type { Route } from '@huishang/schema';

/** Counters in Prometheus text format: enough to see load and which errors clients meet. */
export class GatewayMetrics {
  private requests = 0;
  private readonly errors = new Map<string, number>();

  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        this.requests++;
        return {
          willSendResponse: async ({ response }) => {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
            for (const error of errors ?? []) {
              const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN';
              this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
            }
          },
        };
      },
    };
  }

  route(): Route {
    return (_req, res) => {
      const lines = [
        '# HELP huishang_graphql_requests_total GraphQL requests received by the gateway.',
        '# TYPE huishang_graphql_requests_total counter',
        `huishang_graphql_requests_total{service="gateway"} ${this.requests}`,
        '# HELP huishang_graphql_errors_total Errors returned to clients, by extensions.code.',
        '# TYPE huishang_graphql_errors_total counter',
        ...[...this.errors].map(([code, count]) => `huishang_graphql_errors_total{service="gateway",code="${code.replace(/[^A-Z0-9_]/gi, '_')}"} ${count}`),
        '',
      ];
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(lines.join('\n'));
    };
  }
}
