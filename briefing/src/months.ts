/** Month arithmetic on `YYYY-MM` strings (the API's Month scalar). */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(text: string): { year: number; month: number } {
  const match = MONTH.exec(text);
  if (!match) throw new RangeError(`not a month (YYYY-MM): ${JSON.stringify(text)}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** `2015-06` + (−3) → `2015-03`. */
export function addMonths(text: string, delta: number): string {
  const { year, month } = parseMonth(text);
  const index = year * 12 + (month - 1) + delta;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** March, June, September, December. */
export function isQuarterEnd(text: string): boolean {
  return parseMonth(text).month % 3 === 0;
}

/** 1 to 4. */
export function quarterOf(text: string): number {
  return Math.ceil(parseMonth(text).month / 3);
}

const QUARTER_NAMES = ['一', '二', '三', '四'];

/** `2015-06` → 第二季度. */
export function quarterLabel(text: string): string {
  return `第${QUARTER_NAMES[quarterOf(text) - 1]}季度`;
}

/** `2015-06` → 2015年6月. */
export function monthLabel(text: string): string {
  const { year, month } = parseMonth(text);
  return `${year}年${month}月`;
}

/** `2015-06` → 1–6月 (the year-to-date period as bulletins print it). */
export function ytdLabel(text: string): string {
  const { month } = parseMonth(text);
  return month === 1 ? '1月' : `1–${month}月`;
}

/** `2015-06` → 4–6月 (the quarter to date). */
export function qtdLabel(text: string): string {
  const { month } = parseMonth(text);
  const first = (quarterOf(text) - 1) * 3 + 1;
  return first === month ? `${month}月` : `${first}–${month}月`;
}

/** The twelve months ending with `text`, oldest first. */
export function trailingMonths(text: string, count = 12): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(text, i - count + 1));
}

/** Short axis label: `2015-01` → 2015.1, other months → 2月 … 12月. */
export function axisMonthLabel(text: string): string {
  const { year, month } = parseMonth(text);
  return month === 1 ? `${year}.1` : `${month}月`;
}

/** `2015-06` → `2015-06-30`, `2016-02` → `2016-02-29`. */
export function lastDay(text: string): string {
  const { year, month } = parseMonth(text);
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${text}-${String(day).padStart(2, '0')}`;
}
