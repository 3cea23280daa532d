import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Migration20261124000000Reporting } from '../migrations/Migration20261124000000Reporting';
import { Migration20261124000100Targets } from '../migrations/Migration20261124000100Targets';
import { FinanceFigures } from './FinanceFigures';
import { financeRows } from './seed';
import { financeWarnings } from './warnings';
import { financeIndicators } from './indicators';

export const finance = extendingSubgraph({
  name: 'finance',
  department: '金融办、人行、银监、国税/地税 (financial office; central bank; regulator; tax)',
  catalogue: financeIndicators,
  namespace: { field: 'finance', figures: FinanceFigures, description: 'Finance and tax figures (金融、税收)' },
  migrations: [Migration20261123000000Initial, Migration20261124000000Reporting, Migration20261124000100Targets],
  demoRows: financeRows,
  extra: financeWarnings,
});
