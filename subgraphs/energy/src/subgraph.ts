import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Migration20261124000000Reporting } from '../migrations/Migration20261124000000Reporting';
import { Migration20261124000100Targets } from '../migrations/Migration20261124000100Targets';
import { EnergyFigures } from './EnergyFigures';
import { energyRows } from './seed';
import { energyWarnings } from './warnings';
import { energyIndicators } from './indicators';

export const energy = extendingSubgraph({
  name: 'energy',
  department: '供电公司、燃气公司 (power company; gas supplier)',
  catalogue: energyIndicators,
  namespace: { field: 'energy', figures: EnergyFigures, description: 'Energy figures (能源: 供电公司、燃气公司)' },
  migrations: [Migration20261123000000Initial, Migration20261124000000Reporting, Migration20261124000100Targets],
  demoRows: energyRows,
  extra: energyWarnings,
});
