import { sendJson, type Route } from '@huishang/schema';
import type { BreakerState } from './resilience';
import type { SubgraphReadiness } from './subgraphs';

export interface HealthSources {
  service: string;
  /** True once ApolloGateway has built its schema from the supergraph. */
  schemaLoaded: () => boolean;
  /** Resolves when the gateway's own database answers; absent when the gateway runs without access control. */
  accessDatabase?: () => Promise<void>;
  /** Each subgraph's own /ready, asked now. */
  probeSubgraphs: () => Promise<SubgraphReadiness[]>;
  /** Each subgraph's circuit breaker. */
  breakerStates: () => ReadonlyMap<string, BreakerState>;
  shuttingDown: () => boolean;
}

/**
 * `/health` says the process answers (for a restart policy), with each department's state in its
 * details: its own /ready now, and its circuit breaker. `/ready` says whether this gateway can serve
 * (for a load balancer): the supergraph is loaded and its database answers. It does not depend on
 * the departments: one department down costs its own fields (README, "When a department fails"), and
 * must not take every gateway replica out of the load balancer.
 */
export function healthRoutes(sources: HealthSources): Record<string, Route> {
  return {
    '/health': async (_req, res) => {
      const breakers = sources.breakerStates();
      const subgraphs = (await sources.probeSubgraphs()).map(({ name, ready, status, error }) => ({
        name,
        ready,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
        breaker: breakers.get(name) ?? 'closed',
      }));
      const down = subgraphs.filter((s) => !s.ready).map((s) => s.name);
      sendJson(res, 200, { status: 'ok', service: sources.service, ...(down.length ? { degraded: down } : {}), subgraphs });
    },
    '/ready': async (_req, res) => {
      if (sources.shuttingDown()) return sendJson(res, 503, { status: 'stopping', service: sources.service });
      if (!sources.schemaLoaded()) return sendJson(res, 503, { status: 'supergraph not loaded', service: sources.service });
      if (sources.accessDatabase) {
        try {
          await sources.accessDatabase();
        } catch {
          return sendJson(res, 503, { status: 'access database unavailable', service: sources.service });
        }
      }
      sendJson(res, 200, { status: 'ready', service: sources.service });
    },
  };
}
