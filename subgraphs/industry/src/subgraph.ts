import {
  departmentGroupFields,
  IndicatorCatalogueType,
  indicatorCatalogueReference,
  keyEnterpriseMonthReference,
  warningReportReference,
  namespaceResolvers,
  reportingResolvers,
  SubmissionRecord,
  submitMutationName,
  type SubgraphDefinition,
} from '@huishang/schema';
import { Migration20261123000000Initial } from '../migrations/Migration20261123000000Initial';
import { Migration20261123000100Targets } from '../migrations/Migration20261123000100Targets';
import { Migration20261124000000Reporting } from '../migrations/Migration20261124000000Reporting';
import { Migration20261125000000KeyProjects } from '../migrations/Migration20261125000000KeyProjects';
import { Migration20261125000100Problems } from '../migrations/Migration20261125000100Problems';
import { Enterprise, enterpriseReference } from './entities/Enterprise';
import { Region, regionReference } from './entities/Region';
import { KeyProject } from './entities/KeyProject';
import { KeyProjectMonth } from './entities/KeyProjectMonth';
import { Problem } from './entities/Problem';
import { ProblemStatusChange } from './entities/ProblemStatusChange';
import { IndustryFigures } from './IndustryFigures';
import { industryIndicators } from './indicators';
import { industryLoaders, knownEnterprises } from './loaders';
import { CatalogueResolver } from './resolvers/CatalogueResolver';
import { EnterpriseResolver } from './resolvers/EnterpriseResolver';
import { RegionResolver } from './resolvers/RegionResolver';
import { KeyProjectResolver, RegionKeyProjectsResolver } from './resolvers/KeyProjectResolver';
import { ProblemResolver } from './resolvers/ProblemResolver';
import { KeyEnterpriseMonthResolver, WarningReportResolver } from './resolvers/WarningResolver';
import { seedIndustry } from './seed';
import { Park, ParkRecord, ParkTargetRecord } from './parks/entities';
import { EnterpriseParkResolver, knownParks, parkReference, ParkInfrastructureResolver, ParkResolver, RegionParksResolver } from './parks/resolvers';
import { Migration20261130100000Parks } from '../migrations/Migration20261130100000Parks';
import { Cluster, Industry } from './groups/entities';
import { ClusterResolver, EnterpriseClustersResolver, groupReferences, IndustryResolver } from './groups/resolvers';

const reporting = { name: 'industry', catalogue: industryIndicators, knownEnterprises, knownParks };
const namespace = { field: 'industry', figures: IndustryFigures, description: 'Industry bureau figures (工信委)' };

export const industry: SubgraphDefinition = {
  name: 'industry',
  department: '工信委、发改委 (industry bureau; development and reform)',
  schema: () => {
    // This subgraph owns the group entities (industries, clusters) and adds its own totals over them like every department.
    const groups = departmentGroupFields({ field: namespace.field, catalogue: industryIndicators, description: namespace.description }, { Industry, Cluster, Park });
    return {
    resolvers: [
      IndustryResolver,
      ClusterResolver,
      EnterpriseClustersResolver,
      // Industrial parks (园区): the park list, the register's Enterprise.park and the infrastructure-investment ledger.
      ParkResolver,
      EnterpriseParkResolver,
      ParkInfrastructureResolver,
      RegionParksResolver,
      ...groups.resolvers,
      RegionResolver,
      EnterpriseResolver,
      CatalogueResolver,
      // The secretariat's ledgers: key projects (重点项目) and the problem list (问题清单).
      KeyProjectResolver,
      RegionKeyProjectsResolver,
      ProblemResolver,
      WarningReportResolver,
      KeyEnterpriseMonthResolver,
      ...namespaceResolvers(
        namespace,
        // This subgraph owns Region: a `region` field answers with the register's row.
        {
          Region,
          Enterprise,
          regionByCode: (code, ctx) => ctx.loaders.regions.load(code),
          enterpriseByCode: (creditCode, ctx) => ctx.loaders.enterprises.load(creditCode),
        },
      ),
      ...reportingResolvers({ department: reporting, mutationName: submitMutationName('industry') }),
    ] as [Function, ...Function[]],
    orphanedTypes: [IndicatorCatalogueType, ...groups.orphanedTypes],
    referenceResolvers: {
      ...groupReferences,
      Park: parkReference,
      Region: regionReference,
      Enterprise: enterpriseReference,
      IndicatorCatalogue: indicatorCatalogueReference,
      WarningReport: warningReportReference,
      KeyEnterpriseMonth: keyEnterpriseMonthReference,
    },
    };
  },
  database: {
    entities: [SubmissionRecord, Region, Enterprise,
      KeyProject, KeyProjectMonth, Problem, ProblemStatusChange, ParkRecord, ParkTargetRecord],
    migrations: [Migration20261123000000Initial, Migration20261123000100Targets, Migration20261124000000Reporting,
      Migration20261125000000KeyProjects, Migration20261125000100Problems, Migration20261130100000Parks],
  },
  reporting,
  namespace,
  loaders: industryLoaders,
  seed: seedIndustry,
};
