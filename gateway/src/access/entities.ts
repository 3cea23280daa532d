import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { PortableMigration } from '@huishang/schema';

/**
 * The gateway's own database (`access`: `data/access.sqlite`, or `<base>_access` on PostgreSQL):
 * who may call (clients), which documents safelisted clients may run, and the audit trail.
 * Stateless replicas share it; nothing here lives in a gateway's memory longer than a cache.
 */

/** A caller: a department's analyst, integration, meeting member or administrator. */
@Entity({ tableName: 'client' })
export class ClientRecord {
  /** `cl_` and 16 hex digits; the public half of the token. */
  @PrimaryKey({ type: 'string', length: 32 })
  id!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 32 })
  department!: string;

  @Property({ type: 'string', length: 16 })
  role!: string;

  /** SHA-256 of the token's secret half: the token itself is shown once and never stored. */
  @Property({ type: 'string', length: 64 })
  secretHash!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  /** Safelist mode: only registered persisted documents run for this client. */
  @Property({ type: 'boolean' })
  safelist: boolean = false;

  /** Requests per minute; null: the gateway's default. */
  @Property({ type: 'integer', nullable: true })
  rateLimit: number | null = null;

  /** Created by the embedded default for the demo; never in production. */
  @Property({ type: 'boolean' })
  demo: boolean = false;
}

/** A registered persisted document (安全清单): its SHA-256 and text. */
@Entity({ tableName: 'persisted_document' })
export class PersistedDocumentRecord {
  @PrimaryKey({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'text' })
  document!: string;

  @Property({ type: 'datetime' })
  registeredAt!: Date;
}

/** One request in the audit trail; `hash` chains it to the record before. */
@Entity({ tableName: 'audit_record' })
export class AuditRecordRow {
  /** 1, 2, 3, …: a gap is a deleted record. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  seq!: number;

  @Property({ type: 'string', length: 32 })
  at!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  clientId: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  department: string | null = null;

  @Property({ type: 'string', length: 16, nullable: true })
  role: string | null = null;

  @Property({ type: 'string', length: 128 })
  requestId!: string;

  @Property({ type: 'string', length: 256, nullable: true })
  operationName: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  documentHash: string | null = null;

  /** JSON arrays. */
  @Property({ type: 'text' })
  fields!: string;

  @Property({ type: 'text' })
  indicators!: string;

  @Property({ type: 'text' })
  enterprises!: string;

  @Property({ type: 'text' })
  months!: string;

  @Property({ type: 'string', length: 32 })
  outcome!: string;

  @Property({ type: 'text' })
  errorCodes!: string;

  @Property({ type: 'integer' })
  durationMs!: number;

  @Property({ type: 'string', length: 64 })
  prevHash!: string;

  @Property({ type: 'string', length: 64 })
  hash!: string;
}

export class Migration20261125000000Access extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .createTable('client', (t) => {
          t.string('id', 32).primary();
          t.string('name', 128).notNullable();
          t.string('department', 32).notNullable();
          t.string('role', 16).notNullable();
          t.string('secret_hash', 64).notNullable();
          t.datetime('created_at', { useTz: true }).notNullable();
          t.datetime('expires_at', { useTz: true }).nullable();
          t.datetime('revoked_at', { useTz: true }).nullable();
          t.boolean('safelist').notNullable().defaultTo(false);
          t.integer('rate_limit').nullable();
          t.boolean('demo').notNullable().defaultTo(false);
        })
        .createTable('persisted_document', (t) => {
          t.string('sha256', 64).primary();
          t.string('name', 128).notNullable();
          t.text('document').notNullable();
          t.datetime('registered_at', { useTz: true }).notNullable();
        })
        .createTable('audit_record', (t) => {
          t.integer('seq').primary();
          t.string('at', 32).notNullable();
          t.string('client_id', 32).nullable();
          t.string('department', 32).nullable();
          t.string('role', 16).nullable();
          t.string('request_id', 128).notNullable();
          t.string('operation_name', 256).nullable();
          t.string('document_hash', 64).nullable();
          t.text('fields').notNullable();
          t.text('indicators').notNullable();
          t.text('enterprises').notNullable();
          t.text('months').notNullable();
          t.string('outcome', 32).notNullable();
          t.text('error_codes').notNullable();
          t.integer('duration_ms').notNullable();
          t.string('prev_hash', 64).notNullable();
          t.string('hash', 64).notNullable();
          t.index(['at'], 'audit_record_at_index');
        }),
    );
  }
}

export const ACCESS_ENTITIES = [ClientRecord, PersistedDocumentRecord, AuditRecordRow];
export const ACCESS_MIGRATIONS = [Migration20261125000000Access];
