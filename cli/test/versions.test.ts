/**
 * Versions of one figure as a strict chain (issue 13): several `huishang import` processes revise
 * the same figures at once; afterwards every version has a time strictly after the one it
 * superseded, in commit order, and an `asOf` read at every commit boundary (and just before it)
 * sees exactly one version of each figure: the one committed last by then. The database itself
 * refuses a version that would overlap another. SQLite by default; PostgreSQL with
 * DATABASE_URL=postgres://….
 */
import { observationLoader, type ObservationRecord } from '@huishang/schema';
import { energy } from '../../subgraphs/energy/src/subgraph';
import { csvText, openDepartment, register, syntheticCreditCodes, workDir, type Department } from './support';

let dept: Department;
let files: ReturnType<typeof workDir>;
const codes = syntheticCreditCodes(8, 'T');
const MONTH = '2016-03';
const PROCESSES = Number(process.env.HUISHANG_TEST_WRITERS ?? 5);
const ROUNDS = 2;

beforeAll(async () => {
  dept = await openDepartment(energy);
  await register(dept, codes);
  files = workDir();
});
afterAll(async () => {
  await dept?.close();
  files?.remove();
});

interface Version {
  subject_code: string;
  version: number;
  value: number;
  status: string;
  submission_id: number;
  reported_at: number;
  superseded_at: number | null;
}

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === 'string' && !/^\d+$/.test(v) ? new Date(v).getTime() : Number(v));

describe(`${PROCESSES} imports of the same figures at once, ${ROUNDS} rounds`, () => {
  let chains: Map<string, Version[]>;

  beforeAll(async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const runs = Array.from({ length: PROCESSES }, (_, p) => {
        const file = files.write(`r${round}-p${p}.csv`, csvText(codes.map((c, i) => ['EN_ELECTRICITY', 'ENTERPRISE', c, '万千瓦时', 1000 + 10 * (round * PROCESSES + p) + i, null, null, null])));
        return dept.cli(['import', '--department', 'energy', '--month', MONTH, '--status', 'FINAL', '--reported-by', `writer ${round}.${p}`, file]);
      });
      for (const r of await Promise.all(runs)) {
        expect(r.stderr).not.toMatch(/SQLITE_BUSY|database is locked|deadlock|VERSION_CHAIN|\n\s+at /);
        expect(r.code).toBe(0);
      }
    }
    const current = await dept.sql<Version>("select subject_code, version, value, status, submission_id, reported_at, null as superseded_at from observation where month = ? and indicator = 'EN_ELECTRICITY'", [MONTH]);
    const history = await dept.sql<Version>("select subject_code, version, value, status, submission_id, reported_at, superseded_at from observation_history where month = ? and indicator = 'EN_ELECTRICITY'", [MONTH]);
    chains = new Map();
    for (const v of [...history, ...current]) {
      const row = { ...v, version: Number(v.version), submission_id: Number(v.submission_id), reported_at: ms(v.reported_at), superseded_at: v.superseded_at === null ? null : ms(v.superseded_at) };
      chains.set(v.subject_code, [...(chains.get(v.subject_code) ?? []), row].sort((a, b) => a.version - b.version));
    }
  });

  it('every figure has one version per import, numbered 1…n in commit (submission) order', () => {
    expect([...chains.keys()].sort()).toEqual([...codes].sort());
    for (const chain of chains.values()) {
      expect(chain.map((v) => v.version)).toEqual(Array.from({ length: PROCESSES * ROUNDS }, (_, i) => i + 1));
      const submissions = chain.map((v) => v.submission_id);
      expect(submissions).toEqual([...submissions].sort((a, b) => a - b));
      expect(chain.map((v) => v.status)).toEqual(['FINAL', ...Array(PROCESSES * ROUNDS - 1).fill('REVISED')]);
    }
  });

  it('versions have strictly increasing times, each superseded exactly when the next began', () => {
    for (const chain of chains.values()) {
      for (let i = 1; i < chain.length; i++) {
        expect(chain[i].reported_at).toBeGreaterThan(chain[i - 1].reported_at);
        expect(chain[i - 1].superseded_at).toBe(chain[i].reported_at);
      }
      expect(chain[chain.length - 1].superseded_at).toBeNull();
    }
  });

  it('asOf at every commit boundary, and a millisecond before it, sees exactly one version of each figure: the last committed by then', async () => {
    const boundaries = [...new Set([...chains.values()].flatMap((c) => c.map((v) => v.reported_at)))].sort((a, b) => a - b);
    const instants = [...new Set(boundaries.flatMap((t) => [t - 1, t]))];
    let checked = 0;
    for (const at of instants) {
      const loader = observationLoader(dept.testbed.orm.em.fork());
      const found = await Promise.all(codes.map((code) => loader.load({ subjectType: 'ENTERPRISE', subjectCode: code, month: MONTH, asOf: new Date(at).toISOString() })));
      codes.forEach((code, i) => {
        const rows = (found[i] as ObservationRecord[]).filter((r) => r.indicator === 'EN_ELECTRICITY');
        const expected = chains.get(code)!.filter((v) => v.reported_at <= at).pop();
        expect(rows.map((r) => r.version)).toEqual(expected ? [expected.version] : []);
        if (expected) expect(rows[0].value).toBe(expected.value);
        checked++;
      });
    }
    expect(checked).toBe(instants.length * codes.length);
  });
});

describe('the database refuses a broken chain, whoever writes', () => {
  const figure = (code: string) => ({ indicator: 'EN_ELECTRICITY', subject_type: 'ENTERPRISE', subject_code: code, month: MONTH });
  const insertHistory = (code: string, version: number, from: number, to: number) =>
    dept.sql(
      'insert into observation_history (indicator, subject_type, subject_code, month, value, status, reported_by, reported_at, version, superseded_at) values (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)',
      [...Object.values(figure(code)), 'FINAL', 'test', ...dateParams(from, to, version)],
    );
  // SQLite keeps MikroORM's datetimes as epoch milliseconds, PostgreSQL as timestamptz.
  const dateParams = (from: number, to: number, version: number) =>
    dept.testbed.settings.kind === 'sqlite' ? [from, version, to] : [new Date(from), version, new Date(to)];
  let chain: Version[];

  beforeAll(async () => {
    chain = (await dept.sql<Version>("select version, reported_at, superseded_at from observation_history where subject_code = ? and month = ? and indicator = 'EN_ELECTRICITY' order by version", [codes[0], MONTH])).map((v) => ({
      ...v,
      version: Number(v.version),
      reported_at: ms(v.reported_at),
      superseded_at: ms(v.superseded_at),
    }));
  });

  it('a second superseded row of the same version', async () => {
    await expect(insertHistory(codes[0], 1, chain[0].reported_at, chain[0].superseded_at!)).rejects.toThrow(/unique|UNIQUE|duplicate/);
  });

  it('a superseded version overlapping another', async () => {
    await expect(insertHistory(codes[0], 99, chain[0].reported_at + 0, chain[1].superseded_at! + 0)).rejects.toThrow(/VERSION_CHAIN/);
  });

  it('a version that lasted no time', async () => {
    await expect(insertHistory(codes[1], 98, 5, 5)).rejects.toThrow(/VERSION_CHAIN/);
  });

  it('a current version older than a superseded one', async () => {
    const sqlite = dept.testbed.settings.kind === 'sqlite';
    await expect(dept.sql("update observation set reported_at = ? where subject_code = ? and month = ? and indicator = 'EN_ELECTRICITY'", [sqlite ? chain[0].reported_at : new Date(chain[0].reported_at), codes[0], MONTH])).rejects.toThrow(
      /VERSION_CHAIN/,
    );
    await expect(dept.sql("update observation set version = 1 where subject_code = ? and month = ? and indicator = 'EN_ELECTRICITY'", [codes[0], MONTH])).rejects.toThrow(/VERSION_CHAIN/);
  });
});
