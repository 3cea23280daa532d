/**
 * Import speed through the gateway (a benchmark, not a test: it asserts nothing about time).
 *
 *   node_modules/.bin/jest --testMatch '<rootDir>/test/cli/import.bench.ts'   (DATABASE_URL=postgres://… for PostgreSQL)
 *
 * The statistics bureau's month for a large city: BENCH_ENTERPRISES (25,000) enterprises × 4
 * indicators = 100,000 rows in one .xlsx, imported by `huishang import` as a process against a
 * real system (five subgraphs and the gateway): read, staged in parts of at most 200 kB through the
 * gateway, committed as one batch. Prints the phases the command reports.
 */
import ExcelJS from 'exceljs';
import { startSystem, type System } from '../support/system';
import { department, register, syntheticCreditCodes, workDir, HEADER } from './support';

const ENTERPRISES = Number(process.env.BENCH_ENTERPRISES ?? 25_000);
let system: System;
let files: ReturnType<typeof workDir>;

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
  files = workDir();
}, 300_000);
afterAll(async () => {
  await system?.stop();
  files?.remove();
});

async function writeWorkbook(file: string, codes: string[]): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: false });
  const sheet = workbook.addWorksheet('报送 Report');
  sheet.addRow(HEADER).commit();
  let rows = 0;
  codes.forEach((code, i) => {
    const output = Math.round((800 + (i % 997) * 13.7) * 10) / 10;
    sheet.addRow(['STAT_GROSS_OUTPUT', 'ENTERPRISE', code, '万元', output, output * 6, 8.1, 7.9]).commit();
    sheet.addRow(['STAT_MAIN_REVENUE', 'ENTERPRISE', code, '万元', Math.round(output * 0.97 * 10) / 10, Math.round(output * 5.8 * 10) / 10, 7.5, 7.2]).commit();
    sheet.addRow(['STAT_TOTAL_PROFIT', 'ENTERPRISE', code, '万元', Math.round(output * 0.06 * 10) / 10, Math.round(output * 0.35 * 10) / 10, 3.1, 2.8]).commit();
    sheet.addRow(['STAT_SALES_RATIO', 'ENTERPRISE', code, '%', 97, 97.8, null, null]).commit();
    rows += 4;
  });
  await sheet.commit();
  await workbook.commit();
  return rows;
}

it(`imports ${(ENTERPRISES * 4).toLocaleString('en-US')} rows through the gateway`, async () => {
  const stats = department(system, 'statistics');
  const codes = syntheticCreditCodes(ENTERPRISES, 'B');
  await register(stats, codes);
  const file = files.path('statistics-100k.xlsx');
  const rows = await writeWorkbook(file, codes);
  const started = performance.now();
  const result = await stats.cli(['import', '--department', 'statistics', '--month', '2016-06', '--status', 'FINAL', file]);
  const ms = performance.now() - started;
  console.log(
    `${system.database.kind}: huishang import, ${rows.toLocaleString('en-US')} rows through the gateway: exit ${result.code} in ${(ms / 1000).toFixed(1)} s ` +
      `(${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s)\n${result.stderr}${result.stdout}`,
  );
  expect(result.code).toBe(0);
  expect(await stats.count('observation', 'month = ?', ['2016-06'])).toBe(rows);
}, 600_000);
