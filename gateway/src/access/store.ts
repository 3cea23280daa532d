/**
 * `@huishang/gateway/access-store`: the access database alone — clients, persisted documents and
 * the audit trail — for the operator's commands (`huishang clients|documents|audit`).
 *
 * Why beside `@huishang/gateway/access`: that entry also carries the edge's rules and the audit
 * subgraph, which load graphql-js, Apollo and the whole schema kit (about 0.7 s of CPU); an
 * operator's command needs none of it (cli/test/startup.test.ts checks what it loads).
 */
export { AUDIT_FILTER_FORMS, AuditLog, auditEntry, type AuditEntry, type AuditFilter, type AuditRecord, type IntegrityReport } from './audit';
export { ClientStore, DocumentStore, openAccessDatabase, UnknownClient, type ClientView } from './clients';
export { emptyReads } from '../context';
