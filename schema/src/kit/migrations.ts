import type { Knex } from '@mikro-orm/knex';
import { PortableMigration } from './database';

/** The `observation` table every subgraph has (see ObservationRecord); its first migration calls this. */
export function createObservationTable(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.createTable('observation', (t) => {
    t.increments('id').primary();
    t.string('indicator', 64).notNullable();
    t.string('subject_type', 16).notNullable();
    t.string('subject_code', 18).notNullable();
    t.string('month', 7).notNullable();
    t.double('value').nullable();
    t.double('ytd_value').nullable();
    t.double('yoy_pct').nullable();
    t.double('ytd_yoy_pct').nullable();
    t.string('status', 16).notNullable();
    t.string('reported_by', 64).notNullable();
    t.datetime('reported_at', { useTz: true }).notNullable();
    t.unique(['indicator', 'subject_type', 'subject_code', 'month'], { indexName: 'observation_subject_unique' });
    t.index(['month', 'subject_type', 'subject_code'], 'observation_lookup_index');
  });
}

/**
 * Reporting (issue 3): versions and derivation flags on `observation`, the append-only
 * `observation_history`, the `submission` ledger and, for departments that do not keep the full
 * enterprise register, `enterprise_register`.
 */
export function addReportingTables(schema: Knex.SchemaBuilder, options: { register: boolean }): Knex.SchemaBuilder {
  let builder = schema
    .alterTable('observation', (t) => {
      t.integer('version').notNullable().defaultTo(1);
      // Nullable: SQLite adds a NOT NULL column only with a default, and boolean defaults differ by dialect.
      t.boolean('derived').nullable();
      t.integer('submission_id').nullable();
    })
    .createTable('observation_history', (t) => {
      t.increments('id').primary();
      t.string('indicator', 64).notNullable();
      t.string('subject_type', 16).notNullable();
      t.string('subject_code', 18).notNullable();
      t.string('month', 7).notNullable();
      t.double('value').nullable();
      t.double('ytd_value').nullable();
      t.double('yoy_pct').nullable();
      t.double('ytd_yoy_pct').nullable();
      t.string('status', 16).notNullable();
      t.string('reported_by', 64).notNullable();
      t.datetime('reported_at', { useTz: true }).notNullable();
      t.integer('version').notNullable();
      t.boolean('derived').nullable();
      t.integer('submission_id').nullable();
      t.datetime('superseded_at', { useTz: true }).notNullable();
      t.index(['month', 'subject_type', 'subject_code'], 'observation_history_subject_index');
    })
    .createTable('submission', (t) => {
      t.increments('id').primary();
      t.string('idempotency_key', 128).notNullable();
      t.string('month', 7).notNullable();
      t.string('payload_hash', 64).notNullable();
      t.string('reported_by', 64).notNullable();
      t.datetime('received_at', { useTz: true }).notNullable();
      t.integer('created').notNullable();
      t.integer('updated').notNullable();
      t.integer('revised').notNullable();
      t.integer('unchanged').notNullable();
      t.unique(['idempotency_key'], { indexName: 'submission_key_unique' });
    });
  if (options.register) {
    builder = builder.createTable('enterprise_register', (t) => {
      t.string('credit_code', 18).notNullable().primary();
      t.string('region_code', 6).notNullable();
      t.index(['region_code'], 'enterprise_register_region_index');
    });
  }
  return builder;
}

/** Annual targets on the department's own indicators (see TargetRecord). */
export function createTargetTable(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.createTable('target', (t) => {
    t.increments('id').primary();
    t.integer('year').notNullable();
    t.string('region_code', 6).notNullable();
    t.string('indicator', 64).notNullable();
    t.string('measure', 16).notNullable();
    t.double('value').notNullable();
    t.string('unit', 16).notNullable();
    t.string('scope', 64).nullable();
    t.string('description', 256).notNullable();
    t.string('source', 64).notNullable();
    t.index(['year', 'region_code'], 'target_year_region_index');
  });
}

/** The columns that name one figure (an indicator for a subject and month). */
const FIGURE = ['indicator', 'subject_type', 'subject_code', 'month'] as const;
const sameFigure = (alias: string) => FIGURE.map((c) => `${alias}.${c} = NEW.${c}`).join(' and ');

/**
 * Issue 13: versions of a figure form a strict chain, enforced by the database itself so that no
 * writer can forget it. `asOf` reads the version whose [reported_at, superseded_at) holds the
 * instant (the current row: [reported_at, ∞)); these rules make those intervals disjoint:
 * - a superseded version is unique per figure and version number (two writers superseding the
 *   same version collide on it even without the month's lock);
 * - it lasted a positive time (superseded_at > reported_at) and overlaps no other superseded
 *   version of the figure;
 * - the current version is newer than every superseded one (higher version, starting at or after
 *   the last one ended).
 * Triggers rather than CHECK or EXCLUDE constraints: the same rule on SQLite and PostgreSQL, and
 * MikroORM's schema diff (which compares indexes and columns with the entities) stays empty.
 * Also: which fields were derived and why a version was written (`derived_fields`,
 * `change_reason`), and the period of a target (`target.period`: YEAR, H1, H2, Q1…Q4).
 */
export class Migration20261130000000VersionChain extends PortableMigration {
  override async up(): Promise<void> {
    const sqlite = (this.getKnex().client as { dialect?: string }).dialect === 'sqlite3';
    this.schema((s) =>
      s
        .alterTable('observation', (t) => {
          t.string('derived_fields', 64).nullable();
          t.string('change_reason', 1024).nullable();
        })
        .alterTable('observation_history', (t) => {
          t.string('derived_fields', 64).nullable();
          t.string('change_reason', 1024).nullable();
          t.unique([...FIGURE, 'version'], { indexName: 'observation_history_version_unique' });
        })
        .alterTable('target', (t) => {
          t.string('period', 8).notNullable().defaultTo('YEAR');
        }),
    );
    const historyBroken = `NEW.superseded_at <= NEW.reported_at or exists (select 1 from observation_history h where ${sameFigure('h')} and h.version <> NEW.version and h.reported_at < NEW.superseded_at and NEW.reported_at < h.superseded_at) or exists (select 1 from observation o where ${sameFigure('o')} and o.version > NEW.version and o.reported_at < NEW.superseded_at)`;
    const currentBroken = `exists (select 1 from observation_history h where ${sameFigure('h')} and (h.version >= NEW.version or h.superseded_at > NEW.reported_at))`;
    const historyMessage = 'observation_history: a superseded version must last a positive time and overlap no other version of the figure (VERSION_CHAIN)';
    const currentMessage = 'observation: the current version must be newer than every superseded version of the figure (VERSION_CHAIN)';
    if (sqlite) {
      this.addSql(`create trigger observation_history_chain before insert on observation_history begin select raise(abort, '${historyMessage}') where ${historyBroken}; end`);
      for (const event of ['insert', 'update']) {
        this.addSql(`create trigger observation_chain_${event} before ${event} on observation begin select raise(abort, '${currentMessage}') where ${currentBroken}; end`);
      }
    } else {
      this.addSql(
        `create function observation_history_chain() returns trigger language plpgsql as $$ begin if ${historyBroken} then raise exception '${historyMessage}' using errcode = '23P01'; end if; return NEW; end $$`,
      );
      this.addSql(`create trigger observation_history_chain before insert on observation_history for each row execute function observation_history_chain()`);
      this.addSql(
        `create function observation_chain() returns trigger language plpgsql as $$ begin if ${currentBroken} then raise exception '${currentMessage}' using errcode = '23P01'; end if; return NEW; end $$`,
      );
      this.addSql(`create trigger observation_chain before insert or update on observation for each row execute function observation_chain()`);
    }
  }
}

/**
 * A correction to an earlier month can leave a later month's reported year-to-date behind
 * (issue 16): `implied_ytd_value` holds what the earlier months now imply while the reported one
 * awaits re-reporting (待重报), and `confirmed_previous_ytd` what a confirmed break in the chain
 * was confirmed against, on the current figure and on each superseded version, so "as it stood"
 * also says what was stale then.
 */
export class Migration20261201000000ImpliedYtd extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .alterTable('observation', (t) => {
          t.double('implied_ytd_value').nullable();
          t.double('confirmed_previous_ytd').nullable();
        })
        .alterTable('observation_history', (t) => {
          t.double('implied_ytd_value').nullable();
          t.double('confirmed_previous_ytd').nullable();
        }),
    );
  }
}
