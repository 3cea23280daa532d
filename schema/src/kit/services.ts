/** The five departmental subgraphs, their default ports and the environment that overrides them. */
export const SUBGRAPH_NAMES = ['industry', 'finance', 'energy', 'statistics', 'hr'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_PORTS: Readonly<Record<SubgraphName | 'gateway', number>> = {
  gateway: 4000,
  industry: 4001,
  finance: 4002,
  energy: 4003,
  statistics: 4004,
  hr: 4005,
};

/** `ENERGY_PORT`, `GATEWAY_PORT`, … */
export function portVariable(service: SubgraphName | 'gateway'): string {
  return `${service.toUpperCase()}_PORT`;
}

/** `ENERGY_URL`: where the gateway finds a subgraph. */
export function urlVariable(subgraph: SubgraphName): string {
  return `${subgraph.toUpperCase()}_URL`;
}

export function servicePort(service: SubgraphName | 'gateway', env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[portVariable(service)];
  if (raw === undefined || raw === '') return DEFAULT_PORTS[service];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${portVariable(service)} must be a port number (0–65535), got ${JSON.stringify(raw)}`);
  }
  return port;
}

export function subgraphUrl(subgraph: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  return env[urlVariable(subgraph)] || `http://localhost:${servicePort(subgraph, env)}/graphql`;
}

/** `submitEnergyObservations`: each department's reporting mutation, named so the five never clash. */
export function submitMutationName(subgraph: SubgraphName): string {
  return `submit${subgraph[0].toUpperCase()}${subgraph.slice(1)}Observations`;
}
