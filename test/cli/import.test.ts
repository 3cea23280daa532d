/**
 * `huishang import` and `huishang template` as real processes talking to the gateway of a real
 * system (SQLite, or PostgreSQL with DATABASE_URL) with the energy department's token: files in,
 * rows in the department's database, the writes in the audit trail, nothing written when anything
 * is wrong (or the gateway is down, or the token is another department's), the same file twice
 * applied once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { freePort, REPO_ROOT, startSystem, type System } from '../support/system';
import { csvText, department, register, syntheticCreditCodes, workDir, xlsxBuffer, type Cells, type Department } from './support';

const MONTH = '2016-03'; // after the demo data (2013–2015): every figure is new
/** A system starts in seconds on a quiet machine; give a loaded one time (E2E_READY_TIMEOUT_MS, as the harness). */
const START_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000) + 120_000;
let system: System;
let dept: Department;
let files: ReturnType<typeof workDir>;
let enterprises: string[];

beforeAll(async () => {
  // A small quota of staged parts per client (finding 12), above what any import here stages at once.
  system = await startSystem({ enterprises: 60, env: { HUISHANG_UPLOAD_QUOTA_PARTS: '10' } });
  dept = department(system, 'energy');
  files = workDir();
  enterprises = (await dept.sql<{ credit_code: string }>('select credit_code from enterprise_register order by credit_code')).map((r) => r.credit_code);
}, START_TIMEOUT_MS);
afterAll(async () => {
  await system?.stop();
  files?.remove();
});

const electricity = (code: string, value: number, kind = 'ENTERPRISE'): Cells => ['EN_ELECTRICITY', kind, code, '万千瓦时', value, null, null, null];

async function observation(month: string, indicator: string, code: string) {
  const rows = await dept.sql<Record<string, unknown>>('select * from observation where month = ? and indicator = ? and subject_code = ?', [month, indicator, code]);
  return rows[0];
}

describe('huishang import', () => {
  it('imports a CSV file: one row per line, in the department’s database, and says what it did', async () => {
    const rows = [electricity(enterprises[0], 120.5), electricity(enterprises[1], 80), ['EN_GAS', 'REGION', '411002', '万立方米', 33, 95, 4.5, 3.2]];
    const file = files.write('csv-import.csv', '\ufeff' + csvText(rows));
    const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--reported-by', '供电公司 张三', file]);
    expect(result.stderr).not.toMatch(/Error|at .*\.js/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/imported 3 rows as PRELIMINARY, submission \d+/);
    expect(result.stdout).toContain('created 3, updated 0, revised 0, unchanged 0');
    expect(await dept.count('observation', 'month = ?', [MONTH])).toBe(3);
    const gas = await observation(MONTH, 'EN_GAS', '411002');
    expect(gas).toMatchObject({ value: 33, ytd_value: 95, yoy_pct: 4.5, ytd_yoy_pct: 3.2, status: 'PRELIMINARY', reported_by: '供电公司 张三' });
    expect((await observation(MONTH, 'EN_ELECTRICITY', enterprises[0])).value).toBe(120.5);
  });

  it('imports an .xlsx workbook (first sheet), with Chinese headers in any order', async () => {
    const header = ['主体代码', '指标代码', '主体类型', '计量单位', '当月值', '累计值'];
    const rows = enterprises.slice(2, 12).map((code, i) => [code, 'EN_GAS', '企业', '万立方米', 10 + i, 50 + i]);
    const file = files.write('xlsx-import.xlsx', await xlsxBuffer(rows, header));
    const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--status', 'FINAL', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('created 10, updated 0');
    for (const [i, code] of enterprises.slice(2, 12).entries()) {
      expect(await observation(MONTH, 'EN_GAS', code)).toMatchObject({ value: 10 + i, ytd_value: 50 + i, status: 'FINAL' });
    }
  });

  it('re-importing the same file changes nothing and says so', async () => {
    const file = files.write('again.csv', csvText([electricity(enterprises[20], 7), electricity(enterprises[21], 8)]));
    const first = await dept.cli(['import', '--department', 'energy', '--month', MONTH, file]);
    expect(first.code).toBe(0);
    const before = await dept.checksum();
    const second = await dept.cli(['import', '--department', 'energy', '--month', MONTH, file]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already imported as submission (\d+); nothing was written now\nsubmission \1 then: created 2, updated 0, revised 0, unchanged 0\n/);
    expect(second.stdout.match(/submission (\d+)/)![1]).toBe(first.stdout.match(/submission (\d+)/)![1]);
    expect(await dept.checksum()).toBe(before);
  });

  it('the same content under a new key finds every figure unchanged; new figures in a file update preliminary ones and keep the old in history', async () => {
    const file = files.write('update-a.csv', csvText([electricity(enterprises[30], 1), electricity(enterprises[31], 2)]));
    expect((await dept.cli(['import', '--department', 'energy', '--month', MONTH, file])).code).toBe(0);
    const same = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--key', 'resend-1', file]);
    expect(same.stdout).toContain('created 0, updated 0, revised 0, unchanged 2');
    const changed = files.write('update-b.csv', csvText([electricity(enterprises[30], 1), electricity(enterprises[31], 3)]));
    const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, changed]);
    expect(result.stdout).toContain('created 0, updated 1, revised 0, unchanged 1');
    expect(await observation(MONTH, 'EN_ELECTRICITY', enterprises[31])).toMatchObject({ value: 3, version: 2 });
    const history = await dept.sql<Record<string, unknown>>('select * from observation_history where month = ? and subject_code = ?', [MONTH, enterprises[31]]);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ value: 2, version: 1 });
  });

  it('--dry-run checks everything and writes nothing', async () => {
    const before = await dept.checksum();
    const file = files.write('dry.csv', csvText(enterprises.slice(40, 45).map((c, i) => electricity(c, i))));
    const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--dry-run', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: 5 rows/);
    // What it would do, counted: every row is one of created, updated, revised or unchanged.
    const would = /would create (\d+), update (\d+), revise (\d+), leave (\d+) unchanged/.exec(result.stdout);
    expect(would).not.toBeNull();
    expect(would!.slice(1).reduce((sum, n) => sum + Number(n), 0)).toBe(5);
    const existing = await system.sql('energy', `select count(*) as n from observation where indicator = 'EN_ELECTRICITY' and month = ? and subject_code in (${enterprises.slice(40, 45).map(() => '?').join(', ')})`, [MONTH, ...enterprises.slice(40, 45)]);
    expect(Number(would![1])).toBe(5 - Number(existing[0].n));
    expect(await dept.checksum()).toBe(before);
    // …and refuses what a real import would refuse, still writing nothing.
    const bad = files.write('dry-bad.csv', csvText([electricity(enterprises[40], -1)]));
    const refused = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--dry-run', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('[OUT_OF_RANGE]');
    expect(await dept.checksum()).toBe(before);
  });

  it('a 10,000-row file with one bad row is refused whole: the report names row 5002 and column unit, the database is unchanged', async () => {
    const extra = syntheticCreditCodes(5000);
    await register(dept, extra);
    const rows: Cells[] = [];
    for (const code of extra) {
      rows.push(electricity(code, 100 + rows.length));
      rows.push(['EN_GAS', 'ENTERPRISE', code, '万立方米', 50 + rows.length, null, null, null]);
    }
    expect(rows).toHaveLength(10_000);
    rows[5000] = [...rows[5000]];
    rows[5000][3] = '亿元';
    const file = files.write('ten-thousand.xlsx', await xlsxBuffer(rows));
    const countBefore = await dept.count('observation');
    const before = await dept.checksum();
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-04', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('refused: 1 problem in 10,000 rows; nothing was written');
    expect(result.stdout).toMatch(/row 5002, column unit \(D\), "亿元": EN_ELECTRICITY is reported in 万千瓦时 \[UNIT_MISMATCH\]/);
    expect(await dept.count('observation')).toBe(countBefore);
    expect(await dept.checksum()).toBe(before);

    // Mended, the same 10,000 rows go in together.
    rows[5000][3] = '万千瓦时';
    const mended = files.write('ten-thousand-mended.csv', csvText(rows));
    const ok = await dept.cli(['import', '--department', 'energy', '--month', '2016-04', mended]);
    expect({ code: ok.code, stderr: ok.stderr }).toMatchObject({ code: 0 }); // stderr shown when it fails
    expect(ok.stdout).toContain('created 10,000');
    expect(await dept.count('observation', 'month = ?', ['2016-04'])).toBe(10_000);
  });

  it('many problems: the first 50 are listed, then a count by code', async () => {
    const rows = enterprises.slice(0, 40).flatMap((code) => [electricity(code, -5), ['EN_GAS', 'ENTERPRISE', code, '万元', 1, null, null, null]]);
    const file = files.write('many.csv', csvText(rows));
    const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, file]);
    expect(result.code).toBe(1);
    const listed = result.stdout.split('\n').filter((l) => /^ {2}row \d+/.test(l));
    expect(listed).toHaveLength(50);
    expect(result.stdout).toContain('… and 30 more');
    expect(result.stdout).toMatch(/by code: (OUT_OF_RANGE 40, UNIT_MISMATCH 40|UNIT_MISMATCH 40, OUT_OF_RANGE 40)/);
  });

  it('--json gives the outcome and the problems to a machine', async () => {
    const bad = files.write('json-bad.csv', csvText([electricity('411002', 5, 'REGION'), electricity('411002', 6, 'REGION')]));
    const refused = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--json', bad]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, rows: 2, problems: [{ row: 3, code: 'DUPLICATE_ROW' }] });
    const good = files.write('json-good.csv', csvText([electricity('411024', 5, 'REGION')]));
    const done = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--json', good]);
    expect(JSON.parse(done.stdout)).toMatchObject({ ok: true, rows: 1, created: 1, replayed: false, dryRun: false });
  });
});

describe('huishang template', () => {
  it('writes the workbook: report sheet with English and Chinese headers and a row per indicator and subject, and the catalogue', async () => {
    const result = await dept.cli(['template', '--department', 'energy', '--month', '2016-05']);
    expect(result.code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(result.stdoutBytes as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['报送 Report', '指标目录 Catalogue']);
    const report = workbook.worksheets[0];
    expect((report.getRow(1).values as unknown[]).slice(1)).toEqual(['indicator', 'subject_kind', 'subject_code', 'subject_name', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct']);
    expect((report.getRow(2).values as unknown[]).slice(1, 3)).toEqual(['指标代码', '主体类型']);
    const register = await system.sql('industry', 'select credit_code, name from enterprise order by credit_code');
    // Each reported indicator (the catalogue, through the graph) for the city's 10 regions and/or every enterprise of the register.
    const listed = (await system.query('{ indicatorCatalogue { energy { code subjects derivation } } }')).data.indicatorCatalogue.energy as { code: string; subjects: string[]; derivation: string }[];
    const reported = listed.filter((i) => i.derivation !== 'COMPUTED');
    expect(reported.length).toBeGreaterThanOrEqual(2);
    expect(report.rowCount - 2).toBe(reported.reduce((n, i) => n + (i.subjects.includes('REGION') ? 10 : 0) + (i.subjects.includes('ENTERPRISE') ? register.length : 0), 0));
    expect((report.getRow(3).values as unknown[]).slice(1)).toEqual(['EN_ELECTRICITY', 'REGION', '411000', '许昌市', '万千瓦时']);
    // Every enterprise row carries the enterprise's name from the register.
    const enterpriseRow = report.getRow(3 + 10);
    expect((enterpriseRow.values as unknown[]).slice(1, 5)).toEqual(['EN_ELECTRICITY', 'ENTERPRISE', register[0].credit_code, register[0].name]);
    expect(register[0].name).toMatch(/\S/);
    expect(result.stderr).toMatch(new RegExp(`^gateway http://localhost:${new URL(system.gatewayUrl).port}/graphql, as energy analyst cl_`, 'm'));
    const catalogue = workbook.worksheets[1];
    expect(catalogue.getColumn(1).values.slice(2)).toEqual(listed.map((i) => i.code));
    expect(catalogue.getRow(2).getCell(7).value).toMatch(/DERIVED_ALLOWED/);
  });

  it('round trip: a template for a month, its figures filled in, imports as written', async () => {
    const result = await dept.cli(['template', '--department', 'energy', '--month', '2016-05']);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(result.stdoutBytes as never);
    const sheet = workbook.worksheets[0];
    const expected = new Map<string, number>();
    for (let r = 3; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      // A count (户) is a whole number; every other figure gets a fraction.
      const value = String(row.getCell(5).value) === '户' ? r : r * 1.5;
      row.getCell(6).value = value;
      expected.set(`${row.getCell(1).value}|${row.getCell(3).value}`, value);
    }
    const file = files.write('filled-template.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    const imported = await dept.cli(['import', '--department', 'energy', '--month', '2016-05', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`created ${expected.size.toLocaleString('en-US')},`);
    const rows = await dept.sql<{ indicator: string; subject_code: string; value: number }>('select indicator, subject_code, value from observation where month = ?', ['2016-05']);
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) expect(row.value).toBe(expected.get(`${row.indicator}|${row.subject_code}`));
  });

  it('writes CSV with a byte-order mark; without --month just the headers', async () => {
    const result = await dept.cli(['template', '--department', 'energy', '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(result.stdoutBytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(result.stdout.slice(1).split('\r\n')).toEqual([
      'indicator,subject_kind,subject_code,subject_name,unit,value,ytd_value,yoy_pct,ytd_yoy_pct',
      '指标代码,主体类型,主体代码,主体名称,计量单位,当月值,累计值,当月同比(%),累计同比(%)',
      '',
    ]);
  });
});

describe('the command line', () => {
  it('--help and import --help explain the commands, columns and exit codes', async () => {
    const help = await dept.cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('huishang import --department <name> --month YYYY-MM');
    expect(help.stdout).toContain('Exit codes');
    const importHelp = await dept.cli(['import', '--help']);
    expect(importHelp.code).toBe(0);
    expect(importHelp.stdout).toContain('ytd_yoy_pct');
    expect(importHelp.stdout).toContain('--dry-run');
  });

  it.each([
    [['import', '--month', MONTH, 'x.csv'], /--department is required/],
    [['import', '--department', 'power', '--month', MONTH, 'x.csv'], /--department "power": not a department of the registry\. One of /],
    [['import', '--department', 'Energy', '--month', MONTH, 'x.csv'], /--department "Energy": not a department of the registry; did you mean "energy"\?/],
    [['import', '--department', 'energy', 'x.csv'], /--month YYYY-MM is required/],
    [['import', '--department', 'energy', '--month', '2016-13', 'x.csv'], /--month 2016-13: month 13 does not exist/],
    [['import', '--department', 'energy', '--month', MONTH, '--status', 'DONE', 'x.csv'], /--status DONE: PRELIMINARY or FINAL/],
    [['import', '--department', 'energy', '--month', MONTH, '--colour', 'x.csv'], /Unknown option '--colour'/],
    [['import', '--department', 'energy', '--month', MONTH], /name the file to import/],
    [['import', '--department', 'energy', '--month', MONTH, '/nonexistent/figures.csv'], /cannot read \/nonexistent\/figures.csv: no such file/],
    [['import', '--department', 'energy', '--month', MONTH, 'figures.txt'], /must be \.csv or \.xlsx/],
    [['template', '--department', 'energy', '--format', 'pdf'], /--format pdf: xlsx or csv/],
    [['export'], /unknown command "export"/],
  ])('usage error %j: exit 2, a clear message, no stack trace', async (args, message) => {
    const result = await dept.cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/--help" for usage/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('with the gateway down: exit 3, a clear message naming the address, nothing written', async () => {
    const file = files.write('unreachable.csv', csvText([electricity('411002', 5, 'REGION')]));
    const before = await dept.checksum();
    // A port nothing listens on: the gateway is down.
    const down = `http://127.0.0.1:${await freePort()}/graphql`;
    const result = await dept.cli(['import', '--department', 'energy', '--month', MONTH, '--gateway', down, file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`huishang import: cannot reach the gateway at ${down} (ECONNREFUSED): is it running (npm start)? Give its address with --gateway or HUISHANG_GATEWAY. Nothing was written.`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await dept.checksum()).toBe(before);
  });

  it('audit --help, help audit and every command’s --help answer with exit 0', async () => {
    for (const args of [['audit', '--help'], ['help', 'audit'], ['clients', '--help'], ['documents', '--help'], ['template', '--help'], ['help', 'import']]) {
      const result = await dept.cli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 0 });
      expect(result.stdout).toMatch(/Usage|huishang clients/);
    }
  });
});

describe('writes go through the gateway, as the token’s client', () => {
  it('an import by the energy token is in the audit trail: staged parts and the commit, by that client', async () => {
    const before = Number((await system.sql('access', 'select max(seq) as n from audit_record'))[0].n);
    const file = files.write('audited.csv', csvText([electricity(enterprises[50], 9.5)]));
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-08', file]);
    expect(result.code).toBe(0);
    const records = await system.sql('access', 'select client_id, department, operation_name, fields, outcome, months, indicators from audit_record where seq > ? order by seq', [before]);
    // Each write is recorded before it runs (ATTEMPT), then with its outcome; the outcomes are read below.
    const attempts = records.filter((r) => /HuishangStage|HuishangCommit/.test(String(r.operation_name)) && r.outcome === 'ATTEMPT');
    expect(attempts.map((r) => r.operation_name)).toEqual(['HuishangStage', 'HuishangCommit']);
    const writes = records.filter((r) => /HuishangStage|HuishangCommit/.test(String(r.operation_name)) && r.outcome !== 'ATTEMPT');
    expect(writes.map((r) => [r.operation_name, r.department, r.outcome])).toEqual([
      ['HuishangStage', 'energy', 'OK'],
      ['HuishangCommit', 'energy', 'OK'],
    ]);
    expect(String(writes[1].fields)).toContain('Mutation.commitEnergyUpload');
    // Finding 16: both carry the month (audit export --month finds the import), the part its indicators.
    expect(writes.map((r) => JSON.parse(String(r.months)))).toEqual([['2016-08'], ['2016-08']]);
    expect(JSON.parse(String(writes[0].indicators))).toEqual(['EN_ELECTRICITY']);
    // …and the commit its submission number, as the command printed it.
    const [submitted] = await system.sql('access', "select submissions from audit_record where seq > ? and operation_name = ? and outcome <> 'ATTEMPT' order by seq", [before, 'HuishangCommit']);
    expect(JSON.parse(String(submitted.submissions))).toEqual([Number(result.stdout.match(/submission (\d+)/)![1])]);
    const clients = await system.sql('access', 'select id from client where department = ?', ['energy']);
    expect(clients.map((c) => c.id)).toContain(writes[0].client_id);
    expect((await observation('2016-08', 'EN_ELECTRICITY', enterprises[50])).value).toBe(9.5);
  });

  it('the same file with the finance token is refused by the energy subgraph (FORBIDDEN): nothing written', async () => {
    const file = files.write('wrong-token.csv', csvText([electricity(enterprises[51], 3)]));
    const before = await dept.checksum();
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-08', '--token', system.tokens.finance, file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/--token.*belong to the energy department; a finance client may not write them \[FORBIDDEN\]/);
    expect(await dept.checksum()).toBe(before);
    expect(await dept.count('upload_part')).toBe(0);
  });

  it('a forged token is refused by the gateway (UNAUTHENTICATED): nothing written', async () => {
    const file = files.write('forged-token.csv', csvText([electricity(enterprises[51], 3)]));
    const before = await dept.checksum();
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-08', '--token', 'hs_cl_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[UNAUTHENTICATED\]/);
    expect(await dept.checksum()).toBe(before);
  });

  it('a file larger than one request goes up in parts and is committed as one batch', async () => {
    const extra = syntheticCreditCodes(3000, 'P');
    await register(dept, extra);
    const file = files.write('parts.csv', csvText(extra.map((code, i) => electricity(code, i + 0.5))));
    const before = Number((await system.sql('access', 'select max(seq) as n from audit_record'))[0].n);
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-09', file], { HUISHANG_UPLOAD_PART_BYTES: '60000' });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    // About 115 bytes of JSON a row: 3,000 rows are more than five parts of 60 kB, each its own request.
    const stages = await system.sql('access', "select count(*) as n from audit_record where seq > ? and operation_name = 'HuishangStage' and outcome = 'OK'", [before]);
    expect(Number(stages[0].n)).toBeGreaterThan(5);
    expect(result.stdout).toContain('created 3,000, updated 0');
    expect(await dept.count('observation', 'month = ?', ['2016-09'])).toBe(3000);
    const submissions = await dept.sql<{ n: unknown }>("select count(*) as n from submission where month = '2016-09'");
    expect(Number(submissions[0].n)).toBe(1);
    expect(await dept.count('upload_part')).toBe(0);
  });
});

describe('spreadsheets as people make them, through the command', () => {
  it('a GB18030 CSV from Chinese Excel, with a title row, a 备注 column and full-width numbers, imports with notes', async () => {
    const csv = ['许昌市2016年10月工业用电量报表,,,,,', '指标代码,主体类型,主体代码,计量单位,当月值,备注', `EN_ELECTRICITY,企业,${enterprises[52]},万千瓦时,"１，２３４．５",已核对`, `EN_GAS,企业,${enterprises[52]},万立方米,,`].join('\r\n') + '\r\n';
    const file = files.write('excel-gb18030.csv', iconv.encode(csv, 'gb18030'));
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-10', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('read as GB18030');
    expect(result.stderr).toMatch(/row 1 above the header taken as a title/);
    expect(result.stderr).toMatch(/ignored: "备注" \(F\)/);
    expect(result.stderr).toMatch(/"１，２３４．５" read as 1234\.5/);
    expect(result.stdout).toMatch(/imported 1 row as PRELIMINARY \(1 row without figures left out\)/);
    const imported = await observation('2016-10', 'EN_ELECTRICITY', enterprises[52]);
    expect(imported.value).toBe(1234.5);
    // Without --reported-by, the department as the registry names it reports (a pack prints it): not the machine's user name.
    const registry = JSON.parse(readFileSync(join(REPO_ROOT, 'subgraphs', 'departments.json'), 'utf8')) as { departments: { name: string; ownerName?: string }[] };
    expect(imported.reported_by).toBe(registry.departments.find((d) => d.name === 'energy')!.ownerName);
  });

  it('last month’s file sent as this month’s is refused by its title (MONTH_MISMATCH), nothing written; the title’s month or a 1–2月 range imports', async () => {
    // A tester's January file, titled 许昌市2016年1月…, went in as February's.
    const csv = (title: string) => [`${title},,,,`, '指标代码,主体类型,主体代码,计量单位,当月值', `EN_ELECTRICITY,企业,${enterprises[54]},万千瓦时,77.5`].join('\r\n') + '\r\n';
    const file = files.write('january-as-february.csv', iconv.encode(csv('许昌市2016年1月工业用电量报表（报送日期2016年2月5日）'), 'gb18030'));
    const before = await dept.checksum();
    const refused = await dept.cli(['import', '--department', 'energy', '--month', '2016-02', file]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/row 1, column A.*the title says 2016-01, but the month being reported is 2016-02: report this file as 2016-01 \(--month 2016-01\), or, if its figures are 2016-02's, correct the title \[MONTH_MISMATCH\]/);
    expect(await dept.checksum()).toBe(before);
    // The report date (2016年2月5日) is a day, not the month: the title's month is what counts.
    const right = await dept.cli(['import', '--department', 'energy', '--month', '2016-01', '--dry-run', file]);
    expect(right.code).toBe(0);
    // A range's end is its month (统计 1—2月 in February).
    const range = files.write('jan-feb.csv', iconv.encode(csv('许昌市2016年1—2月工业用电量'), 'gb18030'));
    expect((await dept.cli(['import', '--department', 'energy', '--month', '2016-02', '--dry-run', range])).code).toBe(0);
  });

  it('a number that could be read two ways is refused with row, column, value and the fix', async () => {
    const file = files.write('ambiguous.csv', csvText([electricity(enterprises[53], 1), ['EN_GAS', 'REGION', '411002', '万立方米', '１２３，４', null, null, null]]));
    const before = await dept.checksum();
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-10', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/row 3, column value \(E\), "１２３，４": not a number: .*write 123\.4 if it is a decimal point, or 1234 if not \[NOT_A_NUMBER\]/);
    expect(await dept.checksum()).toBe(before);
  });
});

describe('tester’s findings on issue 14, through the command and the gateway', () => {
  it('finding 2: 本月, 本年累计, 同比增长(%), 累计增长(%) are read as the figures they are — the stated growth is kept, not derived', async () => {
    const csv = ['指标代码,主体类型,主体代码,计量单位,本月,本年累计,同比增长(%),累计增长(%)', 'EN_GAS,地区,411002,万立方米,300,,-20.5,'].join('\r\n') + '\r\n';
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-11', files.write('headings.csv', iconv.encode(csv, 'gb18030'))]);
    expect(result.stderr).not.toMatch(/ignored/);
    expect(result.code).toBe(0);
    expect(await observation('2016-11', 'EN_GAS', '411002')).toMatchObject({ value: 300, yoy_pct: -20.5 });
  });

  it('finding 2: an unknown heading that looks like a figure column is refused with a did-you-mean, nothing written', async () => {
    const before = await dept.checksum();
    const csv = ['指标代码,主体类型,主体代码,计量单位,当月值,年度累计额度', 'EN_GAS,地区,411002,万立方米,300,900'].join('\r\n') + '\r\n';
    const result = await dept.cli(['import', '--department', 'energy', '--month', '2016-11', files.write('figure-like.csv', csv)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/column F, "年度累计额度": looks like a figure column .*did you mean ytd_value \(累计值\)\? .*\[UNKNOWN_COLUMN\]/);
    expect(await dept.checksum()).toBe(before);
  });

  it('finding 3: a year-to-date that contradicts the month’s own value is refused with YTD_INCONSISTENT', async () => {
    const before = await dept.checksum();
    const january = await dept.cli(['import', '--department', 'energy', '--month', '2016-01', files.write('janytd.csv', csvText([['EN_GAS', 'REGION', '411023', '万立方米', 300, 900, null, null]]))]);
    expect(january.code).toBe(1);
    expect(january.stdout).toMatch(/row 2, column ytd_value \(F\), 900: January's year-to-date must equal its month value 300.*\[YTD_INCONSISTENT\]/);
    const below = await dept.cli(['import', '--department', 'energy', '--month', '2016-02', files.write('ytdsmall.csv', csvText([['EN_GAS', 'REGION', '411023', '万立方米', 300, 100, null, null]]))]);
    expect(below.code).toBe(1);
    expect(below.stdout).toMatch(/ytd_value \(F\), 100: the year-to-date 100 is below the month's own value 300.*\[YTD_INCONSISTENT\]/);
    expect(await dept.checksum()).toBe(before);
  });

  it('a correction that leaves a later month’s reported year-to-date behind names that month to report again (待重报), in text and JSON', async () => {
    const gas = (value: number, ytd: number): Cells => ['EN_GAS', 'REGION', '411081', '万立方米', value, ytd, null, null];
    const run = (month: string, name: string, cells: Cells, more: string[] = []) => dept.cli(['import', '--department', 'energy', '--month', month, ...more, files.write(name, csvText([cells]))]);
    expect((await run('2016-05', 'may.csv', gas(300, 1500))).code).toBe(0);
    expect((await run('2016-06', 'june.csv', gas(300, 1800))).code).toBe(0);
    // May's year to date corrected to 1600: June's reported 1800 no longer adds up (1600 + 300). A dry run says so first and writes nothing.
    const before = await dept.checksum();
    const dry = await run('2016-05', 'may-corrected.csv', gas(300, 1600), ['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('待重报 1 figure of later months would no longer add up after this batch: report that month again once it is imported\n  2016-06 EN_GAS 411081: year-to-date reported 1800, the months before now imply 1900\n');
    expect(await dept.checksum()).toBe(before);
    const correction = await run('2016-05', 'may-corrected.csv', gas(300, 1600));
    expect(correction.code).toBe(0);
    expect(correction.stdout).toContain('待重报 1 figure of later months no longer adds up after this batch: report that month again\n  2016-06 EN_GAS 411081: year-to-date reported 1800, the months before now imply 1900\n');
    expect(await observation('2016-06', 'EN_GAS', '411081')).toMatchObject({ ytd_value: 1800, implied_ytd_value: 1900 });
    // The same file again (a lost answer, a retry): a replay, and the months to report again are named again.
    const again = await run('2016-05', 'may-corrected.csv', gas(300, 1600));
    expect(again.stdout).toMatch(/already imported as submission \d+; nothing was written now\n/);
    expect(again.stdout).toContain('  2016-06 EN_GAS 411081: year-to-date reported 1800, the months before now imply 1900\n');
    // Re-reporting June as the months before imply clears it; the JSON outcome lists nothing left.
    const june = await run('2016-06', 'june-again.csv', gas(300, 1900), ['--json']);
    expect(june.code).toBe(0);
    expect(JSON.parse(june.stdout)).toMatchObject({ ok: true, staleObservations: [] });
    expect(await observation('2016-06', 'EN_GAS', '411081')).toMatchObject({ ytd_value: 1900, implied_ytd_value: null });
  });

  it('finding 4: labels merged down over rows import as one per row; an empty required cell is a row/column problem, never a GraphQL variable error', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('报表');
    sheet.addRow(['指标代码', '主体类型', '主体代码', '计量单位', '当月值']);
    const codes = ['411002', '411023', '411024'];
    codes.forEach((code, i) => sheet.addRow([i === 0 ? 'EN_ELECTRICITY' : null, i === 0 ? '地区' : null, code, i === 0 ? '万千瓦时' : null, 5000 + i]));
    for (const range of ['A2:A4', 'B2:B4', 'D2:D4']) sheet.mergeCells(range);
    const merged = await dept.cli(['import', '--department', 'energy', '--month', '2016-12', '--dry-run', files.write('vmerge.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()))]);
    expect(merged.stdout).not.toMatch(/Variable|SubjectKind/);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(/valid: 3 rows; dry run/);

    const before = await dept.checksum();
    const file = files.write('emptykind.csv', csvText([['EN_GAS', '', '411002', '万立方米', 296], ['EN_GAS', 'REGION', '411023', '万立方米', 130]]));
    const empty = await dept.cli(['import', '--department', 'energy', '--month', '2016-12', file]);
    expect(empty.code).toBe(1);
    expect(empty.stdout).not.toMatch(/Variable|enum/);
    expect(empty.stdout).toMatch(/row 2, column subject_kind \(B\), \(empty\): the subject_kind \(主体类型\) cell is empty.*\[MISSING_VALUE\]/);
    expect(await dept.checksum()).toBe(before);
  });

  it('findings 8 and 10: a shape problem in one row and a scale slip in another come in one refusal; a duplicate names the spreadsheet row', async () => {
    // The district with the most electricity in December 2015 (with a small demo city some districts have none).
    const [{ subject_code: district, value: last }] = await dept.sql<{ subject_code: string; value: number }>(
      "select subject_code, value from observation where month = '2015-12' and indicator = 'EN_ELECTRICITY' and subject_type = 'REGION' and subject_code <> '411000' order by value desc limit 1",
    );
    expect(Number(last)).toBeGreaterThan(0);
    const rows: Cells[] = [
      ['EN_GAS', 'REGION', '411002', '亿立方米', 3, null, null, null],
      ['EN_ELECTRICITY', 'REGION', district, '万千瓦时', Number((Number(last) / 10000).toPrecision(4)), null, null, null],
      ['EN_GAS', 'REGION', '411025', '万立方米', 3, null, null, null],
      ['EN_GAS', 'REGION', '411025', '万立方米', 4, null, null, null],
    ];
    const before = await dept.checksum();
    // cliStrict: without the harness's --accept-outliers, so the history checks apply.
    const result = await dept.cliStrict(['import', '--department', 'energy', '--month', '2016-01', files.write('two-rounds.csv', csvText(rows))]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/row 2, column unit \(D\).*\[UNIT_MISMATCH\]/);
    expect(result.stdout).toMatch(/row 3, column value \(E\).*\[SCALE_SLIP\]/);
    expect(result.stdout).toMatch(/row 5, column indicator \(A\).*the same indicator and subject as row 4 \[DUPLICATE_ROW\]/);
    expect(await dept.checksum()).toBe(before);
  });
});

describe('staged parts have a quota per client (finding 12)', () => {
  it('a part beyond HUISHANG_UPLOAD_QUOTA_PARTS is refused with UPLOAD_QUOTA_EXCEEDED; a commit frees its parts', async () => {
    // A plausible figure (the district's own a year earlier): the quota is what this test is about, not the plausibility rules.
    const [lastYear] = await dept.sql<{ value: number }>("select value from observation where indicator = 'EN_GAS' and subject_type = 'REGION' and subject_code = '411002' and month = '2015-05'");
    const row = { indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: '411002', unit: '万立方米', value: Number(lastYear.value) };
    const stage = (uploadId: string) =>
      system.query('mutation($u: String!, $o: [ObservationInput!]!) { stageEnergyObservations(uploadId: $u, part: 1, observations: $o) { stagedParts } }', { u: uploadId, o: [row] }, undefined, { token: system.tokens.energy });
    const commit = (uploadId: string) =>
      system.query(
        'mutation($u: String!, $b: StagedBatchInput!) { commitEnergyUpload(uploadId: $u, parts: 1, batch: $b, dryRun: true) { pending } }',
        { u: uploadId, b: { idempotencyKey: `quota-${uploadId}`, month: '2016-05', reportedBy: '测试员', status: 'PRELIMINARY' } },
        undefined,
        { token: system.tokens.energy },
      );
    for (let i = 1; i <= 10; i++) expect((await stage(`quota-${i}`)).errors).toBeUndefined();
    const refused = await stage('quota-11');
    expect(refused.errors?.[0].extensions?.code).toBe('UPLOAD_QUOTA_EXCEEDED');
    expect(refused.errors?.[0].message).toMatch(/already holds 10 staged parts .* quota of 10 parts .*HUISHANG_UPLOAD_QUOTA_PARTS/);
    expect(await dept.count('upload_part')).toBe(10);
    expect((await commit('quota-1')).errors).toBeUndefined();
    expect((await stage('quota-11')).errors).toBeUndefined();
    for (let i = 2; i <= 11; i++) expect((await commit(`quota-${i}`)).errors).toBeUndefined();
    expect(await dept.count('upload_part')).toBe(0);
  });
});

describe('a staged part’s month has the form every month has (YYYY-MM)', () => {
  it('a month of another form is refused naming it, and nothing is staged', async () => {
    const before = await dept.count('upload_part');
    const row = { indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: '411002', unit: '万立方米', value: 1 };
    for (const month of ['2016-5', 'May 2016', '2016-13']) {
      const staged = await system.query(
        'mutation($m: String, $o: [ObservationInput!]!) { stageEnergyObservations(uploadId: "month-form", part: 1, month: $m, observations: $o) { stagedParts } }',
        { m: month, o: [row] },
        undefined,
        { token: system.tokens.energy },
      );
      expect({ month, codes: (staged.errors ?? []).map((e) => e.extensions?.code) }).toEqual({ month, codes: ['BAD_USER_INPUT'] });
      expect(staged.errors![0].message).toContain(month);
    }
    expect(await dept.count('upload_part')).toBe(before);
  });

  it('a commit naming another month than its parts is refused (batch.month), applies nothing and keeps the parts; the right month commits them', async () => {
    const uploadId = `month-mismatch-${Date.now()}`;
    // A year on from June 2015's figures, 5 % up: plausible, so only the month is in question.
    const lastYear = await system.sql('energy', "select subject_code, value from observation where indicator = 'EN_GAS' and subject_type = 'REGION' and month = '2015-06' and subject_code in ('411023', '411024') order by subject_code");
    const rows = lastYear.map((r) => ({ indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: r.subject_code, unit: '万立方米', value: Math.round(Number(r.value) * 105) / 100 }));
    expect(rows).toHaveLength(2);
    for (const part of [1, 2]) {
      const staged = await system.query(
        'mutation($u: String!, $p: Int!, $o: [ObservationInput!]!) { stageEnergyObservations(uploadId: $u, part: $p, month: "2016-06", observations: $o) { stagedParts } }',
        { u: uploadId, p: part, o: [rows[part - 1]] },
        undefined,
        { token: system.tokens.energy },
      );
      expect(staged.errors).toBeUndefined();
    }
    const commit = (month: string) =>
      system.query(
        'mutation($u: String!, $b: StagedBatchInput!) { commitEnergyUpload(uploadId: $u, parts: 2, batch: $b) { pending submission { created updated revised unchanged } } }',
        { u: uploadId, b: { idempotencyKey: `${uploadId}-${month}`, month, reportedBy: '测试员', status: 'FINAL' } },
        undefined,
        { token: system.tokens.energy },
      );
    const before = await dept.checksum();
    const refused = await commit('2016-07');
    expect(refused.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'batch.month']]);
    expect(refused.errors![0].message).toMatch(/part 1, 2 was staged for 2016-06, the commit names 2016-07: commit with month 2016-06 .* Nothing was applied/);
    expect(await dept.checksum()).toBe(before);
    expect(await system.sql('energy', 'select part, month from upload_part where upload_id = ? order by part', [uploadId])).toEqual([
      { part: 1, month: '2016-06' },
      { part: 2, month: '2016-06' },
    ]);
    const right = await commit('2016-06');
    expect(right.errors).toBeUndefined();
    expect(right.data.commitEnergyUpload.pending).toBe(false);
    const written = await system.sql('energy', "select subject_code, value from observation where indicator = 'EN_GAS' and subject_type = 'REGION' and month = '2016-06' and subject_code in ('411023', '411024') order by subject_code");
    expect(written.map((r) => ({ subject_code: r.subject_code, value: Number(r.value) }))).toEqual(rows.map((r) => ({ subject_code: r.subjectCode, value: r.value })));
  });
});

describe('a staged commit sent again after its verdict (a lost answer, the gateway retrying)', () => {
  it('answers the batch it committed as a replay, with the months it left awaiting re-reporting; never "part 1 missing"', async () => {
    const gas = (value: number, ytdValue: number) => ({ indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: '411082', unit: '万立方米', value, ytdValue });
    const FIELDS = 'pending submission { submissionId replayed revised staleObservations { month ytdValue impliedYtdValue } }';
    const upload = async (uploadId: string, month: string, row: ReturnType<typeof gas>, key: string, stage = true) => {
      if (stage) {
        const staged = await system.query('mutation($u: String!, $o: [ObservationInput!]!) { stageEnergyObservations(uploadId: $u, part: 1, observations: $o) { stagedParts } }', { u: uploadId, o: [row] }, undefined, { token: system.tokens.energy });
        expect(staged.errors).toBeUndefined();
      }
      const committed = await system.query(
        `mutation($u: String!, $b: StagedBatchInput!) { commitEnergyUpload(uploadId: $u, parts: 1, batch: $b) { ${FIELDS} } }`,
        { u: uploadId, b: { idempotencyKey: key, month, reportedBy: '测试员', status: 'FINAL' } },
        undefined,
        { token: system.tokens.energy },
      );
      return committed;
    };
    const stamp = Date.now();
    expect((await upload(`gas-jul-${stamp}`, '2016-07', gas(200, 1400), `jul-${stamp}`)).errors).toBeUndefined();
    expect((await upload(`gas-aug-${stamp}`, '2016-08', gas(200, 1600), `aug-${stamp}`)).errors).toBeUndefined();
    const first = await upload(`gas-fix-${stamp}`, '2016-07', gas(200, 1500), `fix-${stamp}`);
    expect(first.errors).toBeUndefined();
    const applied = first.data.commitEnergyUpload.submission;
    expect(applied).toMatchObject({ replayed: false, staleObservations: [{ month: '2016-08', ytdValue: 1600, impliedYtdValue: 1700 }] });
    const before = await dept.checksum();
    // The same commit again: its parts are gone with the verdict.
    const again = await upload(`gas-fix-${stamp}`, '2016-07', gas(200, 1500), `fix-${stamp}`, false);
    expect(again.errors).toBeUndefined();
    expect(again.data.commitEnergyUpload.submission).toEqual({ ...applied, replayed: true });
    expect(await dept.checksum()).toBe(before);
    // Nothing staged under a key never committed is still the missing part it is.
    const unknown = await upload(`gas-none-${stamp}`, '2016-07', gas(200, 1500), `none-${stamp}`, false);
    expect(unknown.errors?.[0]?.message).toContain('part 1 missing');
  });
});

describe('the template for January (finding 15)', () => {
  it('leaves out the indicators published as 1–2月, and says so', async () => {
    const january = await dept.cli(['template', '--department', 'statistics', '--month', '2016-01', '--format', 'csv', '--token', system.tokens.statistics, '--output', files.path('stat-01.csv')]);
    expect(january.code).toBe(0);
    expect(january.stderr).toMatch(/note: .*STAT_GROSS_OUTPUT.* published for January and February together \(1–2月\): not in January's template/);
    const february = await dept.cli(['template', '--department', 'statistics', '--month', '2016-02', '--format', 'csv', '--token', system.tokens.statistics, '--output', files.path('stat-02.csv')]);
    expect(february.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(files.path('stat-01.csv'), 'utf8')).not.toContain('STAT_GROSS_OUTPUT');
    expect(readFileSync(files.path('stat-02.csv'), 'utf8')).toContain('STAT_GROSS_OUTPUT');
  });
});

describe('park rows (园区, finding F7 of issue 16 parks)', () => {
  it('the industry template lists every park of the park list for each park indicator of the catalogue, and import --help names PARK', async () => {
    const made = await dept.cli(['template', '--department', 'industry', '--month', '2016-05', '--format', 'csv', '--token', system.tokens.industry, '--output', files.path('ind-05.csv')]);
    expect(made.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(files.path('ind-05.csv'), 'utf8').split(/\r?\n/).map((l) => l.split(','));
    const parks = await system.sql('industry', 'select code, name from park order by code');
    const listed = (await system.query('{ indicatorCatalogue { industry { code subjects derivation } } }')).data.indicatorCatalogue.industry as { code: string; subjects: string[]; derivation: string }[];
    const parkIndicators = listed.filter((i) => i.subjects.includes('PARK') && i.derivation !== 'COMPUTED');
    expect(parkIndicators.length).toBeGreaterThan(0);
    for (const i of listed) {
      const rows = lines.filter((l) => l[0] === i.code && l[1] === 'PARK').map((l) => [l[2], l[3]]);
      expect({ indicator: i.code, rows }).toEqual({ indicator: i.code, rows: parkIndicators.includes(i) ? parks.map((p) => [p.code, p.name]) : [] });
    }
    const help = await dept.cli(['import', '--help']);
    expect(help.stdout + help.stderr).toMatch(/subject_kind \(主体类型: REGION\/ENTERPRISE\/PARK/);
  });
});
