/**
 * Every reason a file is refused, through the command: exit 1, the row and column named with the
 * problem's code, and nothing written. Energy (flows for enterprises and regions) and finance
 * (a stock, and an indicator reported for regions only).
 */
import { startSystem, type System } from '../support/system';
import { csvText, department, syntheticCreditCodes, workDir, xlsxBuffer, type Cells, type Department } from './support';

const MONTH = '2016-03';
let power: Department;
let money: Department;
let files: ReturnType<typeof workDir>;
let enterprise: string;

/** A system starts in seconds on a quiet machine; give a loaded one time (E2E_READY_TIMEOUT_MS, as the harness). */
const START_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000) + 120_000;
let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
  [power, money] = [department(system, 'energy'), department(system, 'finance')];
  files = workDir();
  enterprise = (await power.sql<{ credit_code: string }>('select credit_code from enterprise_register order by credit_code limit 1'))[0].credit_code;
}, START_TIMEOUT_MS);
afterAll(async () => {
  await system?.stop();
  files?.remove();
});

/** A valid credit code no register holds. */
const stranger = syntheticCreditCodes(1, 'Y')[0];

/** A good row for energy: the problem is put into a copy of it. */
const good = (): Cells => ['EN_ELECTRICITY', 'ENTERPRISE', enterprise, '万千瓦时', 120, null, null, null];
const region = (indicator: string, unit: string, value: number): Cells => [indicator, 'REGION', '411002', unit, value, null, null, null];

/** Changes a check character into another valid character: a wrong code, not a malformed one. */
function wrongCheckCharacter(code: string): string {
  const last = code[17];
  return code.slice(0, 17) + (last === '0' ? '1' : '0');
}

interface Case {
  name: string;
  department: () => Department;
  departmentName: string;
  month?: string;
  /** The rows; the problem is on the second data row (spreadsheet row 3) unless `row` says otherwise. */
  rows: () => Cells[];
  args?: string[];
  code: string;
  row: number | null;
  column: RegExp;
  reason: RegExp;
  format?: 'csv' | 'xlsx';
}

const cases: Case[] = [
  {
    name: 'unknown indicator',
    department: () => power,
    departmentName: 'energy',
    rows: () => [good(), ['EN_STEAM', 'REGION', '411002', '吨', 1, null, null, null]],
    code: 'UNKNOWN_INDICATOR',
    row: 3,
    column: /^indicator \(A\)$/,
    reason: /energy publishes EN_ELECTRICITY, EN_GAS/,
  },
  {
    name: 'unit mismatch (亿元 where the catalogue says 万千瓦时)',
    department: () => power,
    departmentName: 'energy',
    rows: () => [good(), region('EN_ELECTRICITY', '亿千瓦时', 1)],
    code: 'UNIT_MISMATCH',
    row: 3,
    column: /^unit \(D\)$/,
    reason: /EN_ELECTRICITY is reported in 万千瓦时/,
  },
  {
    name: 'bad credit code: a changed check character',
    department: () => power,
    departmentName: 'energy',
    rows: () => [region('EN_GAS', '万立方米', 1), ['EN_GAS', 'ENTERPRISE', wrongCheckCharacter(enterprise), '万立方米', 1, null, null, null]],
    code: 'BAD_IDENTIFIER',
    row: 3,
    column: /^subject_code \(C\)$/,
    reason: /check character is ., expected ./,
  },
  {
    name: 'unknown enterprise: a valid code the register does not hold',
    department: () => power,
    departmentName: 'energy',
    rows: () => [good(), ['EN_GAS', 'ENTERPRISE', stranger, '万立方米', 1, null, null, null]],
    code: 'UNKNOWN_SUBJECT',
    row: 3,
    column: /^subject_code \(C\)$/,
    reason: new RegExp(`register holds no enterprise ${stranger}`),
  },
  {
    name: 'subject kind not reported (newly financed enterprises are counted per region only)',
    department: () => money,
    departmentName: 'finance',
    rows: () => [region('FIN_NEWLY_FINANCED_ENTERPRISES', '户', 3), ['FIN_NEWLY_FINANCED_ENTERPRISES', 'ENTERPRISE', enterprise, '户', 1, null, null, null]],
    code: 'SUBJECT_NOT_REPORTED',
    row: 3,
    column: /^subject_kind \(B\)$/,
    reason: /reported for REGION only/,
  },
  {
    name: 'future month',
    department: () => power,
    departmentName: 'energy',
    month: '2099-01',
    rows: () => [good()],
    code: 'FUTURE_MONTH',
    row: null,
    column: /^--month$/,
    reason: /is in the future/,
  },
  {
    name: 'negative kWh (out of range)',
    department: () => power,
    departmentName: 'energy',
    rows: () => [region('EN_GAS', '万立方米', 1), ['EN_ELECTRICITY', 'ENTERPRISE', enterprise, '万千瓦时', -12.5, null, null, null]],
    code: 'OUT_OF_RANGE',
    row: 3,
    column: /^value \(E\)$/,
    reason: /must be at least 0 万千瓦时/,
  },
  {
    name: 'not a number (in a workbook, text where a figure belongs)',
    department: () => power,
    departmentName: 'energy',
    rows: () => [good(), ['EN_GAS', 'REGION', '411002', '万立方米', '1,23,4.5', null, null, null]],
    code: 'NOT_A_NUMBER',
    row: 3,
    column: /^value \(E\)$/,
    reason: /thousands separators must group three digits/,
    format: 'xlsx',
  },
  {
    name: 'missing value (no current-month or year-to-date figure)',
    department: () => power,
    departmentName: 'energy',
    rows: () => [good(), ['EN_GAS', 'REGION', '411002', '万立方米', null, null, 5.5, null]],
    code: 'MISSING_VALUE',
    row: 3,
    column: /^value \(E\)$/,
    reason: /give the current-month value, the year-to-date value, or both/,
  },
  {
    name: 'duplicate row (the same indicator and subject twice)',
    department: () => power,
    departmentName: 'energy',
    rows: () => [good(), good()],
    code: 'DUPLICATE_ROW',
    row: 3,
    column: /^indicator \(A\)$/,
    // The first of the pair, by its spreadsheet row (the header is row 1), not by its index in the batch.
    reason: /the same indicator and subject as row 2\b/,
  },
  {
    name: 'year-to-date on a stock indicator (loans outstanding)',
    department: () => money,
    departmentName: 'finance',
    rows: () => [region('FIN_NEW_LOANS', '万元', 10), ['FIN_LOANS_OUTSTANDING', 'REGION', '411002', '万元', 5000, 5000, null, null]],
    code: 'NOT_APPLICABLE',
    row: 3,
    column: /^ytd_value \(F\)$/,
    reason: /a level at month end: it has no year-to-date value/,
  },
];

describe.each(cases)('$name', (c) => {
  it(`exit 1, ${c.code} at row ${c.row ?? '(batch)'}, nothing written`, async () => {
    const department = c.department();
    const file =
      c.format === 'xlsx'
        ? files.write(`${c.code}.xlsx`, await xlsxBuffer(c.rows()))
        : files.write(`${c.code}.csv`, csvText(c.rows()));
    const before = await department.checksum();
    const result = await department.cli(['import', '--department', c.departmentName, '--month', c.month ?? MONTH, '--json', ...(c.args ?? []), file]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; problems: { row: number | null; column: string; code: string; reason: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    const [problem] = report.problems;
    expect(problem.code).toBe(c.code);
    expect(problem.row).toBe(c.row);
    expect(problem.column).toMatch(c.column);
    expect(problem.reason).toMatch(c.reason);
    expect(await department.checksum()).toBe(before);

    // The people's report says the same.
    const text = await department.cli(['import', '--department', c.departmentName, '--month', c.month ?? MONTH, ...(c.args ?? []), file]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`[${c.code}]`);
    if (c.row !== null) expect(text.stdout).toContain(`row ${c.row}, column `);
  });
});

describe('refusals that depend on what is already there', () => {
  it('a final figure cannot go back to preliminary (STATUS_REGRESSION), and the whole file is refused', async () => {
    const final = files.write('final.csv', csvText([region('EN_GAS', '万立方米', 10)]));
    expect((await power.cli(['import', '--department', 'energy', '--month', '2016-02', '--status', 'FINAL', final])).code).toBe(0);
    const before = await power.checksum();
    const back = files.write('back.csv', csvText([region('EN_ELECTRICITY', '万千瓦时', 4), region('EN_GAS', '万立方米', 11)]));
    const result = await power.cli(['import', '--department', 'energy', '--month', '2016-02', back]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/row 3, column --status, "PRELIMINARY": .*already FINAL.* \[STATUS_REGRESSION\]/);
    expect(await power.checksum()).toBe(before);
    // As FINAL it is a revision: the earlier figure stays in history.
    const revised = await power.cli(['import', '--department', 'energy', '--month', '2016-02', '--status', 'FINAL', back]);
    expect(revised.code).toBe(0);
    expect(revised.stdout).toContain('created 1, updated 0, revised 1, unchanged 0');
  });

  it('a key used for other content is refused (IDEMPOTENCY_CONFLICT)', async () => {
    const a = files.write('key-a.csv', csvText([region('EN_GAS', '万立方米', 1)]));
    const b = files.write('key-b.csv', csvText([region('EN_GAS', '万立方米', 2)]));
    expect((await power.cli(['import', '--department', 'energy', '--month', '2016-01', '--key', 'meeting-2016-01', a])).code).toBe(0);
    const before = await power.checksum();
    const result = await power.cli(['import', '--department', 'energy', '--month', '2016-01', '--key', 'meeting-2016-01', b]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/--key, "meeting-2016-01": was used before for a different batch; choose a new --key/);
    expect(result.stdout).toContain('[IDEMPOTENCY_CONFLICT]');
    expect(await power.checksum()).toBe(before);
  });

  it('a file that is not what its name says is refused (BAD_FILE), as is a header naming no known column', async () => {
    const fake = files.write('fake.xlsx', 'indicator,unit\n');
    const result = await power.cli(['import', '--department', 'energy', '--month', MONTH, fake]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[BAD_FILE]');
    const header = files.write('header.csv', 'indicator,subject_kind,subject_code,unit,amount\nEN_GAS,REGION,411002,万立方米,1\n');
    const bad = await power.cli(['import', '--department', 'energy', '--month', MONTH, header]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/row 1, column value, \(empty\): the header has none of value \(当月值\).*\(not recognised: "amount" \(E\)\) \[MISSING_COLUMN\]/);
  });
});
