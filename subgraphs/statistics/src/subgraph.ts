import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { StatisticsFigures } from './StatisticsFigures';
import { statisticsRows } from './seed';

export const statistics = extendingSubgraph({
  name: 'statistics',
  department: '统计局 (statistics bureau)',
  namespace: { field: 'statistics', figures: StatisticsFigures, description: 'Official statistics (统计局)' },
  migrations: [Migration20261123000000Initial],
  demoRows: statisticsRows,
});
