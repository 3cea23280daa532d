import { createTargetTable, PortableMigration } from '@huishang/schema';

export class Migration20261124000100Targets extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createTargetTable(s));
  }
}
