import { createObservationTable, PortableMigration } from '@huishang/schema';

export class Migration20261123000000Initial extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createObservationTable(s));
    this.schema((s) =>
      s.createTable('region', (t) => {
        t.string('code', 6).notNullable().primary();
        t.string('name', 64).notNullable();
        t.string('name_en', 128).notNullable();
        t.string('level', 16).notNullable();
        t.string('parent_code', 6).nullable();
        t.boolean('locally_assigned').notNullable();
      }),
    );
    this.schema((s) =>
      s.createTable('enterprise', (t) => {
        t.string('credit_code', 18).notNullable().primary();
        t.string('name', 128).notNullable();
        t.string('region_code', 6).notNullable();
        t.string('industry_code', 5).notNullable();
        t.string('industry_name', 64).notNullable();
        t.boolean('above_designated_size').notNullable();
        t.boolean('key_enterprise').notNullable();
        t.index(['region_code', 'credit_code'], 'enterprise_region_index');
      }),
    );
  }
}
