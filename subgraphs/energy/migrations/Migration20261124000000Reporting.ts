import { addReportingTables, PortableMigration } from '@huishang/schema';

export class Migration20261124000000Reporting extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => addReportingTables(s, { register: true }));
  }
}
