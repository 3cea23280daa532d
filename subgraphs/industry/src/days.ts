const DAY_MS = 24 * 60 * 60 * 1000;

/** A stored date (a string on both databases; a Date if a driver hands one over) as `YYYY-MM-DD`. */
export function formatDate(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** The first instant after the end of `day` in the city (UTC+8): what "as of the end of that day" compares with. */
export function endOfDay(day: string): Date {
  const start = new Date(`${day}T00:00:00+08:00`);
  return new Date(start.getTime() + DAY_MS);
}

/** The last day of a month, `YYYY-MM-DD`: problems are judged as they stood at its end. */
export function lastDayOf(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** Whole days from one `YYYY-MM-DD` to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
