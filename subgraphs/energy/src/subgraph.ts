import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { EnergyFigures } from './EnergyFigures';
import { energyRows } from './seed';

export const energy = extendingSubgraph({
  name: 'energy',
  department: '供电公司、燃气公司 (power company; gas supplier)',
  namespace: { field: 'energy', figures: EnergyFigures, description: 'Energy figures (能源: 供电公司、燃气公司)' },
  migrations: [Migration20261123000000Initial],
  demoRows: energyRows,
});
