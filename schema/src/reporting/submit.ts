import { createHash, randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityData, type EntityManager, type FilterQuery, type RequiredEntityData } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { IdentifierError } from '../errors';
import { cityMonth, parseCreditCode, parseParkCode, parseRegionCode } from '../identifiers';
import { addMonths, parseMonth } from '../identifiers/month';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { SubjectType } from '../observation/indicator';
import { ObservationRecord, ObservationVersionRecord, ytdOf, type ObservationStatusValue } from '../observation/ObservationRecord';
import { checkPlausibility, copiedMonth, plausibilitySettings, type PlausibilitySettings, type Reference } from './plausibility';
import { SubmissionRecord } from './records';
import { CONFIRMABLE, type ProblemCode } from './rules';
import { COUNT_UNITS } from '../observation/indicator';

export type { ProblemCode } from './rules';

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
  /**
   * The submitter confirms figures the plausibility checks question (SCALE_SLIP, IMPLAUSIBLE_JUMP,
   * GROWTH_CONTRADICTION, COPIED_MONTH), with a reason kept in each such figure's history (`changeReason`).
   */
  acceptOutliers?: { reason: string } | null;
}

/** Why one row (or the batch, `index: null`) was refused; `code` is stable, `reason` is for people. */
export interface Problem {
  index: number | null;
  field: string;
  value: unknown;
  code: ProblemCode;
  reason: string;
  /** Plausibility problems: the figure of the same subject it was compared with. */
  compared?: { month: string; field: string; value: number };
  /** Plausibility problems: the ratio of the two values, or the growth computed from them, %. */
  computed?: number;
  /** Plausibility problems: what most likely went wrong (a 万/亿 slip, …). */
  likelyCause?: string;
  /** True when `acceptOutliers` with a reason would let the figure through. */
  confirmable?: boolean;
}

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
/**
 * The key was used for other content. Only a hash of that content is kept, so what differs cannot
 * be said; the batch it was used for can (a tester's clerk could not tell which batch held the key):
 * its number, month, who reported it and when.
 */
export class IdempotencyConflictError extends Error {
  constructor(
    readonly idempotencyKey: string,
    readonly existing?: { id: number; month: string; reportedBy: string; receivedAt: Date | string },
  ) {
    const key = idempotencyKey.length > 80 ? `${JSON.stringify(idempotencyKey.slice(0, 80))}…` : JSON.stringify(idempotencyKey);
    const used = existing ? ` (submission ${existing.id}, ${existing.month}, reported by ${existing.reportedBy} at ${new Date(existing.receivedAt).toISOString()})` : '';
    super(`idempotency key ${key} was already used for a different batch${used}: use a new key for new content, or send that batch unchanged to get its answer again`);
    this.name = 'IdempotencyConflictError';
  }
}

export interface ReportingDepartment {
  name: string;
  catalogue: IndicatorCatalogue;
  /** Which of these credit codes the department's register holds. */
  knownEnterprises: (em: EntityManager, codes: string[]) => Promise<Set<string>>;
  /** Which of these park codes the department's park list holds; absent: it keeps none, and a park row is UNKNOWN_SUBJECT. */
  knownParks?: (em: EntityManager, codes: string[]) => Promise<Set<string>>;
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
  /** Figures of later months recomputed because a month they are derived from changed. */
  recomputed: number;
  /**
   * Reported figures whose year-to-date this batch left behind (待重报), as they now stand: a
   * later month of the same year whose reported ytdValue no longer equals what the corrected
   * months imply (`impliedYtdValue`). Empty when the chain still adds up.
   */
  stale: ObservationRecord[];
  /** The current version of every figure in the batch (for a dry run: as it would stand; nothing is written). */
  observations: ObservationRecord[];
}

const FIGURES = ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct'] as const;
type Figures = Record<(typeof FIGURES)[number], number | null>;

const keyOf = (r: { indicator: string; subjectType?: string; subjectKind?: string; subjectCode: string }) =>
  `${r.indicator}|${r.subjectType ?? r.subjectKind}|${r.subjectCode}`;

const round = (v: number, decimals: number) => Number(v.toFixed(decimals));
/** The largest magnitude a reported figure may have (OUT_OF_RANGE above it, whatever the indicator's own range). */
export const MAX_FIGURE_MAGNITUDE = 1e15;
/** A derived number that is not finite (a growth over a base of almost nothing) is left underived: null. */
const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);


/** The current calendar month: figures cannot be reported for a month that has not begun. */
/** The month now in the city (UTC+8, HUISHANG_CITY_TIME_ZONE), not the server's: see identifiers/cityTime. */
function currentMonth(now: Date): string {
  return cityMonth(now);
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
  if (batch.acceptOutliers != null && (typeof batch.acceptOutliers.reason !== 'string' || batch.acceptOutliers.reason.trim().length < 3 || batch.acceptOutliers.reason.length > 512)) {
    batchProblem('acceptOutliers.reason', batch.acceptOutliers.reason, 'BAD_BATCH', 'say why the figures are right as submitted (3 to 512 characters); it is kept in their history');
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
    if (definition.ratioOf) {
      problem('indicator', row.indicator, 'COMPUTED_INDICATOR', `${row.indicator} (${definition.name}) is computed from ${definition.ratioOf.numerator} ÷ ${definition.ratioOf.denominator}: report those instead`);
      return;
    }
    if (row.unit !== definition.unit) problem('unit', row.unit, 'UNIT_MISMATCH', `${row.indicator} is reported in ${definition.unit}`);
    if (!definition.subjects.includes(row.subjectKind)) {
      problem('subjectKind', row.subjectKind, 'SUBJECT_NOT_REPORTED', `${row.indicator} is reported for ${definition.subjects.join(' and ')} only`);
    } else {
      try {
        if (row.subjectKind === 'REGION') parseRegionCode(row.subjectCode);
        else if (row.subjectKind === 'PARK') parseParkCode(row.subjectCode);
        else parseCreditCode(row.subjectCode);
      } catch (error) {
        problem('subjectCode', row.subjectCode, 'BAD_IDENTIFIER', error instanceof IdentifierError ? error.message : String(error));
      }
    }
    for (const field of FIGURES) {
      const v = row[field];
      if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problem(field, v, 'NOT_A_NUMBER', 'must be a finite number or null');
      // No city's figure comes near this in any unit: such a number is a slip, and past it the
      // derived sums and growth overflow (1.7e308 made an Infinity the database refused, a tester's finding).
      else if (typeof v === 'number' && Math.abs(v) > MAX_FIGURE_MAGNITUDE) problem(field, v, 'OUT_OF_RANGE', `must be between -${MAX_FIGURE_MAGNITUDE.toExponential()} and ${MAX_FIGURE_MAGNITUDE.toExponential()}: a number this large is a typing or unit slip`);
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
      // A count is exact (the README's "counts are exact"): 1.5 户 was stored as given (a tester's finding).
      if (COUNT_UNITS.has(definition.unit) && !Number.isInteger(v)) {
        problem(field, v, 'OUT_OF_RANGE', `${row.indicator} counts ${definition.unit}, a whole number: ${v} is not one (write ${Math.round(v)} if that is meant, or check the unit)`);
      }
    }
    if (definition.kind === 'FLOW' && given(row.value) && given(row.ytdValue) && typeof batch.month === 'string') {
      const slack = slackFor(definition, row.value, row.ytdValue);
      if (batch.month.endsWith('-01') && Math.abs(row.ytdValue - row.value) > slack) {
        problem('ytdValue', row.ytdValue, 'YTD_INCONSISTENT', `January's year-to-date must equal its month value ${row.value} (it is ${row.ytdValue}): correct one of them`);
      } else if (definition.minimum !== undefined && definition.minimum >= 0 && row.value >= 0 && row.ytdValue < row.value - slack) {
        problem('ytdValue', row.ytdValue, 'YTD_INCONSISTENT', `the year-to-date ${row.ytdValue} is below the month's own value ${row.value}: a year-to-date includes the month; correct one of them`);
      }
    }
    if (definition.publishedJanFeb && typeof batch.month === 'string') {
      if (batch.month.endsWith('-01')) {
        problem('month', batch.month, 'JAN_FEB_COMBINED', `${row.indicator} is published for January and February together (1–2月): report nothing for January, and the 1–2月 total as February's ytdValue`);
      } else if (batch.month.endsWith('-02') && !given(row.ytdValue)) {
        problem('ytdValue', row.ytdValue ?? null, 'JAN_FEB_COMBINED', `${row.indicator} is published for January and February together (1–2月): February's row carries the 1–2月 total as ytdValue`);
      }
    }
    const key = keyOf(row);
    if (seen.has(key)) problem('indicator', row.indicator, 'DUPLICATE_ROW', `the same indicator and subject as observations[${seen.get(key)}]`);
    else seen.set(key, index);
  });
  return problems;
}

/** Digits after the decimal point of a number as written (0 for 300, 2 for 296.28). */
function decimalsOf(v: number): number {
  const text = String(v);
  if (/e/i.test(text)) return 12;
  return (text.split('.')[1] ?? '').length;
}

/**
 * How far figures may disagree through their rounding alone: half a unit in the last written
 * place of each (300 may be 299.5–300.5), plus floating-point noise. Used by YTD_INCONSISTENT.
 */
export function roundingSlack(...figures: number[]): number {
  return figures.reduce((sum, v) => sum + 0.5 * 10 ** -decimalsOf(v), 0) + 1e-9 * Math.max(...figures.map(Math.abs), 1);
}

/** a + b to the decimals the two are written with (1.21107 + 1.17406 = 2.38513, not 2.3851): floating-point noise removed, nothing else. */
function addExactly(a: number, b: number): number {
  return round(a + b, Math.min(12, Math.max(decimalsOf(a), decimalsOf(b))));
}

/** roundingSlack for an indicator: none but floating-point noise for counts (COUNT_UNITS), which are exact. */
function slackFor(definition: { unit: string }, ...figures: number[]): number {
  return COUNT_UNITS.has(definition.unit) ? 1e-9 * Math.max(...figures.map(Math.abs), 1) : roundingSlack(...figures);
}

/**
 * Lets timers and other requests run between chunks: libsql (SQLite) answers synchronously, so a
 * 100,000-row batch would otherwise hold the event loop for its whole length (measured: > 30 s on a
 * loaded machine, past the gateway's subgraph timeout, with no `pending` answer possible).
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Checks against the department's register: every enterprise must be one it knows. */
async function validateSubjects(department: ReportingDepartment, em: EntityManager, batch: BatchInput, progress: ProgressListener): Promise<Problem[]> {
  const parkCodes = [...new Set(batch.observations.filter((r) => r.subjectKind === 'PARK').map((r) => r.subjectCode))];
  const knownParks = parkCodes.length && department.knownParks ? await department.knownParks(em, parkCodes) : new Set<string>();
  const parkProblems: Problem[] = [];
  batch.observations.forEach((row, index) => {
    if (row.subjectKind === 'PARK' && !knownParks.has(row.subjectCode)) {
      parkProblems.push({ index, field: 'subjectCode', value: row.subjectCode, code: 'UNKNOWN_SUBJECT', reason: `the ${department.name} park list holds no park ${row.subjectCode}` });
    }
  });
  const codes = [...new Set(batch.observations.filter((r) => r.subjectKind === 'ENTERPRISE').map((r) => r.subjectCode))];
  if (codes.length === 0) return parkProblems;
  const known = new Set<string>();
  for (let i = 0; i < codes.length; i += 1000) {
    for (const c of await department.knownEnterprises(em, codes.slice(i, i + 1000))) known.add(c);
    await breathe();
    progress({ phase: 'checking', done: Math.min(i + 1000, codes.length), total: codes.length });
  }
  const problems: Problem[] = [...parkProblems];
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
    // Only when given, so the hashes of batches without it stay what they were.
    ...(batch.acceptOutliers ? { acceptOutliers: batch.acceptOutliers.reason } : {}),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * Current rows of the batch's indicators and subjects for some months, keyed by `key|month`. Read
 * outside the identity map: a 100,000-row batch would otherwise make every flush compare 100,000
 * loaded entities with their snapshots.
 */
/** One figure: an indicator for a subject (its rows are its months). */
type FigureId = { indicator: string; subjectCode: string; subjectType?: string; subjectKind?: string };

/**
 * The stored rows of these figures matching `where` (months, a mark): 1,000 subjects a statement
 * (bind-parameter limits), outside the identity map, only the figures named (not every pairing of
 * their indicators and subjects). The one way this module reads figures' rows by figure.
 */
async function rowsOf(em: EntityManager, figures: readonly FigureId[], where: FilterQuery<ObservationRecord>): Promise<ObservationRecord[]> {
  const wanted = new Set(figures.map((r) => keyOf(r)));
  const indicators = [...new Set(figures.map((r) => r.indicator))];
  const codes = [...new Set(figures.map((r) => r.subjectCode))];
  const found: ObservationRecord[] = [];
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = await em.find(ObservationRecord, { ...(where as object), indicator: { $in: indicators }, subjectCode: { $in: codes.slice(i, i + 1000) } }, { disableIdentityMap: true });
    for (const row of rows) if (wanted.has(keyOf(row))) found.push(row);
    await breathe();
  }
  return found;
}

/**
 * These figures' rows from `month` to the end of its year that await re-reporting (待重报) now,
 * by month: what a replay answers, so a client that lost the first answer and sends the batch
 * again still learns which months to report again.
 */
async function staleFrom(em: EntityManager, figures: readonly FigureId[], month: string): Promise<ObservationRecord[]> {
  const rows = await rowsOf(em, figures, { month: { $gte: month, $lte: `${month.slice(0, 4)}-12` }, impliedYtdValue: { $ne: null } });
  return rows.sort((a, b) => a.month.localeCompare(b.month) || a.indicator.localeCompare(b.indicator) || a.subjectCode.localeCompare(b.subjectCode));
}

async function currentRows(em: EntityManager, batch: BatchInput, months: string[]): Promise<Map<string, ObservationRecord>> {
  const rows = await rowsOf(em, batch.observations, { month: { $in: months } });
  return new Map(rows.map((row) => [`${keyOf(row)}|${row.month}`, row]));
}

/** The fields the system may compute when a department leaves them out, by kind of indicator. */
function derivable(definition: { kind: string; reportedOnly?: boolean }): readonly (keyof Figures)[] {
  if (definition.kind === 'RATE' || definition.reportedOnly) return [];
  return definition.kind === 'FLOW' ? ['ytdValue', 'yoyPct', 'ytdYoyPct'] : ['yoyPct'];
}

/** A figure of another month; its ytdValue is the implied one where the reported one is stale (ytdOf). */
type Lookup = (month: string) => Pick<ObservationRecord, 'value' | 'ytdValue'> | undefined;

/**
 * Year-to-date and growth the department left out (`open`), where the catalogue allows deriving
 * them: a flow's year-to-date adds this month to last month's; growth compares with the same month
 * a year before. Rates and reported-only indicators are never derived; a field the department
 * gave is never touched. `derivedFields` lists the open fields, computed or not yet computable:
 * they are recomputed when a month they depend on changes (see followSources).
 */
function deriveFigures(definition: { kind: string; reportedOnly?: boolean }, given: Figures, open: readonly (keyof Figures)[], month: string, lookup: Lookup): Figures & { derived: boolean; derivedFields: string | null } {
  const figures: Figures = { ...given };
  if (open.length === 0) return { ...figures, derived: false, derivedFields: null };
  for (const f of open) figures[f] = null;
  const previous = lookup(addMonths(month, -1));
  const lastYear = lookup(addMonths(month, -12));
  if (open.includes('ytdValue') && figures.value !== null) {
    if (month.endsWith('-01')) figures.ytdValue = figures.value;
    else if (previous?.ytdValue != null) figures.ytdValue = addExactly(previous.ytdValue, figures.value);
  }
  if (open.includes('yoyPct') && figures.value !== null && lastYear?.value) {
    figures.yoyPct = round((figures.value / lastYear.value - 1) * 100, 1);
  }
  if (open.includes('ytdYoyPct') && figures.ytdValue !== null && lastYear?.ytdValue) {
    figures.ytdYoyPct = round((figures.ytdValue / lastYear.ytdValue - 1) * 100, 1);
  }
  for (const f of open) figures[f] = finiteOrNull(figures[f]);
  return { ...figures, derived: open.some((f) => figures[f] !== null), derivedFields: open.join(',') };
}

function derive(department: ReportingDepartment, row: ObservationInputRow, month: string, rows: Map<string, ObservationRecord>): Figures & { derived: boolean; derivedFields: string | null } {
  const definition = department.catalogue.get(row.indicator);
  const given: Figures = { value: row.value ?? null, ytdValue: row.ytdValue ?? null, yoyPct: row.yoyPct ?? null, ytdYoyPct: row.ytdYoyPct ?? null };
  const open = derivable(definition).filter((f) => given[f] === null);
  return deriveFigures(definition, given, open, month, impliedLookup((m) => rows.get(`${keyOf(row)}|${m}`)));
}

/** A lookup of stored rows that answers each with its implied year-to-date (ytdOf). */
function impliedLookup(get: (month: string) => ObservationRecord | undefined): Lookup {
  return (month) => {
    const r = get(month);
    return r && { value: r.value, ytdValue: ytdOf(r) };
  };
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

/**
 * Moves a batch's version times from `from` (when it began) to `to` (just before it writes), keeping
 * their order: every time this batch stamped (at or after `from`, a follower's may be a millisecond
 * later) moves by the same amount; the superseded versions' own times (before `from`) stay.
 */
function restamp(from: Date, to: Date, submission: { receivedAt: Date }, written: ObservationRecord[], superseded: EntityData<ObservationVersionRecord>[]): void {
  const shift = to.getTime() - from.getTime();
  if (shift <= 0) return;
  const moved = (at: Date | string | number) => {
    const t = new Date(at).getTime();
    return t >= from.getTime() ? new Date(t + shift) : new Date(at);
  };
  submission.receivedAt = moved(submission.receivedAt);
  for (const row of written) row.reportedAt = moved(row.reportedAt);
  for (const row of superseded) if (row.supersededAt) row.supersededAt = moved(row.supersededAt as Date);
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
const VERSIONED_FIELDS = ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct', 'status', 'reportedBy', 'reportedAt', 'version', 'derived', 'submissionId', 'derivedFields', 'changeReason', 'impliedYtdValue', 'confirmedPreviousYtd'] as const;

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
    await breathe();
  }
}

async function writeHistory(tx: EntityManager, rows: EntityData<ObservationVersionRecord>[], progress: (written: number) => void): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const chunk = rows.slice(i, i + WRITE_CHUNK);
    await tx.insertMany(ObservationVersionRecord, chunk);
    progress(chunk.length);
    await breathe();
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
  options: { dryRun?: boolean; now?: Date; onProgress?: ProgressListener; plausibility?: PlausibilitySettings } = {},
): Promise<SubmissionOutcome> {
  const clock = () => options.now ?? new Date();
  const progress: ProgressListener = options.onProgress ?? (() => undefined);
  const plausibility = options.plausibility ?? plausibilitySettings();
  const shapeProblems = validateBatchShape(department, batch, clock());
  if (shapeProblems.length) throw new BatchRejectedError(shapeProblems);
  const subjectProblems = await validateSubjects(department, base.fork(), batch, progress);
  if (subjectProblems.length) throw new BatchRejectedError(subjectProblems);
  const hash = payloadHash(batch);
  const empty = { submissionId: null, idempotencyKey: batch.idempotencyKey, created: 0, updated: 0, revised: 0, unchanged: 0, recomputed: 0, stale: [], observations: [] };

  const replay = async (): Promise<SubmissionOutcome | null> => {
    const existing = await base.fork().findOne(SubmissionRecord, { idempotencyKey: batch.idempotencyKey });
    if (!existing) return null;
    if (existing.payloadHash !== hash) throw new IdempotencyConflictError(batch.idempotencyKey, existing);
    const observations = [...(await currentRows(base.fork(), batch, [batch.month])).values()];
    const { id, created, updated, revised, unchanged } = existing;
    return { submissionId: id, idempotencyKey: batch.idempotencyKey, replayed: true, dryRun: false, created, updated, revised, unchanged, recomputed: 0, stale: await staleFrom(base.fork(), batch.observations, batch.month), observations };
  };
  // A dry run checks the key as a real run would: a key used for other content is IDEMPOTENCY_CONFLICT,
  // the same content again answers as the replay it would be (a tester's dry run said "would
  // update" where the real run refused, or changed nothing).
  const replayed = await replay();
  if (replayed) return options.dryRun ? { ...replayed, dryRun: true } : replayed;

  try {
    return await base.fork().transactional(async (tx: EntityManager) => {
      /*
       * A dry run takes no lock and writes nothing (decision for issue 13): it reads the figures it
       * is checked against in its own transaction and runs every check and count a real run makes
       * (shape, subjects, status, plausibility, derivation, the months that would be recomputed),
       * then stops before the first write. Taking the month's lock (and, on SQLite, the database's
       * write lock with the ledger row) would make a validation of 100,000 rows block every real
       * writer of the department for its whole length, for an answer that is advisory anyway: a
       * real run checks everything again under the lock, so a dry run that raced a commit can only
       * be out of date, never let anything wrong in. What it cannot rehearse is a constraint that
       * only a race trips (two writers of one figure), which the lock settles for real runs.
       * Tested in test/reporting/dryRun.test.ts (a dry run answers while a writer holds the month).
       */
      if (!options.dryRun) await lockMonth(tx, department.name, batch.month);
      const fields = {
        idempotencyKey: batch.idempotencyKey,
        month: batch.month,
        payloadHash: hash,
        reportedBy: batch.reportedBy,
        receivedAt: clock(),
        created: 0,
        updated: 0,
        revised: 0,
        unchanged: 0,
      };
      // A dry run's ledger row is never persisted (nor flushed: MikroORM would write it before a query).
      const submission = options.dryRun ? Object.assign(new SubmissionRecord(), fields) : tx.create(SubmissionRecord, fields);
      if (!options.dryRun) await tx.flush();

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
      const reference = (row: ObservationInputRow, month: string, label: string): Reference | undefined => {
        const r = rows.get(`${keyOf(row)}|${month}`);
        // A figure that went in only with acceptOutliers says so in its changeReason (below): plausibility then trusts it less.
        return r ? { month, label, value: r.value, ytdValue: r.ytdValue, confirmedOutlier: r.changeReason?.includes('(acceptOutliers)') ? r.changeReason : null } : undefined;
      };
      // Each row's previous month, for the row's own checks and the batch's (COPIED_MONTH: judged over the whole batch, found per row).
      const previousOf = batch.observations.map((row) => reference(row, addMonths(batch.month, -1), 'the previous month'));
      const copied = copiedMonth(
        batch.observations.map((row, index) => ({ definition: department.catalogue.get(row.indicator), value: row.value ?? null, previous: previousOf[index] })),
        plausibility,
      );
      batch.observations.forEach((row, index) => {
        const { derived, derivedFields, ...figures } = derive(department, row, batch.month, rows);
        const current = rows.get(`${keyOf(row)}|${batch.month}`);
        const wasFinal = current?.status === 'FINAL' || current?.status === 'REVISED';
        if (current && wasFinal && batch.status === 'PRELIMINARY') {
          problems.push({ index, field: 'status', value: batch.status, code: 'STATUS_REGRESSION', reason: `${row.indicator} for ${row.subjectCode} is already ${current.status}; a correction is submitted as FINAL and becomes REVISED` });
          return;
        }
        // A flow's year-to-date adds this month to the previous month's year-to-date (YTD_INCONSISTENT).
        const definitionOf = department.catalogue.get(row.indicator);
        const before = rows.get(`${keyOf(row)}|${addMonths(batch.month, -1)}`);
        let chainFinding: string | null = null;
        let confirmedPreviousYtd: number | null = null;
        if (
          definitionOf.kind === 'FLOW' &&
          !batch.month.endsWith('-01') &&
          typeof row.value === 'number' &&
          typeof row.ytdValue === 'number' &&
          before &&
          ytdOf(before) != null
        ) {
          // Against the month before as its earlier months imply: a clerk re-reporting after a correction is held to the corrected chain.
          const beforeYtd = ytdOf(before)!;
          const expected = beforeYtd + row.value;
          if (Math.abs(row.ytdValue - expected) > slackFor(definitionOf, before.ytdValue ?? beforeYtd, row.value, row.ytdValue)) {
            if (!batch.acceptOutliers) {
              problems.push({
                index,
                field: 'ytdValue',
                value: row.ytdValue,
                code: 'YTD_INCONSISTENT',
                reason: `the year-to-date ${row.ytdValue} does not equal ${before.month}'s year-to-date ${before.impliedYtdValue != null ? `as its corrected earlier months imply, ${beforeYtd} (its reported ${before.ytdValue} awaits re-reporting, 待重报),` : before.ytdValue} plus this month's value ${row.value} (= ${+expected.toFixed(6)}): correct one of them, or confirm with a reason if earlier months were revised (口径调整)`,
                compared: { month: before.month, field: 'ytdValue', value: beforeYtd },
                computed: +expected.toFixed(6),
                confirmable: true,
              });
              return;
            }
            chainFinding = `YTD_INCONSISTENT ytdValue ${row.ytdValue} vs ${before.month} ytdValue ${beforeYtd} + value ${row.value}`;
            confirmedPreviousYtd = beforeYtd;
          }
        }
        // Plausibility against the subject's own history, unless the submitter confirmed the batch.
        const findings = checkPlausibility(
          department.catalogue.get(row.indicator),
          { value: row.value ?? null, ytdValue: row.ytdValue ?? null, yoyPct: row.yoyPct ?? null, ytdYoyPct: row.ytdYoyPct ?? null },
          { previous: previousOf[index], lastYear: reference(row, addMonths(batch.month, -12), 'the same month a year earlier') },
          plausibility,
        );
        const copy = copied.get(index);
        if (copy) findings.push(copy);
        let changeReason: string | null = null;
        if (chainFinding && !findings.length) changeReason = `confirmed by ${batch.reportedBy} (acceptOutliers): ${batch.acceptOutliers!.reason} [${chainFinding}]`;
        if (findings.length && !batch.acceptOutliers) {
          for (const f of findings) {
            problems.push({ index, field: f.field, value: f.value, code: f.code, reason: f.reason, compared: f.compared, computed: f.computed, likelyCause: f.likelyCause, confirmable: CONFIRMABLE.has(f.code) });
          }
          return;
        }
        if (findings.length) {
          const found = findings.map((f) => `${f.code} ${f.field} ${f.value} vs ${f.compared.value} in ${f.compared.month}`);
          if (chainFinding) found.push(chainFinding);
          changeReason = `confirmed by ${batch.reportedBy} (acceptOutliers): ${batch.acceptOutliers!.reason} [${found.join('; ')}]`;
        }
        // Reported now, so it agrees with the months before (or was confirmed against them): nothing of it is stale.
        const versioned = { ...figures, derived, derivedFields, changeReason, impliedYtdValue: null, confirmedPreviousYtd };
        if (!current) {
          counts.created++;
          const created = Object.assign(new ObservationRecord(), {
            indicator: row.indicator,
            subjectType: row.subjectKind,
            subjectCode: row.subjectCode,
            month: batch.month,
            ...versioned,
            status: batch.status,
            reportedBy: batch.reportedBy,
            reportedAt: now,
            version: 1,
            submissionId: submission.id,
          });
          changed.push(created);
          written.push(created);
          return;
        }
        const status: ObservationStatusValue = wasFinal ? 'REVISED' : batch.status;
        // The same figures again: nothing to confirm or record, whatever the batch says about outliers.
        // A figure awaiting re-reporting, reported again as it stood, is confirmed: a new version clears the mark.
        // …and so is a figure whose provenance changes (a year to date derived before, stated now, or the reverse): a derived field may be recomputed later, a reported one never.
        if (sameFigures(current, figures) && (current.status === status || wasFinal) && current.impliedYtdValue == null && (current.confirmedPreviousYtd ?? null) === confirmedPreviousYtd && (current.derivedFields ?? null) === (derivedFields ?? null)) {
          counts.unchanged++;
          written.push(current);
          return;
        }
        if (wasFinal) counts.revised++;
        else counts.updated++;
        superseded.push(historyRow(current, now));
        const next = Object.assign(new ObservationRecord(), {
          ...figureKey(current),
          id: current.id,
          ...versioned,
          status,
          reportedBy: batch.reportedBy,
          reportedAt: now,
          version: current.version + 1,
          submissionId: submission.id,
        });
        changed.push(next);
        written.push(next);
      });
      if (problems.length) throw new BatchRejectedError(problems);
      // Figures of later months derived from the ones that changed follow them, in this transaction.
      const followers = await followSources(tx, department, batch.month, changed, now, submission.id);
      // A dry run reports what a real run would have done, and stops before writing anything.
      if (options.dryRun) throw new DryRunComplete({ ...counts, recomputed: followers.recomputed, stale: followers.stale, observations: written });
      superseded.push(...followers.superseded);
      // The version's time is when it is written, not when the batch began: checking a large batch
      // takes seconds, during which readers still get the version it supersedes (uncommitted rows are
      // invisible), and `asOf` one of those moments must give what they got (a tester's pack on
      // PostgreSQL showed 1254.78 while its --as-of gave 1267.34). What remains is the write itself and
      // the commit (README: "asOf").
      restamp(now, versionTime(clock(), rows.values()), submission, [...changed, ...followers.changed], superseded);
      const total = superseded.length + changed.length + followers.changed.length;
      let done = 0;
      const wrote = (n: number) => progress({ phase: 'writing', done: (done += n), total });
      // The figure as it stood stays readable: history first, then the new version in place.
      await writeHistory(tx, superseded, wrote);
      await writeObservations(tx, [...changed, ...followers.changed], wrote);
      Object.assign(submission, counts);
      await tx.flush();
      return { submissionId: submission.id, idempotencyKey: batch.idempotencyKey, replayed: false, dryRun: false, ...counts, recomputed: followers.recomputed, stale: followers.stale, observations: written };
    });
  } catch (error) {
    if (error instanceof DryRunComplete) return { ...empty, ...error.outcome, replayed: false, dryRun: true };
    // Another writer committed the same key between our check and our insert: answer as a replay.
    if (error instanceof UniqueConstraintViolationException) {
      const again = await replay();
      if (again) return again;
    }
    throw error;
  }
}

/**
 * A staged upload's commit sent again after its verdict (the answer was lost, the gateway retried):
 * its parts are gone, so its content cannot be hashed, but the key names a batch of the same month
 * in the ledger. That batch's outcome is the answer, as a replay: the figures it wrote that still
 * stand, and the later months of those figures awaiting re-reporting. Null when the key is not
 * in the ledger for that month (the caller then reports the missing parts).
 */
export async function replayCommitted(base: EntityManager, idempotencyKey: string, month: string): Promise<SubmissionOutcome | null> {
  const existing = await base.fork().findOne(SubmissionRecord, { idempotencyKey });
  if (!existing || existing.month !== month) return null;
  // The figures it wrote: those still in that version, and those a later submission has since superseded or marked.
  const written = [
    ...(await base.fork().find(ObservationRecord, { submissionId: existing.id, month }, { fields: ['indicator', 'subjectType', 'subjectCode'], disableIdentityMap: true })),
    ...(await base.fork().find(ObservationVersionRecord, { submissionId: existing.id, month }, { fields: ['indicator', 'subjectType', 'subjectCode'], disableIdentityMap: true })),
  ];
  const observations = (await rowsOf(base.fork(), written, { month })).sort((a, b) => a.id - b.id);
  const { id, created, updated, revised, unchanged } = existing;
  return { submissionId: id, idempotencyKey, replayed: true, dryRun: false, created, updated, revised, unchanged, recomputed: 0, stale: await staleFrom(base.fork(), written, month), observations };
}

/** Thrown when a dry run has checked and counted everything, before any write: its transaction rolls back. */
class DryRunComplete extends Error {
  constructor(readonly outcome: Pick<SubmissionOutcome, 'created' | 'updated' | 'revised' | 'unchanged' | 'recomputed' | 'stale' | 'observations'>) {
    super('dry run complete');
  }
}

const figureKey = (r: ObservationRecord) => ({ indicator: r.indicator, subjectType: r.subjectType, subjectCode: r.subjectCode, month: r.month });

function historyRow(current: ObservationRecord, supersededAt: Date): EntityData<ObservationVersionRecord> {
  return {
    ...figureKey(current),
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
    derivedFields: current.derivedFields ?? null,
    changeReason: current.changeReason ?? null,
    impliedYtdValue: current.impliedYtdValue ?? null,
    confirmedPreviousYtd: current.confirmedPreviousYtd ?? null,
    supersededAt,
  };
}

/** The last month whose derived figures can depend on `month`: December of the following year (its growth compares with this year). */
const lastDependentMonth = (month: string) => `${Number(month.slice(0, 4)) + 1}-12`;

/**
 * Follows a submission's changed figures through the later months that depend on them:
 * - **Derived fields** (year-to-date, growth; `derivedFields`) of the rest of the year (year-to-date
 *   adds up) and of the same months of the next year (growth compares with these) are recomputed.
 * - **Reported year-to-date** of a flow in the rest of the year is never overwritten, but judged:
 *   where it no longer equals the previous month's year-to-date (as implied) plus its own value,
 *   the figure gets `impliedYtdValue` and awaits re-reporting (待重报); where it agrees again, the
 *   mark is cleared. A month missing from the chain stops the judging: later months keep their mark.
 * Walks the months in order over the rows as they are being rewritten, so a change carries through
 * the chain. Each figure that changes gets a new version whose `changeReason` names the source.
 * Under the locks of every month it writes, taken in ascending order (no deadlock: every writer
 * locks its own month first and only later months after it).
 */
async function followSources(
  tx: EntityManager,
  department: ReportingDepartment,
  month: string,
  changed: ObservationRecord[],
  now: Date,
  submissionId: number,
): Promise<{ changed: ObservationRecord[]; superseded: EntityData<ObservationVersionRecord>[]; recomputed: number; stale: ObservationRecord[] }> {
  const result = { changed: [] as ObservationRecord[], superseded: [] as EntityData<ObservationVersionRecord>[], recomputed: 0, stale: [] as ObservationRecord[] };
  const definitionOf = (r: { indicator: string }) => department.catalogue.get(r.indicator);
  const chained = (r: { indicator: string }) => definitionOf(r).kind === 'FLOW';
  const sources = changed.filter((r) => derivable(definitionOf(r)).length > 0 || chained(r));
  if (sources.length === 0) return result;
  const last = lastDependentMonth(month);
  const yearEnd = `${month.slice(0, 4)}-12`;
  // Derived figures up to next December; reported year-to-date of flows up to this December.
  const dependsOn = (r: ObservationRecord) => r.derivedFields != null || (chained(r) && r.month <= yearEnd);
  const findDependents = async () => (await rowsOf(tx, sources, { month: { $gt: month, $lte: last } })).filter(dependsOn);
  let dependents = await findDependents();
  if (dependents.length === 0) return result;
  for (const m of [...new Set(dependents.map((r) => r.month))].sort()) await lockMonth(tx, department.name, m);
  // Read again under the locks: another writer may have changed them meanwhile.
  dependents = await findDependents();
  // Every month of those figures a recomputation can read: the year before `month` up to `last`.
  const window = new Map<string, ObservationRecord>();
  for (const r of await rowsOf(tx, dependents, { month: { $gte: `${Number(month.slice(0, 4)) - 1}-01`, $lte: last } })) window.set(`${keyOf(r)}|${r.month}`, r);
  for (const r of changed) window.set(`${keyOf(r)}|${r.month}`, r);
  const source = (r: ObservationRecord) => `${r.indicator} for ${month} changed (submission ${submissionId})`;
  const byMonth = [...dependents].sort((a, b) => a.month.localeCompare(b.month) || a.id - b.id);
  for (const dependent of byMonth) {
    const current = window.get(`${keyOf(dependent)}|${dependent.month}`)!;
    const definition = definitionOf(current);
    const open = (current.derivedFields ?? '').split(',').filter((f): f is keyof Figures => (FIGURES as readonly string[]).includes(f));
    const given: Figures = { value: current.value, ytdValue: current.ytdValue, yoyPct: current.yoyPct, ytdYoyPct: current.ytdYoyPct };
    const lookup = impliedLookup((m) => window.get(`${keyOf(current)}|${m}`));
    const derivation = open.length ? deriveFigures(definition, given, open, current.month, lookup) : { ...given, derived: current.derived, derivedFields: current.derivedFields };
    const { derived, derivedFields, ...figures } = derivation;
    // The reported year-to-date against the month before as implied (a gap: cannot be judged, the mark stays as it was).
    let implied = current.impliedYtdValue ?? null;
    const previous = lookup(addMonths(current.month, -1));
    const reportedYtd = !open.includes('ytdValue') && figures.ytdValue !== null;
    if (chained(current) && current.month <= yearEnd && reportedYtd && figures.value !== null && !current.month.endsWith('-01') && previous?.ytdValue != null) {
      const base = current.confirmedPreviousYtd ?? null;
      const reportedBefore = window.get(`${keyOf(current)}|${addMonths(current.month, -1)}`)?.ytdValue ?? previous.ytdValue;
      if (base !== null) {
        // Confirmed off the chain against `base`: stale only when the months before have moved from it (beyond their rounding; counts exactly), by as much.
        const moved = previous.ytdValue - base;
        implied = Math.abs(moved) > slackFor(definition, reportedBefore, base) ? addExactly(figures.ytdValue!, moved) : null;
      } else {
        const expected = addExactly(previous.ytdValue, figures.value);
        implied = Math.abs(figures.ytdValue! - expected) > slackFor(definition, reportedBefore, figures.value, figures.ytdValue!) ? expected : null;
      }
    } else if (!reportedYtd) implied = null;
    // A derived year-to-date growth on a reported year-to-date is computed on the implied one (never on a stale figure).
    if (open.includes('ytdYoyPct')) {
      const own = implied ?? figures.ytdValue;
      const lastYear = lookup(addMonths(current.month, -12));
      figures.ytdYoyPct = own !== null && lastYear?.ytdValue ? round((own / lastYear.ytdValue - 1) * 100, 1) : null;
    }
    const recomputed = !sameFigures(current, figures);
    const marked = (current.impliedYtdValue ?? null) !== implied;
    if (!recomputed && !marked) {
      if (implied !== null) result.stale.push(current);
      continue;
    }
    const at = versionTime(now, [current]);
    const reasons: string[] = [];
    // A confirmation's reason (acceptOutliers) stays in the figure's current version: plausibility reads it there.
    if (recomputed) reasons.push(`recomputed ${open.filter((f) => (current[f] ?? null) !== (figures[f] ?? null)).join(', ')}: ${source(current)}`);
    if (marked && implied !== null) {
      reasons.push(
        current.confirmedPreviousYtd != null
          ? `year-to-date awaits re-reporting (待重报): ${source(current)}, so the months before moved from the ${current.confirmedPreviousYtd} this figure's adjustment (口径调整) was confirmed against; with the same adjustment it would be ${implied}, not the reported ${figures.ytdValue}: report ${current.month} again, confirming the adjustment again (acceptOutliers) or without it`
          : `year-to-date awaits re-reporting (待重报): ${source(current)}, so the months before imply ${implied}, not the reported ${figures.ytdValue}; report ${current.month} again`,
      );
    }
    if (marked && implied === null) reasons.push(`year-to-date agrees with the months before again: ${source(current)}`);
    result.superseded.push(historyRow(current, at));
    const next = Object.assign(new ObservationRecord(), {
      ...figureKey(current),
      id: current.id,
      ...figures,
      derived,
      derivedFields,
      impliedYtdValue: implied,
      // A confirmation stays with the figure until the department reports it again.
      confirmedPreviousYtd: current.confirmedPreviousYtd ?? null,
      changeReason: [...reasons, /confirmed by .*\(acceptOutliers\).*$/.exec(current.changeReason ?? '')?.[0]].filter(Boolean).join('; ').slice(0, 1024),
      // A recomputed figure is a revision; a mark alone changes no figure.
      status: recomputed ? (current.status === 'PRELIMINARY' ? 'PRELIMINARY' : 'REVISED') : current.status,
      reportedBy: current.reportedBy,
      reportedAt: at,
      version: current.version + 1,
      submissionId,
    });
    window.set(`${keyOf(next)}|${next.month}`, next);
    result.changed.push(next);
    if (recomputed) result.recomputed++;
    if (implied !== null) result.stale.push(next);
  }
  return result;
}
