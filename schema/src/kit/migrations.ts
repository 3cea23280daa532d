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
