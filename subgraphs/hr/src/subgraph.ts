import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { HrFigures } from './HrFigures';
import { hrRows } from './seed';

export const hr = extendingSubgraph({
  name: 'hr',
  department: '人社局 (HR and social security bureau)',
  namespace: { field: 'hr', figures: HrFigures, description: 'Employment figures (人社局)' },
  migrations: [Migration20261123000000Initial],
  demoRows: hrRows,
});
