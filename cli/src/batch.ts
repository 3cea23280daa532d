import type { IndicatorCatalogue, ObservationInputRow, Problem, SubjectType } from '@huishang/schema';
import { columnByKey, columnLetter, columnOf, COLUMNS, FIGURES, REQUIRED, type Column, type ColumnKey, type FigureKey } from './columns';
import type { RawCell, SheetRow } from './read';

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
  /** Data rows left out: empty, or (with `skipEmpty`) without any figure. */
  skipped: number;
  /** Problems with the header: nothing else can be checked. */
  headerProblems: RowProblem[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

const isBlank = (cell: RawCell) => cell === null || (typeof cell === 'string' && cell.trim() === '');

function cellText(cell: RawCell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell.replace(/^[\s\u3000\u00a0]+|[\s\u3000\u00a0]+$/g, '');
  if (typeof cell === 'number') return String(cell);
  if ('percent' in cell) return `${cell.percent * 100}%`;
  return cell.other;
}

/** A figure cell: a number, absent, or (not a number) the cell as written plus why. */
function figureOf(cell: RawCell): { value: number | undefined } | { bad: string; reason: string } {
  if (isBlank(cell)) return { value: undefined };
  if (typeof cell === 'number') return { value: cell };
  if (typeof cell === 'string') {
    const text = cellText(cell);
    if (NUMBER.test(text)) return { value: Number(text) };
    let hint = 'write digits with a decimal point, without units, thousands separators or spaces';
    if (/^[+-]?[\d,]+(\.\d+)?$/.test(text)) hint = 'no thousands separators: write 1234.5, not 1,234.5';
    else if (/%\s*$/.test(text)) hint = 'write the percentage as a plain number: 12.5 for 12.5%';
    else if (/^[+-]?\d+,\d+$/.test(text)) hint = 'use a decimal point, not a comma';
    return { bad: text, reason: `not a number: ${hint}` };
  }
  if (cell !== null && 'percent' in cell) {
    return { bad: `${+(cell.percent * 100).toPrecision(12)}%`, reason: 'the cell is formatted as a percentage (Excel stores 12.5% as 0.125): format it as a number and enter 12.5' };
  }
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
};

/** The indicator code a cell names: the code (any case), or the catalogue's Chinese or English name. */
function indicatorOf(text: string, catalogue: IndicatorCatalogue): string {
  if (catalogue.has(text)) return text;
  const upper = text.toUpperCase();
  if (catalogue.has(upper)) return upper;
  const byName = catalogue.definitions.find((d) => d.name === text || d.nameEn.toLowerCase() === text.toLowerCase());
  return byName ? byName.code : text;
}

function placeColumns(header: SheetRow): { columns: Map<ColumnKey, ColumnPlace>; problems: RowProblem[] } {
  const columns = new Map<ColumnKey, ColumnPlace>();
  const problems: RowProblem[] = [];
  const problem = (index: number, value: unknown, code: string, reason: string) =>
    problems.push({ row: header.rowNumber, column: `${columnLetter(index)}`, value, code, reason });
  header.cells.forEach((cell, index) => {
    if (isBlank(cell)) return;
    const text = cellText(cell);
    const column = columnOf(text);
    if (!column) {
      problem(index, text, 'UNKNOWN_COLUMN', `not a column of the report; the columns are ${COLUMNS.filter((c) => !c.ignored).map((c) => `${c.header} (${c.zh})`).join(', ')}`);
      return;
    }
    const before = columns.get(column.key);
    if (before) {
      problem(index, text, 'DUPLICATE_COLUMN', `${column.header} again (already column ${columnLetter(before.index)})`);
      return;
    }
    columns.set(column.key, { column, index, header: text });
  });
  for (const key of REQUIRED) {
    if (!columns.has(key)) {
      const c = columnByKey(key);
      problems.push({ row: header.rowNumber, column: c.header, value: null, code: 'MISSING_COLUMN', reason: `the header row has no ${c.header} (${c.zh}) column` });
    }
  }
  if (!FIGURES.some((f) => columns.has(f))) {
    problems.push({ row: header.rowNumber, column: 'value', value: null, code: 'MISSING_COLUMN', reason: 'the header row has none of value, ytd_value, yoy_pct, ytd_yoy_pct' });
  }
  return { columns, problems };
}

/** A second header line (the template's Chinese headers): every filled cell names the column it sits in. */
function isHeaderLine(row: SheetRow, columns: Map<ColumnKey, ColumnPlace>): boolean {
  const filled = row.cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => !isBlank(cell));
  if (filled.length === 0) return false;
  return filled.every(({ cell, index }) => {
    const column = typeof cell === 'string' ? columnOf(cellText(cell)) : undefined;
    return column !== undefined && columns.get(column.key)?.index === index;
  });
}

/**
 * The batch a table holds: one observation per data row, in file order. Text cells are trimmed; a
 * figure that is not a number is passed on as written, so the reporting core refuses it
 * (NOT_A_NUMBER) together with every other problem of the file.
 */
export function buildBatch(rows: SheetRow[], catalogue: IndicatorCatalogue, options: { skipEmpty?: boolean } = {}): BuiltBatch {
  const built: BuiltBatch = { observations: [], rowNumbers: [], columns: new Map(), notANumber: new Map(), skipped: 0, headerProblems: [] };
  const first = rows.findIndex((r) => r.cells.some((c) => !isBlank(c)));
  if (first < 0) {
    built.headerProblems.push({ row: null, column: 'file', value: null, code: 'EMPTY_FILE', reason: 'the file holds no header row and no data' });
    return built;
  }
  const { columns, problems } = placeColumns(rows[first]);
  built.columns = columns;
  built.headerProblems = problems;
  if (problems.length) return built;
  let start = first + 1;
  if (rows[start] && isHeaderLine(rows[start], columns)) start++;

  const at = (row: SheetRow, key: ColumnKey): RawCell => {
    const place = columns.get(key);
    return place ? (row.cells[place.index] ?? null) : null;
  };
  for (let r = start; r < rows.length; r++) {
    const row = rows[r];
    if (row.cells.every(isBlank)) {
      built.skipped++;
      continue;
    }
    const figures = FIGURES.map((f) => figureOf(at(row, f)));
    if (options.skipEmpty && figures.every((f) => 'value' in f && f.value === undefined)) {
      built.skipped++;
      continue;
    }
    const index = built.observations.length;
    const kindText = cellText(at(row, 'subjectKind'));
    const observation: ObservationInputRow = {
      indicator: indicatorOf(cellText(at(row, 'indicator')), catalogue),
      subjectKind: SUBJECT_KINDS[kindText.toUpperCase()] ?? (kindText as SubjectType),
      subjectCode: cellText(at(row, 'subjectCode')),
      unit: cellText(at(row, 'unit')),
    };
    FIGURES.forEach((field: FigureKey, i) => {
      const figure = figures[i];
      if ('bad' in figure) {
        // Handed on as written: the core refuses it as NOT_A_NUMBER, our reason says why.
        (observation as unknown as Record<string, unknown>)[field] = figure.bad;
        built.notANumber.set(`${index}|${field}`, figure.reason);
      } else if (figure.value !== undefined) {
        observation[field] = figure.value;
      }
    });
    built.observations.push(observation);
    built.rowNumbers.push(row.rowNumber);
  }
  return built;
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
