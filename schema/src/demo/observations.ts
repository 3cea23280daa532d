import type { IndicatorKind, SubjectType } from '../observation/indicator';
import type { ObservationStatusValue } from '../observation/ObservationRecord';
import { addMonths, monthParts } from '../identifiers/month';
import { CITY_CODE } from '../identifiers/regionCode';
import { DEMO_LAST_MONTH, type DemoCity, type DemoEnterprise, type EnterpriseMonth } from './city';
import { Random, streamSeed } from './random';

/** A row of the `observation` table as the seeders write it. */
export interface ObservationRow {
  indicator: string;
  subjectType: SubjectType;
  subjectCode: string;
  month: string;
  value: number | null;
  ytdValue: number | null;
  yoyPct: number | null;
  ytdYoyPct: number | null;
  status: ObservationStatusValue;
  reportedBy: string;
  reportedAt: Date;
  version: number;
  derived: boolean;
}

export interface SeriesSpec {
  indicator: string;
  kind: Exclude<IndicatorKind, 'RATE'>;
  /** Enterprise-level values; enterprises the filter leaves out have no rows. */
  enterprise?: { include?: (e: DemoEnterprise) => boolean; value: (m: EnterpriseMonth, e: DemoEnterprise) => number };
  /**
   * Region-level values: `sum` adds up the included enterprises per district and for the city; a
   * function gives a district's own figure (the city's is then the sum of its districts).
   */
  region?: 'sum' | ((regionCode: string, month: string) => number);
  /** Statistics publishes January and February together (1–2月): no January row, February year-to-date only. */
  janFebCombined?: boolean;
  decimals?: number;
}

export interface RateSpec {
  indicator: string;
  /** Value and year-to-date value of a rate, for a subject and month; null when it has none. */
  rate: (subjectType: SubjectType, code: string, month: string) => { value: number | null; ytdValue: number | null; yoyPct?: number | null } | null;
  subjects: { enterprises?: (e: DemoEnterprise) => boolean; regions?: boolean };
  janFebCombined?: boolean;
}

const round = (v: number | null, decimals: number): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(decimals)));
const growth = (current: number | null | undefined, previous: number | null | undefined): number | null =>
  current === null || current === undefined || !previous ? null : (current / previous - 1) * 100;

/** Status and reporting time a month's figures have in the demo: final, except the latest month. */
export function reportingFor(month: string, reportedBy: string): Pick<ObservationRow, 'status' | 'reportedBy' | 'reportedAt' | 'version' | 'derived'> {
  const next = addMonths(month, 1);
  return {
    status: month === DEMO_LAST_MONTH ? 'PRELIMINARY' : 'FINAL',
    reportedBy,
    version: 1,
    derived: false,
    // The 10th of the following month, 09:00 Beijing time.
    reportedAt: new Date(`${next}-10T01:00:00.000Z`),
  };
}

/** Month → value over the simulated span, per subject. */
type Series = Map<string, number>;

function subjectSeries(city: DemoCity, spec: SeriesSpec): { subjectType: SubjectType; code: string; series: Series }[] {
  const result: { subjectType: SubjectType; code: string; series: Series }[] = [];
  const allMonths = [...city.series.values().next().value!.keys()];
  const included = spec.enterprise ? city.enterprises.filter((e) => spec.enterprise!.include?.(e) ?? true) : [];
  const byEnterprise = new Map<string, Series>();
  for (const e of included) {
    const series: Series = new Map();
    for (const [month, m] of city.series.get(e.creditCode)!) series.set(month, spec.enterprise!.value(m, e));
    byEnterprise.set(e.creditCode, series);
    result.push({ subjectType: 'ENTERPRISE', code: e.creditCode, series });
  }
  if (spec.region) {
    const cityTotal: Series = new Map();
    for (const district of city.districts) {
      const series: Series = new Map();
      for (const month of allMonths) {
        const value =
          spec.region === 'sum'
            ? included.filter((e) => e.regionCode === district.code).reduce((s, e) => s + byEnterprise.get(e.creditCode)!.get(month)!, 0)
            : spec.region(district.code, month);
        series.set(month, value);
        cityTotal.set(month, (cityTotal.get(month) ?? 0) + value);
      }
      result.push({ subjectType: 'REGION', code: district.code, series });
    }
    result.push({ subjectType: 'REGION', code: CITY_CODE, series: cityTotal });
  }
  return result;
}

/**
 * Rows for a flow or stock indicator, with year-to-date values and growth derived the way the
 * bulletin does: year-to-date sums a flow from January; a stock has none.
 */
export function seriesRows(city: DemoCity, spec: SeriesSpec, reportedBy: string): ObservationRow[] {
  const decimals = spec.decimals ?? 2;
  const rows: ObservationRow[] = [];
  for (const { subjectType, code, series } of subjectSeries(city, spec)) {
    const ytd = (month: string): number => {
      const { year, month: m } = monthParts(month);
      let sum = 0;
      for (let i = 1; i <= m; i++) sum += series.get(`${year}-${String(i).padStart(2, '0')}`) ?? 0;
      return sum;
    };
    for (const month of city.months) {
      const { month: m } = monthParts(month);
      if (spec.janFebCombined && m === 1) continue;
      const last = addMonths(month, -12);
      const value = series.get(month)!;
      const combined = spec.janFebCombined && m === 2;
      const flow = spec.kind === 'FLOW';
      rows.push({
        indicator: spec.indicator,
        subjectType,
        subjectCode: code,
        month,
        value: combined ? null : round(value, decimals),
        ytdValue: flow ? round(ytd(month), decimals) : null,
        yoyPct: combined ? null : round(growth(value, series.get(last)), 1),
        ytdYoyPct: flow ? round(growth(ytd(month), ytd(last)), 1) : null,
        ...reportingFor(month, reportedBy),
      });
    }
  }
  return rows;
}

/** Rows for a rate the department reports as such (never derived downstream). */
export function rateRows(city: DemoCity, spec: RateSpec, reportedBy: string): ObservationRow[] {
  const subjects: { subjectType: SubjectType; code: string }[] = [
    ...(spec.subjects.enterprises ? city.enterprises.filter(spec.subjects.enterprises).map((e) => ({ subjectType: 'ENTERPRISE' as const, code: e.creditCode })) : []),
    ...(spec.subjects.regions ? [...city.districts.map((d) => d.code), CITY_CODE].map((code) => ({ subjectType: 'REGION' as const, code })) : []),
  ];
  const rows: ObservationRow[] = [];
  for (const { subjectType, code } of subjects) {
    for (const month of city.months) {
      const { month: m } = monthParts(month);
      if (spec.janFebCombined && m === 1) continue;
      const r = spec.rate(subjectType, code, month);
      if (!r) continue;
      rows.push({
        indicator: spec.indicator,
        subjectType,
        subjectCode: code,
        month,
        value: spec.janFebCombined && m === 2 ? null : round(r.value, 1),
        ytdValue: round(r.ytdValue, 1),
        yoyPct: round(r.yoyPct ?? null, 1),
        ytdYoyPct: null,
        ...reportingFor(month, reportedBy),
      });
    }
  }
  return rows;
}

/**
 * A city total spread over a few enterprises a month (guarantees, bridge loans, curtailed load):
 * each month, `count(month)` enterprises among those `include` admits are drawn (deterministic
 * per seed, name and month, more likely the larger `weight`), and the month's `total(month)` is
 * split among them in proportion to their weight. Credit code → month → value; enterprises not
 * drawn in a month have no entry for it.
 */
export function allocateMonthly(
  city: DemoCity,
  name: string,
  spec: { total: (month: string) => number; count: (month: string) => number; weight: (m: EnterpriseMonth, e: DemoEnterprise) => number; include?: (e: DemoEnterprise) => boolean },
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const candidates = city.enterprises.filter((e) => spec.include?.(e) ?? true);
  for (const month of city.series.values().next().value!.keys()) {
    const total = spec.total(month);
    const count = Math.min(spec.count(month), candidates.length);
    if (total <= 0 || count <= 0) continue;
    const random = new Random(streamSeed(city.seed, `${name}|${month}`));
    // Weighted draw without replacement: the key u^(1/w) (Efraimidis–Spirakis), largest first.
    const drawn = candidates
      .map((e) => {
        const w = Math.max(spec.weight(city.series.get(e.creditCode)!.get(month)!, e), 1e-9);
        return { e, w, key: Math.pow(random.next(), 1 / w) };
      })
      .sort((a, b) => b.key - a.key)
      .slice(0, count);
    const sum = drawn.reduce((t, d) => t + d.w, 0);
    for (const d of drawn) {
      let series = out.get(d.e.creditCode);
      if (!series) out.set(d.e.creditCode, (series = new Map()));
      series.set(month, (total * d.w) / sum);
    }
  }
  return out;
}
