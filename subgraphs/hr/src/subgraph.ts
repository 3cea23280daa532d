import { extendingSubgraph } from '@huishang/schema/stubs';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Migration20261124000000Reporting } from '../migrations/Migration20261124000000Reporting';
import { Migration20261124000100Targets } from '../migrations/Migration20261124000100Targets';
import { HrFigures } from './HrFigures';
import { hrRows } from './seed';
import { hrWarnings } from './warnings';
import { hrIndicators } from './indicators';

export const hr = extendingSubgraph({
  name: 'hr',
  department: '人社局 (HR and social security bureau)',
  catalogue: hrIndicators,
  namespace: { field: 'hr', figures: HrFigures, description: 'Employment figures (人社局)' },
  migrations: [Migration20261123000000Initial, Migration20261124000000Reporting, Migration20261124000100Targets],
  demoRows: hrRows,
  extra: hrWarnings,
});
