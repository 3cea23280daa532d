import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityData, type EntityManager, type RequiredEntityData } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { IdentifierError } from '../errors';
import { parseCreditCode, parseRegionCode } from '../identifiers';
import { addMonths, formatMonth, parseMonth } from '../identifiers/month';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { SubjectType } from '../observation/indicator';
import { ObservationRecord, ObservationVersionRecord, type ObservationStatusValue } from '../observation/ObservationRecord';
import { SubmissionRecord } from './records';

/** One figure as a department submits it. Absent growth or year-to-date is derived where the catalogue allows. */
export interface ObservationInputRow {
  indicator: string;
  subjectKind: SubjectType;
  subjectCode: string;
  unit: string;
  value?: number | null;
  ytdValue?: number | null;
  yoyPct?: number | null;
  ytdYoyPct?: number | null;
}

export interface BatchInput {
  /** Chosen by the client; the same key with the same content is applied once. */
  idempotencyKey: string;
  month: string;
  reportedBy: string;
  status: 'PRELIMINARY' | 'FINAL';
  observations: ObservationInputRow[];
}

/** Why one row (or the batch, `index: null`) was refused; `code` is stable, `reason` is for people. */
export interface Problem {
  index: number | null;
  field: string;
  value: unknown;
  code: ProblemCode;
  reason: string;
}

export type ProblemCode =
  | 'UNKNOWN_INDICATOR'
  | 'UNIT_MISMATCH'
  | 'BAD_IDENTIFIER'
  | 'UNKNOWN_SUBJECT'
  | 'SUBJECT_NOT_REPORTED'
  | 'FUTURE_MONTH'
  | 'BAD_MONTH'
  | 'OUT_OF_RANGE'
  | 'NOT_A_NUMBER'
  | 'MISSING_VALUE'
  | 'NOT_APPLICABLE'
  | 'DUPLICATE_ROW'
  | 'STATUS_REGRESSION'
  | 'BAD_BATCH';

export class BatchRejectedError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `batch refused, nothing was written: ${problems.length} problem${problems.length === 1 ? '' : 's'}; ` +
        problems
          .slice(0, 3)
          .map((p) => `${p.index === null ? '' : `observations[${p.index}].`}${p.field}: ${p.reason} (${p.code})`)
          .join('; ') +
        (problems.length > 3 ? '; …' : ''),
    );
    this.name = 'BatchRejectedError';
  }
}

/** The key was used before for a different batch. */
export class IdempotencyConflictError extends Error {
  constructor(readonly idempotencyKey: string) {
    super(`idempotency key ${JSON.stringify(idempotencyKey)} was already used for a different batch; use a new key for new content`);
    this.name = 'IdempotencyConflictError';
  }
}

export interface ReportingDepartment {
  name: string;
  catalogue: IndicatorCatalogue;
  /** Which of these credit codes the department's register holds. */
  knownEnterprises: (em: EntityManager, codes: string[]) => Promise<Set<string>>;
}

export interface SubmissionOutcome {
  submissionId: number | null;
  idempotencyKey: string;
  /** The batch had been applied before under this key: nothing changed now. */
  replayed: boolean;
  dryRun: boolean;
  created: number;
  updated: number;
  revised: number;
  unchanged: number;
  /** The current version of every figure in the batch (empty for a dry run). */
  observations: ObservationRecord[];
}

const FIGURES = ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct'] as const;
type Figures = Record<(typeof FIGURES)[number], number | null>;

const keyOf = (r: { indicator: string; subjectType?: string; subjectKind?: string; subjectCode: string }) =>
  `${r.indicator}|${r.subjectType ?? r.subjectKind}|${r.subjectCode}`;

const round = (v: number, decimals: number) => Number(v.toFixed(decimals));

/** The current calendar month: figures cannot be reported for a month that has not begun. */
function currentMonth(now: Date): string {
  return formatMonth(now.getFullYear(), now.getMonth() + 1);
}

/** Checks that need no database: shape, catalogue, identifiers, ranges, duplicates. */
export function validateBatchShape(department: ReportingDepartment, batch: BatchInput, now = new Date()): Problem[] {
  const problems: Problem[] = [];
  const batchProblem = (field: string, value: unknown, code: ProblemCode, reason: string) => problems.push({ index: null, field, value, code, reason });
  if (typeof batch.idempotencyKey !== 'string' || batch.idempotencyKey.length < 1 || batch.idempotencyKey.length > 128) {
    batchProblem('idempotencyKey', batch.idempotencyKey, 'BAD_BATCH', 'must be 1 to 128 characters');
  }
  if (typeof batch.reportedBy !== 'string' || batch.reportedBy.trim().length < 1 || batch.reportedBy.length > 64) {
    batchProblem('reportedBy', batch.reportedBy, 'BAD_BATCH', 'must name who reports, 1 to 64 characters');
  }
  if (batch.status !== 'PRELIMINARY' && batch.status !== 'FINAL') {
    batchProblem('status', batch.status, 'BAD_BATCH', 'must be PRELIMINARY or FINAL (a change to a final figure becomes REVISED by itself)');
  }
  try {
    parseMonth(batch.month);
    if (batch.month > currentMonth(now)) batchProblem('month', batch.month, 'FUTURE_MONTH', `is in the future (this is ${currentMonth(now)})`);
  } catch (error) {
    batchProblem('month', batch.month, 'BAD_MONTH', error instanceof IdentifierError ? error.reason : String(error));
  }
  if (!Array.isArray(batch.observations) || batch.observations.length === 0) {
    batchProblem('observations', batch.observations, 'BAD_BATCH', 'must hold at least one observation');
    return problems;
  }

  const seen = new Map<string, number>();
  batch.observations.forEach((row, index) => {
    const problem = (field: string, value: unknown, code: ProblemCode, reason: string) => problems.push({ index, field, value, code, reason });
    if (!department.catalogue.has(row.indicator)) {
      problem('indicator', row.indicator, 'UNKNOWN_INDICATOR', `${department.name} publishes ${department.catalogue.codes().join(', ')}`);
      return;
    }
    const definition = department.catalogue.get(row.indicator);
    if (row.unit !== definition.unit) problem('unit', row.unit, 'UNIT_MISMATCH', `${row.indicator} is reported in ${definition.unit}`);
    if (!definition.subjects.includes(row.subjectKind)) {
      problem('subjectKind', row.subjectKind, 'SUBJECT_NOT_REPORTED', `${row.indicator} is reported for ${definition.subjects.join(' and ')} only`);
    } else {
      try {
        if (row.subjectKind === 'REGION') parseRegionCode(row.subjectCode);
        else parseCreditCode(row.subjectCode);
      } catch (error) {
        problem('subjectCode', row.subjectCode, 'BAD_IDENTIFIER', error instanceof IdentifierError ? error.message : String(error));
      }
    }
    for (const field of FIGURES) {
      const v = row[field];
      if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problem(field, v, 'NOT_A_NUMBER', 'must be a finite number or null');
    }
    const given = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
    if (!given(row.value) && !given(row.ytdValue)) problem('value', row.value ?? null, 'MISSING_VALUE', 'give the current-month value, the year-to-date value, or both');
    if (definition.kind === 'STOCK' && given(row.ytdValue)) {
      problem('ytdValue', row.ytdValue, 'NOT_APPLICABLE', `${row.indicator} is a level at month end: it has no year-to-date value`);
    }
    for (const field of ['value', 'ytdValue'] as const) {
      const v = row[field];
      if (!given(v)) continue;
      if (definition.minimum !== undefined && v < definition.minimum) problem(field, v, 'OUT_OF_RANGE', `must be at least ${definition.minimum} ${definition.unit}`);
      if (definition.maximum !== undefined && v > definition.maximum) problem(field, v, 'OUT_OF_RANGE', `must be at most ${definition.maximum} ${definition.unit}`);
    }
    const key = keyOf(row);
    if (seen.has(key)) problem('indicator', row.indicator, 'DUPLICATE_ROW', `the same indicator and subject as observations[${seen.get(key)}]`);
    else seen.set(key, index);
  });
  return problems;
}

/** Checks against the department's register: every enterprise must be one it knows. */
async function validateSubjects(department: ReportingDepartment, em: EntityManager, batch: BatchInput, progress: ProgressListener): Promise<Problem[]> {
  const codes = [...new Set(batch.observations.filter((r) => r.subjectKind === 'ENTERPRISE').map((r) => r.subjectCode))];
  if (codes.length === 0) return [];
  const known = new Set<string>();
  for (let i = 0; i < codes.length; i += 1000) {
    for (const c of await department.knownEnterprises(em, codes.slice(i, i + 1000))) known.add(c);
    progress({ phase: 'checking', done: Math.min(i + 1000, codes.length), total: codes.length });
  }
  const problems: Problem[] = [];
  batch.observations.forEach((row, index) => {
    if (row.subjectKind === 'ENTERPRISE' && !known.has(row.subjectCode)) {
      problems.push({ index, field: 'subjectCode', value: row.subjectCode, code: 'UNKNOWN_SUBJECT', reason: `the ${department.name} register holds no enterprise ${row.subjectCode}` });
    }
  });
  return problems;
}

function payloadHash(batch: BatchInput): string {
  const canonical = {
    month: batch.month,
    reportedBy: batch.reportedBy,
    status: batch.status,
    observations: batch.observations.map((r) => [r.indicator, r.subjectKind, r.subjectCode, r.unit, ...FIGURES.map((f) => r[f] ?? null)]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Current rows of the batch's indicators and subjects for some months, keyed by `key|month`. Read
 * outside the identity map: a 100,000-row batch would otherwise make every flush compare 100,000
 * loaded entities with their snapshots.
 */
async function currentRows(em: EntityManager, batch: BatchInput, months: string[]): Promise<Map<string, ObservationRecord>> {
  const indicators = [...new Set(batch.observations.map((r) => r.indicator))];
  const codes = [...new Set(batch.observations.map((r) => r.subjectCode))];
  const found = new Map<string, ObservationRecord>();
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = await em.find(
      ObservationRecord,
      { month: { $in: months }, indicator: { $in: indicators }, subjectCode: { $in: codes.slice(i, i + 1000) } },
      { disableIdentityMap: true },
    );
    for (const row of rows) found.set(`${keyOf(row)}|${row.month}`, row);
  }
  return found;
}

/**
 * Year-to-date and growth the department left out, where the catalogue allows deriving them:
 * a flow's year-to-date adds this month to last month's; growth compares with the same month a
 * year before. Rates and reported-only indicators are never derived.
 */
function derive(department: ReportingDepartment, row: ObservationInputRow, month: string, rows: Map<string, ObservationRecord>): Figures & { derived: boolean } {
  const definition = department.catalogue.get(row.indicator);
  const figures: Figures = { value: row.value ?? null, ytdValue: row.ytdValue ?? null, yoyPct: row.yoyPct ?? null, ytdYoyPct: row.ytdYoyPct ?? null };
  if (definition.kind === 'RATE' || definition.reportedOnly) return { ...figures, derived: false };
  let derived = false;
  const previous = rows.get(`${keyOf(row)}|${addMonths(month, -1)}`);
  const lastYear = rows.get(`${keyOf(row)}|${addMonths(month, -12)}`);
  if (definition.kind === 'FLOW' && figures.ytdValue === null && figures.value !== null) {
    if (month.endsWith('-01')) {
      figures.ytdValue = figures.value;
      derived = true;
    } else if (previous?.ytdValue != null) {
      figures.ytdValue = round(previous.ytdValue + figures.value, 4);
      derived = true;
    }
  }
  if (figures.yoyPct === null && figures.value !== null && lastYear?.value) {
    figures.yoyPct = round((figures.value / lastYear.value - 1) * 100, 1);
    derived = true;
  }
  if (definition.kind === 'FLOW' && figures.ytdYoyPct === null && figures.ytdValue !== null && lastYear?.ytdValue) {
    figures.ytdYoyPct = round((figures.ytdValue / lastYear.ytdValue - 1) * 100, 1);
    derived = true;
  }
  return { ...figures, derived };
}

const sameFigures = (a: Figures, b: Figures) => FIGURES.every((f) => (a[f] ?? null) === (b[f] ?? null));

/**
 * The time of a new version: the clock, or one millisecond after the newest version it follows
 * when the clock is behind (another process's clock, or two commits within one millisecond).
 */
export function versionTime(clock: Date, current: Iterable<{ reportedAt: Date | string | number }>): Date {
  let latest = clock.getTime();
  for (const row of current) {
    const at = new Date(row.reportedAt).getTime();
    if (at >= latest) latest = at + 1;
  }
  return new Date(latest);
}

/** Serialises writers of one department and month: the second waits for the first to commit. */
async function lockMonth(em: EntityManager, department: string, month: string): Promise<void> {
  if (em.getPlatform().constructor.name.startsWith('PostgreSql')) {
    await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`huishang:${department}:${month}`], 'all', em.getTransactionContext());
  }
  // SQLite: the transaction's first statement writes, which takes the database's write lock.
}

/**
 * Rows per statement: SQLite's multi-row insert is a compound SELECT of at most 500 terms, and
 * 14 columns × 500 stays far below the bind-parameter limits of both databases.
 */
const WRITE_CHUNK = 500;

const OBSERVATION_KEY = ['indicator', 'subjectType', 'subjectCode', 'month'] as const;
const VERSIONED_FIELDS = ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct', 'status', 'reportedBy', 'reportedAt', 'version', 'derived', 'submissionId'] as const;

/**
 * Writes new and changed figures with one multi-row statement per chunk, not one entity each
 * through the unit of work: `insert … on conflict (indicator, subject, month) do update`, so a
 * changed figure keeps its row and id. Runs under the month's lock, so the rows read as absent
 * are still absent and the ones read as present still present.
 */
async function writeObservations(tx: EntityManager, rows: ObservationRecord[], progress: (written: number) => void): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const chunk = rows.slice(i, i + WRITE_CHUNK).map((r) => {
      const data: Record<string, unknown> = {};
      for (const field of [...OBSERVATION_KEY, ...VERSIONED_FIELDS]) data[field] = r[field];
      return data as RequiredEntityData<ObservationRecord>;
    });
    await (tx as SqlEntityManager).createQueryBuilder(ObservationRecord).insert(chunk).onConflict([...OBSERVATION_KEY]).merge([...VERSIONED_FIELDS]).execute('run');
    progress(chunk.length);
  }
}

async function writeHistory(tx: EntityManager, rows: EntityData<ObservationVersionRecord>[], progress: (written: number) => void): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const chunk = rows.slice(i, i + WRITE_CHUNK);
    await tx.insertMany(ObservationVersionRecord, chunk);
    progress(chunk.length);
  }
}

/** How far a large batch has got: enterprises checked against the register, then rows written (history and figures). */
export interface SubmitProgress {
  phase: 'checking' | 'writing';
  done: number;
  total: number;
}
export type ProgressListener = (progress: SubmitProgress) => void;

/**
 * Validates and applies a department's batch for a month: all or nothing, idempotent under the
 * client's key, keeping every superseded figure in `observation_history`. The reporting mutation
 * and the import command both come through here.
 */
export async function submitBatch(
  base: EntityManager,
  department: ReportingDepartment,
  batch: BatchInput,
  options: { dryRun?: boolean; now?: Date; onProgress?: ProgressListener } = {},
): Promise<SubmissionOutcome> {
  const clock = () => options.now ?? new Date();
  const progress: ProgressListener = options.onProgress ?? (() => undefined);
  const shapeProblems = validateBatchShape(department, batch, clock());
  if (shapeProblems.length) throw new BatchRejectedError(shapeProblems);
  const subjectProblems = await validateSubjects(department, base.fork(), batch, progress);
  if (subjectProblems.length) throw new BatchRejectedError(subjectProblems);
  const hash = payloadHash(batch);
  const empty = { submissionId: null, idempotencyKey: batch.idempotencyKey, created: 0, updated: 0, revised: 0, unchanged: 0, observations: [] };
  if (options.dryRun) return { ...empty, replayed: false, dryRun: true };

  const replay = async (): Promise<SubmissionOutcome | null> => {
    const existing = await base.fork().findOne(SubmissionRecord, { idempotencyKey: batch.idempotencyKey });
    if (!existing) return null;
    if (existing.payloadHash !== hash) throw new IdempotencyConflictError(batch.idempotencyKey);
    const observations = [...(await currentRows(base.fork(), batch, [batch.month])).values()];
    const { id, created, updated, revised, unchanged } = existing;
    return { submissionId: id, idempotencyKey: batch.idempotencyKey, replayed: true, dryRun: false, created, updated, revised, unchanged, observations };
  };
  const replayed = await replay();
  if (replayed) return replayed;

  try {
    return await base.fork().transactional(async (tx: EntityManager) => {
      await lockMonth(tx, department.name, batch.month);
      const submission = tx.create(SubmissionRecord, {
        idempotencyKey: batch.idempotencyKey,
        month: batch.month,
        payloadHash: hash,
        reportedBy: batch.reportedBy,
        receivedAt: clock(),
        created: 0,
        updated: 0,
        revised: 0,
        unchanged: 0,
      });
      await tx.flush();

      const rows = await currentRows(tx, batch, [batch.month, addMonths(batch.month, -1), addMonths(batch.month, -12)]);
      // The version's time, taken under the month's lock (SQLite: after the first write took the
      // database's write lock) and later than every version it supersedes: the versions of a
      // figure have strictly increasing times in commit order, whatever the clocks of the writers.
      const now = versionTime(clock(), rows.values());
      submission.receivedAt = now;
      const counts = { created: 0, updated: 0, revised: 0, unchanged: 0 };
      const problems: Problem[] = [];
      const written: ObservationRecord[] = [];
      const changed: ObservationRecord[] = [];
      const superseded: EntityData<ObservationVersionRecord>[] = [];
      batch.observations.forEach((row, index) => {
        const { derived, ...figures } = derive(department, row, batch.month, rows);
        const current = rows.get(`${keyOf(row)}|${batch.month}`);
        const wasFinal = current?.status === 'FINAL' || current?.status === 'REVISED';
        if (current && wasFinal && batch.status === 'PRELIMINARY') {
          problems.push({ index, field: 'status', value: batch.status, code: 'STATUS_REGRESSION', reason: `${row.indicator} for ${row.subjectCode} is already ${current.status}; a correction is submitted as FINAL and becomes REVISED` });
          return;
        }
        if (!current) {
          counts.created++;
          const created = Object.assign(new ObservationRecord(), {
            indicator: row.indicator,
            subjectType: row.subjectKind,
            subjectCode: row.subjectCode,
            month: batch.month,
            ...figures,
            status: batch.status,
            reportedBy: batch.reportedBy,
            reportedAt: now,
            version: 1,
            derived,
            submissionId: submission.id,
          });
          changed.push(created);
          written.push(created);
          return;
        }
        const status: ObservationStatusValue = wasFinal ? 'REVISED' : batch.status;
        if (sameFigures(current, figures) && (current.status === status || wasFinal)) {
          counts.unchanged++;
          written.push(current);
          return;
        }
        if (wasFinal) counts.revised++;
        else counts.updated++;
        // The figure as it stood stays readable: history first, then the new version in place.
        superseded.push({
          indicator: current.indicator,
          subjectType: current.subjectType,
          subjectCode: current.subjectCode,
          month: current.month,
          value: current.value,
          ytdValue: current.ytdValue,
          yoyPct: current.yoyPct,
          ytdYoyPct: current.ytdYoyPct,
          status: current.status,
          reportedBy: current.reportedBy,
          reportedAt: current.reportedAt,
          version: current.version,
          derived: current.derived,
          submissionId: current.submissionId,
          supersededAt: now,
        });
        const next = Object.assign(new ObservationRecord(), {
          id: current.id,
          indicator: current.indicator,
          subjectType: current.subjectType,
          subjectCode: current.subjectCode,
          month: current.month,
          ...figures,
          status,
          reportedBy: batch.reportedBy,
          reportedAt: now,
          version: current.version + 1,
          derived,
          submissionId: submission.id,
        });
        changed.push(next);
        written.push(next);
      });
      if (problems.length) throw new BatchRejectedError(problems);
      const total = superseded.length + changed.length;
      let done = 0;
      const wrote = (n: number) => progress({ phase: 'writing', done: (done += n), total });
      await writeHistory(tx, superseded, wrote);
      await writeObservations(tx, changed, wrote);
      Object.assign(submission, counts);
      await tx.flush();
      return { submissionId: submission.id, idempotencyKey: batch.idempotencyKey, replayed: false, dryRun: false, ...counts, observations: written };
    });
  } catch (error) {
    // Another writer committed the same key between our check and our insert: answer as a replay.
    if (error instanceof UniqueConstraintViolationException) {
      const again = await replay();
      if (again) return again;
    }
    throw error;
  }
}
