import type { ObservationInputRow } from '@huishang/schema';

export type ColumnKey = 'indicator' | 'subjectKind' | 'subjectCode' | 'unit' | 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct' | 'subjectName';

export interface Column {
  key: ColumnKey;
  /** The English header the template writes and reports use. */
  header: string;
  /** The Chinese header (the template's second header line). */
  zh: string;
  /** Other headers accepted on import, matched after normalising (see `normaliseHeader`). */
  aliases: string[];
  /** For people filling the template. */
  note: string;
  figure?: boolean;
  /** Informational: written by the template, ignored on import. */
  ignored?: boolean;
}

export const COLUMNS: readonly Column[] = [
  { key: 'indicator', header: 'indicator', zh: '指标代码', aliases: ['指标', '指标编码', 'indicator_code', 'code'], note: 'Indicator code from the catalogue sheet (or its Chinese name), e.g. EN_ELECTRICITY' },
  { key: 'subjectKind', header: 'subject_kind', zh: '主体类型', aliases: ['对象类型', '类型'], note: 'REGION (地区), ENTERPRISE (企业) or PARK (园区)' },
  { key: 'subjectCode', header: 'subject_code', zh: '主体代码', aliases: ['地区代码/统一社会信用代码', '代码', '统一社会信用代码', '行政区划代码'], note: 'Region code (6 digits) or unified social credit code (18 characters)' },
  { key: 'unit', header: 'unit', zh: '计量单位', aliases: ['单位'], note: 'Must equal the catalogue unit' },
  { key: 'value', header: 'value', zh: '当月值', aliases: ['当月', '本月', '当月数', '本月数', '本月值', '当月完成', '本月完成', '当月实际', '本月实际', '当期', '当期值', 'month_value', 'monthly_value'], note: 'Current-month value (当月)', figure: true },
  { key: 'ytdValue', header: 'ytd_value', zh: '累计值', aliases: ['累计', '累计数', '1-本月累计', '本年累计', '本年累计数', '本年累计值', '1-本月', '1至本月', '1至本月累计', '年初至本月累计', '自年初累计', '累计完成', '本年累计完成', 'ytd', 'year_to_date'], note: 'Year-to-date value (累计); empty for stock indicators', figure: true },
  { key: 'yoyPct', header: 'yoy_pct', zh: '当月同比(%)', aliases: ['当月同比', '当月同比增长', '同比', '同比增长', '同比增长率', '同比增速', '同比增减', '本月同比', '本月同比增长', '当月增长', '当月增速', '本月增长', '本月比上年同月增长', '比上年同月增长', '比上年同月增长率', 'yoy', 'yoy_growth'], note: 'Year-on-year growth of the month, in percent: 12.5 means +12.5%', figure: true },
  { key: 'ytdYoyPct', header: 'ytd_yoy_pct', zh: '累计同比(%)', aliases: ['累计同比', '累计同比增长', '累计增长', '累计增长率', '累计增速', '累计同比增速', '累计同比增长率', '本年累计同比', '本年累计增长', '累计比上年同期增长', '比上年同期增长', '比上年同期增长率', 'ytd_yoy', 'ytd_growth'], note: 'Year-on-year growth of year to date, in percent', figure: true },
  { key: 'subjectName', header: 'subject_name', zh: '主体名称', aliases: ['名称', '企业名称', '地区名称', 'name'], note: 'For reading only: ignored on import', ignored: true },
];

export const REQUIRED: readonly ColumnKey[] = ['indicator', 'subjectKind', 'subjectCode', 'unit'];
export const FIGURES = ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct'] as const satisfies readonly (keyof ObservationInputRow)[];
export type FigureKey = (typeof FIGURES)[number];

/** Case, spaces, underscores, dashes and full-width brackets do not matter: "YTD Value" = "ytd_value" = "ytdValue". */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-–—]+/g, '')
    .replace(/[()（）[\]【】%％]/g, '');
}

const BY_NAME = new Map<string, Column>();
for (const column of COLUMNS) {
  for (const name of [column.header, column.key, column.zh, ...column.aliases]) BY_NAME.set(normaliseHeader(name), column);
}

/**
 * The column a header cell names. A cell may also hold the English and the Chinese header together
 * ("value 当月值", or on two lines): it names a column when every word names the same one.
 */
export function columnOf(header: string): Column | undefined {
  const whole = BY_NAME.get(normaliseHeader(header));
  if (whole) return whole;
  const words = header.split(/[\s/|]+/).filter(Boolean);
  if (words.length < 2) return undefined;
  const found = words.map((w) => BY_NAME.get(normaliseHeader(w)));
  return found.every((c) => c && c === found[0]) ? found[0] : undefined;
}

export const columnByKey = (key: ColumnKey): Column => COLUMNS.find((c) => c.key === key)!;

/** Every column the reader accepts, for messages: `indicator (指标代码), …, subject_name (主体名称, read only)`. */
export function acceptedColumns(): string {
  return COLUMNS.map((c) => `${c.header} (${c.zh}${c.ignored ? ', for reading only' : ''})`).join(', ');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = kept;
    }
  }
  return row[b.length];
}

/**
 * The column a header not recognised was probably meant to be: a misspelt `ytd_valeu` must not be
 * ignored as a notes column, or its figures would be lost without a word. Latin names within two
 * edits (names of at least five letters), Chinese names within one edit (at least three characters).
 */
export function nearColumn(header: string): Column | undefined {
  const wanted = normaliseHeader(header);
  if (!wanted) return undefined;
  const latin = /^[a-z0-9]+$/.test(wanted);
  for (const [name, column] of BY_NAME) {
    const nameLatin = /^[a-z0-9]+$/.test(name);
    if (latin !== nameLatin) continue;
    const limit = latin ? (name.length >= 5 ? 2 : 0) : name.length >= 3 ? 1 : 0;
    if (limit > 0 && Math.abs(name.length - wanted.length) <= limit && editDistance(name, wanted) <= limit) return column;
  }
  return undefined;
}

/**
 * Words that mark a heading as a figure column (当月/本月/累计/同比/增长/增速, value, ytd, yoy …).
 * A column so headed that no name matches is refused, never ignored: ignoring it would drop the
 * figures it holds without a word (issue 14, finding 2: 本年累计 and 同比增长(%) ignored as notes).
 */
const FIGURE_WORDS = /当月|本月|当期|累计|同比|环比|增长|增速|增幅|增减|数值|value|ytd|yoy|growth|pct|percent/i;

/**
 * The figure column a heading that looks like one was most likely meant as, for the "did you mean"
 * fix: growth words with 累计/ytd → ytd_yoy_pct; growth words → yoy_pct; 累计/ytd → ytd_value;
 * otherwise value. Undefined when the heading does not look like a figure column at all (备注).
 */
export function figureColumnLike(header: string): Column | undefined {
  const text = header.normalize('NFKC');
  if (!FIGURE_WORDS.test(text)) return undefined;
  const growth = /同比|环比|增长|增速|增幅|增减|yoy|growth|pct|percent|%/i.test(text);
  const cumulative = /累计|ytd|年初|1-|1至/i.test(text);
  return columnByKey(growth ? (cumulative ? 'ytdYoyPct' : 'yoyPct') : cumulative ? 'ytdValue' : 'value');
}

/** A, B, …, Z, AA: the spreadsheet letter of a 0-based column. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
