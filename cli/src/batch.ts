import type { ObservationInputRow, Problem, SubjectType } from '@huishang/schema';
import { acceptedColumns, columnByKey, columnLetter, columnOf, FIGURES, figureColumnLike, nearColumn, REQUIRED, type Column, type ColumnKey, type FigureKey } from './columns';
import type { MergedRange, RawCell, SheetRow, SheetRows } from './read';

/** A problem as the command reports it: where in the file, what was there, why, and a stable code. */
export interface RowProblem {
  /** Spreadsheet row (1 = header); null for a problem with the whole batch (the month, the options). */
  row: number | null;
  /** The column as the file names it, with its letter: `unit (D)`; or the option: `--month`. */
  column: string;
  value: unknown;
  code: string;
  reason: string;
}

export interface ColumnPlace {
  column: Column;
  index: number;
  /** The header as written in the file. */
  header: string;
}

export interface BuiltBatch {
  observations: ObservationInputRow[];
  /** Spreadsheet row of each observation. */
  rowNumbers: number[];
  columns: Map<ColumnKey, ColumnPlace>;
  /** Cells that are not numbers: why, by `index|field`. */
  notANumber: Map<string, string>;
  /** Data rows left out: blank, or without any figure (an untouched template row). */
  skipped: number;
  /** Problems with the header: nothing else can be checked. */
  headerProblems: RowProblem[];
  /** What the person should know about how the file was read: `warning: …` and `note: …` lines. */
  notes: string[];
  /**
   * Problems of single cells found while reading (an empty or unknown required cell, a figure merged
   * over rows), in the file's terms. Their rows are never sent: the rest are still checked by the
   * department's subgraph, and one refusal lists both.
   */
  cellProblems: RowProblem[];
  /** Indices (into `observations`) of the rows with a cell problem: not sent. */
  blocked: Set<number>;
}

/** The catalogue as the reader needs it: codes, and the names a sheet may use instead of them. */
export interface CatalogueNames {
  has(code: string): boolean;
  definitions: readonly { code: string; name: string; nameEn: string }[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Thousands grouped by commas or by spaces (any width): `12,345.6`, `1 234 567`. */
const GROUPED_COMMAS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const GROUPED_SPACES = /^[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?$/;
const SPACES = /[\s\u00a0\u2000-\u200b\u202f\u3000]+/g;

const isBlank = (cell: RawCell) => cell === null || (typeof cell === 'string' && cell.trim() === '');

function cellText(cell: RawCell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell.replace(/^[\s\u3000\u00a0]+|[\s\u3000\u00a0]+$/g, '');
  if (typeof cell === 'number') return String(cell);
  if ('percent' in cell) return `${cell.percent * 100}%`;
  if ('scaled' in cell) return String(cell.scaled);
  return cell.other;
}

type Figure = { value: number | undefined; normalised?: string; scaled?: { numFmt: string; divisor: number } } | { bad: string; reason: string };

/**
 * A number as people type it in Chinese spreadsheets, read without guessing: full-width digits,
 * signs and points (１２３．４, －５) are the ASCII ones (NFKC); thousands separated by commas or
 * spaces in groups of three (12,345.6 or 1 234) are read as such. Anything else that is not a plain
 * number — a comma not before three digits (１２３，４ could be 123.4 or 1234), units, percent
 * signs, brackets — is refused with the reason and the fix.
 */
export function numberOf(text: string): { value: number; normalised: boolean } | { reason: string } {
  if (NUMBER.test(text)) return { value: Number(text), normalised: false };
  const plain = text.normalize('NFKC').replace(/\u2212/g, '-').replace(/^[\s\u00a0\u3000]+|[\s\u00a0\u3000]+$/g, '');
  const spaced = plain.replace(SPACES, ' ');
  let digits: string | null = null;
  if (NUMBER.test(plain)) digits = plain;
  else if (GROUPED_COMMAS.test(spaced)) digits = spaced.replace(/,/g, '');
  else if (GROUPED_SPACES.test(spaced)) digits = spaced.replace(/ /g, '');
  if (digits !== null && NUMBER.test(digits)) return { value: Number(digits), normalised: true };
  let hint = 'write digits with a decimal point, without units or other text';
  if (/^[+-]?[\d,.\s]+$/.test(spaced) && /,/.test(spaced)) {
    hint = /^[+-]?\d+,\d{1,2}$/.test(spaced) || /^[+-]?\d+,\d{4,}$/.test(spaced)
      ? `a comma here is neither a thousands separator (groups of three digits: 1,234) nor allowed as a decimal point: write ${spaced.replace(',', '.')} if it is a decimal point, or ${spaced.replace(/,/g, '')} if not`
      : 'thousands separators must group three digits (1,234,567.8); or write the number without them: 1234567.8';
  } else if (/%\s*$/.test(spaced)) {
    // The reader does not know the row's unit here: advice for a rate alone led a clerk to type a volume as 12.3 (a tester's finding).
    hint = 'write the number without the % sign: for a rate (unit %) 12.5 means 12.5%; any other figure is not a percentage, so check the cell against the unit column';
  }
  else if (/^\(.*\)$/.test(spaced)) hint = 'write a negative number with a minus sign: -12.5, not (12.5)';
  else if (/\d/.test(spaced) && /[万亿千百元吨户人%]/.test(spaced)) hint = 'write the number alone, without units: the unit column says what it counts';
  return { reason: `not a number: ${hint}` };
}

/** A figure cell: a number, absent, or (not a number) the cell as written plus why. */
function figureOf(cell: RawCell): Figure {
  if (isBlank(cell)) return { value: undefined };
  if (typeof cell === 'number') return { value: cell };
  if (typeof cell === 'string') {
    const text = cellText(cell);
    const number = numberOf(text);
    if ('reason' in number) return { bad: text, reason: number.reason };
    return number.normalised ? { value: number.value, normalised: text } : { value: number.value };
  }
  if (cell !== null && 'percent' in cell) {
    return { bad: `${+(cell.percent * 100).toPrecision(12)}%`, reason: 'the cell is formatted as a percentage (Excel stores 12.5% as 0.125): format it as a number and enter 12.5' };
  }
  if (cell !== null && 'scaled' in cell) return { value: cell.scaled, scaled: { numFmt: cell.numFmt, divisor: cell.divisor } };
  const other = (cell as { other: string }).other;
  return { bad: other, reason: `${other}, not a number` };
}

const SUBJECT_KINDS: Record<string, SubjectType> = {
  REGION: 'REGION',
  ENTERPRISE: 'ENTERPRISE',
  地区: 'REGION',
  区域: 'REGION',
  行政区: 'REGION',
  企业: 'ENTERPRISE',
  PARK: 'PARK',
  园区: 'PARK',
};

/** The indicator code a cell names: the code (any case), or the catalogue's Chinese or English name. */
function indicatorOf(text: string, catalogue: CatalogueNames): string {
  if (catalogue.has(text)) return text;
  const upper = text.toUpperCase();
  if (catalogue.has(upper)) return upper;
  const byName = catalogue.definitions.find((d) => d.name === text || d.nameEn.toLowerCase() === text.toLowerCase());
  return byName ? byName.code : text;
}

interface HeaderReading {
  columns: Map<ColumnKey, ColumnPlace>;
  problems: RowProblem[];
  /** Headers of columns the report does not use: ignored, with a warning. */
  unused: { index: number; header: string }[];
  /** How many rows the header takes: 1, or 2 (a second line under it). */
  height: number;
}

const headerText = (cell: RawCell | undefined) => (cell === undefined || isBlank(cell) || typeof cell !== 'string' ? null : cellText(cell));

/**
 * A row that continues the header above it: text only, at least one cell naming a column. The
 * template's Chinese line, or the lower line of a two-row header whose upper cells are merged
 * (数值 over 当月值 and 累计值).
 */
function isHeaderContinuation(row: SheetRow | undefined, above: SheetRow): boolean {
  if (!row || row.rowNumber !== above.rowNumber + 1) return false;
  const filled = row.cells.filter((c) => !isBlank(c));
  return filled.length > 0 && filled.every((c) => typeof c === 'string') && filled.some((c) => columnOf(cellText(c)) !== undefined);
}

/**
 * Reads the header from one row, or from two when the row below continues it: per column the
 * lower cell names it where the upper one is a group label or empty (merged cells leave the others
 * of the merge empty), the upper where the lower is empty.
 */
function readHeader(rows: SheetRow[], at: number): HeaderReading {
  const top = rows[at];
  const bottom = isHeaderContinuation(rows[at + 1], top) ? rows[at + 1] : undefined;
  const columns = new Map<ColumnKey, ColumnPlace>();
  const problems: RowProblem[] = [];
  const unused: { index: number; header: string }[] = [];
  const width = Math.max(top.cells.length, bottom?.cells.length ?? 0);
  const problem = (row: number, index: number, value: unknown, code: string, reason: string) => problems.push({ row, column: columnLetter(index), value, code, reason });
  for (let index = 0; index < width; index++) {
    const upper = headerText(top.cells[index]);
    const lower = bottom ? headerText(bottom.cells[index]) : null;
    const upperColumn = upper === null ? undefined : columnOf(upper);
    const lowerColumn = lower === null ? undefined : columnOf(lower);
    if (upperColumn && lowerColumn && upperColumn !== lowerColumn) {
      problem(top.rowNumber, index, `${upper} / ${lower}`, 'UNKNOWN_COLUMN', `the two header lines name different columns (${upperColumn.header} above, ${lowerColumn.header} below): keep one`);
      continue;
    }
    // A group label above a named column (数值 over 当月值) is not a column of its own.
    const column = lowerColumn ?? upperColumn;
    const text = lowerColumn ? lower! : upperColumn ? upper! : (lower ?? upper);
    const row = lowerColumn ? bottom!.rowNumber : top.rowNumber;
    if (!column) {
      if (text === null) continue;
      const near = nearColumn(text);
      const figureLike = near ? undefined : figureColumnLike(text);
      if (near) {
        problem(row, index, text, 'UNKNOWN_COLUMN', `not a column of the report; did you mean ${near.header} (${near.zh})? The columns are ${acceptedColumns()}`);
      } else if (figureLike) {
        problem(
          row,
          index,
          text,
          'UNKNOWN_COLUMN',
          /上年|去年|同期/.test(text) && !/同比|增长|增速|增幅|增减/.test(text)
            ? `looks like a figure column (last year's figure?) but is not one the report knows: the graph has last year's figures already, so delete the column, or rename it if it holds this year's figures — did you mean ${figureLike.header} (${figureLike.zh})? The columns are ${acceptedColumns()}`
            : `looks like a figure column but is not one the report knows, so its figures would be lost: rename it — did you mean ${figureLike.header} (${figureLike.zh})? The columns are ${acceptedColumns()}`,
        );
      } else {
        unused.push({ index, header: text });
      }
      continue;
    }
    const before = columns.get(column.key);
    if (before) {
      problem(row, index, text, 'DUPLICATE_COLUMN', `${column.header} again (already column ${columnLetter(before.index)})`);
      continue;
    }
    columns.set(column.key, { column, index, header: text! });
  }
  const headerRow = bottom?.rowNumber ?? top.rowNumber;
  const unusedList = unused.map((u) => `${JSON.stringify(u.header)} (${columnLetter(u.index)})`).join(', ');
  for (const key of REQUIRED) {
    if (!columns.has(key)) {
      const c = columnByKey(key);
      problems.push({
        row: headerRow,
        column: c.header,
        value: null,
        code: 'MISSING_COLUMN',
        reason: `the header has no ${c.header} (${c.zh}) column${unusedList ? ` (not recognised: ${unusedList})` : ''}; the columns are ${acceptedColumns()}`,
      });
    }
  }
  if (!FIGURES.some((f) => columns.has(f))) {
    problems.push({
      row: headerRow,
      column: 'value',
      value: null,
      code: 'MISSING_COLUMN',
      reason: `the header has none of value (当月值), ytd_value (累计值), yoy_pct (当月同比), ytd_yoy_pct (累计同比)${unusedList ? ` (not recognised: ${unusedList})` : ''}`,
    });
  }
  return { columns, problems, unused, height: bottom ? 2 : 1 };
}

/** Rows above the header that are looked at for it: a title, a unit line, a date line. */
const HEADER_SEARCH_ROWS = 10;

/**
 * Where the header is: the first of the first ten filled rows from which every required column is
 * read. Rows above it are titles (许昌市2016年1月工业用电量报表) and are left out with a note. When no
 * row qualifies, the problems of the row that names most columns are reported.
 */
function findHeader(rows: SheetRow[]): { at: number; reading: HeaderReading } | null {
  let best: { at: number; reading: HeaderReading } | null = null;
  let looked = 0;
  for (let at = 0; at < rows.length && looked < HEADER_SEARCH_ROWS; at++) {
    if (rows[at].cells.every(isBlank)) continue;
    looked++;
    // A header's first line names at least one column itself; a title (许昌市…报表) names none.
    if (!rows[at].cells.some((c) => headerText(c) !== null && columnOf(headerText(c)!) !== undefined)) continue;
    const reading = readHeader(rows, at);
    if (!reading.problems.some((p) => p.code === 'MISSING_COLUMN')) return { at, reading };
    if (!best || reading.columns.size > best.reading.columns.size) best = { at, reading };
  }
  return best;
}

const shortText = (text: string) => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

/**
 * The batch a table holds: one observation per data row, in file order. Text cells are trimmed; a
 * figure that is not a number is passed on as written, so the reporting core refuses it
 * (NOT_A_NUMBER) together with every other problem of the file. Rows without any figure (a
 * template row nobody filled in) are left out and counted.
 */
/** Words before a date that make it the report's own date, not the month it reports (报送日期2016年2月5日). */
const REPORT_DATE_WORDS = /(日期|报送|填报|制表|填表|打印|截止|时间)\s*[:：]?\s*$/;
const CHINESE_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ENGLISH_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** 一 → 1, 十二 → 12, 元/正 → 1 (元月); null for anything else. */
function chineseMonth(text: string): number | null {
  if (text === '元' || text === '正') return 1;
  const m = /^(十)?([一二三四五六七八九])?$|^十$/.exec(text);
  if (!m || !text) return null;
  return (text.startsWith('十') ? 10 : 0) + (m[2] ? CHINESE_DIGITS[m[2]] : 0) || null;
}

/**
 * The months a title states, as people write them: 许昌市2016年1月工业用电量报表, 2016年01月,
 * 16年1月, 二〇一六年一月, 2016年元月, full-width ２０１６年１月, 2016.1, 2016-01, 2016/1,
 * January 2016, a date (2016年1月1日至1月31日; a date cell) as its month; a range by its end
 * (2016年1—2月 is February's, as statistics reports 1–2月). A date after 报送日期, 填报, 制表 … is the
 * report's own date and not counted.
 */
export function titleMonths(raw: string): string[] {
  const text = raw.normalize('NFKC');
  const months: string[] = [];
  const add = (at: number, year: number, month: number | null, day: boolean) => {
    if (day && REPORT_DATE_WORDS.test(text.slice(Math.max(0, at - 8), at))) return;
    const y = year < 100 ? 2000 + year : year;
    if (month && month >= 1 && month <= 12 && y >= 1990 && y <= 2100) months.push(`${y}-${String(month).padStart(2, '0')}`);
  };
  for (const m of text.matchAll(/(\d{4}|\d{2})\s*年\s*(?:\d{1,2}\s*[-—–~～至到]\s*)?(\d{1,2})\s*月(\s*份)?(\s*\d{1,2}\s*[日号])?/g)) add(m.index!, Number(m[1]), Number(m[2]), !!m[4]);
  for (const m of text.matchAll(/([〇零一二三四五六七八九]{4}|\d{4}|\d{2})\s*年\s*([元正一二三四五六七八九十]{1,3})\s*月/g)) {
    const year = /^\d+$/.test(m[1]) ? Number(m[1]) : Number([...m[1]].map((c) => CHINESE_DIGITS[c]).join(''));
    add(m.index!, year, chineseMonth(m[2]), false);
  }
  for (const m of text.matchAll(/(?<![\d.\-/])(\d{4})\s*[.\-/]\s*(\d{1,2})(?:\s*[.\-/]\s*(\d{1,2}))?(?![\d.\-/])/g)) add(m.index!, Number(m[1]), Number(m[2]), m[3] !== undefined);
  for (const m of text.matchAll(/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*,?\s*(\d{4})\b/gi)) add(m.index!, Number(m[2]), ENGLISH_MONTHS.indexOf(m[1].toLowerCase()) + 1, false);
  return [...new Set(months)];
}

/**
 * `month`: the month being reported (`--month`, the page's month). A title above the header that
 * states other months, and not this one, refuses the file (MONTH_MISMATCH): a tester imported last
 * month's file, its title quoting 2016年1月, as February's, and it went in.
 */
export function buildBatch(rows: SheetRows, catalogue: CatalogueNames, options: { skipEmpty?: boolean; month?: string } = {}): BuiltBatch {
  const built: BuiltBatch = { observations: [], rowNumbers: [], columns: new Map(), notANumber: new Map(), skipped: 0, headerProblems: [], notes: [], cellProblems: [], blocked: new Set() };
  const found = findHeader(rows);
  if (!found) {
    built.headerProblems.push({ row: null, column: 'file', value: null, code: 'EMPTY_FILE', reason: emptyFileReason(rows) });
    return built;
  }
  const { at, reading } = found;
  built.columns = reading.columns;
  built.headerProblems = reading.problems;
  if (reading.problems.length) return built;
  const titles = rows.slice(0, at).filter((r) => !r.cells.every(isBlank));
  if (titles.length) {
    const text = titles.map((r) => r.cells.filter((c) => !isBlank(c)).map(cellText).join(' ')).map((t) => JSON.stringify(shortText(t)));
    built.notes.push(`note: ${titles.length === 1 ? `row ${titles[0].rowNumber}` : `rows ${titles[0].rowNumber}–${titles[titles.length - 1].rowNumber}`} above the header taken as a title and left out: ${text.join(', ')}`);
    if (options.month) {
      const stated = titles.flatMap((r) => titleMonths(r.cells.filter((c) => !isBlank(c)).map(cellText).join(' ')).map((month) => ({ row: r, month })));
      if (stated.length && !stated.some((s) => s.month === options.month)) {
        const { row, month } = stated[0];
        const cell = row.cells.findIndex((c) => !isBlank(c) && titleMonths(cellText(c)).length > 0);
        built.headerProblems.push({
          row: row.rowNumber,
          column: columnLetter(Math.max(cell, 0)),
          value: shortText(row.cells.filter((c) => !isBlank(c)).map(cellText).join(' ')),
          code: 'MONTH_MISMATCH',
          reason: `the title says ${month}, but the month being reported is ${options.month}: report this file as ${month} (--month ${month}), or, if its figures are ${options.month}'s, correct the title`,
        });
        return built;
      }
    }
  }
  if (reading.unused.length) {
    built.notes.push(
      `warning: ${reading.unused.length === 1 ? 'a column' : `${reading.unused.length} columns`} the report does not use ${reading.unused.length === 1 ? 'was' : 'were'} ignored: ${reading.unused
        .map((u) => `${JSON.stringify(u.header)} (${columnLetter(u.index)})`)
        .join(', ')}`,
    );
  }
  const columns = reading.columns;
  const start = at + reading.height;
  const mergedFigures = fillMerges(rows, start, columns);

  const at_ = (row: SheetRow, key: ColumnKey): RawCell => {
    const place = columns.get(key);
    return place ? (row.cells[place.index] ?? null) : null;
  };
  const where = (row: SheetRow, field: FigureKey) => {
    const place = columns.get(field)!;
    return `row ${row.rowNumber}, ${place.column.header} (${columnLetter(place.index)})`;
  };
  let normalised = 0;
  let normalisedExample = '';
  const scaled = new Map<FigureKey, { count: number; example: string }>();
  let withoutFigure = 0;
  for (let r = start; r < rows.length; r++) {
    const row = rows[r];
    if (row.cells.every(isBlank)) continue;
    const figures = FIGURES.map((f) => figureOf(at_(row, f)));
    if (figures.every((f) => 'value' in f && f.value === undefined)) {
      // A row with its indicator and subject but no figure: a template row nobody filled in.
      withoutFigure++;
      built.skipped++;
      continue;
    }
    const index = built.observations.length;
    const kindText = cellText(at_(row, 'subjectKind'));
    const observation: ObservationInputRow = {
      indicator: indicatorOf(cellText(at_(row, 'indicator')), catalogue),
      subjectKind: SUBJECT_KINDS[kindText.toUpperCase()] ?? (kindText as SubjectType),
      subjectCode: cellText(at_(row, 'subjectCode')),
      unit: cellText(at_(row, 'unit')),
    };
    // A required cell left empty, or a subject kind the graph has no name for, cannot even be sent
    // (the GraphQL input types refuse it without a row number): said here, by row and column.
    const cellProblem = (key: ColumnKey, value: unknown, code: string, reason: string) => {
      const place = columns.get(key)!;
      built.cellProblems.push({ row: row.rowNumber, column: `${place.column.header}${place.header !== place.column.header ? ` "${place.header}"` : ''} (${columnLetter(place.index)})`, value, code, reason });
      built.blocked.add(index);
    };
    for (const key of REQUIRED) {
      if (cellText(at_(row, key)) === '') {
        const c = columnByKey(key);
        cellProblem(key, null, 'MISSING_VALUE', `the ${c.header} (${c.zh}) cell is empty: fill it in (a merged cell must cover this row to apply to it)`);
      }
    }
    if (kindText !== '' && !SUBJECT_KINDS[kindText.toUpperCase()]) {
      cellProblem('subjectKind', kindText, 'BAD_SUBJECT_KIND', 'not a subject kind: write REGION (地区), ENTERPRISE (企业) or PARK (园区)');
    }
    for (const merge of mergedFigures.get(row.rowNumber) ?? []) {
      cellProblem(merge.key, cellText(at_(row, merge.key)) || null, 'MERGED_FIGURE', `the cell is merged over rows ${merge.range.top}–${merge.range.bottom}: one figure cannot be read for several rows; unmerge it and write each row's figure`);
    }
    FIGURES.forEach((field: FigureKey, i) => {
      const figure = figures[i];
      if ('bad' in figure) {
        // Handed on as written: the core refuses it as NOT_A_NUMBER, our reason says why.
        (observation as unknown as Record<string, unknown>)[field] = figure.bad;
        built.notANumber.set(`${index}|${field}`, figure.reason);
        return;
      }
      if (figure.value === undefined) return;
      observation[field] = figure.value;
      if (figure.normalised !== undefined && normalised++ === 0) normalisedExample = `${where(row, field)}: ${JSON.stringify(figure.normalised)} read as ${figure.value}`;
      if (figure.scaled) {
        const seen = scaled.get(field) ?? { count: 0, example: '' };
        if (seen.count++ === 0) {
          const shown = +(figure.value / figure.scaled.divisor).toPrecision(6);
          seen.example = `${where(row, field)} holds ${figure.value} but its format ${JSON.stringify(figure.scaled.numFmt)} shows it divided by ${figure.scaled.divisor.toLocaleString('en-US')} (about ${shown})`;
        }
        scaled.set(field, seen);
      }
    });
    built.observations.push(observation);
    built.rowNumbers.push(row.rowNumber);
  }
  if (normalised) {
    built.notes.push(`note: ${normalised} cell${normalised === 1 ? '' : 's'} read after normalising full-width characters, thousands separators or spaces, e.g. ${normalisedExample}`);
  }
  for (const [field, { count, example }] of scaled) {
    built.notes.push(
      `warning: ${count} cell${count === 1 ? '' : 's'} of ${field === 'value' ? 'value' : columnByKey(field).header} ${count === 1 ? 'is' : 'are'} displayed scaled by ${count === 1 ? 'its' : 'their'} number format: ${example}. The value stored in the cell is imported, in the unit column's unit; if the sheet shows the intended figures, enter them as they should be read and remove the scaling format`,
    );
  }
  if (withoutFigure) {
    built.notes.push(`note: ${withoutFigure.toLocaleString('en-US')} row${withoutFigure === 1 ? '' : 's'} without any figure (template rows not filled in) left out`);
  }
  if (built.observations.length === 0) {
    built.headerProblems.push({
      row: null,
      column: 'file',
      value: null,
      code: 'EMPTY_FILE',
      reason: withoutFigure
        ? `none of the ${withoutFigure.toLocaleString('en-US')} rows holds a figure: fill in value (当月值) or ytd_value (累计值) for what the department reports this month`
        : 'the file holds a header but no data rows',
    });
  }
  return built;
}

/**
 * Merged cells in the data area, read as Chinese sheets mean them: an indicator, subject kind or
 * unit merged down over rows applies to each row of the merge (its value is copied into the other
 * cells). A figure merged over rows is not spread (that would be guessing numbers): the rows it
 * covers are returned, to be refused. Merges above the data (titles, grouped headers) are left as
 * they are.
 */
function fillMerges(rows: SheetRows, start: number, columns: Map<ColumnKey, ColumnPlace>): Map<number, { key: FigureKey; range: MergedRange }[]> {
  const figures = new Map<number, { key: FigureKey; range: MergedRange }[]>();
  const merges = rows.merges ?? [];
  if (!merges.length || start >= rows.length) return figures;
  const firstData = rows[start].rowNumber;
  const byNumber = new Map(rows.slice(start).map((r) => [r.rowNumber, r]));
  const keyAt = new Map([...columns.values()].map((p) => [p.index, p.column.key]));
  for (const range of merges) {
    if (range.top < firstData) continue;
    const master = byNumber.get(range.top)?.cells[range.left] ?? null;
    for (let c = range.left; c <= range.right; c++) {
      const key = keyAt.get(c);
      if (key && (FIGURES as readonly string[]).includes(key)) {
        if (range.bottom > range.top && !isBlank(c === range.left ? master : null)) {
          for (let n = range.top; n <= range.bottom; n++) {
            const list = figures.get(n) ?? [];
            list.push({ key: key as FigureKey, range });
            figures.set(n, list);
          }
        }
        continue;
      }
      for (let n = range.top; n <= range.bottom; n++) {
        const row = byNumber.get(n);
        if (!row || (n === range.top && c === range.left)) continue;
        while (row.cells.length <= c) row.cells.push(null);
        row.cells[c] = master;
      }
    }
  }
  return figures;
}

/**
 * Why no header was found: a file of one column whose text holds semicolons or tabs is a CSV with
 * another separator; a workbook whose first tab holds no header may have its data on another tab.
 */
function emptyFileReason(rows: SheetRows): string {
  const filled = rows.filter((r) => !r.cells.every(isBlank));
  if (!filled.length) return rows.sheetName ? `the first sheet ("${rows.sheetName}") is empty${otherSheets(rows)}` : 'the file is empty';
  const first = filled.slice(0, HEADER_SEARCH_ROWS);
  const oneColumn = first.every((r) => r.cells.filter((c) => !isBlank(c)).length <= 1);
  const text = first.map((r) => cellText(r.cells.find((c) => !isBlank(c)) ?? null)).join('\n');
  if (oneColumn && /;/.test(text) && text.split(';').some((t) => columnOf(t) !== undefined)) {
    return 'the columns are separated by semicolons (;): save the file from Excel as "CSV (逗号分隔)" (comma-separated), or as .xlsx';
  }
  if (oneColumn && /\t/.test(text)) {
    return 'the columns are separated by tabs (Excel\'s "Text (制表符分隔)"): save the file as "CSV (逗号分隔)" (comma-separated), or as .xlsx';
  }
  return `no header row found in the first ${HEADER_SEARCH_ROWS} filled rows${rows.sheetName ? ` of the first sheet ("${rows.sheetName}")` : ''}: the header names the columns ${acceptedColumns()}${otherSheets(rows)}`;
}

function otherSheets(rows: SheetRows): string {
  const others = (rows.sheetNames ?? []).slice(1);
  return others.length
    ? `; only the first sheet is read — if the figures are on ${others.map((n) => `"${n}"`).join(', ')}, move that sheet to the front (drag its tab to the left) or save it alone`
    : '';
}

const OPTION_OF_FIELD: Record<string, string> = {
  month: '--month',
  status: '--status',
  reportedBy: '--reported-by',
  idempotencyKey: '--key',
  observations: 'rows',
};

/** The core's problems in the file's terms: spreadsheet rows, the file's column names, our reasons for cells that are not numbers. */
export function rowProblems(problems: Problem[], built: BuiltBatch): RowProblem[] {
  const failedNumber = new Set(problems.filter((p) => p.code === 'NOT_A_NUMBER' && p.index !== null).map((p) => p.index));
  return problems
    .filter((p) => !(p.code === 'MISSING_VALUE' && failedNumber.has(p.index)))
    .map((p) => {
      if (p.index === null) return { row: null, column: OPTION_OF_FIELD[p.field] ?? p.field, value: p.value, code: p.code, reason: p.reason };
      const place = built.columns.get(p.field as ColumnKey);
      const column = place
        ? `${place.column.header}${normalisedDiffers(place) ? ` "${place.header}"` : ''} (${columnLetter(place.index)})`
        : (OPTION_OF_FIELD[p.field] ?? p.field);
      const reason = (p.code === 'NOT_A_NUMBER' && built.notANumber.get(`${p.index}|${p.field}`)) || p.reason;
      return { row: built.rowNumbers[p.index], column, value: p.value, code: p.code, reason };
    })
    .sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}

const normalisedDiffers = (place: ColumnPlace) => place.header !== place.column.header;
