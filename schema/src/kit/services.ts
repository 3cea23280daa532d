import { departmentRegistry } from './registry';

/**
 * The departmental subgraphs, their default ports and the environment that overrides them, all
 * from the registry of departments (subgraphs/departments.json, see registry.ts): the kit names none.
 */
export const SUBGRAPH_NAMES: readonly string[] = Object.freeze(departmentRegistry().departments.map((d) => d.name));
/** A department's subgraph name as the registry lists it; check one from outside against SUBGRAPH_NAMES. */
export type SubgraphName = string;

/**
 * How each department is named as a reporting unit (报送单位) and owner: the registry's `ownerName`,
 * else the first part of its `nameZh`. The CLI's default `--reported-by` and the reporting page's
 * labels: never an operating-system user name or a client id in a pack.
 */
export const OWNER_NAMES: Readonly<Record<SubgraphName, string>> = Object.freeze(
  Object.fromEntries(departmentRegistry().departments.map((d) => [d.name, d.ownerName ?? d.nameZh.split('、')[0]])),
);

export const DEFAULT_PORTS: Readonly<Record<SubgraphName | 'gateway', number>> = Object.freeze({
  gateway: departmentRegistry().gateway.port,
  ...Object.fromEntries(departmentRegistry().departments.map((d) => [d.name, d.port])),
});

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
  if (raw === undefined || raw === '') {
    const port = DEFAULT_PORTS[service];
    if (port === undefined) throw new Error(`unknown service ${JSON.stringify(service)}: not in the registry of departments (subgraphs/departments.json)`);
    return port;
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${portVariable(service)} must be a port number (0–65535), got ${JSON.stringify(raw)}`);
  }
  return port;
}

export function subgraphUrl(subgraph: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  return env[urlVariable(subgraph)] || `http://localhost:${servicePort(subgraph, env)}/graphql`;
}

/** `submitEnergyObservations`: each department's reporting mutation, named so no two clash. */
export function submitMutationName(subgraph: SubgraphName): string {
  return `submit${subgraph[0].toUpperCase()}${subgraph.slice(1)}Observations`;
}
