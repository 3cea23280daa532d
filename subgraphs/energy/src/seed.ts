import { allocateMonthly, seriesRows, type DemoCity, type ObservationRow } from '@huishang/schema';

const REPORTED_BY = '国网许昌供电公司';

/** Months the power company runs its orderly-power-use plan (有序用电) in the demo: the summer peak and midwinter. */
const PEAK_MONTHS = new Set([1, 6, 7, 8, 12]);
/** Share of an enterprise's average load it is asked to shift or shed (错峰、避峰) when on the list. */
const CURTAILED_SHARE = 0.3;
/** Hours in a month, to turn 万千瓦时 into an average load in 万千瓦. */
const HOURS = 720;

/**
 * The orderly-power-use list (有序用电名单): in a peak month 8 to 14 of the largest consumers are
 * drawn (more likely the more electricity they use), each asked to shed 30 % of its average load.
 * Credit code → month → 万千瓦.
 */
export function orderlyPowerUse(city: DemoCity): Map<string, Map<string, number>> {
  const drawn = allocateMonthly(city, 'EN_ORDERLY_CURTAILED_LOAD', {
    total: (month) => (PEAK_MONTHS.has(Number(month.slice(5, 7))) ? 1 : 0),
    count: (month) => 8 + (Number(month.slice(0, 4)) - 2012) * 2,
    weight: (m) => m.electricity * m.electricity,
  });
  for (const [code, months] of drawn) {
    for (const month of months.keys()) months.set(month, (city.series.get(code)!.get(month)!.electricity / HOURS) * CURTAILED_SHARE);
  }
  return drawn;
}

export function energyRows(city: DemoCity): ObservationRow[] {
  const list = orderlyPowerUse(city);
  const onList = (code: string, month: string) => (list.get(code)?.get(month) ?? 0) > 0;
  return [
    ...seriesRows(city, { indicator: 'EN_ELECTRICITY', kind: 'FLOW', enterprise: { value: (m) => m.electricity }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'EN_GAS', kind: 'FLOW', enterprise: { value: (m) => m.gas }, region: 'sum', decimals: 3 }, REPORTED_BY),
    // An enterprise is on a month's list only in that month: no row in the others; a region's figure (0 outside the peak) is the sum of its listed enterprises'.
    ...seriesRows(
      city,
      { indicator: 'EN_ORDERLY_CURTAILED_LOAD', kind: 'STOCK', enterprise: { include: (e) => list.has(e.creditCode), value: (m, e) => list.get(e.creditCode)!.get(m.month) ?? 0 }, region: 'sum', decimals: 3 },
      REPORTED_BY,
    ).filter((r) => r.subjectType === 'REGION' || onList(r.subjectCode, r.month)),
    ...seriesRows(
      city,
      { indicator: 'EN_ORDERLY_ENTERPRISES', kind: 'STOCK', region: (regionCode, month) => city.enterprises.filter((e) => e.regionCode === regionCode && onList(e.creditCode, month)).length, decimals: 0 },
      REPORTED_BY,
    ),
  ];
}
