/** Reading files into batches, without a database: CSV per RFC 4180, headers, cells that are not numbers. */
import ExcelJS from 'exceljs';
import { energyIndicators } from '../../subgraphs/energy/src/indicators';
import { buildBatch, rowProblems } from '../src/batch';
import { columnLetter, columnOf } from '../src/columns';
import { FileError, parseCsv, readCsv, readXlsx, readXlsxWhole, type SheetRow } from '../src/read';
import { problemReport } from '../src/report';

const csvRows = (text: string) => parseCsv(text).map((r) => r.cells);

describe('CSV (RFC 4180)', () => {
  it('splits fields on commas and records on CRLF or LF, with quotes, doubled quotes and line breaks inside quotes', () => {
    expect(csvRows('a,b,c\r\n1,"x, y","say ""hi"""\n2,"line\r\nbreak",\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'line\r\nbreak', null],
    ]);
  });

  it('numbers rows by record, as a spreadsheet shows them, even when a quoted field spans lines', () => {
    const rows = parseCsv('h\n"two\nlines"\nthird');
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
    expect(rows[2].cells).toEqual(['third']);
  });

  it('keeps a quoted empty field as text and an unquoted empty field as empty', () => {
    expect(csvRows('"",,x')).toEqual([['', null, 'x']]);
  });

  it('reads UTF-8 with or without a byte-order mark', () => {
    const text = 'indicator,unit\nEN_ELECTRICITY,万千瓦时\n';
    const plain = readCsv(Buffer.from(text, 'utf8'));
    const bom = readCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    expect(bom).toEqual(plain);
    expect(plain[0].cells[0]).toBe('indicator');
    expect(plain[1].cells[1]).toBe('万千瓦时');
  });

  it('reads GBK text (not UTF-8) as GB18030, and refuses bytes neither can read instead of guessing', () => {
    const gbk = Buffer.from([0x69, 0x6e, 0x64, 0x0a, 0xcd, 0xf2, 0xd4, 0xaa, 0x0a]); // "ind\n万元\n" in GBK
    expect(readCsv(gbk).map((r) => r.cells)).toEqual([['ind'], ['万元']]);
    const broken = Buffer.from([0x69, 0x6e, 0x64, 0x0a, 0x81, 0x0a]);
    expect(() => readCsv(broken)).toThrow(FileError);
    expect(() => readCsv(broken)).toThrow(/neither UTF-8 nor GB18030/);
  });

  it('refuses an unclosed quote and text after a closing quote', () => {
    expect(() => parseCsv('a,"open\n')).toThrow(/never closed/);
    expect(() => parseCsv('a,"x"y\n')).toThrow(/after a closing quote/);
  });
});

describe('headers', () => {
  it('are matched case-insensitively, in English or Chinese, with or without underscores', () => {
    expect(columnOf('YTD_VALUE')?.key).toBe('ytdValue');
    expect(columnOf('Ytd Value')?.key).toBe('ytdValue');
    expect(columnOf('累计值')?.key).toBe('ytdValue');
    expect(columnOf('当月同比（%）')?.key).toBe('yoyPct');
    expect(columnOf('value 当月值')?.key).toBe('value');
    expect(columnOf('subject_code\n主体代码')?.key).toBe('subjectCode');
    expect(columnOf('value 累计值')).toBeUndefined();
    expect(columnOf('ytd_valeu')).toBeUndefined();
  });

  it('letters columns like a spreadsheet', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it('refuses an unknown, repeated or missing column, naming it', () => {
    const rows: SheetRow[] = [{ rowNumber: 1, cells: ['indicator', 'subject_kind', 'subject_code', 'value', 'ytd_valeu', 'VALUE'] }];
    const built = buildBatch(rows, energyIndicators);
    expect(built.headerProblems.map((p) => [p.code, p.column])).toEqual([
      ['UNKNOWN_COLUMN', 'E'],
      ['DUPLICATE_COLUMN', 'F'],
      ['MISSING_COLUMN', 'unit'],
    ]);
  });

  it('skip the template’s Chinese second header line, empty rows and rows without figures (an untouched template row), counting them', () => {
    const rows = parseCsv(
      'indicator,subject_kind,subject_code,unit,value\n指标代码,主体类型,主体代码,计量单位,当月值\nEN_GAS,REGION,411002,万立方米,1\n,,,,\nEN_GAS,REGION,411023,万立方米,\n',
    );
    const built = buildBatch(rows, energyIndicators);
    expect(built.observations).toHaveLength(1);
    expect(built.rowNumbers).toEqual([3]);
    expect(built.skipped).toBe(1);
    expect(built.notes).toEqual(['note: 1 row without any figure (template rows not filled in) left out']);
  });
});

describe('cells', () => {
  const one = (value: string) =>
    buildBatch(parseCsv(`indicator,subject_kind,subject_code,unit,value\nEN_GAS,地区,411002,万立方米,${value}\n`), energyIndicators);

  it('accept plain numbers with a sign, decimals and an exponent', () => {
    for (const [text, number] of [['12', 12], ['-3.5', -3.5], ['+0.25', 0.25], ['.5', 0.5], ['1e3', 1000], [' 7 ', 7]] as const) {
      const built = one(text);
      expect(built.observations[0].value).toBe(number);
      expect(built.notANumber.size).toBe(0);
    }
  });

  it('hand on anything else as written, with the reason it is not a number: no coercion', () => {
    for (const [text, hint] of [['1,23,4.5', /thousands/], ['12.5%', /not a percentage/], ['12万', /without units/], ['n/a', /digits/]] as const) {
      const built = one(JSON.stringify(text));
      expect(built.observations[0].value).toBe(text);
      expect(built.notANumber.get('0|value')).toMatch(hint);
    }
  });

  it('map the subject kind 地区/企业 and an indicator’s Chinese name to the codes', () => {
    const built = buildBatch(parseCsv('指标代码,主体类型,主体代码,计量单位,当月值\n工业用电量,企业,X,万千瓦时,1\n'), energyIndicators);
    expect(built.observations[0]).toMatchObject({ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE' });
  });

  it('read an .xlsx workbook’s first sheet: numbers, text, formulas by their result; percentages and dates are refused', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('报送 Report');
    workbook.addWorksheet('other').addRow(['not', 'this']);
    sheet.addRow(['indicator', 'subject_kind', 'subject_code', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct']);
    sheet.addRow(['EN_GAS', 'REGION', '411002', '万立方米', 12.5, { formula: 'E2*2', result: 25 }, '3.5', null]);
    const percent = sheet.addRow(['EN_GAS', 'REGION', '411023', '万立方米', 1, null, 0.125, new Date(Date.UTC(2015, 5, 1))]);
    percent.getCell(7).numFmt = '0.0%';
    const rows = await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()));
    const built = buildBatch(rows, energyIndicators);
    expect(built.observations[0]).toEqual({ indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: '411002', unit: '万立方米', value: 12.5, ytdValue: 25, yoyPct: 3.5 });
    expect(built.observations[1].yoyPct).toBe('12.5%');
    expect(built.notANumber.get('1|yoyPct')).toMatch(/formatted as a percentage/);
    expect(built.notANumber.get('1|ytdYoyPct')).toMatch(/a date \(2015-06-01\)/);
  });

  // Some tools write an error value without Excel's error type (`<c r="E2"><v>#DIV/0!</v></c>`):
  // exceljs reads it as NaN, as it does a NaN written as a number, and it went on as an empty figure.
  it('refuse a cell marked as a number that holds none (an untyped error value), streamed and loaded whole alike', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('报送 Report');
    sheet.addRow(['indicator', 'subject_kind', 'subject_code', 'unit', 'value', 'ytd_value']);
    sheet.addRow(['EN_GAS', 'REGION', '411002', '万立方米', NaN, 25]);
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    for (const rows of [await readXlsx(content), await readXlsxWhole(content)]) {
      const built = buildBatch(rows, energyIndicators);
      expect(built.notANumber.get('0|value')).toMatch(/an error value, or text, in a cell marked as a number.*not a number/);
      expect(built.observations[0].ytdValue).toBe(25);
    }
  });

  it('refuse a file that is not a workbook', async () => {
    await expect(readXlsx(Buffer.from('indicator,unit\n'))).rejects.toThrow(FileError);
    await expect(readXlsxWhole(Buffer.from('indicator,unit\n'))).rejects.toThrow(FileError);
  });

  it('read the same rows and cells loaded whole (the reporting page in a browser) as streamed (the command)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('报送 Report');
    workbook.addWorksheet('other').addRow(['not', 'this']);
    sheet.addRow(['许昌市2016年1月工业用电量报表']);
    sheet.addRow([]);
    sheet.addRow(['indicator', 'subject_kind', 'subject_code', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct']);
    sheet.addRow(['EN_GAS', 'REGION', '411002', '万立方米', 12.5, { formula: 'E4*2', result: 25 }, '３．５', null]);
    const styled = sheet.addRow(['EN_GAS', 'REGION', '411023', '万立方米', 1234567, null, 0.125, new Date(Date.UTC(2015, 5, 1))]);
    styled.getCell(5).numFmt = '#,##0,,';
    styled.getCell(7).numFmt = '0.0%';
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const streamed = await readXlsx(content);
    const whole = await readXlsxWhole(content);
    expect(whole).toEqual(streamed);
    expect(whole.map((r) => r.rowNumber)).toEqual([1, 3, 4, 5]);
    expect(whole[3].cells.slice(4, 8)).toEqual([{ scaled: 1234567, numFmt: '#,##0,,', divisor: 1_000_000 }, null, { percent: 0.125 }, { other: 'a date (2015-06-01)' }]);
  });
});

describe('the report', () => {
  it('gives spreadsheet rows and the file’s column names, the first 50 problems and a count by code', () => {
    const rows = parseCsv(['指标代码,主体类型,主体代码,计量单位,当月值', ...Array.from({ length: 60 }, (_, i) => `EN_GAS,REGION,411002,亿元,${i}`)].join('\n'));
    const built = buildBatch(rows, energyIndicators);
    const problems = rowProblems(
      built.observations.map((_, index) => ({ index, field: 'unit', value: '亿元', code: 'UNIT_MISMATCH' as const, reason: 'EN_GAS is reported in 万立方米' })),
      built,
    );
    expect(problems[0]).toEqual({ row: 2, column: 'unit "计量单位" (D)', value: '亿元', code: 'UNIT_MISMATCH', reason: 'EN_GAS is reported in 万立方米' });
    const text = problemReport(problems, built.observations.length);
    expect(text.split('\n').filter((l) => l.startsWith('  row '))).toHaveLength(50);
    expect(text).toContain('… and 10 more');
    expect(text).toContain('by code: UNIT_MISMATCH 60');
  });

  it('a refusal of the file or the token counts no rows and shows no empty value; float noise is shown as the number meant (finding 17)', () => {
    const text = problemReport([{ row: null, column: '--token', value: null, code: 'FORBIDDEN', reason: 'not yours' }], 0);
    expect(text).toContain('refused: 1 problem; nothing was written');
    expect(text).toContain('  --token: not yours [FORBIDDEN]');
    expect(problemReport([{ row: 2, column: 'value (E)', value: 168461.69999999998, code: 'SCALE_SLIP', reason: 'r' }], 1)).toContain('row 2, column value (E), 168461.7: r');
  });
});
