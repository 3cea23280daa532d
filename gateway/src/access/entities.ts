import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { PortableMigration } from '@huishang/schema/database';

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

/** The trace id of a request, beside its request id (issue 18): null when tracing was off. */
export class Migration20261130000000AuditTraceId extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('audit_record', (t) => {
        t.string('trace_id', 32).nullable();
      }),
    );
  }
}

/**
 * The audit trail (`audit_record`, created below) has no entity: it is written and read as rows
 * in bulk by AuditLog (access/audit.ts), whose `Row` type is its one description in code.
 */
export const ACCESS_ENTITIES = [ClientRecord, PersistedDocumentRecord];
/** Indicators a request was refused (issue 12): findable in the trail by indicator; null when none. */
export class Migration20261130200000AuditRefused extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('audit_record', (t) => {
        t.text('refused_indicators').nullable();
      }),
    );
  }
}

/** Submission numbers a write made (issue 14, finding 16): the import's record names its submission; null when none. */
export class Migration20261130300000AuditSubmissions extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('audit_record', (t) => {
        t.text('submissions').nullable();
      }),
    );
  }
}

/** Reads a rule did under a grant to it (t12 #4: the rule's, not the caller's figure reads); null when none. */
export class Migration20261130400000AuditRuleReads extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('audit_record', (t) => {
        t.text('rule_reads').nullable();
      }),
    );
  }
}

/** A refused read's enterprises and months (findable by `enterprise` and `month` as served ones are); null when none. */
export class Migration20261201000000AuditRefusedSubjects extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.alterTable('audit_record', (t) => {
        t.text('refused_enterprises').nullable();
        t.text('refused_months').nullable();
      }),
    );
  }
}

export const ACCESS_MIGRATIONS = [Migration20261125000000Access, Migration20261130000000AuditTraceId, Migration20261130200000AuditRefused, Migration20261130300000AuditSubmissions, Migration20261130400000AuditRuleReads, Migration20261201000000AuditRefusedSubjects];
