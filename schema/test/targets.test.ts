import 'reflect-metadata';
import { periodActuals, periodBaseMonth, targetProgress } from '../src/targets/graphql';
import type { IndicatorDefinition } from '../src/observation/indicator';
import type { Observation } from '../src/observation/Observation';
import type { TargetRecord } from '../src/targets/TargetRecord';

/**
 * Targets judged over their own period (issue 13, "targets have periods"): a Q3 target in August is
 * compared with July and August, not with the year to date; time progress is the share of the
 * period gone, for cumulative (LEVEL) targets only.
 */
const flow = { code: 'EN_ELECTRICITY', kind: 'FLOW', unit: '万千瓦时' } as IndicatorDefinition;
const stock = { code: 'FIN_LOANS_OUTSTANDING', kind: 'STOCK', unit: '万元' } as IndicatorDefinition;
const rate = { code: 'STAT_VALUE_ADDED_GROWTH', kind: 'RATE', unit: '%' } as IndicatorDefinition;
const obs = (month: string, fields: Partial<Observation>) => ({ indicator: 'X', month, value: null, ytdValue: null, yoyPct: null, ytdYoyPct: null, ...fields }) as Observation;
const target = (fields: Partial<TargetRecord>) =>
  ({ year: 2023, regionCode: '411024', indicator: 'EN_ELECTRICITY', measure: 'LEVEL', value: 3000, unit: '万千瓦时', scope: null, description: 'test', source: 'test', period: 'Q3', ...fields }) as TargetRecord;

// June: 6000 year to date, +10 % (last year 5454.5454…); August: 8400, +12 % (last year 7500).
const june = obs('2023-06', { value: 1000, ytdValue: 6000, ytdYoyPct: 10 });
const august = obs('2023-08', { value: 1300, ytdValue: 8400, ytdYoyPct: 12 });

describe('the month a period starts from', () => {
  it.each([
    ['2023-08', 'Q3', '2023-06'],
    ['2023-05', 'Q2', '2023-03'],
    ['2023-11', 'Q4', '2023-09'],
    ['2023-09', 'H2', '2023-06'],
    ['2023-08', 'YEAR', null],
    ['2023-05', 'H1', null],
    ['2023-02', 'Q1', null],
  ] as const)('%s in %s: %s', (month, period, base) => {
    expect(periodBaseMonth(month, period)).toBe(base);
  });
});

describe('a Q3 target in August', () => {
  it('LEVEL: completion of July + August (2400 of 3000 = 80 %) against 2 of 3 months gone (66.67 %)', () => {
    const progress = targetProgress(target({}), flow, '2023-08', august, june);
    expect(progress).toMatchObject({ actualValue: 2400, completionPct: 80, timeProgressPct: 66.67, gap: 13.33, behind: false });
  });

  it('LEVEL behind: 2400 of 4000 is 60 %, 6.67 points behind time progress', () => {
    expect(targetProgress(target({ value: 4000 }), flow, '2023-08', august, june)).toMatchObject({ completionPct: 60, gap: -6.67, behind: true });
  });

  it('GROWTH_PCT: the period’s own growth (2400 against last year’s 7500 − 5454.55 = 2045.45: +17.33 %), no time progress', () => {
    const progress = targetProgress(target({ measure: 'GROWTH_PCT', value: 15, unit: '%' }), flow, '2023-08', august, june);
    expect(progress).toMatchObject({ actualValue: 17.33, gap: 2.33, behind: false, timeProgressPct: null, completionPct: null });
  });

  it('without the figure of the month before the period, nothing is judged (never the year to date)', () => {
    expect(targetProgress(target({}), flow, '2023-08', august, null)).toMatchObject({ actualValue: null, completionPct: null, gap: null, behind: null, timeProgressPct: 66.67 });
  });

  it('a stock is judged on its level and growth at the month’s end', () => {
    const loans = obs('2023-08', { value: 2_500_000, yoyPct: 9.5 });
    expect(periodActuals(stock, 'Q3', loans, null)).toEqual({ level: 2_500_000, growth: 9.5 });
    expect(targetProgress(target({ indicator: 'FIN_LOANS_OUTSTANDING', value: 2_000_000 }), stock, '2023-08', loans, null)).toMatchObject({ completionPct: 125 });
  });

  it('a reported rate (growth at comparable prices) cannot be split into months: null outside periods from January', () => {
    const growth = obs('2023-08', { ytdValue: 8.7 });
    expect(periodActuals(rate, 'Q3', growth, obs('2023-06', { ytdValue: 8.2 }))).toEqual({ level: null, growth: null });
    expect(periodActuals(rate, 'YEAR', growth, null)).toEqual({ level: 8.7, growth: 8.7 });
  });
});

describe('periods starting in January keep the year to date', () => {
  it('an H1 LEVEL target in May: 6000 of 10000 against 5 of 6 months', () => {
    const may = obs('2023-05', { ytdValue: 6000, ytdYoyPct: 11 });
    expect(targetProgress(target({ period: 'H1', value: 10000 }), flow, '2023-05', may)).toMatchObject({ actualValue: 6000, completionPct: 60, timeProgressPct: 83.33, behind: true });
    expect(targetProgress(target({ period: 'H1', measure: 'GROWTH_PCT', value: 12.5 }), flow, '2023-05', may)).toMatchObject({ actualValue: 11, gap: -1.5, timeProgressPct: null });
  });
});

describe('a city target split to districts (分解目标)', () => {
  // Imported here, not above: the demo plan loads every department's demo module.
  const { apportion, allDemoTargets } = require('../src/demo/targets') as typeof import('../src/demo/targets');
  const { demoCity } = require('../src/demo/city') as typeof import('../src/demo/city');

  it('shares whole units in proportion and adds up exactly: 15 events over 7 districts are 15, not 19', () => {
    expect(apportion(15, [100, 80, 60, 60, 50, 40, 30])).toEqual([4, 3, 2, 2, 2, 1, 1]);
    expect(apportion(15, [1, 1, 1, 1, 1, 1, 1])).toEqual([3, 2, 2, 2, 2, 2, 2]);
    expect(apportion(10, [0, 5, 0])).toEqual([0, 10, 0]);
    expect(apportion(7, [0, 0])).toEqual([0, 0]);
  });

  it.each([60, 520])('every split target of every department adds up to the city’s (%i enterprises)', (enterprises) => {
    const city = demoCity({ enterprises });
    const rows = allDemoTargets(city);
    const split = rows.filter((r) => r.description.includes('分解目标'));
    expect(split.length).toBeGreaterThan(0);
    for (const cityTarget of rows.filter((r) => r.regionCode === '411000' && split.some((s) => s.indicator === r.indicator && s.measure === r.measure))) {
      const parts = split.filter((s) => s.indicator === cityTarget.indicator && s.measure === cityTarget.measure && s.year === cityTarget.year);
      expect({ indicator: cityTarget.indicator, districts: parts.length, sum: parts.reduce((s, p) => s + p.value, 0) }).toEqual({ indicator: cityTarget.indicator, districts: city.districts.length, sum: cityTarget.value });
      for (const p of parts) {
        expect(Number.isInteger(p.value) && p.value >= 0).toBe(true);
        // The district's own share in its description, the city's target beside it (never the city's figure as the district's).
        expect(p.description).toMatch(new RegExp(`^\\S+分解目标${p.value}${p.unit}（全市目标: ${cityTarget.description.replace(/[()（）]/g, '.')}）$`));
      }
    }
  });
});
