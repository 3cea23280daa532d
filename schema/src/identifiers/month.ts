import { IdentifierError } from '../errorCodes';

const KIND = 'month (YYYY-MM)';
const FORMAT = /^(\d{4})-(\d{2})$/;

/** A calendar month as `YYYY-MM`. Sorting these strings sorts the months. */
export function parseMonth(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string like "2015-06"');
  const m = FORMAT.exec(input);
  if (!m) throw new IdentifierError(KIND, input, 'must look like "2015-06" (four-digit year, dash, two-digit month)');
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) throw new IdentifierError(KIND, input, `month ${m[2]} does not exist; use 01 to 12`);
  if (year < 1949 || year > 2100) throw new IdentifierError(KIND, input, `year ${year} is outside 1949–2100`);
  return input;
}

export function isMonth(input: unknown): boolean {
  try {
    parseMonth(input);
    return true;
  } catch {
    return false;
  }
}

export function monthParts(month: string): { year: number; month: number } {
  return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

export function formatMonth(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** `addMonths("2015-01", -1)` is `"2014-12"`. */
export function addMonths(month: string, delta: number): string {
  const { year, month: m } = monthParts(month);
  const index = year * 12 + (m - 1) + delta;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

/** Same month one year earlier: the base of year-on-year growth (同比). */
export function sameMonthLastYear(month: string): string {
  return addMonths(month, -12);
}

/** Every month from `from` to `to`, both included. */
export function monthRange(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** Months of the year up to and including this one: what a year-to-date value (累计) covers. */
export function monthsToDate(month: string): string[] {
  return monthRange(`${month.slice(0, 4)}-01`, month);
}
