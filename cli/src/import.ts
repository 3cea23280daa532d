import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import {
  BatchRejectedError,
  IdempotencyConflictError,
  openDatabase,
  subgraphParts,
  SubmissionRecord,
  submitBatch,
  type BatchInput,
  type SubgraphDefinition,
  type SubmissionOutcome,
  type SubmitProgress,
} from '@huishang/schema';
import { registerTable } from './departments';
import { buildBatch, rowProblems, type BuiltBatch, type RowProblem } from './batch';
import { formatOf, FileError, readTable } from './read';
import { formatCount, Progress } from './progress';
import { problemReport } from './report';
import { ExitCode, UsageError, type Io } from './io';

export interface ImportOptions {
  department: SubgraphDefinition;
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
}

/** `import:energy:2015-06:<sha256 of the file>`: the same file imported again is recognised and changes nothing. */
export function defaultKey(department: string, month: string, content: Buffer): string {
  return `import:${department}:${month}:${createHash('sha256').update(content).digest('hex')}`;
}

function readInput(file: string): Buffer {
  const format = formatOf(file);
  if (!format) throw new UsageError(`${file}: the file must be .csv or .xlsx`, 'import');
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
}

function printRefusal(io: Io, options: ImportOptions, refusal: Refusal): number {
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: false, department: options.department.name, month: options.month, rows: refusal.rows, problems: refusal.problems }, null, 2) + '\n');
  } else {
    io.stdout.write(`${options.department.name} ${options.month}, ${basename(options.file)}: `);
    io.stdout.write(problemReport(refusal.problems, refusal.rows));
  }
  return ExitCode.Refused;
}

function printOutcome(io: Io, options: ImportOptions, built: BuiltBatch, outcome: SubmissionOutcome): void {
  const rows = built.observations.length;
  const { created, updated, revised, unchanged, submissionId, replayed, idempotencyKey } = outcome;
  if (options.json) {
    io.stdout.write(
      JSON.stringify(
        { ok: true, department: options.department.name, month: options.month, rows, skipped: built.skipped, dryRun: outcome.dryRun, replayed, submissionId, idempotencyKey, created, updated, revised, unchanged },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  const where = `${options.department.name} ${options.month}, ${basename(options.file)}`;
  const skipped = built.skipped ? ` (${formatCount(built.skipped)} empty row${built.skipped === 1 ? '' : 's'} left out)` : '';
  if (outcome.dryRun) {
    io.stdout.write(`valid: ${formatCount(rows)} rows${skipped}; dry run, nothing was written (${where})\n`);
    return;
  }
  if (replayed) {
    io.stdout.write(`${where}: already imported as submission ${submissionId}; unchanged, nothing was written\n`);
  } else {
    io.stdout.write(`${where}: imported ${formatCount(rows)} rows as ${options.status}${skipped}, submission ${submissionId}\n`);
  }
  io.stdout.write(`created ${formatCount(created)}, updated ${formatCount(updated)}, revised ${formatCount(revised)}, unchanged ${formatCount(unchanged)}\n`);
  io.stdout.write(`key ${idempotencyKey}\n`);
}

/** When every enterprise is unknown because the register is empty, say so: the database was never seeded or loaded. */
async function emptyRegisterHint(orm: MikroORM, options: ImportOptions, problems: RowProblem[]): Promise<string> {
  if (!problems.some((p) => p.code === 'UNKNOWN_SUBJECT')) return '';
  const [{ n }] = await orm.em.fork().getConnection().execute<{ n: unknown }[]>(`select count(*) as n from ${registerTable(options.department.name)}`);
  if (Number(n) > 0) return '';
  return `note: the ${options.department.name} register holds no enterprises at all: this database has not been seeded or loaded (the service seeds the demo city on its first start, npm start)\n`;
}

/** What the key was used for before, for a conflict message a person can act on. */
async function describeKey(orm: MikroORM, key: string): Promise<string> {
  const previous = await orm.em.fork().findOne(SubmissionRecord, { idempotencyKey: key });
  if (!previous) return '';
  return ` (submission ${previous.id} for ${previous.month}, reported by ${previous.reportedBy} at ${previous.receivedAt.toISOString()})`;
}

export async function runImport(options: ImportOptions, io: Io): Promise<number> {
  const content = readInput(options.file);
  const format = formatOf(options.file)!;
  const progress = new Progress({ stream: io.stderr, enabled: !options.json || io.stderr.isTTY === true });
  const started = Date.now();

  progress.start(`reading ${basename(options.file)}`, { unit: 'rows' });
  let built: BuiltBatch;
  try {
    const rows = await readTable(content, format, (n, fraction) => progress.update(n, fraction));
    built = buildBatch(rows, options.department.reporting.catalogue, { skipEmpty: options.skipEmpty });
  } catch (error) {
    progress.finish();
    if (error instanceof FileError) return printRefusal(io, options, { problems: [{ row: null, column: 'file', value: basename(options.file), code: 'BAD_FILE', reason: error.message }], rows: 0 });
    throw error;
  }
  progress.finish(`read ${formatCount(built.observations.length)} rows in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (built.headerProblems.length) return printRefusal(io, options, { problems: built.headerProblems, rows: built.observations.length });

  const batch: BatchInput = {
    idempotencyKey: options.key ?? defaultKey(options.department.name, options.month, content),
    month: options.month,
    reportedBy: options.reportedBy,
    status: options.status,
    observations: built.observations,
    ...(options.acceptOutliers !== undefined ? { acceptOutliers: { reason: options.acceptOutliers } } : {}),
  };

  const orm = await openDatabase({ subgraph: options.department.name, ...subgraphParts(options.department).database, logger: (message) => io.stderr.write(`${message}\n`) });
  try {
    const rows = built.observations.length;
    progress.start(`checking ${formatCount(rows)} rows`, { unit: 'enterprises' });
    let begun = Date.now();
    let writing = false;
    // The core reports enterprises checked against the register, then rows written.
    const onProgress = (p: SubmitProgress) => {
      if (p.phase === 'writing' && !writing) {
        writing = true;
        progress.finish(`checked ${formatCount(rows)} rows in ${((Date.now() - begun) / 1000).toFixed(1)}s`);
        begun = Date.now();
        progress.start('writing', { total: p.total, unit: 'rows' });
      }
      progress.update(p.done, p.done / p.total, p.total);
    };
    let outcome: SubmissionOutcome;
    try {
      outcome = await submitBatch(orm.em, options.department.reporting, batch, { dryRun: options.dryRun, onProgress });
    } catch (error) {
      progress.finish();
      if (error instanceof BatchRejectedError) {
        const problems = rowProblems(error.problems, built);
        const code = printRefusal(io, options, { problems, rows: built.observations.length });
        if (!options.json) io.stdout.write(await emptyRegisterHint(orm, options, problems));
        return code;
      }
      if (error instanceof IdempotencyConflictError) {
        const reason = options.key
          ? `was used before for a different batch${await describeKey(orm, error.idempotencyKey)}; choose a new --key for new content`
          : `this file was imported before with other options (--status or --reported-by)${await describeKey(orm, error.idempotencyKey)}; to apply it again with these, give it its own --key`;
        return printRefusal(io, options, { problems: [{ row: null, column: '--key', value: error.idempotencyKey, code: 'IDEMPOTENCY_CONFLICT', reason }], rows: built.observations.length });
      }
      throw error;
    }
    progress.finish(writing ? `wrote in ${((Date.now() - begun) / 1000).toFixed(1)}s` : `checked ${formatCount(rows)} rows in ${((Date.now() - begun) / 1000).toFixed(1)}s`);
    printOutcome(io, options, built, outcome);
    return ExitCode.Ok;
  } finally {
    await orm.close(true);
  }
}
