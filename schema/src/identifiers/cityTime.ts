/**
 * The city's calendar: "this month" and "today" are the city's (许昌, China Standard Time, UTC+8,
 * no daylight saving), not the server's or UTC. At 00:47 on 1 December in the city the server's UTC
 * clock still says 30 November 16:47; a department reporting December's figures then is reporting
 * the current month, not a future one. The zone is the setting HUISHANG_CITY_TIME_ZONE (an IANA
 * name, default Asia/Shanghai), for a deployment serving a city elsewhere; an unknown name fails
 * at the first use with the setting's name.
 */
export const DEFAULT_CITY_TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<string, Intl.DateTimeFormat>();

export function cityTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  return env.HUISHANG_CITY_TIME_ZONE?.trim() || DEFAULT_CITY_TIME_ZONE;
}

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new Error(`HUISHANG_CITY_TIME_ZONE="${zone}" is not a time zone: give an IANA name such as ${DEFAULT_CITY_TIME_ZONE}`);
    }
    formats.set(zone, f);
  }
  return f;
}

/** The city's calendar day at `now`, YYYY-MM-DD. */
export function cityDay(now: Date = new Date(), zone: string = cityTimeZone()): string {
  const parts = Object.fromEntries(format(zone).formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The city's current month at `now`, YYYY-MM: the latest month figures may be reported for. */
export function cityMonth(now: Date = new Date(), zone: string = cityTimeZone()): string {
  return cityDay(now, zone).slice(0, 7);
}
