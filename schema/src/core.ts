/**
 * `@huishang/schema/core`: what a client of the federation needs without the server kit — the
 * registry's department names and ports, the month identifier and the stable error codes.
 *
 * Why a separate entry: the package index loads MikroORM, type-graphql and Apollo (about 1.1 s of
 * CPU on a quiet 2-core machine), and `huishang import` talks GraphQL over HTTP and needs none of
 * them. Through this entry `huishang help` starts in a tenth of that (cli/test/startup.test.ts
 * checks that no server library is loaded).
 */
export { DEFAULT_PORTS, OWNER_NAMES, portVariable, SUBGRAPH_NAMES, type SubgraphName } from './kit/services';
export { CLIENT_ROLES, type ClientRole } from './kit/roles';
export { ErrorCode, IdentifierError } from './errorCodes';
export { parseMonth } from './identifiers/month';
export { parseCreditCode } from './identifiers/creditCode';
