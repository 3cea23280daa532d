/**
 * A department is its catalogue, figures type, demo rows and definition: the kit supplies the
 * migrations (no folder of copies) and everything else. A sixth department (the fixture
 * test/fixtures/department, the work-safety bureau) passes the conformance suite every subgraph runs: its migrations create
 * exactly what its entities describe, seeding fills it, batching and coded errors hold.
 */
import 'reflect-metadata';
import { describeSubgraph } from '@huishang/schema/testing';
import { EXTENDING_DEPARTMENT_MIGRATIONS } from '@huishang/schema/stubs';
import { safety } from '../fixtures/department/src/subgraph';
import { safetyIndicators } from '../fixtures/department/src/indicators';

test('a department that lists no migrations gets the kit’s standard three', () => {
  expect(safety.database.migrations).toBe(EXTENDING_DEPARTMENT_MIGRATIONS);
  expect(safety.database.migrations.map((m) => m.name)).toEqual(['Migration20261123000000Initial', 'Migration20261124000000Reporting', 'Migration20261124000100Targets']);
});

describeSubgraph({
  definition: safety,
  catalogue: safetyIndicators,
  field: 'safety',
  headlines: { hazardsFound: 'SAFE_HAZARDS_FOUND' },
});
