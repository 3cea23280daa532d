import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { FinanceFigures } from './FinanceFigures';
import { financeRows } from './seed';

export const finance = extendingSubgraph({
  name: 'finance',
  department: '金融办、人行、银监、国税/地税 (financial office; central bank; regulator; tax)',
  namespace: { field: 'finance', figures: FinanceFigures, description: 'Finance and tax figures (金融、税收)' },
  migrations: [Migration20261123000000Initial],
  demoRows: financeRows,
});
