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

/** A merged range of cells, as a spreadsheet numbers them: rows from 1, columns from 0 (A = 0). */
export interface MergedRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * The rows of a table, and the merged ranges of a workbook's sheet. Both readers give the cells of a
 * merge as stored — the value in its top-left cell, the others empty — and list the ranges, so the
 * streamed (command) and the whole (page) workbook read alike and `buildBatch` decides what a merge
 * means (a label merged down over rows applies to each of them).
 */
export type SheetRows = SheetRow[] & { merges?: MergedRange[]; sheetName?: string; sheetNames?: string[] };

/** `B3:B12` → its range. */
export function parseRange(ref: string): MergedRange | null {
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(ref.replace(/\$/g, ''));
  if (!m) return null;
  const col = (letters: string) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
  return { top: Number(m[2]), left: col(m[1]), bottom: Number(m[4]), right: col(m[3]) };
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

export async function readTable(content: Buffer, format: FileFormat, progress?: ReadProgress, notes?: ReadNotes): Promise<SheetRows> {
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
export function parseCsv(text: string, progress?: ReadProgress): SheetRows {
  /*
   * Fields are cut from the text with slice(), not built a character at a time: a 50 MB file with a
   * long notes column made the per-character concatenation hold 1.86 GB (finding 13). A quoted field
   * is its pieces between doubled quotes, joined once.
   */
  const rows: SheetRows = [];
  let cells: RawCell[] = [];
  let i = 0;
  const n = text.length;
  let lastReport = 0;
  let ended = true;
  const endRecord = () => {
    rows.push({ rowNumber: rows.length + 1, cells });
    cells = [];
    if (progress && rows.length - lastReport >= 5000) {
      lastReport = rows.length;
      progress(rows.length, i / n);
    }
  };
  while (i < n) {
    ended = false;
    if (text.charCodeAt(i) === 34 /* " */) {
      // A quoted field: up to the closing quote, a doubled quote standing for one.
      let piece = i + 1;
      let value = '';
      for (;;) {
        const close = text.indexOf('"', piece);
        if (close < 0) throw new FileError(`CSV row ${rows.length + 1}: a quoted field is never closed`);
        if (text.charCodeAt(close + 1) === 34) {
          value += text.slice(piece, close + 1);
          piece = close + 2;
          continue;
        }
        value += text.slice(piece, close);
        i = close + 1;
        break;
      }
      cells.push(value);
      // Only a separator or the end of the record may follow a closing quote.
      const next = text[i];
      if (i < n && next !== ',' && next !== '\n' && next !== '\r') {
        throw new FileError(`CSV row ${rows.length + 1}: text after a closing quote (${JSON.stringify(text.slice(i, i + 10))}); a quote inside a quoted field is written twice ("")`);
      }
    } else {
      // An unquoted field: up to the next comma or line break; a quote inside it is refused.
      let end = i;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 44 /* , */ || c === 10 || c === 13) break;
        if (c === 34) throw new FileError(`CSV row ${rows.length + 1}: a quote in the middle of an unquoted field (${JSON.stringify(text.slice(i, end + 1))}); quote the whole field`);
        end++;
      }
      cells.push(end === i ? null : text.slice(i, end));
      i = end;
    }
    if (i >= n) break;
    const c = text[i];
    if (c === ',') {
      i++;
      // A comma at the very end: one more empty field.
      if (i >= n) cells.push(null);
      continue;
    }
    // A line break ends the record.
    i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    endRecord();
    ended = true;
  }
  if (!ended) endRecord();
  progress?.(rows.length, 1);
  return rows;
}

export function readCsv(content: Buffer, progress?: ReadProgress, notes?: ReadNotes): SheetRows {
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
  // A cell whose XML has no type but a value that is no number (`<v>#DIV/0!</v>`, as some tools write
  // an error without Excel's t="e"): exceljs reads it as NaN, which went on as an empty figure (JSON
  // has no NaN) — a tester's #DIV/0! passed as "not reported".
  if (typeof value === 'number' && !Number.isFinite(value)) return { other: 'an error value, or text, in a cell marked as a number (Excel shows #DIV/0!, #N/A or #VALUE!)' };
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
  return (match ? 1000 ** match[1].length : 1) * literalPointDivisor(numFmt);
}

/**
 * The Chinese "show in 万" formats: a literal point between digit placeholders (`0!.0000`,
 * `0\.0000`, `0"."0000`) shows 2964500 as 296.4500 — the number divided by 10 to the power of the
 * digits after it — while the real decimal point is not there. 1 when the format has none, or has
 * a real decimal point before it.
 */
function literalPointDivisor(numFmt: string): number {
  const section = numFmt.replace(/\[[^\]]*\]/g, '').split(';')[0];
  const literal = /[0#?](?:"\."|\\\.|!\.)([0#?]+)/.exec(section);
  if (!literal) return 1;
  const before = section.slice(0, literal.index).replace(/"[^"]*"/g, '').replace(/[\\!]./g, '');
  return before.includes('.') ? 1 : 10 ** literal[1].length;
}

/** The sheet number (xl/worksheets/sheet<N>.xml) of the workbook's first tab, when the reader has seen the workbook's parts. */
function firstSheetNumber(reader: unknown): string | null {
  const match = /sheet(\d+)\.xml$/.exec(firstSheetPart(reader) ?? '');
  return match ? match[1] : null;
}

/** The zip path of the first tab's worksheet part (xl/worksheets/sheet1.xml). */
function firstSheetPart(reader: unknown): string | null {
  const r = reader as { model?: { sheets?: { rId: string }[] }; workbookRels?: { Id: string; Target: string }[] };
  const first = r.model?.sheets?.[0];
  const target = first && r.workbookRels?.find((rel) => rel.Id === first.rId)?.Target;
  if (!target) return null;
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

function firstSheetNames(reader: unknown): { name: string | null; names: string[] } {
  const sheets = (reader as { model?: { sheets?: { name: string }[] } }).model?.sheets ?? [];
  return { name: sheets[0]?.name ?? null, names: sheets.map((s) => s.name) };
}

/** The cells of a row as the importer sees them: the other cells of a merge empty, as the streaming reader has them. */
function rowCells(row: ExcelJS.Row): RawCell[] {
  const cells: RawCell[] = [];
  for (let c = 1; c <= row.cellCount; c++) {
    const cell = row.getCell(c);
    // exceljs's whole-workbook model answers a merged cell with the value of the merge's top-left cell.
    const slave = cell.type === excel().ValueType.Merge && cell.master !== cell;
    cells.push(slave ? null : rawCell(cell.value, cell.numFmt));
  }
  while (cells.length && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

/** The sheet names of a workbook, in tab order, for messages ("the data is on sheet 2?"). */
function tabNames(workbook: { worksheets: { name: string }[] } | undefined): string[] {
  return workbook?.worksheets.map((w) => w.name) ?? [];
}

/**
 * The first tab of a workbook loaded whole: in a browser, where exceljs's bundle has no streaming
 * reader (the reporting page, which reads the file before sending its rows through the gateway).
 * The same cells, rows and errors as `readXlsx`.
 */
export async function readXlsxWhole(content: Buffer, progress?: ReadProgress): Promise<SheetRows> {
  const workbook = new (excel().Workbook)();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw new FileError(`not a readable .xlsx workbook (${(error as Error).message})`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new FileError('the workbook has no sheet');
  const rows: SheetRows = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells = rowCells(row);
    if (cells.length) rows.push({ rowNumber: row.number, cells });
  });
  // Worksheet keeps its merges in `_merges` (exceljs has no public accessor): top/left/bottom/right, 1-based.
  const merges = Object.values((sheet as unknown as { _merges: Record<string, { top: number; left: number; bottom: number; right: number }> })._merges ?? {});
  rows.merges = merges.map((m) => ({ top: m.top, left: m.left - 1, bottom: m.bottom, right: m.right - 1 }));
  rows.sheetName = sheet.name;
  rows.sheetNames = tabNames(workbook);
  progress?.(rows.length, 1);
  return rows;
}

/**
 * The merged ranges of a worksheet part, from its `<mergeCell ref="A2:A11"/>` elements: exceljs's
 * streaming reader skips them (worksheet-reader.js ignores `mergeCell`), so the part is read again
 * with JSZip (exceljs's own zip library). Only that one attribute is taken, so a regular expression
 * over the XML does; measured on a 100,000-row sheet below half a second.
 */
async function mergesOf(content: Buffer, part: string | null): Promise<MergedRange[]> {
  if (!part) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const JSZip = require('jszip') as typeof import('jszip');
  const zip = await JSZip.loadAsync(content);
  const file = zip.file(part);
  if (!file) return [];
  const xml = await file.async('string');
  const at = xml.lastIndexOf('<mergeCells');
  if (at < 0) return [];
  const ranges: MergedRange[] = [];
  for (const m of xml.slice(at).matchAll(/<mergeCell\b[^>]*\bref="([^"]+)"/g)) {
    const range = parseRange(m[1]);
    if (range) ranges.push(range);
  }
  return ranges;
}

/** The first sheet of a workbook, streamed row by row (100,000 rows in about a second, little memory). */
export async function readXlsx(content: Buffer, progress?: ReadProgress): Promise<SheetRows> {
  const reader = new (excel().stream.xlsx.WorkbookReader)(Readable.from([content]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const rows: SheetRows = [];
  let found = false;
  let part: string | null = null;
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
      part = firstSheetPart(reader);
      Object.assign(rows, { sheetName: firstSheetNames(reader).name ?? undefined, sheetNames: firstSheetNames(reader).names });
      for await (const row of sheet) {
        const cells = rowCells(row as ExcelJS.Row);
        if (cells.length) rows.push({ rowNumber: (row as ExcelJS.Row).number, cells });
        if (progress && rows.length % 5000 === 0) progress(rows.length, null);
      }
    }
  } catch (error) {
    if (error instanceof FileError) throw error;
    // exceljs's streaming reader needs xl/workbook.xml before the worksheets in the zip; a file
    // written in another order (exceljs's own writer does so at times) fails with a TypeError.
    // The whole-workbook reader (the page's, same cells and merges) reads any order.
    if (error instanceof TypeError) return readXlsxWhole(content, progress);
    throw new FileError(`not a readable .xlsx workbook (${(error as Error).message})`);
  }
  if (!found) throw new FileError('the workbook has no sheet');
  rows.merges = await mergesOf(content, part);
  progress?.(rows.length, 1);
  return rows;
}
