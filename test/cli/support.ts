/**
 * `huishang` as a department's clerk runs it: a real process talking to the gateway of a real
 * system (test/support/system.ts) with the department's token. Files are made here; the
 * department's database is read only to prove what was, or was not, written.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { completeCreditCode, CREDIT_CODE_ALPHABET } from '@huishang/schema';
import { REPO_ROOT, type SubgraphName, type System } from '../support/system';

export const CLI = join(REPO_ROOT, 'cli', 'dist', 'src', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Runs the built CLI with exactly this environment (the system's, plus what the test adds). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first with node_modules/.bin/tsc -b`);
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  name: SubgraphName;
  system: System;
  /**
   * Runs `huishang <args>` against the system's gateway, with the department's demo token unless
   * `--token` is given. An import confirms implausible figures (`--accept-outliers`): these files
   * test the command with round numbers far from the demo city's history; `cliStrict` runs it as given.
   */
  cli: (args: string[], env?: NodeJS.ProcessEnv) => Promise<CliResult>;
  cliStrict: (args: string[], env?: NodeJS.ProcessEnv) => Promise<CliResult>;
  /** Rows of the department's own database, `?` placeholders. */
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  count: (table: string, where?: string, params?: unknown[]) => Promise<number>;
  /** Everything reporting can change (observation, history, submissions), hashed: proves nothing was written. */
  checksum: () => Promise<string>;
}

export function department(system: System, name: SubgraphName): Department {
  const sql = async <T,>(text: string, params: unknown[] = []) => (await system.sql(name, text, params)) as T[];
  const count = async (table: string, where = '1 = 1', params: unknown[] = []) => Number((await sql<{ n: unknown }>(`select count(*) as n from ${table} where ${where}`, params))[0].n);
  return {
    name,
    system,
    cli: (args, env = {}) => runCli(args[0] === 'import' && !args.includes('--accept-outliers') && !args.includes('--help') ? [...args, '--accept-outliers', 'test figures'] : args, { ...system.env, ...env }),
    cliStrict: (args, env = {}) => runCli(args, { ...system.env, ...env }),
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

/** Adds enterprises to a department's register (enterprise_register), so large files have valid subjects. */
export async function register(dept: Department, codes: string[]): Promise<void> {
  for (let i = 0; i < codes.length; i += 400) {
    const chunk = codes.slice(i, i + 400);
    await dept.sql(`insert into enterprise_register (credit_code, region_code) values ${chunk.map(() => "(?, '411002')").join(', ')}`, chunk);
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
