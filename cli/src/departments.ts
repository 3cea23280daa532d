import { departmentEntry, SUBGRAPH_NAMES, type SubgraphDefinition, type SubgraphName } from '@huishang/schema';

/** The departments, as the registry (subgraphs/departments.json) lists them. */
export const DEPARTMENTS: readonly SubgraphName[] = SUBGRAPH_NAMES;

export function isDepartment(name: string): name is SubgraphName {
  return SUBGRAPH_NAMES.includes(name);
}

/**
 * A department's subgraph definition, from its package's entry point (the registry's `package`,
 * which exports it as `<name>`), loaded on demand: an import for energy loads only the energy
 * subgraph's code (its catalogue, migrations and entities), not the others'.
 */
export async function loadDepartment(name: SubgraphName): Promise<SubgraphDefinition> {
  const entry = departmentEntry(name);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require(entry.package) as Record<string, SubgraphDefinition | undefined>)[name];
  if (!definition) throw new Error(`${entry.package} exports no \`${name}\`: its entry point must export the department's SubgraphDefinition under that name`);
  return definition;
}

/** The department's register of enterprises: the registry's `registerTable` (`enterprise` where the department keeps the full register). */
export const registerTable = (department: string) => departmentEntry(department).registerTable;
