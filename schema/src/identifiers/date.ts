import { IdentifierError } from '../errorCodes';

const KIND = 'date (YYYY-MM-DD)';
const FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as `YYYY-MM-DD`, one that exists (no 2015-02-30). Sorting these strings sorts the days. */
export function parseDate(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string like "2015-06-30"');
  const m = FORMAT.exec(input);
  if (!m) throw new IdentifierError(KIND, input, 'must look like "2015-06-30" (four-digit year, two-digit month and day)');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1949 || year > 2100) throw new IdentifierError(KIND, input, `year ${year} is outside 1949–2100`);
  if (month < 1 || month > 12) throw new IdentifierError(KIND, input, `month ${m[2]} does not exist; use 01 to 12`);
  // Day 0 of the next month is the last day of this one.
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) throw new IdentifierError(KIND, input, `that day does not exist: ${m[1]}-${m[2]} has days 01 to ${days}`);
  return input;
}

export function isDate(input: unknown): boolean {
  try {
    parseDate(input);
    return true;
  } catch {
    return false;
  }
}
