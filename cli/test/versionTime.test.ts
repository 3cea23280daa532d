/**
 * A new version's time is when its batch writes, not when the batch began (a tester's finding on
 * PostgreSQL): checking a large batch takes seconds while readers still get the version it
 * supersedes, so `asOf` one of those moments must give that version. The check is made slow here
 * (every plausibility threshold read waits), through `submitBatch`, the only way figures come in.
 */
import { submitBatch, type ObservationInputRow, type PlausibilitySettings } from '@huishang/schema';
import { openTestbed, type Testbed } from '@huishang/schema/testing';
import { energy } from '../../subgraphs/energy/src/subgraph';

const REGION = '411002';
const row = (value: number): ObservationInputRow => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: REGION, unit: '万千瓦时', value }) as ObservationInputRow;
const batch = (key: string, month: string, value: number) => ({ idempotencyKey: key, month, reportedBy: 'version time test', status: 'FINAL' as const, observations: [row(value)] });

let bed: Testbed;
beforeAll(async () => {
  bed = await openTestbed(energy);
});
afterAll(async () => {
  await bed?.close();
});

it('a correction checked slowly is stamped after its check: its time is when it was written, and the version it supersedes ends then', async () => {
  await submitBatch(bed.orm.em, energy.reporting!, batch('vt-feb', '2020-02', 1000));
  await submitBatch(bed.orm.em, energy.reporting!, batch('vt-mar-1', '2020-03', 1010));
  let checked = 0;
  const wait = (value: number) => {
    const until = Date.now() + 60;
    while (Date.now() < until);
    checked = Date.now();
    return value;
  };
  const slow: PlausibilitySettings = {
    get scaleRatio() {
      return wait(1000);
    },
    get jumpRatio() {
      return wait(10);
    },
    get growthPoints() {
      return wait(1);
    },
    get copiedRows() {
      return wait(3);
    },
  };
  const began = Date.now();
  await submitBatch(bed.orm.em, energy.reporting!, batch('vt-mar-2', '2020-03', 1020), { plausibility: slow });
  // The check was slow (it read a threshold), and the version is stamped after it.
  expect(checked).toBeGreaterThanOrEqual(began + 50);
  const [current] = await bed.sql<{ reported_at: string | number | Date; version: number }>("select reported_at, version from observation where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = '2020-03'", [REGION]);
  const [previous] = await bed.sql<{ superseded_at: string | number | Date; version: number }>("select superseded_at, version from observation_history where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = '2020-03'", [REGION]);
  expect({ current: Number(current.version), previous: Number(previous.version) }).toEqual({ current: 2, previous: 1 });
  const at = new Date(current.reported_at).getTime();
  expect(at).toBeGreaterThanOrEqual(checked);
  expect(new Date(previous.superseded_at).getTime()).toBe(at);
});
