import 'reflect-metadata';
import { describeSubgraph } from '@huishang/schema/testing';
import { statisticsIndicators } from '../src/indicators';
import { statistics } from '../src/subgraph';

describeSubgraph({
  definition: statistics,
  catalogue: statisticsIndicators,
  field: 'statistics',
  headlines: { valueAddedGrowth: 'STAT_VALUE_ADDED_GROWTH', grossOutput: 'STAT_GROSS_OUTPUT', mainRevenue: 'STAT_MAIN_REVENUE', totalProfit: 'STAT_TOTAL_PROFIT', salesRatio: 'STAT_SALES_RATIO', industrialInvestment: 'STAT_INDUSTRIAL_INVESTMENT' },
});
