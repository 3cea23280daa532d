import { sendJson, type Route } from '@huishang/schema';
import { checkSubgraph } from './subgraphs';

export interface HealthSources {
  service: string;
  /** True once ApolloGateway has built its schema from the supergraph. */
  schemaLoaded: () => boolean;
  /** Subgraph name → GraphQL URL the gateway actually uses. */
  subgraphs: () => ReadonlyMap<string, string>;
  shuttingDown: () => boolean;
  /** How long one subgraph's /ready may take before it counts as down. */
  timeoutMs: number;
}

/**
 * `/health` says the process answers (for a restart policy); `/ready` says a query can succeed
 * (for a load balancer): the supergraph is loaded and every subgraph reports ready itself.
 */
export function healthRoutes(sources: HealthSources): Record<string, Route> {
  return {
    '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: sources.service }),
    '/ready': async (_req, res) => {
      if (sources.shuttingDown()) return sendJson(res, 503, { status: 'stopping', service: sources.service });
      if (!sources.schemaLoaded()) return sendJson(res, 503, { status: 'supergraph not loaded', service: sources.service });
      const subgraphs = await Promise.all([...sources.subgraphs()].map(([name, url]) => checkSubgraph(name, url, sources.timeoutMs)));
      const down = subgraphs.filter((s) => !s.ready);
      sendJson(res, down.length === 0 ? 200 : 503, {
        status: down.length === 0 ? 'ready' : 'subgraphs unavailable',
        service: sources.service,
        ...(down.length ? { down: down.map((s) => s.name) } : {}),
        subgraphs,
      });
    },
  };
}
