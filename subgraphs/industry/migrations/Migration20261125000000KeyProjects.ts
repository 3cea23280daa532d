import { PortableMigration } from '@huishang/schema';

/** The key-project ledger (重点项目) and its monthly investment schedule. */
export class Migration20261125000000KeyProjects extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .createTable('key_project', (t) => {
          t.string('code', 16).notNullable().primary();
          t.string('name', 128).notNullable();
          t.integer('year').notNullable();
          t.string('region_code', 6).notNullable();
          t.string('enterprise_code', 18).nullable();
          t.string('industry_code', 5).notNullable();
          t.double('planned_total_investment').notNullable();
          t.double('planned_year_investment').notNullable();
          t.string('start_month', 7).notNullable();
          t.string('end_month', 7).notNullable();
          t.string('stage', 24).notNullable();
          t.index(['year', 'region_code'], 'key_project_year_region_index');
        })
        .createTable('key_project_month', (t) => {
          t.string('project_code', 16).notNullable();
          t.string('month', 7).notNullable();
          t.double('planned_cumulative').notNullable();
          t.double('completed_cumulative').nullable();
          t.primary(['project_code', 'month']);
        }),
    );
  }
}
