import {
  CITY_CODE,
  districtVariation,
  monthsToDate,
  rateRows,
  seriesRows,
  type DemoCity,
  type DemoEnterprise,
  type ObservationRow,
} from '@huishang/schema';

const REPORTED_BY = '市统计局';
/** Industrial producer prices rose about this much a year: comparable-price growth is nominal growth less it. */
const DEFLATOR_PCT = 1.6;

const aboveSize = (e: DemoEnterprise) => e.aboveDesignatedSize;

/** Sum of a monthly figure over the above-size enterprises of a region (the city: all of them). */
function regionSum(city: DemoCity, code: string, months: string[], pick: (m: { valueAdded: number; output: number; revenue: number }) => number): number {
  let sum = 0;
  for (const e of city.enterprises) {
    if (!e.aboveDesignatedSize || (code !== CITY_CODE && e.regionCode !== code)) continue;
    for (const month of months) sum += pick(city.series.get(e.creditCode)!.get(month)!);
  }
  return sum;
}

/** 吨标准煤 per 万千瓦时 of electricity and per 万立方米 of natural gas (GB/T 2589-2008, 当量值). */
const TCE_PER_10K_KWH = 1.229;
const TCE_PER_10K_M3_GAS = 12.143;
/**
 * Other carriers (coal, oil, heat) as a multiple of electricity and gas, falling year by year as
 * firms switch fuel and save energy (节能降耗), so intensity falls about as the seeds ask.
 */
const OTHER_CARRIERS: Record<number, number> = { 2012: 2.3, 2013: 2.15, 2014: 2.0, 2015: 1.8 };

/** Energy consumption of the above-size enterprises of a region (the city: all of them) in a month, 吨标准煤. */
function energyUse(city: DemoCity, code: string, month: string): number {
  let sum = 0;
  for (const e of city.enterprises) {
    if (!e.aboveDesignatedSize || (code !== CITY_CODE && e.regionCode !== code)) continue;
    const m = city.series.get(e.creditCode)!.get(month)!;
    sum += m.electricity * TCE_PER_10K_KWH + m.gas * TCE_PER_10K_M3_GAS;
  }
  return sum * (1 + OTHER_CARRIERS[Number(month.slice(0, 4))]);
}

const lastYear = (months: string[]) => months.map((m) => `${Number(m.slice(0, 4)) - 1}${m.slice(4)}`);

export function statisticsRows(city: DemoCity): ObservationRow[] {
  const investment = (regionCode: string, month: string) => {
    const year = Number(month.slice(0, 4));
    const share = city.enterprises.filter((e) => e.regionCode === regionCode).length / city.enterprises.length;
    // Each district invests at its own pace (±15 % a year) and month to month (±10 %).
    const variation = districtVariation(city.seed, 'STAT_INDUSTRIAL_INVESTMENT', regionCode, month, { yearly: 0.15, monthly: 0.1 });
    return 9_000_000 * Math.pow(1.15, year - 2015) * share * (Number(month.slice(5, 7)) === 12 ? 0.14 : 0.078) * variation;
  };
  const newlyRegistered = (regionCode: string, month: string) => {
    // Entries happen mostly at quarter ends, when the register is updated: 0 to 4 a district.
    const quarterEnd = Number(month.slice(5, 7)) % 3 === 0;
    return quarterEnd ? Math.floor(districtVariation(city.seed, 'STAT_NEW_ABOVE_SIZE_ENTERPRISES', regionCode, month, { yearly: 0.5, monthly: 0.5 }) * 2.2) : 0;
  };
  return [
    ...rateRows(
      city,
      {
        indicator: 'STAT_VALUE_ADDED_GROWTH',
        subjects: { regions: true },
        janFebCombined: true,
        rate: (_type, code, month) => {
          const va = (months: string[]) => regionSum(city, code, months, (m) => m.valueAdded);
          const ytd = monthsToDate(month);
          // Deflated exactly, as STAT_VALUE_ADDED at 2010 prices is: (1 + nominal growth) ÷ (1 + deflator) − 1.
          // Subtracting the deflator put the two comparable-price growths 0.2 points apart (a tester's finding).
          const real = (months: string[]) => (va(months) / va(lastYear(months)) / (1 + DEFLATOR_PCT / 100) - 1) * 100;
          return { value: real([month]), ytdValue: real(ytd) };
        },
      },
      REPORTED_BY,
    ),
    ...seriesRows(city, { indicator: 'STAT_GROSS_OUTPUT', kind: 'FLOW', janFebCombined: true, enterprise: { include: aboveSize, value: (m) => m.output }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'STAT_MAIN_REVENUE', kind: 'FLOW', janFebCombined: true, enterprise: { include: aboveSize, value: (m) => m.revenue }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'STAT_TOTAL_PROFIT', kind: 'FLOW', janFebCombined: true, enterprise: { include: aboveSize, value: (m) => m.profit }, region: 'sum' }, REPORTED_BY),
    ...rateRows(
      city,
      {
        indicator: 'STAT_SALES_RATIO',
        subjects: { enterprises: aboveSize, regions: true },
        janFebCombined: true,
        rate: (type, code, month) => {
          const ytd = monthsToDate(month);
          if (type === 'ENTERPRISE') {
            const s = city.series.get(code)!;
            const sold = (ms: string[]) => ms.reduce((t, m) => t + (s.get(m)!.output * s.get(m)!.salesRatio) / 100, 0);
            const made = (ms: string[]) => ms.reduce((t, m) => t + s.get(m)!.output, 0);
            return { value: s.get(month)!.salesRatio, ytdValue: (sold(ytd) / made(ytd)) * 100 };
          }
          const ratio = (ms: string[]) => (regionSum(city, code, ms, (m) => m.revenue / 1.02) / regionSum(city, code, ms, (m) => m.output)) * 100;
          return { value: ratio([month]), ytdValue: ratio(ytd) };
        },
      },
      REPORTED_BY,
    ),
    ...seriesRows(city, { indicator: 'STAT_INDUSTRIAL_INVESTMENT', kind: 'FLOW', janFebCombined: true, region: investment }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'STAT_NEW_ABOVE_SIZE_ENTERPRISES', kind: 'FLOW', region: newlyRegistered, decimals: 0 }, REPORTED_BY),
    // The sources of 单位工业增加值能耗 (STAT_ENERGY_INTENSITY, computed on read): value added at 2010 prices and energy in standard coal.
    ...seriesRows(city, { indicator: 'STAT_VALUE_ADDED', kind: 'FLOW', janFebCombined: true, region: (code, month) => regionSum(city, code, [month], (m) => m.valueAdded) / Math.pow(1 + DEFLATOR_PCT / 100, Number(month.slice(0, 4)) - 2010) }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'STAT_ENERGY_CONSUMPTION', kind: 'FLOW', janFebCombined: true, region: (code, month) => energyUse(city, code, month), decimals: 1 }, REPORTED_BY),
  ];
}
