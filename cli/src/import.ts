import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { buildBatch, type BuiltBatch, type RowProblem } from './batch';
import { formatOf, FileError, readTable } from './read';
import { formatCount, Progress } from './progress';
import { problemReport } from './report';
import { ExitCode, UsageError, type Io } from './io';
import { catalogueNames, catalogueOf, describeTarget, GatewayClient, GatewayUnavailable, GraphQLRequestError, type GatewayTarget } from './gateway';
import { CommitUnknown, uploadBatch, type StaleFigure, type SubmissionOutcome, type UploadVerdict } from './upload';

export { splitParts } from './upload';

export interface ImportOptions {
  /** The department whose figures the file holds: a subgraph name of the registry of departments. */
  department: string;
  month: string;
  status: 'PRELIMINARY' | 'FINAL';
  reportedBy: string;
  key?: string;
  dryRun: boolean;
  /** Confirms figures the plausibility checks question, with this reason (kept in their history). */
  acceptOutliers?: string;
  skipEmpty: boolean;
  json: boolean;
  file: string;
  gateway: GatewayTarget;
}

/** `import:energy:2015-06:<sha256 of the file>`: the same file imported again is recognised and changes nothing. */
const plural = (n: number, what: string) => `${formatCount(n)} ${what}${n === 1 ? '' : 's'}`;

export function defaultKey(department: string, month: string, content: Buffer): string {
  return `import:${department}:${month}:${createHash('sha256').update(content).digest('hex')}`;
}

function readInput(file: string): Buffer {
  const format = formatOf(file);
  if (!format) {
    const old = /\.(xls|et|wps)$/i.test(file) ? ' (an old Excel or WPS format: open it and "Save As" Excel Workbook (.xlsx) or "CSV (逗号分隔)")' : '';
    throw new UsageError(`${file}: the file must be .csv or .xlsx${old}`, 'import');
  }
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`, 'import');
    return readFileSync(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 'import');
  }
}

interface Refusal {
  problems: RowProblem[];
  rows: number;
  notes?: string[];
}

function printRefusal(io: Io, options: ImportOptions, refusal: Refusal): number {
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: false, department: options.department, month: options.month, rows: refusal.rows, problems: refusal.problems, notes: refusal.notes ?? [] }, null, 2) + '\n');
  } else {
    io.stdout.write(`${options.department} ${options.month}, ${basename(options.file)}: `);
    io.stdout.write(problemReport(refusal.problems, refusal.rows));
  }
  return ExitCode.Refused;
}

function printOutcome(io: Io, options: ImportOptions, built: BuiltBatch, outcome: SubmissionOutcome): void {
  const rows = built.observations.length;
  const { created, updated, revised, unchanged, submissionId, replayed, idempotencyKey } = outcome;
  const stale = outcome.staleObservations ?? [];
  if (options.json) {
    io.stdout.write(
      JSON.stringify(
        { ok: true, department: options.department, month: options.month, rows, skipped: built.skipped, notes: built.notes, dryRun: outcome.dryRun, replayed, submissionId, idempotencyKey, created, updated, revised, unchanged, staleObservations: stale },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  const where = `${options.department} ${options.month}, ${basename(options.file)}`;
  const skipped = built.skipped ? ` (${formatCount(built.skipped)} row${built.skipped === 1 ? '' : 's'} without figures left out)` : '';
  if (outcome.dryRun) {
    io.stdout.write(`valid: ${plural(rows, 'row')}${skipped}; dry run, nothing was written (${where})\n`);
    // What the import would do, as the dry run counted it: a clerk sees a correction before making it.
    io.stdout.write(`would create ${formatCount(created)}, update ${formatCount(updated)}, revise ${formatCount(revised)}, leave ${formatCount(unchanged)} unchanged\n`);
    if (stale.length) io.stdout.write(staleReport(stale, true));
    return;
  }
  if (replayed) {
    io.stdout.write(`${where}: already imported as submission ${submissionId}; nothing was written now\n`);
  } else {
    io.stdout.write(`${where}: imported ${plural(rows, 'row')} as ${options.status}${skipped}, submission ${submissionId}\n`);
  }
  // A replay's counts are what the submission did when it was applied.
  io.stdout.write(`${replayed ? `submission ${submissionId} then: ` : ''}created ${formatCount(created)}, updated ${formatCount(updated)}, revised ${formatCount(revised)}, unchanged ${formatCount(unchanged)}\n`);
  if (stale.length) io.stdout.write(staleReport(stale));
  io.stdout.write(`key ${idempotencyKey}\n`);
}

/** Shown in full up to this many; the rest counted (the JSON output lists them all). */
const STALE_SHOWN = 10;

/**
 * Later months whose reported year-to-date this batch left behind (待重报): what the clerk must
 * report again, each with its reported and implied figures.
 */
export function staleReport(stale: readonly StaleFigure[], dryRun = false): string {
  const lines = stale
    .slice(0, STALE_SHOWN)
    .map((f) => `  ${f.month} ${f.indicator} ${f.subjectCode}: year-to-date reported ${f.ytdValue}, the months before now imply ${f.impliedYtdValue}\n`);
  const more = stale.length > STALE_SHOWN ? `  … and ${formatCount(stale.length - STALE_SHOWN)} more (--json lists them all)\n` : '';
  const verb = dryRun ? 'would no longer add' : `no longer ${stale.length === 1 ? 'adds' : 'add'}`;
  return `待重报 ${plural(stale.length, 'figure')} of later months ${verb} up after this batch: report ${stale.length === 1 ? 'that month' : 'those months'} again${dryRun ? ' once it is imported' : ''}\n${lines.join('')}${more}`;
}

/**
 * Rows per part: what fits the gateway's body limit (MAX_REQUEST_BYTES, 256 000 by default) with
 * room for the query and the JSON around the rows. HUISHANG_UPLOAD_PART_BYTES overrides it.
 */
const partBytes = (env: NodeJS.ProcessEnv) => Number(env.HUISHANG_UPLOAD_PART_BYTES) || 200_000;

/** Parts sent at the same time: HUISHANG_UPLOAD_CONCURRENCY, default 3. */
const uploadConcurrency = (env: NodeJS.ProcessEnv) => Math.max(1, Number(env.HUISHANG_UPLOAD_CONCURRENCY) || 3);

/**
 * Imports a file through the gateway: reads it, fetches the department's catalogue from the graph,
 * stages the rows in parts (`stage<Dept>Observations`) and commits them as one batch
 * (`commit<Dept>Upload`): checked and applied all together by the department's subgraph, or not at all.
 */
export async function runImport(options: ImportOptions, io: Io): Promise<number> {
  const content = readInput(options.file);
  const format = formatOf(options.file)!;
  const progress = new Progress({ stream: io.stderr, enabled: !options.json || io.stderr.isTTY === true });
  const client = new GatewayClient(options.gateway, io.env);
  try {
    const { viewer, catalogue } = await catalogueOf(client, options.department);
    describeTarget(io, options.gateway, viewer);
    const started = Date.now();
    progress.start(`reading ${basename(options.file)}`, { unit: 'rows' });
    let built: BuiltBatch;
    try {
      const notes: string[] = [];
      const rows = await readTable(content, format, (n, fraction) => progress.update(n, fraction), notes);
      built = buildBatch(rows, catalogueNames(catalogue), { skipEmpty: options.skipEmpty, month: options.month });
      built.notes.unshift(...notes);
    } catch (error) {
      progress.finish();
      if (error instanceof FileError) return printRefusal(io, options, { problems: [{ row: null, column: 'file', value: basename(options.file), code: 'BAD_FILE', reason: error.message }], rows: 0 });
      throw error;
    }
    progress.finish(`read ${plural(built.observations.length, 'row')} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    if (!options.json) for (const note of built.notes) io.stderr.write(`${note}\n`);
    if (built.headerProblems.length) return printRefusal(io, options, { problems: built.headerProblems, rows: built.observations.length, notes: built.notes });

    const idempotencyKey = options.key ?? defaultKey(options.department, options.month, content);
    const rows = built.observations.length;
    let begun = Date.now();
    let parts = 0;
    let dryRun = options.dryRun;
    progress.start(`uploading ${plural(rows, 'row')}`, { total: rows, unit: 'rows' });
    let verdict: UploadVerdict;
    try {
      verdict = await uploadBatch(
        client,
        options.department,
        built,
        { idempotencyKey, month: options.month, reportedBy: options.reportedBy, status: options.status, ...(options.acceptOutliers !== undefined ? { acceptOutliers: { reason: options.acceptOutliers } } : {}) },
        {
          dryRun: options.dryRun,
          partBytes: partBytes(io.env),
          concurrency: uploadConcurrency(io.env),
          // A fresh upload id per run: parts of an earlier, interrupted run are never mixed in. The batch's key makes the import idempotent.
          uploadId: `upload:${randomBytes(12).toString('hex')}`,
          onStaged: (sent) => {
            parts++;
            progress.update(sent, sent / rows, rows);
          },
          onCommitting: (checkOnly) => {
            dryRun = checkOnly;
            progress.finish(`uploaded ${plural(rows, 'row')} in ${parts} part${parts === 1 ? '' : 's'} in ${((Date.now() - begun) / 1000).toFixed(1)}s`);
            begun = Date.now();
            progress.start(checkOnly ? `checking ${plural(rows, 'row')}` : `checking and writing ${plural(rows, 'row')}`, { unit: 'rows' });
          },
        },
      );
    } catch (error) {
      progress.finish();
      // After the parts went up (a timeout, a lost connection): the batch may or may not have been applied.
      if (error instanceof CommitUnknown) {
        io.stderr.write(
          `huishang import: the commit of ${plural(rows, 'row')} got no verdict (${error.message}).\n` +
            `Whether it was applied is not known: run the same command again — under the same key (${idempotencyKey}) the batch is applied at most once, and it says "already imported" if it was.\n`,
        );
        return ExitCode.Failed;
      }
      throw error;
    }
    if (verdict.kind === 'refused') {
      progress.finish();
      return printRefusal(io, options, { problems: verdict.problems, rows, notes: built.notes });
    }
    if (verdict.kind === 'conflict') {
      progress.finish();
      const reason = options.key
        ? 'was used before for a different batch; choose a new --key for new content'
        : 'this file was imported before with other options (--status or --reported-by); to apply it again with these, give it its own --key';
      return printRefusal(io, options, { problems: [{ row: null, column: '--key', value: idempotencyKey, code: 'IDEMPOTENCY_CONFLICT', reason }], rows, notes: built.notes });
    }
    const outcome = verdict.outcome;
    progress.finish(`${dryRun ? 'checked' : 'checked and wrote'} ${plural(rows, 'row')} in ${((Date.now() - begun) / 1000).toFixed(1)}s`);
    printOutcome(io, options, built, outcome);
    return ExitCode.Ok;
  } catch (error) {
    progress.finish();
    return gatewayFailure(io, options, error);
  }
}

/** A refusal by the gateway or the subgraph (token, rights, limits) as a problem list; an unreachable gateway as exit 3. */
function gatewayFailure(io: Io, options: ImportOptions, error: unknown): number {
  if (error instanceof GatewayUnavailable) {
    io.stderr.write(`huishang import: ${error.message}\n`);
    return ExitCode.Failed;
  }
  if (error instanceof GraphQLRequestError) {
    // The token was refused before the viewer was known: still say which gateway answered.
    if (error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) describeTarget(io, options.gateway, null);
    const problems: RowProblem[] = error.errors.map((e) => ({
      row: null,
      column: e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN' ? '--token' : 'gateway',
      value: null,
      code: e.extensions?.code ?? 'GRAPHQL_ERROR',
      reason: e.message,
    }));
    return printRefusal(io, options, { problems, rows: 0 });
  }
  throw error;
}
