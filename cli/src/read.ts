import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** exceljs takes half a second to load: only when a workbook is read. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const excel = (): typeof ExcelJS => require('exceljs');

/**
 * A cell as read: empty, text, a number, a number formatted as a percentage, a number whose display
 * format scales it (`#,##0,,` shows 1234567 as 1), or something else (a date, a boolean, an error).
 */
export type RawCell = null | string | number | { percent: number } | { scaled: number; numFmt: string; divisor: number } | { other: string };

export interface SheetRow {
  /** The row number a spreadsheet shows (1 = the header). */
  rowNumber: number;
  cells: RawCell[];
}

/** The file cannot be read as a table: exit 1 with this message. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}

export interface ReadProgress {
  (rows: number, fraction: number | null): void;
}

export type FileFormat = 'csv' | 'xlsx';

export function formatOf(file: string): FileFormat | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return null;
}

/** What reading noticed and did that the person should know (the encoding used, …): printed as notes. */
export type ReadNotes = string[];

export async function readTable(content: Buffer, format: FileFormat, progress?: ReadProgress, notes?: ReadNotes): Promise<SheetRow[]> {
  if (format === 'csv') return readCsv(content, progress, notes);
  // exceljs's browser bundle (the reporting page) has no streaming reader.
  return typeof excel().stream?.xlsx?.WorkbookReader === 'function' ? readXlsx(content, progress) : readXlsxWhole(content, progress);
}

export type TextEncoding = 'UTF-8' | 'GB18030';

/**
 * CSV text: UTF-8 (with or without a byte-order mark) when the bytes are valid UTF-8, otherwise
 * GB18030 — what Chinese Excel's default "CSV (逗号分隔)" writes (the code page 936/GBK that
 * GB18030 extends). A file valid in neither (Big5, UTF-16, a binary file) is refused, not guessed:
 * GBK text is almost never valid UTF-8 (its lead bytes 0x81–0xFE are rarely followed by UTF-8
 * continuation bytes), so trying UTF-8 first is safe. Decoded by iconv-lite.
 */
export function decodeText(content: Buffer): { text: string; encoding: TextEncoding } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content), encoding: 'UTF-8' };
  } catch {
    // Not UTF-8: below.
  }
  if ((content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff)) {
    throw new FileError('the file is UTF-16 text (Excel\'s "Unicode text"): save it as "CSV UTF-8 (逗号分隔)" or "CSV (逗号分隔)"');
  }
  const text = iconv.decode(content, 'gb18030');
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) {
    const line = text.slice(0, bad).split(/\r\n|\n|\r/).length;
    throw new FileError(
      `the file is neither UTF-8 nor GB18030/GBK text (line ${line} has bytes neither can read): save it from Excel as "CSV UTF-8 (逗号分隔)" or "CSV (逗号分隔)"`,
    );
  }
  return { text, encoding: 'GB18030' };
}

/** UTF-8 text with or without a byte-order mark; anything else is refused (for callers that need UTF-8 alone). */
export function decodeUtf8(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    throw new FileError('the file is not UTF-8 text: save it as "CSV UTF-8 (逗号分隔)" (Excel) or convert it (iconv -f GBK -t UTF-8)');
  }
}

/**
 * RFC 4180: comma-separated fields, optionally in double quotes (a quote inside is doubled),
 * quoted fields may hold commas and line breaks; CRLF or LF ends a record. Rows are numbered by
 * record, as a spreadsheet shows them.
 */
export function parseCsv(text: string, progress?: ReadProgress): SheetRow[] {
  const rows: SheetRow[] = [];
  let field = '';
  let cells: RawCell[] = [];
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const n = text.length;
  let lastReport = 0;
  const endField = () => {
    cells.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    rows.push({ rowNumber: rows.length + 1, cells });
    cells = [];
    if (progress && rows.length - lastReport >= 5000) {
      lastReport = rows.length;
      progress(rows.length, i / n);
    }
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        // Only a separator or the end of the record may follow a closing quote.
        const next = text[i];
        if (i < n && next !== ',' && next !== '\n' && next !== '\r') {
          throw new FileError(`CSV row ${rows.length + 1}: text after a closing quote (${JSON.stringify(text.slice(i, i + 10))}); a quote inside a quoted field is written twice ("")`);
        }
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new FileError(`CSV row ${rows.length + 1}: a quote in the middle of an unquoted field (${JSON.stringify(field + c)}); quote the whole field`);
      quoted = true;
      wasQuoted = true;
      i++;
    } else if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new FileError(`CSV row ${rows.length + 1}: a quoted field is never closed`);
  if (field !== '' || wasQuoted || cells.length > 0) endRecord();
  progress?.(rows.length, 1);
  return rows;
}

export function readCsv(content: Buffer, progress?: ReadProgress, notes?: ReadNotes): SheetRow[] {
  const decoded = decodeText(content);
  let text = decoded.text;
  if (decoded.encoding !== 'UTF-8') notes?.push(`note: the file is not UTF-8; read as ${decoded.encoding} (Chinese Excel's "CSV (逗号分隔)")`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseCsv(text, progress);
}

type ExcelValue = ExcelJS.CellValue;

function textOf(value: ExcelValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return null;
}

/** An Excel cell as the importer sees it: formulas by their result, text as text, dates and booleans as "other". */
export function rawCell(value: ExcelValue, numFmt?: string): RawCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (numFmt && /%/.test(numFmt.replace(/"[^"]*"/g, ''))) return { percent: value };
    const divisor = numFmt ? formatDivisor(numFmt) : 1;
    return divisor === 1 ? value : { scaled: value, numFmt: numFmt!, divisor };
  }
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'boolean') return { other: String(value).toUpperCase() };
  if (value instanceof Date) return { other: `a date (${value.toISOString().slice(0, 10)})` };
  if (typeof value === 'object') {
    if ('error' in value) return { other: `an error value ${value.error}` };
    if ('result' in value || 'formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: ExcelValue }).result;
      if (result === undefined) return { other: 'a formula without a computed result (open and save the file in Excel)' };
      return rawCell(result as ExcelValue, numFmt);
    }
    const text = textOf(value);
    if (text !== null) return text === '' ? null : text;
  }
  return { other: JSON.stringify(value) };
}

/**
 * How much an Excel number format divides what it shows: each comma after the last digit
 * placeholder scales by 1000 (ECMA-376 §18.8.31), so `#,##0,,` shows 1234567 as 1 and `0.0,`
 * 1234 as 1.2. Quoted text and escaped characters are not part of the number; only the first
 * (positive) section counts.
 */
export function formatDivisor(numFmt: string): number {
  const section = numFmt.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '').split(';')[0];
  const match = /[0#?](,+)(?![0#?,])/.exec(section);
  return match ? 1000 ** match[1].length : 1;
}

/** The sheet number (xl/worksheets/sheet<N>.xml) of the workbook's first tab, when the reader has seen the workbook's parts. */
function firstSheetNumber(reader: unknown): string | null {
  const r = reader as { model?: { sheets?: { rId: string }[] }; workbookRels?: { Id: string; Target: string }[] };
  const first = r.model?.sheets?.[0];
  const target = first && r.workbookRels?.find((rel) => rel.Id === first.rId)?.Target;
  const match = target && /sheet(\d+)\.xml$/.exec(target);
  return match ? match[1] : null;
}

/** The cells of a row as the importer sees them. */
function rowCells(row: ExcelJS.Row): RawCell[] {
  const cells: RawCell[] = [];
  for (let c = 1; c <= row.cellCount; c++) {
    const cell = row.getCell(c);
    cells.push(rawCell(cell.value, cell.numFmt));
  }
  return cells;
}

/**
 * The first tab of a workbook loaded whole: in a browser, where exceljs's bundle has no streaming
 * reader (the reporting page, which reads the file before sending its rows through the gateway).
 * The same cells, rows and errors as `readXlsx`.
 */
export async function readXlsxWhole(content: Buffer, progress?: ReadProgress): Promise<SheetRow[]> {
  const workbook = new (excel().Workbook)();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw new FileError(`not a readable .xlsx workbook (${(error as Error).message})`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new FileError('the workbook has no sheet');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    rows.push({ rowNumber: row.number, cells: rowCells(row) });
  });
  progress?.(rows.length, 1);
  return rows;
}

/** The first sheet of a workbook, streamed row by row (100,000 rows in about a second, little memory). */
export async function readXlsx(content: Buffer, progress?: ReadProgress): Promise<SheetRow[]> {
  const reader = new (excel().stream.xlsx.WorkbookReader)(Readable.from([content]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const rows: SheetRow[] = [];
  let found = false;
  try {
    for await (const sheet of reader) {
      const wanted = firstSheetNumber(reader);
      const id = String((sheet as unknown as { id: string | number }).id);
      if (found || (wanted !== null && id !== wanted)) {
        // Not the first tab: drain it.
        for await (const _row of sheet) void _row;
        continue;
      }
      found = true;
      for await (const row of sheet) {
        rows.push({ rowNumber: (row as ExcelJS.Row).number, cells: rowCells(row as ExcelJS.Row) });
        if (progress && rows.length % 5000 === 0) progress(rows.length, null);
      }
    }
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(`not a readable .xlsx workbook (${(error as Error).message})`);
  }
  if (!found) throw new FileError('the workbook has no sheet');
  progress?.(rows.length, 1);
  return rows;
}
