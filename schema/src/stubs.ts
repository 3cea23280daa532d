import { Directive, Field, ObjectType } from 'type-graphql';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { CreditCodeScalar, RegionCodeScalar } from './scalars';
import { demoCity, type DemoCity } from './demo/city';
import type { ObservationRow } from './demo/observations';
import type { DepartmentFigures } from './observation/DepartmentFigures';
import type { IndicatorCatalogue } from './observation/catalogue';
import { ObservationRecord, ObservationVersionRecord } from './observation/ObservationRecord';
import { IndicatorCatalogueType, indicatorCatalogueReference, reportingResolvers } from './reporting/graphql';
import { WarningReportType, warningReportReference } from './warnings/graphql';
import { RegisteredEnterprise, SubmissionRecord } from './reporting/records';
import { registeredEnterprises, seedRegister } from './reporting/register';
import { submitMutationName } from './kit/services';
import { namespaceResolvers, type DepartmentNamespace } from './kit/namespace';
import { EXTENDING_DEPARTMENT_MIGRATIONS } from './kit/standardMigrations';
import { seedObservations, seedTargets } from './kit/seed';
import { demoTargets } from './demo/targets';
import { TargetRecord } from './targets/TargetRecord';
import type { SubgraphName } from './kit/services';
import type { ReferenceResolvers } from './kit/federation';
import type { SubgraphDefinition } from './kit/subgraph';

/*
 * The shared entities as the departments that only extend them see them: the key alone. The
 * industry subgraph owns the rest (name, level, enterprises' register). Imported from
 * `@huishang/schema/stubs`, never from the package index, so the owner's full types never meet
 * these in one schema.
 */

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A region (地区): the city, a district, a county or a development zone.' })
export class Region {
  @Field(() => RegionCodeScalar, { description: 'Administrative division code (行政区划代码).' })
  code: string;
}

@Directive('@key(fields: "creditCode")')
@ObjectType({ description: 'An enterprise (企业), identified by its unified social credit code.' })
export class Enterprise {
  @Field(() => CreditCodeScalar, { description: 'Unified social credit code (统一社会信用代码).' })
  creditCode: string;
}

/** Every department resolves a reference by its key: it holds its own figures under that key. */
export const stubReferenceResolvers = {
  Region: { __resolveReference: (reference: { code: string }) => ({ code: reference.code }) },
  Enterprise: { __resolveReference: (reference: { creditCode: string }) => ({ creditCode: reference.creditCode }) },
};

export interface ExtendingSubgraphOptions<F extends DepartmentFigures> {
  name: SubgraphName;
  department: string;
  catalogue: IndicatorCatalogue;
  namespace: DepartmentNamespace<F>;
  /** Default: the kit's standard three (observation, reporting with the register, targets: kit/standardMigrations.ts). */
  migrations?: Constructor<Migration>[];
  /** The department's rows for the demo city. */
  demoRows: (city: DemoCity) => ObservationRow[];
  /** What the department adds beyond its figures: its warning rules. */
  extra?: { resolvers: Function[]; orphanedTypes?: Function[]; referenceResolvers?: ReferenceResolvers };
}

/**
 * A department that owns no shared entity: it adds its namespace field to Region and Enterprise
 * and answers from its own `observation` table. Four of the five subgraphs are this.
 */
export function extendingSubgraph<F extends DepartmentFigures>(options: ExtendingSubgraphOptions<F>): SubgraphDefinition {
  const reporting = { name: options.name, catalogue: options.catalogue, knownEnterprises: registeredEnterprises };
  return {
    name: options.name,
    department: options.department,
    schema: () => ({
      resolvers: [
        ...namespaceResolvers(options.namespace, { Region, Enterprise }),
        ...reportingResolvers({ department: reporting, mutationName: submitMutationName(options.name) }),
        ...(options.extra?.resolvers ?? []),
      ] as [Function, ...Function[]],
      // Every department adds its targets behind time progress to the month's WarningReport.
      orphanedTypes: [...new Set([Region, Enterprise, IndicatorCatalogueType, WarningReportType, ...(options.extra?.orphanedTypes ?? [])])],
      referenceResolvers: {
        ...stubReferenceResolvers,
        IndicatorCatalogue: indicatorCatalogueReference,
        WarningReport: warningReportReference,
        ...options.extra?.referenceResolvers,
      },
    }),
    database: { entities: [ObservationRecord, ObservationVersionRecord, SubmissionRecord, RegisteredEnterprise, TargetRecord], migrations: options.migrations ?? EXTENDING_DEPARTMENT_MIGRATIONS },
    reporting,
    seed: async (orm) => {
      const city = demoCity();
      await seedRegister(orm, city);
      await seedTargets(orm, demoTargets(city, options.catalogue));
      await seedObservations(orm, () => options.demoRows(city));
    },
  };
}
export { EXTENDING_DEPARTMENT_MIGRATIONS } from './kit/standardMigrations';
