/** A stored date (a string on both databases; a Date if a driver hands one over) as `YYYY-MM-DD`. */
export function formatDate(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** The first instant after the end of `day` in the city (UTC+8): what "as of the end of that day" compares with. */
export function endOfDay(day: string): Date {
  const start = new Date(`${day}T00:00:00+08:00`);
  return new Date(start.getTime() + 24 * 60 * 60 * 1000);
}
