import type { Knex } from '@mikro-orm/knex';

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
