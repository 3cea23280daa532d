// The list alone, not the package index: help and usage errors answer without loading the ORM and GraphQL stack.
import { SUBGRAPH_NAMES, type SubgraphName } from '@huishang/schema/dist/src/kit/services';

/** The five departments that report (one subgraph each). The CLI loads none of their code: it writes through the gateway. */
export const DEPARTMENTS: readonly SubgraphName[] = SUBGRAPH_NAMES;

export function isDepartment(name: string): name is SubgraphName {
  return (DEPARTMENTS as readonly string[]).includes(name);
}
