/**
 * `@huishang/gateway/access`: what other packages use of the gateway's access control without
 * starting a gateway (the package's main runs one): the client and document stores and the audit
 * trail (the `huishang clients|documents|audit` commands), the gateway's own `audit` subgraph
 * (SDL for composition, schema to execute it), and the edge's rules — bearer authentication and
 * rate limits, operation checks, the audit record — for another gateway serving the same graph
 * (the Hive Gateway plugin, plugins/hive-access).
 */
export { AuditLog, auditEntry, type AuditEntry, type AuditFilter, type AuditRecord, type IntegrityReport } from './audit';
export { AUDIT_ROUTING_URL, AUDIT_SDL, AUDIT_SUBGRAPH_NAME, auditSubgraphSchema } from './auditSubgraph';
export { AuthenticationError, ClientStore, DocumentStore, openAccessDatabase, registeredDocuments, UnknownClient, type AuthenticatedClient, type ClientView } from './clients';
export { authenticateBearer, limitUnauthenticated, unauthenticatedPerMinute, type EdgeRefusal } from './edge';
export { operationLimits, type OperationLimits } from './limits';
export { ATTEMPT_OUTCOME, checkOperation, fieldCoordinates, isWrite, outcomeOf, recordAnswer, recordAttempt } from './plugin';
export { newDocumentsPerMinute, RateLimiter, SeenDocuments } from './rateLimit';
export { emptyReads, REQUEST_ID_HEADER, requestIdFrom, takeReads, type GatewayContext, type ReadsSeen } from '../context';
