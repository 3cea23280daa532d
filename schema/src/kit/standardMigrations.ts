import { addReportingTables, createObservationTable, createTargetTable } from './migrations';
import { PortableMigration } from './database';

/*
 * The migrations of a department that owns no shared entity (extendingSubgraph): its
 * `observation` table, the reporting tables with its enterprise register, and its targets. A new
 * department needs no migrations folder; the four that have one carry the same three, under the
 * same names (MikroORM records a migration by its class name), so either set applies to either's
 * database. A department that needs more lists these first, then its own.
 */

export class Migration20261123000000Initial extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createObservationTable(s));
  }
}

export class Migration20261124000000Reporting extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => addReportingTables(s, { register: true }));
  }
}

export class Migration20261124000100Targets extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createTargetTable(s));
  }
}

/** In order: what extendingSubgraph() uses when a department lists no migrations. */
export const EXTENDING_DEPARTMENT_MIGRATIONS = [Migration20261123000000Initial, Migration20261124000000Reporting, Migration20261124000100Targets];
