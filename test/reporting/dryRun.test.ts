/**
 * A dry run takes no lock and writes nothing, yet reports what a real run would (issue 13; the
 * decision is written beside `submitBatch` in schema/src/reporting/submit.ts). Through the gateway:
 * while another writer holds the month (on SQLite the database's write lock, on PostgreSQL the
 * month's advisory lock, held here by the test's own connection), a dry run of a batch answers with
 * its counts; the real run of the same batch (on PostgreSQL already waiting for the holder) then
 * reports the same counts.
 */
import { join } from 'node:path';
import Database from 'libsql';
import { startSystem, type GraphQLResult, type System } from '../support/system';

let system: System;
const REGION = '411024'; // 鄢陵县
const MONTH = '2018-09';

beforeAll(async () => {
  system = await startSystem({ enterprises: 60, services: ['energy'] });
});
afterAll(async () => {
  await system?.stop();
});

const COUNTS = 'submissionId dryRun created updated revised unchanged recomputed observations { indicator subjectCode value version status }';
function submit(idempotencyKey: string, value: number, dryRun: boolean): Promise<GraphQLResult> {
  return system.query(
    `mutation($batch: ObservationBatchInput!, $dryRun: Boolean!) { result: submitEnergyObservations(batch: $batch, dryRun: $dryRun) { ${COUNTS} } }`,
    {
      batch: {
        idempotencyKey,
        month: MONTH,
        reportedBy: '测试员',
        status: 'FINAL',
        acceptOutliers: { reason: 'test figures' },
        observations: [{ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: REGION, unit: '万千瓦时', value }],
      },
      dryRun,
    },
    undefined,
    { token: system.tokens.energy },
  );
}

/** Holds what a real writer of the month takes, from a connection of the test's own, until released. */
async function holdMonth(): Promise<() => Promise<void>> {
  if (system.database.kind === 'sqlite') {
    const db = new Database(join(system.database.dataDir, 'energy.sqlite'), { timeout: 5_000 });
    // RESERVED: every other writer of the database waits (busy timeout); readers go on.
    db.exec('BEGIN IMMEDIATE');
    return async () => {
      db.exec('ROLLBACK');
      db.close();
    };
  }
  // `pg` ships no types (as in the harness): the little of it used here.
  type PgClient = { connect(): Promise<void>; query(text: string, params?: unknown[]): Promise<unknown>; end(): Promise<void> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as { Client: new (config: { connectionString: string }) => PgClient };
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${system.database.databases.energy}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('begin');
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [`huishang:energy:${MONTH}`]);
  return async () => {
    await client.query('rollback');
    await client.end();
  };
}

describe('a dry run while another writer holds the month', () => {
  it('answers at once with what a real run would do; the real run waits for the holder and does exactly that', async () => {
    const first = await submit('dry-run-base', 4000, false);
    expect(first.errors).toBeUndefined();

    const release = await holdMonth();
    let realSettled = false;
    let real: Promise<GraphQLResult> | undefined;
    try {
      // On PostgreSQL the real run goes first and queues on the month's lock. (A SQLite subgraph has
      // one connection, which a waiting writer's transaction keeps: there it is sent after the release.)
      if (system.database.kind === 'postgresql') real = submit('dry-run-real', 4100, false).finally(() => (realSettled = true));
      // Had the dry run taken the lock, it would wait for the holder: SQLITE_BUSY after the busy timeout, or the gateway's mutation timeout.
      const dry = await submit('dry-run-dry', 4100, true);
      expect(dry.errors).toBeUndefined();
      expect(realSettled).toBe(false);
      expect(dry.data.result).toEqual({
        submissionId: null,
        dryRun: true,
        created: 0,
        updated: 0,
        revised: 1,
        unchanged: 0,
        recomputed: 0,
        observations: [{ indicator: 'EN_ELECTRICITY', subjectCode: REGION, value: 4100, version: 2, status: 'REVISED' }],
      });
    } finally {
      await release();
    }
    real ??= submit('dry-run-real', 4100, false);
    const done = await real;
    expect(done.errors).toBeUndefined();
    const { submissionId, dryRun, ...counts } = done.data.result;
    expect(submissionId).toEqual(expect.any(Number));
    expect(dryRun).toBe(false);
    expect(counts).toEqual({ created: 0, updated: 0, revised: 1, unchanged: 0, recomputed: 0, observations: [{ indicator: 'EN_ELECTRICITY', subjectCode: REGION, value: 4100, version: 2, status: 'REVISED' }] });
    // The dry run left no trace: one ledger row per real run, two versions of the figure.
    const ledger = await system.sql('energy', 'select count(*) as n from submission where month = ?', [MONTH]);
    expect(Number(ledger[0].n)).toBe(2);
    const history = await system.sql('energy', 'select count(*) as n from observation_history where month = ?', [MONTH]);
    expect(Number(history[0].n)).toBe(1);
  });
});

describe('a dry run checks the idempotency key as the real run does (a tester’s finding: it answered "would update" where the real run refused)', () => {
  it('a key used for other content is IDEMPOTENCY_CONFLICT in a dry run too; the same content again answers as the replay it would be', async () => {
    const key = `dry-run-key-${Date.now()}`;
    const first = await submit(key, 5000, false);
    expect(first.errors).toBeUndefined();
    const ledger = async () => Number((await system.sql('energy', 'select count(*) as n from submission'))[0].n);
    const before = await ledger();
    for (const dryRun of [true, false]) {
      const other = await submit(key, 5100, dryRun);
      expect({ dryRun, codes: other.errors?.map((e) => e.extensions?.code) }).toEqual({ dryRun, codes: ['IDEMPOTENCY_CONFLICT'] });
    }
    const sameDry = await submit(key, 5000, true);
    const sameReal = await submit(key, 5000, false);
    expect(sameDry.errors).toBeUndefined();
    expect(sameReal.errors).toBeUndefined();
    const { dryRun: dryFlag, ...dry } = sameDry.data.result;
    const { dryRun: realFlag, ...real } = sameReal.data.result;
    expect({ dryFlag, realFlag }).toEqual({ dryFlag: true, realFlag: false });
    expect(dry).toEqual(real);
    expect(real.submissionId).toBe(first.data.result.submissionId);
    expect(await ledger()).toBe(before);
  });
});

it('a count (户) must be a whole number, in a dry run as in a real run: 1.5 户 is OUT_OF_RANGE naming the unit, nothing written; 2 户 passes', async () => {
  const batch = (idempotencyKey: string, value: number) => ({
    idempotencyKey,
    month: MONTH,
    reportedBy: '测试员',
    status: 'FINAL',
    acceptOutliers: { reason: 'test figures' },
    observations: [{ indicator: 'EN_ORDERLY_ENTERPRISES', subjectKind: 'REGION', subjectCode: REGION, unit: '户', value, ytdValue: null }],
  });
  const MUTATION = 'mutation($batch: ObservationBatchInput!, $dryRun: Boolean!) { result: submitEnergyObservations(batch: $batch, dryRun: $dryRun) { created updated revised unchanged } }';
  for (const dryRun of [true, false]) {
    const key = `fractional-count-${dryRun}-${Date.now()}`;
    const refused = await system.query(MUTATION, { batch: batch(key, 1.5), dryRun }, undefined, { token: system.tokens.energy });
    expect(refused.data?.result ?? null).toBeNull();
    const problems = (refused.errors?.[0]?.extensions?.problems ?? []) as { field: string; code: string; reason: string }[];
    expect({ dryRun, problems: problems.map((p) => [p.field, p.code]) }).toEqual({ dryRun, problems: [['value', 'OUT_OF_RANGE']] });
    expect(problems[0].reason).toMatch(/counts 户, a whole number: 1\.5 is not one/);
    expect(await system.sql('energy', 'select id from submission where idempotency_key = ?', [key])).toEqual([]);
  }
  const whole = await system.query(MUTATION, { batch: batch(`whole-count-${Date.now()}`, 2), dryRun: true }, undefined, { token: system.tokens.energy });
  expect(whole.errors).toBeUndefined();
  const { created, updated, revised, unchanged } = whole.data.result;
  expect(created + updated + revised + unchanged).toBe(1);
});

// A tester's clerk copied May's sheet into June, without year-to-date values, and it passed.
it('last month’s figures sent again as this month’s are COPIED_MONTH on each row, in a dry run as in a real run, nothing written; confirmed, they go in', async () => {
  // The demo's last month of the districts' electricity (other tests here write single figures of other months).
  const [{ month: latest }] = await system.sql('energy', "select month from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'REGION' and value > 0 group by month having count(*) >= 3 order by month desc limit 1");
  const sheet = await system.sql('energy', "select subject_code, value from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'REGION' and month = ? and value > 0 order by subject_code", [latest]);
  expect(sheet.length).toBeGreaterThanOrEqual(3);
  const [year, mm] = String(latest).split('-').map(Number);
  const next = mm === 12 ? `${year + 1}-01` : `${year}-${String(mm + 1).padStart(2, '0')}`;
  const batch = (idempotencyKey: string, acceptOutliers?: { reason: string }) => ({
    idempotencyKey,
    month: next,
    reportedBy: '测试员',
    status: 'PRELIMINARY',
    ...(acceptOutliers ? { acceptOutliers } : {}),
    observations: sheet.map((r) => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: r.subject_code, unit: '万千瓦时', value: Number(r.value) })),
  });
  const MUTATION = 'mutation($batch: ObservationBatchInput!, $dryRun: Boolean!) { result: submitEnergyObservations(batch: $batch, dryRun: $dryRun) { created updated revised unchanged } }';
  for (const dryRun of [true, false]) {
    const key = `copied-month-${dryRun}-${Date.now()}`;
    const refused = await system.query(MUTATION, { batch: batch(key), dryRun }, undefined, { token: system.tokens.energy });
    expect(refused.data?.result ?? null).toBeNull();
    const problems = (refused.errors?.[0]?.extensions?.problems ?? []) as { index: number; field: string; code: string; reason: string; confirmable: boolean; compared: { month: string } }[];
    expect({ dryRun, codes: [...new Set(problems.map((p) => `${p.field} ${p.code}`))], rows: problems.length }).toEqual({ dryRun, codes: ['value COPIED_MONTH'], rows: sheet.length });
    for (const p of problems) expect(p).toMatchObject({ confirmable: true, compared: { month: latest } });
    expect(problems[0].reason).toContain(`as do all ${sheet.length} flow figures of this batch`);
    expect(await system.sql('energy', 'select id from submission where idempotency_key = ?', [key])).toEqual([]);
  }
  const subjects = sheet.map((r) => r.subject_code);
  const written = await system.sql('energy', "select subject_code from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'REGION' and month = ?", [next]);
  expect(written.filter((r) => subjects.includes(r.subject_code))).toEqual([]);
  const confirmed = await system.query(MUTATION, { batch: batch(`copied-month-confirmed-${Date.now()}`, { reason: '各县区用电与上月持平，已核实' }), dryRun: false }, undefined, { token: system.tokens.energy });
  expect(confirmed.errors).toBeUndefined();
  expect(confirmed.data.result.created).toBe(sheet.length);
});
