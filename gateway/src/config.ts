import { listenHost, servicePort } from '@huishang/schema';
import type { BreakerSettings } from './resilience';

/**
 * Everything the gateway reads from the environment, read once at start so a bad value stops it
 * with one sentence instead of surfacing later. Subgraph URLs (INDUSTRY_URL, …) are read by
 * `subgraphUrl` from the shared package when ApolloGateway builds its data sources.
 */
export interface GatewayConfig {
  /** GATEWAY_PORT, default 4000; 0 picks a free port. */
  port: number;
  /** HOST to listen on; default 127.0.0.1 for the demo, all interfaces in production mode (listenHost). */
  host: string | undefined;
  /** MAX_QUERY_DEPTH, default 12. */
  maxQueryDepth: number;
  /** SUBGRAPH_TIMEOUT_MS, default 5 000: one subgraph request; then its fields are null with SUBGRAPH_TIMEOUT. */
  subgraphTimeoutMs: number;
  /**
   * SUBGRAPH_MUTATION_TIMEOUT_MS, default 60 000: one subgraph mutation. Longer than a query's: a
   * write waits for its month's lock while another batch commits, and a write cut off by the
   * gateway may still be applied (no verdict), so it is given time to finish.
   */
  subgraphMutationTimeoutMs: number;
  /** SUBGRAPH_BREAKER_*: each subgraph's circuit breaker (see resilience.ts). */
  breaker: BreakerSettings;
  /** SHUTDOWN_DELAY_MS, default 1 000: after SIGTERM the gateway still accepts (answering `Connection: close`, /ready 503) this long, so load balancers and kept-alive clients move away first. */
  shutdownDelayMs: number;
  /** SHUTDOWN_GRACE_MS, default 10 000: how long a SIGTERM waits for requests in flight before closing what is left. */
  shutdownGraceMs: number;
  /** READY_TIMEOUT_MS, default 2 000: one subgraph's /ready during the gateway's /ready. */
  readyTimeoutMs: number;
  /** Never (issue 11: no stack trace in an answer, in any mode); kept as a field so old callers compile. */
  stacktraces: boolean;
  /** SUBGRAPH_DEDUPLICATION, default on: identical subgraph queries in flight together are sent once. */
  deduplicateSubgraphRequests: boolean;
  /**
   * QUERY_PLANNER_MAX_EVALUATED_PLANS, default 1 000: how many candidate plans Apollo's query planner
   * weighs for one operation (its `debug.maxEvaluatedPlans`, whose own default is 10 000). Planning
   * runs on the gateway's only thread: with 10 000, one wide document over the `@shareable`
   * `withoutRegister` fields took 15.9 s to plan, and every other request waited. With 1 000 it
   * takes 1.1 s and every plan measured has the same fetches (`npm run bench:planning`,
   * docs/benchmarks.md "Query planning").
   */
  queryPlannerMaxEvaluatedPlans: number;
}

export const DEFAULT_MAX_QUERY_DEPTH = 12;
// Seconds, not the 30 s of a browser: a department that has not answered by then is treated as down,
// and the rest of the answer goes out.
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 5_000;
export const DEFAULT_READY_TIMEOUT_MS = 2_000;
export const DEFAULT_QUERY_PLANNER_MAX_EVALUATED_PLANS = 1_000;

export function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  // Safe integers only: a larger one would not be stored exactly.
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
  return value;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number of at least 0, got ${JSON.stringify(raw)}`);
  return value;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new Error(`${name} must be on or off, got ${JSON.stringify(env[name])}`);
}

export function maxQueryDepth(env: NodeJS.ProcessEnv = process.env): number {
  return positiveInteger(env, 'MAX_QUERY_DEPTH', DEFAULT_MAX_QUERY_DEPTH);
}

export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env, port?: number): GatewayConfig {
  return {
    port: port ?? servicePort('gateway', env),
    host: listenHost(env),
    maxQueryDepth: maxQueryDepth(env),
    subgraphTimeoutMs: positiveInteger(env, 'SUBGRAPH_TIMEOUT_MS', DEFAULT_SUBGRAPH_TIMEOUT_MS),
    subgraphMutationTimeoutMs: positiveInteger(env, 'SUBGRAPH_MUTATION_TIMEOUT_MS', 60_000),
    readyTimeoutMs: positiveInteger(env, 'READY_TIMEOUT_MS', DEFAULT_READY_TIMEOUT_MS),
    breaker: {
      errorThresholdPercentage: Math.min(100, positiveInteger(env, 'SUBGRAPH_BREAKER_ERROR_PERCENT', 50)),
      volumeThreshold: positiveInteger(env, 'SUBGRAPH_BREAKER_VOLUME', 5),
      rollingCountTimeout: positiveInteger(env, 'SUBGRAPH_BREAKER_WINDOW_MS', 10_000),
      resetTimeout: positiveInteger(env, 'SUBGRAPH_BREAKER_RESET_MS', 3_000),
      consecutiveFailures: positiveInteger(env, 'SUBGRAPH_BREAKER_CONSECUTIVE_FAILURES', 3),
    },
    shutdownDelayMs: nonNegativeInteger(env, 'SHUTDOWN_DELAY_MS', 1_000),
    shutdownGraceMs: positiveInteger(env, 'SHUTDOWN_GRACE_MS', 10_000),
    stacktraces: false,
    deduplicateSubgraphRequests: onOff(env, 'SUBGRAPH_DEDUPLICATION', true),
    queryPlannerMaxEvaluatedPlans: positiveInteger(env, 'QUERY_PLANNER_MAX_EVALUATED_PLANS', DEFAULT_QUERY_PLANNER_MAX_EVALUATED_PLANS),
  };
}
