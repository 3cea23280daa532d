import DataLoader from 'dataloader';
import { Directive, Field, ObjectType } from 'type-graphql';
import { badUserInput, IdentifierError } from './errors';
import { parseCreditCode } from './identifiers/creditCode';
import { findRegion } from './identifiers/regionCode';
import { kitEntityManager, type SubgraphContext } from './kit/context';
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { CreditCodeScalar, RegionCodeScalar } from './scalars';
import { demoCity, type DemoCity } from './demo/city';
import type { ObservationRow } from './demo/observations';
import type { DepartmentFigures } from './observation/DepartmentFigures';
import type { IndicatorCatalogue } from './observation/catalogue';
import { IndicatorCatalogueType, indicatorCatalogueReference, reportingResolvers } from './reporting/graphql';
import { WarningReportType, warningReportReference } from './warnings/graphql';
import { RegisteredEnterprise, SubmissionRecord } from './reporting/records';
import { registeredAmong, registeredEnterprises, seedRegister } from './reporting/register';
import { submitMutationName } from './kit/services';
import { namespaceResolvers, type DepartmentNamespace } from './kit/namespace';
import { withoutRegisterResolvers } from './kit/withoutRegister';
import { departmentGroupFields } from './kit/groups';
import { EXTENDING_DEPARTMENT_MIGRATIONS } from './kit/standardMigrations';
import { seedObservations, seedTargets } from './kit/seed';
import { demoTargets } from './demo/targets';
import type { SubgraphName } from './kit/services';
import type { ReferenceResolvers } from './kit/federation';
import type { SubgraphDefinition } from './kit/subgraph';

/*
 * The shared entities as the departments that only extend them see them: the key alone. The
 * subgraph that keeps the register owns the rest (name, level, enterprises' register). Imported from
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

/** Per request: one batched `select … where credit_code in (…)` for every enterprise reference of the request. */
const registerLoaders = new WeakMap<object, DataLoader<string, boolean>>();
function inRegister(ctx: SubgraphContext, creditCode: string): Promise<boolean> {
  let loader = registerLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, boolean>(async (codes) => {
      const known = await registeredAmong(kitEntityManager(ctx.em), codes);
      return codes.map((code) => known.has(code));
    });
    registerLoaders.set(ctx, loader);
  }
  return loader.load(creditCode);
}

/** The key of a representation, or BAD_USER_INPUT naming what is wrong with it (never a stack trace). */
function representationKey(reference: unknown, typename: string, field: string, parse: (value: unknown) => string): string {
  const value = (reference as Record<string, unknown> | null)?.[field];
  try {
    if (value === undefined || value === null) throw new Error(`it has no "${field}"`);
    return parse(value);
  } catch (error) {
    const reason = error instanceof IdentifierError ? error.message : (error as Error).message;
    throw badUserInput('_entities.representations', `a ${typename} representation must carry its key "${field}": ${reason}`, { argument: 'representations', typename, keyField: field });
  }
}

/**
 * How a department resolves a reference to a shared entity: by its key, which must be well formed
 * (else BAD_USER_INPUT), and known — a region of the city, an enterprise of the department's copy of
 * the register — else null, so the gateway never attaches figures to an entity that does not exist.
 */
export const stubReferenceResolvers = {
  Region: {
    __resolveReference: (reference: { code: string }) => {
      const code = representationKey(reference, 'Region', 'code', (v) => {
        if (typeof v !== 'string' || !/^\d{6}$/.test(v)) throw new Error(`${JSON.stringify(v)} is not 6 digits`);
        return v;
      });
      return findRegion(code) ? { code } : null;
    },
  },
  Enterprise: {
    __resolveReference: async (reference: { creditCode: string }, ctx: SubgraphContext) => {
      const creditCode = representationKey(reference, 'Enterprise', 'creditCode', parseCreditCode);
      return (await inRegister(ctx, creditCode)) ? { creditCode } : null;
    },
  },
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
  // Totals over industries, clusters and parks, from the department's own enterprise figures (kit/groups.ts).
  const groups = () => departmentGroupFields({ field: options.namespace.field, catalogue: options.catalogue, description: options.namespace.description });
  return {
    name: options.name,
    department: options.department,
    schema: () => {
      const groupParts = groups();
      return {
      resolvers: [
        ...namespaceResolvers(options.namespace, { Region, Enterprise }),
        ...groupParts.resolvers,
        // The regions, warnings and catalogue without the register, for when its department is down.
        ...withoutRegisterResolvers(Region),
        ...reportingResolvers({ department: reporting, mutationName: submitMutationName(options.name) }),
        ...(options.extra?.resolvers ?? []),
      ] as [Function, ...Function[]],
      // Every department adds its targets behind time progress to the month's WarningReport.
      orphanedTypes: [...new Set([Region, Enterprise, IndicatorCatalogueType, WarningReportType, ...groupParts.orphanedTypes, ...(options.extra?.orphanedTypes ?? [])])],
      referenceResolvers: {
        ...stubReferenceResolvers,
        ...groupParts.referenceResolvers,
        IndicatorCatalogue: indicatorCatalogueReference,
        WarningReport: warningReportReference,
        ...options.extra?.referenceResolvers,
      },
      };
    },
    database: { entities: [SubmissionRecord, RegisteredEnterprise], migrations: options.migrations ?? EXTENDING_DEPARTMENT_MIGRATIONS },
    reporting,
    namespace: options.namespace as unknown as DepartmentNamespace<DepartmentFigures>,
    seed: async (orm) => {
      const city = demoCity();
      await seedRegister(orm, city);
      await seedTargets(orm, demoTargets(city, options.catalogue));
      await seedObservations(orm, () => options.demoRows(city));
    },
  };
}
export { EXTENDING_DEPARTMENT_MIGRATIONS } from './kit/standardMigrations';
