/**
 * The `huishang` command as a real process against a department's own database: a temp SQLite
 * file, or, when the test run has `DATABASE_URL=postgres://…`, a uniquely named PostgreSQL database
 * dropped at the end (the shared testbed does both). Build first: node_modules/.bin/tsc -b.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { completeCreditCode, CREDIT_CODE_ALPHABET, RegisteredEnterprise, type SubgraphDefinition } from '@huishang/schema';
import { openTestbed, type Testbed } from '@huishang/schema/testing';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'cli', 'dist', 'src', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Environment of the parent minus whatever would point the command at another database. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'DATABASE_URL' || key === 'HUISHANG_DATA_DIR' || key === 'NODE_ENV' || /_DATABASE_URL$/.test(key) || key.startsWith('JEST_')) continue;
    env[key] = value;
  }
  return env;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with node_modules/.bin/tsc -b`);
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...baseEnvironment(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolveRun({ code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
}

export interface Department {
  testbed: Testbed;
  definition: SubgraphDefinition;
  /** What the command needs to find this database. */
  env: NodeJS.ProcessEnv;
  /**
   * Runs `huishang <args>` against this database. An import confirms implausible figures
   * (`--accept-outliers`): these files test the command, with round numbers far from the demo
   * city's history; `cliStrict` runs it as given (cli/test/plausibility.test.ts).
   */
  cli: (args: string[]) => Promise<CliResult>;
  cliStrict: (args: string[]) => Promise<CliResult>;
  /** Rows of the department's database, `?` placeholders. */
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  count: (table: string, where?: string, params?: unknown[]) => Promise<number>;
  /** Everything reporting can change (observation, history, submissions), hashed: proves nothing was written. */
  checksum: () => Promise<string>;
  close: () => Promise<void>;
}

/** A department's database, migrated and seeded with a small demo city (HUISHANG_DEMO_ENTERPRISES, 60 by default here). */
export async function openDepartment(definition: SubgraphDefinition): Promise<Department> {
  process.env.HUISHANG_DEMO_ENTERPRISES ??= '60';
  const testbed = await openTestbed(definition);
  const env: NodeJS.ProcessEnv =
    testbed.settings.kind === 'sqlite'
      ? { HUISHANG_DATA_DIR: dirname(testbed.settings.location) }
      : { [`${definition.name.toUpperCase()}_DATABASE_URL`]: testbed.settings.location };
  // `?` placeholders on both databases (MikroORM's connection rewrites them for PostgreSQL).
  const sql = <T,>(text: string, params: unknown[] = []) => testbed.sql<T>(text, params);
  const count = async (table: string, where = '1 = 1', params: unknown[] = []) => Number((await sql<{ n: unknown }>(`select count(*) as n from ${table} where ${where}`, params))[0].n);
  return {
    testbed,
    definition,
    env,
    cli: (args) => runCli(args[0] === 'import' && !args.includes('--accept-outliers') && !args.includes('--help') ? [...args, '--accept-outliers', 'test figures'] : args, env),
    cliStrict: (args) => runCli(args, env),
    sql,
    count,
    checksum: async () => {
      const hash = createHash('sha256');
      for (const table of ['observation', 'observation_history', 'submission']) {
        for (const row of await sql(`select * from ${table} order by id`)) hash.update(JSON.stringify(row, (_k, v) => (v instanceof Date ? v.toISOString() : v)));
        hash.update(`|${table}|`);
      }
      return hash.digest('hex');
    },
    close: () => testbed.close(),
  };
}

/** `n` valid credit codes of enterprises in 魏都区 that the demo city does not have. */
export function syntheticCreditCodes(n: number, seed = 'X'): string[] {
  const codes: string[] = [];
  for (let i = 0; codes.length < n; i++) {
    let body = '';
    for (let x = i, k = 0; k < 8; k++, x = Math.floor(x / 31)) body = CREDIT_CODE_ALPHABET[x % 31] + body;
    codes.push(completeCreditCode(`91411002${seed}${body}`));
  }
  return codes;
}

/** Adds enterprises to the department's register (enterprise_register), so large files have valid subjects. */
export async function register(department: Department, codes: string[]): Promise<void> {
  const em = department.testbed.orm.em.fork();
  for (let i = 0; i < codes.length; i += 1000) {
    await em.insertMany(RegisteredEnterprise, codes.slice(i, i + 1000).map((creditCode) => ({ creditCode, regionCode: '411002' })));
  }
}

export type Cells = (string | number | null | undefined)[];

export const HEADER = ['indicator', 'subject_kind', 'subject_code', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct'];

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(rows: Cells[], header: string[] = HEADER): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export async function xlsxBuffer(rows: Cells[], header: string[] = HEADER): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('报送 Report');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row.map((c) => (c === undefined ? null : c)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A temp directory for one test file's input files. */
export function workDir(): { path: (name: string) => string; write: (name: string, content: string | Buffer) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'huishang-cli-'));
  return {
    path: (name) => join(dir, name),
    write: (name, content) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
