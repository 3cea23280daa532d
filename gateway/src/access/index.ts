/**
 * `@huishang/gateway/access`: what other packages use of the gateway's access control without
 * starting a gateway (the package's main runs one): the client and document stores and the audit
 * trail (the `huishang clients|documents|audit` commands), and the gateway's own `audit` subgraph
 * SDL (composition).
 */
export { AuditLog, type AuditEntry, type AuditFilter, type AuditRecord, type IntegrityReport } from './audit';
export { AUDIT_ROUTING_URL, AUDIT_SDL, AUDIT_SUBGRAPH_NAME } from './auditSubgraph';
export { ClientStore, DocumentStore, openAccessDatabase, type ClientView } from './clients';
