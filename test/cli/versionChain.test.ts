/**
 * Versions as a strict chain (issue 13), through real processes: several `huishang import`
 * processes hammer ONE figure (the same indicator, subject and month) through the gateway at once,
 * each stream one import after another. Then every commit boundary is checked: the versions of the
 * figure, in commit order, have strictly increasing times, each superseded version ends exactly when
 * the next begins, and `asOf` just before, at and just after each boundary instant answers exactly
 * one version — the right one — through the gateway. Runs on SQLite and on PostgreSQL
 * (DATABASE_URL=postgres://…).
 *
 * Sizes are settings, so a slower or faster machine can hammer harder: VERSION_CHAIN_WRITERS
 * concurrent streams (default 8) of VERSION_CHAIN_ROUNDS imports each (default 3).
 */
import { startSystem, type System } from '../support/system';
import { csvText, department, workDir, type Department } from './support';

const START_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000) + 120_000;
const WRITERS = Number(process.env.VERSION_CHAIN_WRITERS ?? 8);
const ROUNDS = Number(process.env.VERSION_CHAIN_ROUNDS ?? 3);
const REGION = '411024'; // 鄢陵县
const MONTH = '2018-05';

let system: System;
let dept: Department;
let files: ReturnType<typeof workDir>;

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
  dept = department(system, 'energy');
  files = workDir();
}, START_TIMEOUT_MS);
afterAll(async () => {
  await system?.stop();
  files?.remove();
});

interface Version {
  version: number;
  value: number;
  status: string;
  submission_id: number;
  reported_at: string | Date;
  superseded_at?: string | Date | null;
}
const ms = (t: string | Date | null | undefined) => new Date(t as string).getTime();
const submissionOf = (stdout: string) => Number(/submission (\d+)/.exec(stdout)?.[1]);

describe(`${WRITERS} processes × ${ROUNDS} imports of one figure at once`, () => {
  const imports: { writer: number; round: number; value: number; submission: number }[] = [];
  let chain: Version[] = [];

  beforeAll(async () => {
    // Each import carries its own value, so every one makes a new version (FINAL, then REVISED).
    const stream = async (writer: number) => {
      for (let round = 0; round < ROUNDS; round++) {
        const value = 9000 + writer * 10 + round;
        const file = files.write(`w${writer}-r${round}.csv`, csvText([['EN_ELECTRICITY', 'REGION', REGION, '万千瓦时', value, null, null, null]]));
        const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--status', 'FINAL', '--reported-by', `writer ${writer}`, file]);
        expect(result.stderr).not.toMatch(/SQLITE_BUSY|database is locked|deadlock|\n\s+at /);
        expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 }); // stderr shown when it fails
        imports.push({ writer, round, value, submission: submissionOf(result.stdout) });
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => stream(w)));
    const where = "indicator = 'EN_ELECTRICITY' and subject_type = 'REGION' and subject_code = ? and month = ?";
    const history = await dept.sql<Version>(`select version, value, status, submission_id, reported_at, superseded_at from observation_history where ${where} order by version`, [REGION, MONTH]);
    const current = await dept.sql<Version>(`select version, value, status, submission_id, reported_at from observation where ${where}`, [REGION, MONTH]);
    expect(current).toHaveLength(1);
    chain = [...history.map((h) => ({ ...h, value: Number(h.value), version: Number(h.version), submission_id: Number(h.submission_id) })), { ...current[0], value: Number(current[0].value), version: Number(current[0].version), submission_id: Number(current[0].submission_id), superseded_at: null }];
  });

  it('every import made one version, numbered 1…n without gap or repeat', () => {
    expect(imports).toHaveLength(WRITERS * ROUNDS);
    expect(chain.map((v) => v.version)).toEqual(Array.from({ length: WRITERS * ROUNDS }, (_, i) => i + 1));
    // Each process's submission is exactly one version, with its value.
    expect(chain.map((v) => [v.submission_id, v.value]).sort((a, b) => a[0] - b[0])).toEqual(imports.map((i) => [i.submission, i.value]).sort((a, b) => a[0] - b[0]));
    expect(chain.map((v) => v.status)).toEqual(['FINAL', ...Array(WRITERS * ROUNDS - 1).fill('REVISED')]);
  });

  it('in commit order the versions have strictly increasing times, and each ends when the next begins', () => {
    // Commit order: the ledger numbers, taken under the month's lock, agree with the version numbers.
    const bySubmission = [...chain].sort((a, b) => a.submission_id - b.submission_id).map((v) => v.version);
    expect(bySubmission).toEqual(chain.map((v) => v.version));
    for (let i = 1; i < chain.length; i++) {
      expect(ms(chain[i].reported_at)).toBeGreaterThan(ms(chain[i - 1].reported_at));
      expect(ms(chain[i - 1].superseded_at)).toBe(ms(chain[i].reported_at));
    }
    // A stream's own imports follow one another: its later round is a later version.
    for (let w = 0; w < WRITERS; w++) {
      const own = imports.filter((i) => i.writer === w).map((i) => i.submission);
      expect(own).toEqual([...own].sort((a, b) => a - b));
    }
  });

  it('asOf at each boundary instant, just before and just after, answers exactly one version: the right one', async () => {
    const expected = (instant: number) => [...chain].reverse().find((v) => ms(v.reported_at) <= instant) ?? null;
    let checked = 0;
    for (const v of chain) {
      const at = ms(v.reported_at);
      const instants = { before: at - 1, at, after: at + 1 };
      const result = await system.query(
        `query($before: DateTimeISO!, $at: DateTimeISO!, $after: DateTimeISO!) { region(code: "${REGION}") {
          before: energy(month: "${MONTH}", asOf: $before) { indicators(codes: ["EN_ELECTRICITY"]) { value version status } }
          at: energy(month: "${MONTH}", asOf: $at) { indicators(codes: ["EN_ELECTRICITY"]) { value version status } }
          after: energy(month: "${MONTH}", asOf: $after) { indicators(codes: ["EN_ELECTRICITY"]) { value version status } }
        } }`,
        Object.fromEntries(Object.entries(instants).map(([k, t]) => [k, new Date(t).toISOString()])),
        undefined,
        { token: system.tokens.energy },
      );
      expect(result.errors).toBeUndefined();
      for (const [name, instant] of Object.entries(instants)) {
        const seen = result.data.region[name].indicators as { value: number; version: number; status: string }[];
        const want = expected(instant);
        expect({ boundary: v.version, name, seen }).toEqual({ boundary: v.version, name, seen: want ? [{ value: want.value, version: want.version, status: want.status }] : [] });
        checked++;
      }
    }
    expect(checked).toBe(3 * WRITERS * ROUNDS);
    // For the note: how many boundaries and instants were checked, and on which database.
    process.stdout.write(`version chain (${system.database.kind}): ${WRITERS} processes × ${ROUNDS} imports, ${chain.length} versions, ${chain.length - 1} commit boundaries + the first version, ${checked} asOf instants checked\n`);
  });
});
