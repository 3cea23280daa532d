import { PortableMigration } from '@huishang/schema';

/**
 * Industrial parks (园区): the park list, each enterprise's park in the register (`enterprise.park_code`,
 * null outside every park) and the parks' infrastructure-investment targets. The ledger's monthly
 * figures are observations of subject kind PARK (the kit's `observation` table).
 */
export class Migration20261130100000Parks extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .createTable('park', (t) => {
          t.string('code', 9).notNullable().primary();
          t.string('name', 64).notNullable();
          t.string('name_en', 128).notNullable();
          t.string('region_code', 6).notNullable();
          t.string('kind', 24).notNullable();
          t.index(['region_code'], 'park_region_index');
        })
        .alterTable('enterprise', (t) => {
          t.string('park_code', 9).nullable();
          t.index(['park_code'], 'enterprise_park_index');
        })
        .createTable('park_investment_target', (t) => {
          t.increments('id').primary();
          t.integer('year').notNullable();
          t.string('period', 8).notNullable();
          t.string('park_code', 9).nullable();
          t.double('value').notNullable();
          t.string('description', 256).notNullable();
          t.string('source', 128).notNullable();
          t.index(['year', 'park_code'], 'park_investment_target_year_index');
        }),
    );
  }
}
