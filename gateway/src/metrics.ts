import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Route } from '@huishang/schema';
import { BREAKER_STATE_VALUE, type BreakerState } from './resilience';

/**
 * The gateway's Prometheus metrics (prom-client, one registry per gateway so tests can run several
 * in one process):
 * - `huishang_graphql_requests_total{service}` and `huishang_graphql_errors_total{service,code}`:
 *   requests received and errors returned to clients, by `extensions.code`;
 * - per subgraph: `huishang_subgraph_up` (its own /ready answered 200 at scrape time),
 *   `huishang_subgraph_requests_total`, `huishang_subgraph_errors_total{code}` (SUBGRAPH_TIMEOUT, …),
 *   `huishang_subgraph_request_duration_seconds` (histogram) and `huishang_subgraph_breaker_state`
 *   (0 closed, 1 half-open, 2 open);
 * - the answer cache (answerCache.ts): `huishang_answer_cache_requests_total{subgraph,outcome}`
 *   (hit, miss, bypass, error) and `huishang_answer_cache_stores_total{subgraph,result}` (stored, failed).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'huishang_graphql_requests_total', help: 'GraphQL requests received by the gateway.', labelNames: ['service'], registers: [this.registry] });
  private readonly errors = new Counter({ name: 'huishang_graphql_errors_total', help: 'Errors returned to clients, by extensions.code.', labelNames: ['service', 'code'], registers: [this.registry] });
  private readonly subgraphRequests = new Counter({ name: 'huishang_subgraph_requests_total', help: 'Requests the gateway made to each subgraph (refused by an open breaker included).', labelNames: ['subgraph'], registers: [this.registry] });
  private readonly subgraphErrors = new Counter({ name: 'huishang_subgraph_errors_total', help: 'Failed subgraph requests, by code (SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT, SUBGRAPH_BAD_RESPONSE).', labelNames: ['subgraph', 'code'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'huishang_subgraph_request_duration_seconds',
    help: 'Time from sending a subgraph request to having its whole answer (or its failure).',
    labelNames: ['subgraph'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly breaker = new Gauge({ name: 'huishang_subgraph_breaker_state', help: 'Circuit breaker of each subgraph: 0 closed, 1 half-open, 2 open.', labelNames: ['subgraph'], registers: [this.registry] });
  private readonly up: Gauge<'subgraph'>;
  private readonly cacheRequests = new Counter({
    name: 'huishang_answer_cache_requests_total',
    help: 'Subgraph fetches that asked the answer cache, by outcome: hit, miss, bypass (the department publishes no versions), error (Redis away or slow: served without the cache), forged (an entry not sealed with the gateway\'s key: not served).',
    labelNames: ['subgraph', 'outcome'],
    registers: [this.registry],
  });
  private readonly cacheStores = new Counter({ name: 'huishang_answer_cache_stores_total', help: 'Subgraph answers sent to the answer cache, by result: stored, failed (Redis away or slow).', labelNames: ['subgraph', 'result'], registers: [this.registry] });

  /** `probe` answers each subgraph's readiness when /metrics is scraped. */
  constructor(probe: () => Promise<{ name: string; ready: boolean }[]> = async () => []) {
    // The series exists from the start (0), as readers of /metrics expect before the first request.
    this.requests.inc({ service: 'gateway' }, 0);
    this.up = new Gauge({
      name: 'huishang_subgraph_up',
      help: 'Whether the subgraph’s own /ready answered 200 when /metrics was scraped (1) or not (0).',
      labelNames: ['subgraph'],
      registers: [this.registry],
      collect: async () => {
        for (const { name, ready } of await probe()) this.up.set({ subgraph: name }, ready ? 1 : 0);
      },
    });
  }

  /** A subgraph request finished: its duration and, when it failed, its code. */
  subgraphRequest(subgraph: string, seconds: number, errorCode?: string): void {
    this.subgraphRequests.inc({ subgraph });
    this.latency.observe({ subgraph }, seconds);
    if (errorCode) this.subgraphErrors.inc({ subgraph, code: errorCode });
  }

  answerCache(subgraph: string, outcome: 'hit' | 'miss' | 'bypass' | 'error' | 'forged'): void {
    this.cacheRequests.inc({ subgraph, outcome });
  }

  answerCacheStored(subgraph: string, result: 'stored' | 'failed'): void {
    this.cacheStores.inc({ subgraph, result });
  }

  breakerState(subgraph: string, state: BreakerState): void {
    this.breaker.set({ subgraph }, BREAKER_STATE_VALUE[state]);
  }

  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        this.requests.inc({ service: 'gateway' });
        return {
          willSendResponse: async ({ response }) => {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
            for (const error of errors ?? []) {
              const code = typeof error.extensions?.code === 'string' ? error.extensions.code.replace(/[^A-Z0-9_]/gi, '_') : 'UNKNOWN';
              this.errors.inc({ service: 'gateway', code });
            }
          },
        };
      },
    };
  }

  route(): Route {
    return async (_req, res) => {
      const text = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType });
      res.end(text);
    };
  }
}
