/**
 * Two imports for the same department and month at the same time, as two processes through the
 * gateway: the result equals one applied after the other — nothing duplicated, nothing lost, no
 * crash. On SQLite the second writer waits for the first (busy timeout); on PostgreSQL an advisory
 * lock serialises them.
 */
import { startSystem, type System } from '../support/system';
import { csvText, department, register, syntheticCreditCodes, workDir, type Cells, type Department } from './support';

/** A system starts in seconds on a quiet machine; give a loaded one time (E2E_READY_TIMEOUT_MS, as the harness). */
const START_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000) + 120_000;
let system: System;
let dept: Department;
let files: ReturnType<typeof workDir>;
const codes = syntheticCreditCodes(3000, 'W');

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
  dept = department(system, 'energy');
  await register(dept, codes);
  files = workDir();
}, START_TIMEOUT_MS);
afterAll(async () => {
  await system?.stop();
  files?.remove();
});

const SUBMIT = `mutation Submit($batch: ObservationBatchInput!) { submitEnergyObservations(batch: $batch) { submissionId } }`;

const row = (code: string, value: number): Cells => ['EN_ELECTRICITY', 'ENTERPRISE', code, '万千瓦时', value, null, null, null];
const submissionOf = (stdout: string) => Number(/submission (\d+)/.exec(stdout)?.[1]);

interface Observation {
  subject_code: string;
  value: number;
  version: number;
  submission_id: number;
}

describe.each([
  ['2016-06', 'a.csv first in the argument list'],
  ['2016-07', 'b.csv first in the argument list'],
])('two different files for %s at once (%s)', (month, order) => {
  it('both succeed; the database holds what one after the other would give', async () => {
    // A: the first 2,000 enterprises; B: the last 2,000; 1,000 in both, with different values.
    const a = new Map(codes.slice(0, 2000).map((c, i) => [c, 1000 + i]));
    const b = new Map(codes.slice(1000, 3000).map((c, i) => [c, 5000 + i]));
    const fileA = files.write(`${month}-a.csv`, csvText([...a].map(([c, v]) => row(c, v))));
    const fileB = files.write(`${month}-b.csv`, csvText([...b].map(([c, v]) => row(c, v))));
    const args = (file: string) => ['import', '--department', 'energy', '--month', month, '--reported-by', file.endsWith('a.csv') ? 'A' : 'B', file];
    const ordered = order.startsWith('a') ? [fileA, fileB] : [fileB, fileA];
    const [first, second] = await Promise.all(ordered.map((f) => dept.cli(args(f))));
    const [resultA, resultB] = order.startsWith('a') ? [first, second] : [second, first];
    for (const r of [resultA, resultB]) {
      expect(r.stderr).not.toMatch(/SQLITE_BUSY|database is locked|deadlock|\n\s+at /);
      expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 }); // stderr shown when it fails
    }

    // Whichever committed first created its 2,000; the second created 1,000 and updated the 1,000 shared.
    const idA = submissionOf(resultA.stdout);
    const idB = submissionOf(resultB.stdout);
    const [earlier, later] = idA < idB ? [a, b] : [b, a];
    const [earlierOut, laterOut] = idA < idB ? [resultA, resultB] : [resultB, resultA];
    expect(earlierOut.stdout).toContain('created 2,000, updated 0, revised 0, unchanged 0');
    expect(laterOut.stdout).toContain('created 1,000, updated 1,000, revised 0, unchanged 0');

    // No duplicates: one row per indicator, subject and month.
    const duplicates = await dept.sql(
      'select indicator, subject_type, subject_code, month, count(*) as n from observation group by indicator, subject_type, subject_code, month having count(*) > 1',
    );
    expect(duplicates).toEqual([]);
    const rows = await dept.sql<Observation>('select subject_code, value, version, submission_id from observation where month = ?', [month]);
    expect(rows).toHaveLength(3000);

    // Nothing lost: every row is the later file's value where it has one, the earlier's otherwise…
    const laterId = Math.max(idA, idB);
    for (const r of rows) {
      if (later.has(r.subject_code)) {
        expect(r.value).toBe(later.get(r.subject_code));
        expect(r.submission_id).toBe(laterId);
        expect(r.version).toBe(earlier.has(r.subject_code) ? 2 : 1);
      } else {
        expect(r.value).toBe(earlier.get(r.subject_code));
        expect(r.version).toBe(1);
      }
    }
    // …and history holds the earlier file's value for each of the 1,000 they share, once.
    const history = await dept.sql<Observation>('select subject_code, value, version, submission_id from observation_history where month = ?', [month]);
    expect(history).toHaveLength(1000);
    for (const h of history) {
      expect(later.has(h.subject_code) && earlier.has(h.subject_code)).toBe(true);
      expect(h.value).toBe(earlier.get(h.subject_code));
      expect(h.version).toBe(1);
    }
    expect(await dept.count('submission', 'month = ?', [month])).toBe(2);
  });
});

describe('the same file twice at once', () => {
  it('is applied once: one process writes it, the other reports it already imported', async () => {
    const month = '2016-08';
    const file = files.write('same.csv', csvText(codes.slice(0, 1500).map((c, i) => row(c, i))));
    const results = await Promise.all([dept.cli(['import', '--department', 'energy', '--month', month, file]), dept.cli(['import', '--department', 'energy', '--month', month, file])]);
    for (const r of results) expect(r.code).toBe(0);
    expect(results.filter((r) => r.stdout.includes('already imported'))).toHaveLength(1);
    expect(results.filter((r) => r.stdout.includes('created 1,500'))).toHaveLength(2);
    expect(new Set(results.map((r) => submissionOf(r.stdout))).size).toBe(1);
    expect(await dept.count('observation', 'month = ?', [month])).toBe(1500);
    expect(await dept.count('observation_history', 'month = ?', [month])).toBe(0);
    expect(await dept.count('submission', 'month = ?', [month])).toBe(1);
  });
});

describe('an import while the mutation submits batches', () => {
  it('every figure ends as the last submission that touched it left it, with each earlier version in history, in order', async () => {
    const month = '2016-09';
    const imported = codes.slice(0, 2000);
    const file = files.write('with-mutation.csv', csvText(imported.map((c, i) => ['EN_GAS', 'ENTERPRISE', c, '万立方米', 10_000 + i, null, null, null])));
    let exited = false;
    const command = dept.cli(['import', '--department', 'energy', '--month', month, file]).finally(() => (exited = true));
    // The mutation through the gateway with the energy token: small overlapping batches, one after
    // another, for as long as the import runs.
    const touches = new Map<string, { submission: number; value: number }[]>();
    for (let k = 0; k < 3 || !exited; k++) {
      const slice = codes.slice((k * 150) % 2800, ((k * 150) % 2800) + 200);
      const answer = await system.query(
        SUBMIT,
        {
          batch: {
            idempotencyKey: `mutation-${month}-${k}`,
            month,
            reportedBy: 'mutation',
            status: 'PRELIMINARY',
            observations: slice.map((c, i) => ({ indicator: 'EN_GAS', subjectKind: 'ENTERPRISE', subjectCode: c, unit: '万立方米', value: (k + 1) * 1_000_000 + i })),
          },
        },
        undefined,
        { token: system.tokens.energy },
      );
      expect(answer.errors).toBeUndefined();
      const outcome = answer.data.submitEnergyObservations as { submissionId: number };
      slice.forEach((c, i) => touches.set(c, [...(touches.get(c) ?? []), { submission: outcome.submissionId!, value: (k + 1) * 1_000_000 + i }]));
      if (k > 200) throw new Error('the import did not finish');
      // Requests, not a tight loop: SQLite's busy handler backs off, and a writer that never pauses starves the other.
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await command;
    expect(result.stderr).not.toMatch(/SQLITE_BUSY|database is locked|\n\s+at /);
    expect(result.code).toBe(0);
    const importId = submissionOf(result.stdout);
    imported.forEach((c, i) => touches.set(c, [...(touches.get(c) ?? []), { submission: importId, value: 10_000 + i }]));

    // Replayed in the order they were applied (submission numbers), the submissions give exactly the database.
    const rows = await dept.sql<Observation>("select subject_code, value, version, submission_id from observation where month = ? and indicator = 'EN_GAS'", [month]);
    expect(rows).toHaveLength(touches.size);
    const history = await dept.sql<Observation>("select subject_code, value, version, submission_id from observation_history where month = ? and indicator = 'EN_GAS' order by subject_code, version", [month]);
    const historyOf = new Map<string, Observation[]>();
    for (const h of history) historyOf.set(h.subject_code, [...(historyOf.get(h.subject_code) ?? []), h]);
    for (const row of rows) {
      const sequence = [...touches.get(row.subject_code)!].sort((a, b) => a.submission - b.submission);
      const last = sequence[sequence.length - 1];
      expect({ value: row.value, version: row.version, submission: row.submission_id }).toEqual({ value: last.value, version: sequence.length, submission: last.submission });
      const earlier = (historyOf.get(row.subject_code) ?? []).map((h) => ({ value: h.value, version: h.version, submission: h.submission_id }));
      expect(earlier).toEqual(sequence.slice(0, -1).map((t, i) => ({ value: t.value, version: i + 1, submission: t.submission })));
    }
  });
});
