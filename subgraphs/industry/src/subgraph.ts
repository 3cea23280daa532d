import {
  IndicatorCatalogueType,
  indicatorCatalogueReference,
  keyEnterpriseMonthReference,
  warningReportReference,
  namespaceResolvers,
  ObservationRecord,
  ObservationVersionRecord,
  reportingResolvers,
  SubmissionRecord,
  submitMutationName,
  TargetRecord,
  type SubgraphDefinition,
} from '@huishang/schema';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Migration20261123000100Targets } from '../migrations/Migration20261123000100Targets';
import { Migration20261124000000Reporting } from '../migrations/Migration20261124000000Reporting';
import { Enterprise, enterpriseReference } from './entities/Enterprise';
import { Region, regionReference } from './entities/Region';
import { IndustryFigures } from './IndustryFigures';
import { industryIndicators } from './indicators';
import { industryLoaders, knownEnterprises } from './loaders';
import { CatalogueResolver } from './resolvers/CatalogueResolver';
import { EnterpriseResolver } from './resolvers/EnterpriseResolver';
import { RegionResolver } from './resolvers/RegionResolver';
import { KeyEnterpriseMonthResolver, WarningReportResolver } from './resolvers/WarningResolver';
import { seedIndustry } from './seed';

const reporting = { name: 'industry', catalogue: industryIndicators, knownEnterprises };

export const industry: SubgraphDefinition = {
  name: 'industry',
  department: '工信委、发改委 (industry bureau; development and reform)',
  schema: () => ({
    resolvers: [
      RegionResolver,
      EnterpriseResolver,
      CatalogueResolver,
      WarningReportResolver,
      KeyEnterpriseMonthResolver,
      ...namespaceResolvers(
        { field: 'industry', figures: IndustryFigures, description: 'Industry bureau figures (工信委)' },
        // This subgraph owns Region: a `region` field answers with the register's row.
        { Region, Enterprise, regionByCode: (code, ctx) => ctx.loaders.regions.load(code) },
      ),
      ...reportingResolvers({ department: reporting, mutationName: submitMutationName('industry') }),
    ] as [Function, ...Function[]],
    orphanedTypes: [IndicatorCatalogueType],
    referenceResolvers: {
      Region: regionReference,
      Enterprise: enterpriseReference,
      IndicatorCatalogue: indicatorCatalogueReference,
      WarningReport: warningReportReference,
      KeyEnterpriseMonth: keyEnterpriseMonthReference,
    },
  }),
  database: {
    entities: [ObservationRecord, ObservationVersionRecord, SubmissionRecord, TargetRecord, Region, Enterprise],
    migrations: [Migration20261123000000Initial, Migration20261123000100Targets, Migration20261124000000Reporting],
  },
  reporting,
  loaders: industryLoaders,
  seed: seedIndustry,
};
