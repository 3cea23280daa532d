import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Migration20261124000000Reporting } from '../migrations/Migration20261124000000Reporting';
import { Migration20261124000100Targets } from '../migrations/Migration20261124000100Targets';
import { StatisticsFigures } from './StatisticsFigures';
import { statisticsRows } from './seed';
import { statisticsIndicators } from './indicators';

export const statistics = extendingSubgraph({
  name: 'statistics',
  department: '统计局 (statistics bureau)',
  catalogue: statisticsIndicators,
  namespace: { field: 'statistics', figures: StatisticsFigures, description: 'Official statistics (统计局)' },
  migrations: [Migration20261123000000Initial, Migration20261124000000Reporting, Migration20261124000100Targets],
  demoRows: statisticsRows,
});
