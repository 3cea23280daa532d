/**
 * Import speed (not a test): `npm run bench:import`.
 *
 * The statistics bureau's month for a large city: 25,000 enterprises × 4 enterprise indicators
 * (gross output, main-business revenue, total profit, sales-to-output ratio) = 100,000 rows in one
 * .xlsx. Each database (a fresh SQLite file; a fresh PostgreSQL database when one is reachable at
 * DATABASE_URL or 127.0.0.1:5432) gets the register, then:
 *
 *   read      the workbook into a batch (exceljs streaming reader + the command's row mapping)
 *   validate  submitBatch with dryRun: every rule, in a transaction rolled back at the end
 *   write     submitBatch for real, minus its validation: 100,000 figures created
 *   revise    the same rows with new figures as FINAL over FINAL: 100,000 updates + 100,000 history rows
 *   derive    the next month with current-month values only: year-to-date and growth derived (75,000)
 *   follow    the first month revised again: its 100,000 figures, and the next month's 75,000
 *             derived figures recomputed (issue 13: derived figures follow their sources)
 *
 * The command end to end — through the gateway, in staged parts — is measured by test/cli/import.bench.ts (see README).
 *
 * Options (environment): BENCH_ENTERPRISES (25000), BENCH_DATABASES (sqlite,postgresql).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type ExcelJS from 'exceljs';
import type { MikroORM } from '@mikro-orm/core';
import {
  completeCreditCode,
  CREDIT_CODE_ALPHABET,
  databaseSettings,
  DISTRICTS,
  openDatabase,
  RegisteredEnterprise,
  submitBatch,
  subgraphParts,
  type BatchInput,
  type DatabaseSettings,
  type SubgraphDefinition,
} from '@huishang/schema';
import { buildBatch } from '../src/batch';
import { readTable } from '../src/read';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const excel = (): typeof ExcelJS => require('exceljs');

const ENTERPRISES = Number(process.env.BENCH_ENTERPRISES ?? 25_000);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',');
const MONTH = '2016-06';
const NEXT_MONTH = '2016-07';
const HEADER = ['indicator', 'subject_kind', 'subject_code', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct'];

function creditCodes(n: number): { code: string; region: string }[] {
  const out: { code: string; region: string }[] = [];
  for (let i = 0; i < n; i++) {
    const region = DISTRICTS[i % DISTRICTS.length].code;
    let body = '';
    for (let x = i, k = 0; k < 9; k++, x = Math.floor(x / 31)) body = CREDIT_CODE_ALPHABET[x % 31] + body;
    out.push({ code: completeCreditCode(`91${region}${body}`), region });
  }
  return out;
}

/** 4 rows per enterprise; `scale` changes the figures for the revision run; `valuesOnly` leaves year-to-date and growth of the flows to be derived. */
async function writeWorkbook(file: string, codes: string[], scale: number, valuesOnly = false): Promise<number> {
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ filename: file, useSharedStrings: true, useStyles: false });
  const sheet = workbook.addWorksheet('报送 Report');
  sheet.addRow(HEADER).commit();
  let rows = 0;
  codes.forEach((code, i) => {
    const output = Math.round((800 + (i % 997) * 13.7) * scale * 10) / 10;
    const rest = (ytd: number, yoy: number, ytdYoy: number) => (valuesOnly ? [null, null, null] : [ytd, yoy, ytdYoy]);
    sheet.addRow(['STAT_GROSS_OUTPUT', 'ENTERPRISE', code, '万元', output, ...rest(output * 6, 8.1, 7.9)]).commit();
    sheet.addRow(['STAT_MAIN_REVENUE', 'ENTERPRISE', code, '万元', Math.round(output * 0.97 * 10) / 10, ...rest(Math.round(output * 5.8 * 10) / 10, 7.5, 7.2)]).commit();
    sheet.addRow(['STAT_TOTAL_PROFIT', 'ENTERPRISE', code, '万元', Math.round(output * 0.06 * 10) / 10, ...rest(Math.round(output * 0.35 * 10) / 10, 3.1, 2.8)]).commit();
    sheet.addRow(['STAT_SALES_RATIO', 'ENTERPRISE', code, '%', Math.round((92 + 5 * scale) * 10) / 10, 97.8, null, null]).commit();
    rows += 4;
  });
  await sheet.commit();
  await workbook.commit();
  return rows;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

interface Target {
  kind: 'sqlite' | 'postgresql';
  settings: DatabaseSettings;
  /** For the command: where it finds this database. */
  env: NodeJS.ProcessEnv;
  cleanup: (orm: MikroORM) => Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'huishang-bench-'));
  const settings = databaseSettings('statistics', { HUISHANG_DATA_DIR: dir });
  return { kind: 'sqlite', settings, env: { HUISHANG_DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresTarget(): Target {
  const parent = process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/huishang';
  const url = new URL(parent);
  url.pathname = `/${url.pathname.slice(1) || 'huishang'}_bench_${randomBytes(3).toString('hex')}`;
  const settings = databaseSettings('statistics', { DATABASE_URL: url.toString() });
  return {
    kind: 'postgresql',
    settings,
    env: { STATISTICS_DATABASE_URL: settings.location },
    cleanup: async (orm) => {
      await orm.schema.dropDatabase(new URL(settings.location).pathname.slice(1));
    },
  };
}

function batchOf(observations: BatchInput['observations'], key: string, status: BatchInput['status'], month = MONTH): BatchInput {
  return { idempotencyKey: key, month, reportedBy: '统计局 bench', status, observations };
}

async function bench(definition: SubgraphDefinition, target: Target, files: { create: string; revise: string; command: string; next: string; again: string }, codes: { code: string; region: string }[]): Promise<void> {
  console.log(`\n${target.kind}${target.kind === 'postgresql' ? ` (${new URL(target.settings.location).pathname.slice(1)})` : ''}`);
  let orm: MikroORM;
  try {
    orm = await openDatabase({ subgraph: 'statistics', ...subgraphParts(definition).database, settings: target.settings, logger: () => undefined });
  } catch (error) {
    console.log(`  skipped: ${(error as Error).message.split('\n')[0]}`);
    return;
  }
  try {
    const em = orm.em.fork();
    for (let i = 0; i < codes.length; i += 1000) {
      await em.insertMany(RegisteredEnterprise, codes.slice(i, i + 1000).map((c) => ({ creditCode: c.code, regionCode: c.region })));
    }
    const catalogue = definition.reporting.catalogue;

    const [built, readMs] = await timed(async () => buildBatch(await readTable(readFileSync(files.create), 'xlsx'), catalogue));
    const rows = built.observations.length;
    console.log(`  read      ${rows.toLocaleString('en-US')} rows in ${seconds(readMs)}  ${rate(rows, readMs)}`);

    const [, validateMs] = await timed(() => submitBatch(orm.em, definition.reporting, batchOf(built.observations, 'bench-create', 'FINAL'), { dryRun: true }));
    console.log(`  validate  ${seconds(validateMs)}  ${rate(rows, validateMs)}`);

    const [created, submitMs] = await timed(() => submitBatch(orm.em, definition.reporting, batchOf(built.observations, 'bench-create', 'FINAL')));
    if (created.created !== rows) throw new Error(`expected ${rows} created, got ${JSON.stringify({ ...created, observations: created.observations.length })}`);
    // A dry run goes through the whole transaction and rolls it back (plausibility needs the figures
    // already held), so validation is no longer a part of the write to subtract.
    console.log(`  write     ${seconds(submitMs)}  ${rate(rows, submitMs)}  (submitBatch incl. validation; ${created.created.toLocaleString('en-US')} created)`);

    const revisedBatch = buildBatch(await readTable(readFileSync(files.revise), 'xlsx'), catalogue);
    const [revised, reviseMs] = await timed(() => submitBatch(orm.em, definition.reporting, batchOf(revisedBatch.observations, 'bench-revise', 'FINAL')));
    if (revised.revised !== rows) throw new Error(`expected ${rows} revised, got ${revised.revised}`);
    console.log(`  revise    ${seconds(reviseMs)}  ${rate(rows, reviseMs)}  (submitBatch incl. validation; ${revised.revised.toLocaleString('en-US')} revised, as many history rows)`);

    const nextBatch = buildBatch(await readTable(readFileSync(files.next), 'xlsx'), catalogue);
    const [derived, deriveMs] = await timed(() => submitBatch(orm.em, definition.reporting, batchOf(nextBatch.observations, 'bench-next', 'FINAL', NEXT_MONTH)));
    console.log(`  derive    ${seconds(deriveMs)}  ${rate(rows, deriveMs)}  (${NEXT_MONTH}: ${derived.created.toLocaleString('en-US')} created, flows' year-to-date and growth derived)`);

    const againBatch = buildBatch(await readTable(readFileSync(files.again), 'xlsx'), catalogue);
    const [followed, followMs] = await timed(() => submitBatch(orm.em, definition.reporting, batchOf(againBatch.observations, 'bench-again', 'FINAL')));
    if (followed.revised !== rows) throw new Error(`expected ${rows} revised, got ${followed.revised}`);
    console.log(
      `  follow    ${seconds(followMs)}  ${rate(rows, followMs)}  (${MONTH} revised again: ${followed.revised.toLocaleString('en-US')} revised, ` +
        `${followed.recomputed.toLocaleString('en-US')} derived figures of ${NEXT_MONTH} recomputed; against revise: +${seconds(Math.max(0, followMs - reviseMs))})`,
    );

  } finally {
    await target.cleanup(orm);
    await orm.close(true);
  }
}

async function main(): Promise<void> {
  // The statistics subgraph's definition (its package's entry point): the bench measures its reporting core in process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require('@huishang/statistics') as typeof import('@huishang/statistics')).statistics;
  const codes = creditCodes(ENTERPRISES);
  const dir = mkdtempSync(join(tmpdir(), 'huishang-bench-files-'));
  try {
    const files = { create: join(dir, 'create.xlsx'), revise: join(dir, 'revise.xlsx'), command: join(dir, 'command.xlsx'), next: join(dir, 'next.xlsx'), again: join(dir, 'again.xlsx') };
    const [rows, generateMs] = await timed(() => writeWorkbook(files.create, codes.map((c) => c.code), 1));
    await writeWorkbook(files.revise, codes.map((c) => c.code), 1.05);
    await writeWorkbook(files.command, codes.map((c) => c.code), 0.95);
    await writeWorkbook(files.next, codes.map((c) => c.code), 1.02, true);
    await writeWorkbook(files.again, codes.map((c) => c.code), 1.1);
    console.log(
      `statistics ${MONTH}: ${ENTERPRISES.toLocaleString('en-US')} enterprises × 4 indicators = ${rows.toLocaleString('en-US')} rows, ` +
        `${(statSync(files.create).size / 1e6).toFixed(1)} MB xlsx (generated in ${seconds(generateMs)}); node ${process.version}`,
    );
    for (const kind of DATABASES) {
      const target = kind === 'postgresql' ? postgresTarget() : sqliteTarget();
      await bench(definition, target, files, codes);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
