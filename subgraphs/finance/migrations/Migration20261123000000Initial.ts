import { createObservationTable, PortableMigration } from '@huishang/schema';

export class Migration20261123000000Initial extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createObservationTable(s));
  }
}
