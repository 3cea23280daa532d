import { SUBGRAPH_NAMES, type SubgraphName } from '@huishang/schema/core';

/** The departments that report, as the registry (subgraphs/departments.json) lists them. The CLI loads none of their code: it writes through the gateway. */
export const DEPARTMENTS: readonly SubgraphName[] = SUBGRAPH_NAMES;
