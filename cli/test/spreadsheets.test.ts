/**
 * Spreadsheets as Chinese departments make them, each as a fixture file made here (CSV in GB18030
 * through iconv-lite, workbooks through exceljs), read with the importer's own reader: what is
 * read, what is ignored with a warning or a note, and what is refused with row, column, value and
 * fix. Never a guessed number.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { energyIndicators } from '../../subgraphs/energy/src/indicators';
import { buildBatch, numberOf, type BuiltBatch } from '../src/batch';
import { FileError, formatDivisor, readTable } from '../src/read';

const HEADER = ['indicator', 'subject_kind', 'subject_code', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct'];

async function fromCsv(content: Buffer): Promise<BuiltBatch> {
  const notes: string[] = [];
  const built = buildBatch(await readTable(content, 'csv', undefined, notes), energyIndicators);
  built.notes.unshift(...notes);
  return built;
}

async function fromWorkbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<BuiltBatch> {
  const workbook = new ExcelJS.Workbook();
  fill(workbook.addWorksheet('Sheet1'));
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return buildBatch(await readTable(content, 'xlsx'), energyIndicators);
}

describe('CSV as Chinese Excel saves it: GB18030, CRLF, no byte-order mark', () => {
  const text = ['指标代码,主体类型,主体代码,计量单位,当月值,累计值', 'EN_GAS,地区,411002,万立方米,12.5,40', '工业用电量,地区,411023,万千瓦时,7,'].join('\r\n') + '\r\n';
  const gb18030 = iconv.encode(text, 'gb18030');

  it('is not UTF-8 (the fixture is what Excel writes), and is read as GB18030 with a note', async () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gb18030)).toThrow();
    expect(gb18030.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const built = await fromCsv(gb18030);
    expect(built.headerProblems).toEqual([]);
    expect(built.observations).toEqual([
      { indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: '411002', unit: '万立方米', value: 12.5, ytdValue: 40 },
      { indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: '411023', unit: '万千瓦时', value: 7 },
    ]);
    expect(built.notes.join('\n')).toMatch(/read as GB18030/);
  });

  it('UTF-8 gives the same rows, without the note', async () => {
    const built = await fromCsv(Buffer.from(text, 'utf8'));
    expect(built.observations).toEqual((await fromCsv(gb18030)).observations);
    expect(built.notes.join('\n')).not.toMatch(/GB18030/);
  });

  it('refuses bytes neither UTF-8 nor GB18030 can read, and UTF-16, saying how to save the file', async () => {
    await expect(fromCsv(Buffer.concat([Buffer.from('indicator\r\n'), Buffer.from([0x81, 0x20, 0x0d, 0x0a])]))).rejects.toThrow(/neither UTF-8 nor GB18030.*line 2.*CSV UTF-8/);
    await expect(fromCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('indicator', 'utf16le')]))).rejects.toThrow(FileError);
  });
});

describe('columns the report does not use', () => {
  it('a 备注 (notes) column anywhere is ignored with a warning naming it', async () => {
    const csv = ['备注,indicator,subject_kind,subject_code,unit,value,填报人', '已核对,EN_GAS,REGION,411002,万立方米,3,张三'].join('\r\n');
    const built = await fromCsv(iconv.encode(csv, 'gb18030'));
    expect(built.headerProblems).toEqual([]);
    expect(built.observations).toEqual([{ indicator: 'EN_GAS', subjectKind: 'REGION', subjectCode: '411002', unit: '万立方米', value: 3 }]);
    expect(built.notes.join('\n')).toMatch(/warning: 2 columns the report does not use were ignored: "备注" \(A\), "填报人" \(G\)/);
  });

  it('a misspelt column is refused, not ignored: its figures would be lost', async () => {
    const built = await fromCsv(Buffer.from('indicator,subject_kind,subject_code,unit,value,ytd_valeu\nEN_GAS,REGION,411002,万立方米,3,9\n'));
    expect(built.headerProblems).toHaveLength(1);
    expect(built.headerProblems[0]).toMatchObject({ row: 1, column: 'F', value: 'ytd_valeu', code: 'UNKNOWN_COLUMN' });
    expect(built.headerProblems[0].reason).toMatch(/did you mean ytd_value \(累计值\)\?/);
  });

  it('a missing column lists every accepted column, subject_name too', async () => {
    const built = await fromCsv(Buffer.from('indicator,subject_kind,unit,value\nEN_GAS,REGION,万立方米,3\n'));
    expect(built.headerProblems.map((p) => p.code)).toEqual(['MISSING_COLUMN']);
    expect(built.headerProblems[0].reason).toMatch(/no subject_code \(主体代码\) column.*subject_name \(主体名称, for reading only\)/);
  });
});

describe('title rows and two-row headers', () => {
  it('a title row above the header is recognised and left out with a note', async () => {
    const built = await fromWorkbook((sheet) => {
      sheet.addRow(['许昌市2016年1月工业用电量报表']);
      sheet.mergeCells('A1:H1');
      sheet.addRow([]);
      sheet.addRow(HEADER);
      sheet.addRow(['EN_ELECTRICITY', 'REGION', '411002', '万千瓦时', 120, null, null, null]);
    });
    expect(built.headerProblems).toEqual([]);
    expect(built.observations).toHaveLength(1);
    expect(built.rowNumbers).toEqual([4]);
    expect(built.notes.join('\n')).toMatch(/row 1 above the header taken as a title and left out: "许昌市2016年1月工业用电量报表"/);
  });

  it('a two-row header with merged cells (数值 over 当月值 and 累计值; 指标代码 over two rows) is understood', async () => {
    const built = await fromWorkbook((sheet) => {
      sheet.addRow(['许昌市工业用电量']);
      sheet.addRow(['指标代码', '主体类型', '主体代码', '计量单位', '数值', null, '同比(%)', null, '备注']);
      sheet.addRow([null, null, null, null, '当月值', '累计值', '当月同比', '累计同比', null]);
      for (const range of ['A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:F2', 'G2:H2', 'I2:I3']) sheet.mergeCells(range);
      sheet.addRow(['EN_ELECTRICITY', '地区', '411002', '万千瓦时', 120, 480, 3.5, 2.5, '含园区']);
    });
    expect(built.headerProblems).toEqual([]);
    expect(built.observations).toEqual([{ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: '411002', unit: '万千瓦时', value: 120, ytdValue: 480, yoyPct: 3.5, ytdYoyPct: 2.5 }]);
    expect(built.rowNumbers).toEqual([4]);
    expect(built.notes.join('\n')).toMatch(/"备注" \(I\)/);
  });

  it('the template’s Chinese second line is still read as part of the header', async () => {
    const built = await fromCsv(Buffer.from(`${HEADER.join(',')}\n指标代码,主体类型,主体代码,计量单位,当月值,累计值,当月同比(%),累计同比(%)\nEN_GAS,REGION,411002,万立方米,1,,,\n`));
    expect(built.headerProblems).toEqual([]);
    expect(built.rowNumbers).toEqual([3]);
  });
});

describe('numbers as people type them', () => {
  it('full-width digits, commas and spaces are normalised, with a note giving an example', async () => {
    const csv = [HEADER.join(','), 'EN_GAS,REGION,411002,万立方米,"１２，３４５．６",１ ２３４,－１．５,'].join('\r\n');
    const built = await fromCsv(iconv.encode(csv, 'gb18030'));
    expect(built.observations[0]).toMatchObject({ value: 12345.6, ytdValue: 1234, yoyPct: -1.5 });
    expect(built.notANumber.size).toBe(0);
    expect(built.notes.join('\n')).toMatch(/note: 3 cells read after normalising full-width characters, thousands separators or spaces, e\.g\. row 2, value \(E\): "１２，３４５．６" read as 12345\.6/);
  });

  it('what could be read two ways is refused with the reason and the fix, never guessed', () => {
    const refused = (text: string) => {
      const n = numberOf(text);
      if (!('reason' in n)) throw new Error(`${text} was read as ${n.value}`);
      return n.reason;
    };
    expect(refused('１２３，４')).toMatch(/neither a thousands separator .* write 123\.4 if it is a decimal point, or 1234 if not/);
    expect(refused('1,23,456')).toMatch(/group three digits/);
    expect(refused('12.5%')).toMatch(/plain number: 12\.5/);
    expect(refused('(12.5)')).toMatch(/minus sign/);
    expect(refused('12万')).toMatch(/without units/);
    expect(numberOf('1,234,567.5')).toEqual({ value: 1234567.5, normalised: true });
    expect(numberOf('42')).toEqual({ value: 42, normalised: false });
  });

  it('a refused cell keeps its row, column, value and reason for the report', async () => {
    const built = await fromCsv(Buffer.from(`${HEADER.join(',')}\nEN_GAS,REGION,411002,万立方米,"123,4",,,\n`));
    expect(built.observations[0].value).toBe('123,4');
    expect(built.notANumber.get('0|value')).toMatch(/write 123\.4 if it is a decimal point/);
  });
});

describe('an untouched template', () => {
  it('rows with no figure are left out and counted; the filled ones are read', async () => {
    const rows = Array.from({ length: 1060 }, (_, i) => `EN_GAS,REGION,4110${String(i % 100).padStart(2, '0')},万立方米,,,,`);
    rows[17] = 'EN_GAS,REGION,411002,万立方米,5,,,';
    const built = await fromCsv(Buffer.from([HEADER.join(','), ...rows].join('\n')));
    expect(built.observations).toHaveLength(1);
    expect(built.rowNumbers).toEqual([19]);
    expect(built.skipped).toBe(1059);
    expect(built.notes.join('\n')).toMatch(/note: 1,059 rows without any figure \(template rows not filled in\) left out/);
  });

  it('nothing filled in at all is one clear problem, not a thousand MISSING_VALUE', async () => {
    const rows = Array.from({ length: 1060 }, () => 'EN_GAS,REGION,411002,万立方米,,,,');
    const built = await fromCsv(Buffer.from([HEADER.join(','), ...rows].join('\n')));
    expect(built.headerProblems).toEqual([expect.objectContaining({ code: 'EMPTY_FILE', reason: expect.stringMatching(/none of the 1,060 rows holds a figure/) })]);
  });
});

describe('number formats that scale what a cell shows', () => {
  it('formatDivisor reads the trailing commas of a format', () => {
    expect(formatDivisor('#,##0,,')).toBe(1e6);
    expect(formatDivisor('0.0,')).toBe(1e3);
    expect(formatDivisor('#,##0')).toBe(1);
    expect(formatDivisor('#,##0.00')).toBe(1);
    expect(formatDivisor('"万,"0')).toBe(1);
    expect(formatDivisor('#,##0,,;[Red]-#,##0,,')).toBe(1e6);
  });

  it('a #,##0,, cell is imported as stored, with a warning naming the row, the column and both numbers', async () => {
    const built = await fromWorkbook((sheet) => {
      sheet.addRow(HEADER);
      const row = sheet.addRow(['EN_ELECTRICITY', 'REGION', '411002', '万千瓦时', 1234567, null, null, null]);
      row.getCell(5).numFmt = '#,##0,,';
    });
    expect(built.observations[0].value).toBe(1234567);
    expect(built.notes.join('\n')).toMatch(/warning: 1 cell of value is displayed scaled by its number format: row 2, value \(E\) holds 1234567 but its format "#,##0,," shows it divided by 1,000,000 \(about 1\.23457\)/);
  });
});
