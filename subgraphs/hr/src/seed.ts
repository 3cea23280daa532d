import { districtVariation, seriesRows, type DemoCity, type ObservationRow } from '@huishang/schema';

const REPORTED_BY = '市人社局';

/** The city's yearly totals (2015 meets 许政[2015]39号: ≥ 100 fairs, ≥ 15,000 hires, ≥ 4,000 trainees), spread over districts and months. */
const YEARLY = {
  fairs: { 2012: 70, 2013: 80, 2014: 92, 2015: 108 },
  hires: { 2012: 11_000, 2013: 12_400, 2014: 13_600, 2015: 15_800 },
  trainees: { 2012: 2_900, 2013: 3_300, 2014: 3_700, 2015: 4_300 },
} as const;
// Job fairs crowd after the Spring Festival (春风行动).
const SEASON = [0.06, 0.16, 0.14, 0.08, 0.07, 0.07, 0.07, 0.07, 0.08, 0.07, 0.06, 0.07];

function spread(city: DemoCity, totals: Record<number, number>, series: string, variation?: { yearly: number; monthly: number }) {
  const firms = new Map<string, number>();
  for (const e of city.enterprises) firms.set(e.regionCode, (firms.get(e.regionCode) ?? 0) + 1);
  return (regionCode: string, month: string) => {
    const year = Number(month.slice(0, 4));
    const share = (firms.get(regionCode) ?? 0) / city.enterprises.length;
    // Each district keeps its own pace: alike shares would otherwise complete the targets alike.
    return Math.round(totals[year] * SEASON[Number(month.slice(5, 7)) - 1] * share * districtVariation(city.seed, series, regionCode, month, variation));
  };
}

export function hrRows(city: DemoCity): ObservationRow[] {
  return [
    ...seriesRows(city, { indicator: 'HR_EMPLOYEES', kind: 'STOCK', enterprise: { value: (m) => m.employees }, region: 'sum', decimals: 0 }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'HR_HIRING_DEMAND', kind: 'FLOW', enterprise: { value: (m) => m.hiringDemand }, region: 'sum', decimals: 0 }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'HR_JOB_FAIRS', kind: 'FLOW', region: spread(city, YEARLY.fairs, 'HR_JOB_FAIRS', { yearly: 0.2, monthly: 0.4 }), decimals: 0 }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'HR_HIRES', kind: 'FLOW', region: spread(city, YEARLY.hires, 'HR_HIRES'), decimals: 0 }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'HR_TRAINEES', kind: 'FLOW', region: spread(city, YEARLY.trainees, 'HR_TRAINEES'), decimals: 0 }, REPORTED_BY),
  ];
}
