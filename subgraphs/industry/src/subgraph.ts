import { ObservationRecord, namespaceResolvers, type SubgraphDefinition } from '@huishang/schema';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Enterprise, enterpriseReference } from './entities/Enterprise';
import { Region, regionReference } from './entities/Region';
import { IndustryFigures } from './IndustryFigures';
import { industryLoaders } from './loaders';
import { EnterpriseResolver } from './resolvers/EnterpriseResolver';
import { RegionResolver } from './resolvers/RegionResolver';
import { seedIndustry } from './seed';

export const industry: SubgraphDefinition = {
  name: 'industry',
  department: '工信委、发改委 (industry bureau; development and reform)',
  schema: () => ({
    resolvers: [
      RegionResolver,
      EnterpriseResolver,
      ...namespaceResolvers(
        { field: 'industry', figures: IndustryFigures, description: 'Industry bureau figures (工信委)' },
        { Region, Enterprise },
      ),
    ] as [Function, ...Function[]],
    referenceResolvers: { Region: regionReference, Enterprise: enterpriseReference },
  }),
  database: { entities: [ObservationRecord, Region, Enterprise], migrations: [Migration20261123000000Initial] },
  loaders: industryLoaders,
  seed: seedIndustry,
};
