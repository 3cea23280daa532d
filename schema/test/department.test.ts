/**
 * A department is its catalogue, figures type, demo rows and definition: the kit supplies the
 * migrations (no folder of copies) and everything else. A sixth department (the fixture in
 * fixtures/tax.ts) passes the conformance suite every subgraph runs: its migrations create
 * exactly what its entities describe, seeding fills it, batching and coded errors hold.
 */
import 'reflect-metadata';
import { describeSubgraph } from '../src/testing';
import { EXTENDING_DEPARTMENT_MIGRATIONS } from '../src/stubs';
import { tax, taxIndicators } from './fixtures/tax';

test('a department that lists no migrations gets the kit’s standard three', () => {
  expect(tax.database.migrations).toBe(EXTENDING_DEPARTMENT_MIGRATIONS);
  expect(tax.database.migrations.map((m) => m.name)).toEqual(['Migration20261123000000Initial', 'Migration20261124000000Reporting', 'Migration20261124000100Targets']);
});

describeSubgraph({
  definition: tax,
  catalogue: taxIndicators,
  field: 'tax',
  headlines: { industrialVat: 'TAX_INDUSTRIAL_VAT' },
});
