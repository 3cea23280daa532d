import 'reflect-metadata';
import { demoCity } from '@huishang/schema';
import { describeSubgraph } from '@huishang/schema/testing';
import { statisticsIndicators } from '../src/indicators';
import { statisticsRows } from '../src/seed';
import { statistics } from '../src/subgraph';

describeSubgraph({
  definition: statistics,
  catalogue: statisticsIndicators,
  field: 'statistics',
  headlines: { valueAddedGrowth: 'STAT_VALUE_ADDED_GROWTH', grossOutput: 'STAT_GROSS_OUTPUT', mainRevenue: 'STAT_MAIN_REVENUE', totalProfit: 'STAT_TOTAL_PROFIT', salesRatio: 'STAT_SALES_RATIO', industrialInvestment: 'STAT_INDUSTRIAL_INVESTMENT' },
});

describe('the demo city’s two comparable-price growths of value-added agree', () => {
  // 规模以上工业增加值增速 (STAT_VALUE_ADDED_GROWTH) and the growth of 规模以上工业增加值（可比价）
  // (STAT_VALUE_ADDED's ytdYoyPct, the energy intensity's denominator) are one figure; a tester found them 0.2 points apart.
  const rows = statisticsRows(demoCity({ seed: 2015, enterprises: 60 }));
  const key = (r: { subjectCode: string; month: string }) => `${r.subjectCode}|${r.month}`;
  const growth = new Map(rows.filter((r) => r.indicator === 'STAT_VALUE_ADDED_GROWTH').map((r) => [key(r), r]));
  const level = rows.filter((r) => r.indicator === 'STAT_VALUE_ADDED' && r.ytdYoyPct !== null);

  it('in every region and month that has both, to the rounding of their decimals', () => {
    expect(level.length).toBeGreaterThan(100);
    const apart = level.filter((r) => Math.abs((growth.get(key(r))?.ytdValue ?? Infinity) - r.ytdYoyPct!) > 0.051).map((r) => `${key(r)}: ${growth.get(key(r))?.ytdValue} vs ${r.ytdYoyPct}`);
    expect(apart).toEqual([]);
  });
});
