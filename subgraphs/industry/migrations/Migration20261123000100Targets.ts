import { PortableMigration } from '@huishang/schema';

export class Migration20261123000100Targets extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s.createTable('target', (t) => {
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
      }),
    );
  }
}
