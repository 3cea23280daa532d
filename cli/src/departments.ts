import type { SubgraphDefinition, SubgraphName } from '@huishang/schema';

/**
 * The five departments' subgraph definitions, loaded on demand: an import for energy loads only
 * the energy subgraph's code (its catalogue, migrations and entities), not the other four.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const LOADERS: Record<SubgraphName, () => Promise<SubgraphDefinition>> = {
  industry: async () => (require('@huishang/industry/dist/src/subgraph') as typeof import('@huishang/industry/dist/src/subgraph')).industry,
  finance: async () => (require('@huishang/finance/dist/src/subgraph') as typeof import('@huishang/finance/dist/src/subgraph')).finance,
  energy: async () => (require('@huishang/energy/dist/src/subgraph') as typeof import('@huishang/energy/dist/src/subgraph')).energy,
  statistics: async () => (require('@huishang/statistics/dist/src/subgraph') as typeof import('@huishang/statistics/dist/src/subgraph')).statistics,
  hr: async () => (require('@huishang/hr/dist/src/subgraph') as typeof import('@huishang/hr/dist/src/subgraph')).hr,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export const DEPARTMENTS = Object.keys(LOADERS) as SubgraphName[];

export function isDepartment(name: string): name is SubgraphName {
  return Object.prototype.hasOwnProperty.call(LOADERS, name);
}

export function loadDepartment(name: SubgraphName): Promise<SubgraphDefinition> {
  return LOADERS[name]();
}

/** The department's register of enterprises: the industry bureau's own `enterprise` table, the others' `enterprise_register`. */
export const registerTable = (department: string) => (department === 'industry' ? 'enterprise' : 'enterprise_register');
