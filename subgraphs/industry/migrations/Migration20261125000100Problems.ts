import { PortableMigration } from '@huishang/schema';

/** The meeting's problem list (问题清单) and its append-only status history. */
export class Migration20261125000100Problems extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) =>
      s
        .createTable('problem', (t) => {
          t.string('code', 16).notNullable().primary();
          t.string('enterprise_code', 18).nullable();
          t.string('region_code', 6).notNullable();
          t.string('category', 16).notNullable();
          t.string('description', 512).notNullable();
          t.string('raised_by', 64).notNullable();
          t.date('raised_on').notNullable();
          t.string('owner', 16).notNullable();
          t.date('deadline').notNullable();
          t.string('status', 16).notNullable();
          t.index(['region_code'], 'problem_region_index');
          t.index(['status'], 'problem_status_index');
        })
        .createTable('problem_status_change', (t) => {
          t.increments('id').primary();
          t.string('problem_code', 16).notNullable();
          t.string('from_status', 16).nullable();
          t.string('to_status', 16).notNullable();
          t.datetime('changed_at', { useTz: true }).notNullable();
          t.string('changed_by', 64).notNullable();
          t.string('note', 512).nullable();
          t.index(['problem_code', 'changed_at'], 'problem_status_change_problem_index');
        }),
    );
  }
}
