import type { SubgraphDefinition, SubgraphName } from '@huishang/schema';

/**
 * The five departments' subgraph definitions, loaded on demand: an import for energy loads only
 * the energy subgraph's code (its catalogue, migrations and entities), not the other four.
 */
const LOADERS: Record<SubgraphName, () => Promise<SubgraphDefinition>> = {
  industry: async () => (await import('@huishang/industry/dist/src/subgraph.js')).industry,
  finance: async () => (await import('@huishang/finance/dist/src/subgraph.js')).finance,
  energy: async () => (await import('@huishang/energy/dist/src/subgraph.js')).energy,
  statistics: async () => (await import('@huishang/statistics/dist/src/subgraph.js')).statistics,
  hr: async () => (await import('@huishang/hr/dist/src/subgraph.js')).hr,
};

export const DEPARTMENTS = Object.keys(LOADERS) as SubgraphName[];

export function isDepartment(name: string): name is SubgraphName {
  return Object.prototype.hasOwnProperty.call(LOADERS, name);
}

export function loadDepartment(name: SubgraphName): Promise<SubgraphDefinition> {
  return LOADERS[name]();
}

/** The department's register of enterprises: the industry bureau's own `enterprise` table, the others' `enterprise_register`. */
export const registerTable = (department: string) => (department === 'industry' ? 'enterprise' : 'enterprise_register');
