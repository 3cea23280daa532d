import { addReportingTables, PortableMigration } from '@huishang/schema';

export class Migration20261124000000Reporting extends PortableMigration {
  override async up(): Promise<void> {
    // The industry bureau keeps the full register (`enterprise`): no separate enterprise_register.
    this.schema((s) => addReportingTables(s, { register: false }));
  }
}
