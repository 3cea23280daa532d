import { Arg, Ctx, Directive, FieldResolver, GraphQLISODateTime, Int, Query, Resolver, Root } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/core';
import { badUserInput, CITY_CODE, EnterpriseGroupList, findRegion, MonthScalar, ParkCodeScalar, parseParkCode, RegionCodeScalar, type SubgraphContext, type SubjectFigures } from '@huishang/schema';
import { Enterprise } from '../entities/Enterprise';
import { Region } from '../entities/Region';
import { industryIndicators } from '../indicators';
import { Park, ParkRecord, ParkTargetRecord } from './entities';
import {
  baseMonths,
  ParkInfrastructure,
  ParkInfrastructureReport,
  ParkInvestmentTarget,
  parkProgress,
  planCompletion,
  PARK_COMPLETED,
  PARK_PLANNED,
  phasedYearTimeProgress,
  rankParks,
  targetsHolding,
  totalObservation,
} from './ledger';

interface ParkState {
  parks: Park[];
  targets: Map<number, Promise<ParkTargetRecord[]>>;
}

/** The park list with each park's members, read once per request (two statements). */
const states = new WeakMap<object, Promise<ParkState>>();
function state(ctx: SubgraphContext): Promise<ParkState> {
  let s = states.get(ctx);
  if (!s) {
    s = (async () => {
      const records = await ctx.em.find(ParkRecord, {}, { orderBy: { code: 'asc' } });
      const members = await ctx.em.find(Enterprise, { parkCode: { $ne: null } }, { fields: ['creditCode', 'regionCode', 'parkCode'], orderBy: { creditCode: 'asc' }, disableIdentityMap: true });
      const parks = records.map((r) =>
        Object.assign(new Park(), {
          code: r.code, name: r.name, nameEn: r.nameEn, kind: r.kind, regionCode: r.regionCode,
          members: members.filter((m) => m.parkCode === r.code).map((m) => ({ creditCode: m.creditCode, regionCode: m.regionCode })),
        }),
      );
      return { parks, targets: new Map() };
    })();
    states.set(ctx, s);
  }
  return s;
}

/** The parks as a list of groups (typeName `Park`), for the departments' rankings (`parkRankings`). */
export async function parkList(ctx: SubgraphContext): Promise<EnterpriseGroupList> {
  const { parks } = await state(ctx);
  return Object.assign(new EnterpriseGroupList(), { typeName: 'Park', groups: parks.map((p) => ({ code: p.code, members: p.members })) });
}

async function parkTargets(ctx: SubgraphContext, year: number): Promise<ParkTargetRecord[]> {
  const s = await state(ctx);
  let t = s.targets.get(year);
  if (!t) {
    t = ctx.em.find(ParkTargetRecord, { year }, { orderBy: { id: 'asc' } });
    s.targets.set(year, t);
  }
  return t;
}

/** Parks in a region: its own and its children's; the city (or none): all. */
function inRegion(parks: readonly Park[], region: string | null | undefined): Park[] {
  if (!region || region === CITY_CODE) return [...parks];
  return parks.filter((p) => p.regionCode === region || findRegion(p.regionCode)?.parentCode === region);
}

/** Which park codes the park list holds (the reporting path's UNKNOWN_SUBJECT check). */
export async function knownParks(em: EntityManager, codes: string[]): Promise<Set<string>> {
  const rows = await em.find(ParkRecord, { code: { $in: codes } }, { fields: ['code'] });
  return new Set(rows.map((r) => r.code));
}

/**
 * The ledgers of some parks for a month, read through `ctx.figures` (sharing rules, audit) at one
 * moment, with each park's targets judged over their own months.
 */
async function ledgers(ctx: SubgraphContext, parks: readonly Park[], month: string, asOf: Date | null, field: string): Promise<{ rows: ParkInfrastructure[]; bases: Map<string, SubjectFigures[]> }> {
  const reader = ctx.figures.at(asOf);
  const codes = parks.map((p) => p.code);
  const targets = await parkTargets(ctx, Number(month.slice(0, 4)));
  const figures = await reader.subjects(industryIndicators, 'PARK', codes, month);
  const bases = new Map<string, SubjectFigures[]>();
  for (const base of baseMonths(targets, month)) bases.set(base, await reader.subjects(industryIndicators, 'PARK', codes, base));
  const rows = parks.map((park, i) => {
    const completed = figures[i].get(field, PARK_COMPLETED);
    const planned = figures[i].get(field, PARK_PLANNED);
    const mine = targetsHolding(targets.filter((t) => t.parkCode === park.code), month);
    const progress = mine.map((t) => {
      const baseMonth = baseMonths([t], month)[0];
      const base = baseMonth ? bases.get(baseMonth)![i].get(field, PARK_COMPLETED) : null;
      return parkProgress(t, month, completed, base, phasedYearTimeProgress(targets, t, month));
    });
    return Object.assign(new ParkInfrastructure(), { month, parkCode: park.code, parkName: park.name, regionCode: park.regionCode, planned, completed, planCompletionPct: planCompletion(planned, completed), targets: progress, rank: null });
  });
  return { rows, bases };
}


/** Every park's ledger for a month, ranked, and the all-parks total against its targets (for the city). */
async function parkReport(ctx: SubgraphContext, month: string, asOf: Date | null, region: string | null): Promise<ParkInfrastructureReport> {
  const parks = inRegion((await state(ctx)).parks, region);
  const { rows, bases } = await ledgers(ctx, parks, month, asOf, 'parkInfrastructure');
  const sum = (values: (number | null | undefined)[]) => {
    const given = values.filter((v): v is number => typeof v === 'number');
    return given.length ? Number(given.reduce((a, b) => a + b, 0).toFixed(4)) : null;
  };
  const reported = rows.filter((r) => r.completed !== null);
  const completedToDate = sum(reported.map((r) => r.completed!.ytdValue));
  const city = !region || region === CITY_CODE;
  const yearTargets = await parkTargets(ctx, Number(month.slice(0, 4)));
  const allTargets = city ? targetsHolding(yearTargets.filter((t) => t.parkCode === null), month) : [];
  const targets = allTargets.map((t) => {
    const baseMonth = baseMonths([t], month)[0];
    // The base is the sum over the same parks (those that reported this month).
    const base = baseMonth
      ? totalObservation(baseMonth, sum(rows.map((r, i) => (r.completed ? bases.get(baseMonth)![i].get('parkInfrastructure', PARK_COMPLETED)?.ytdValue ?? null : null))))
      : null;
    return parkProgress(t, month, totalObservation(month, completedToDate), base, phasedYearTimeProgress(yearTargets, t, month));
  });
  return Object.assign(new ParkInfrastructureReport(), {
    month,
    region: city ? null : region!,
    parkCount: parks.length,
    reportedCount: reported.length,
    plannedToDate: sum(reported.map((r) => r.planned?.ytdValue)),
    completedToDate,
    targets,
    parks: rankParks(rows),
  });
}

const asOfOptions = { nullable: true, description: 'The ledger as it stood at this time, before later corrections (as the meeting saw it then).' };

@Resolver(() => Park)
export class ParkResolver {
  @Directive('@listSize(assumedSize: 20)')
  @Query(() => [Park], { nullable: true, description: 'The industry bureau’s park list (园区: 产业集聚区, 开发区, 工业园区), in code order; `region` narrows it to a district, county or zone; null (with an error naming the department) when the industry department cannot answer.' })
  async parks(
    @Ctx() ctx: SubgraphContext,
    @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Only parks in this district, county or zone; the city (or none) means all.' }) region?: string | null,
  ): Promise<Park[]> {
    return inRegion((await state(ctx)).parks, region);
  }

  @Query(() => EnterpriseGroupList, {
    nullable: true,
    description:
      'The city’s parks for ranking (园区排名): every department ranks them on its own indicators from its totals over each park’s enterprises, e.g. `parkRankings { energy(month: "2015-06", indicator: "EN_ELECTRICITY") { rank groupCode value } }`, with the sharing rules of any group total; the parks’ own infrastructure-investment ledger is ranked by `parkInfrastructure`.',
  })
  parkRankings(@Ctx() ctx: SubgraphContext): Promise<EnterpriseGroupList> {
    return parkList(ctx);
  }

  @Query(() => Park, { nullable: true, description: 'A park by its code (e.g. "P41108201"); null if the park list has none.' })
  async park(@Arg('code', () => ParkCodeScalar) code: string, @Ctx() ctx: SubgraphContext): Promise<Park | null> {
    return (await state(ctx)).parks.find((p) => p.code === code) ?? null;
  }

  @Query(() => ParkInfrastructureReport, {
    nullable: true,
    description:
      'Infrastructure investment of every park for a month (园区基础设施投资, 成办发〔2012〕1号, Guiyang 2011): each park’s ledger against its targets, ranked by completion, and the total against the all-parks targets; null (with an error naming the department) when the industry department cannot answer.',
  })
  async parkInfrastructure(
    @Arg('month', () => MonthScalar) month: string,
    @Ctx() ctx: SubgraphContext,
    @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
    @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Only parks in this district, county or zone; the city (or none): all, with the all-parks targets.' }) region?: string | null,
  ): Promise<ParkInfrastructureReport> {
    return parkReport(ctx, month, asOf, region ?? null);
  }

  @FieldResolver(() => Region, { description: 'The district, county or zone the park lies in.' })
  region(@Root() park: Park, @Ctx() ctx: SubgraphContext): Promise<Region> {
    return ctx.loaders.regions.load(park.regionCode) as Promise<Region>;
  }

  @Directive('@listSize(assumedSize: 100)')
  @FieldResolver(() => [Enterprise], { description: 'The register’s enterprises in the park (入园企业), in credit-code order.' })
  async enterprises(@Root() park: Park, @Ctx() ctx: SubgraphContext): Promise<Enterprise[]> {
    const found = await Promise.all(park.members.map((m) => ctx.loaders.enterprises.load(m.creditCode) as Promise<Enterprise | null>));
    return found.filter((e): e is Enterprise => e !== null);
  }

  @FieldResolver(() => ParkInfrastructure, {
    nullable: true,
    description: 'The park’s infrastructure-investment ledger (园区基础设施投资) at the end of the month: planned and completed, month and year to date, 万元, against its targets; null (with an error) when the department cannot answer.',
  })
  async infrastructure(
    @Root() park: Park,
    @Arg('month', () => MonthScalar) month: string,
    @Ctx() ctx: SubgraphContext,
    @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
  ): Promise<ParkInfrastructure> {
    return (await ledgers(ctx, [park], month, asOf, 'Park.infrastructure')).rows[0];
  }

  @Directive('@listSize(assumedSize: 6)')
  @FieldResolver(() => [ParkInvestmentTarget], { description: 'The park’s infrastructure-investment targets for a year (quarters, halves, the year), shortest period first.' })
  async investmentTargets(@Root() park: Park, @Arg('year', () => Int) year: number, @Ctx() ctx: SubgraphContext): Promise<ParkInvestmentTarget[]> {
    if (!Number.isInteger(year) || year < 1949 || year > 2100) throw badUserInput('year', `must be a year between 1949 and 2100, got ${year}`);
    const mine = (await parkTargets(ctx, year)).filter((t) => t.parkCode === park.code);
    return mine
      .map((t) => parkProgress(t, `${year}-12`, null, null).target)
      .sort((a, b) => ['Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2', 'YEAR'].indexOf(a.period) - ['Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2', 'YEAR'].indexOf(b.period));
  }
}

@Resolver(() => Enterprise)
export class EnterpriseParkResolver {
  @FieldResolver(() => Park, { nullable: true, description: 'The park the enterprise is in (所在园区), as the register records it; null outside every park.' })
  async park(@Root() enterprise: Enterprise, @Ctx() ctx: SubgraphContext): Promise<Park | null> {
    if (!enterprise.parkCode) return null;
    return (await state(ctx)).parks.find((p) => p.code === enterprise.parkCode) ?? null;
  }
}

/** References from other subgraphs (their totals naming a park): by key; null for an unknown one. */
export const parkReference = {
  __resolveReference: async (reference: { code: string }, ctx: SubgraphContext) => {
    let code: string;
    try {
      code = parseParkCode(reference.code);
    } catch (error) {
      throw badUserInput('_entities.representations', `a Park representation must carry its key "code": ${(error as Error).message}`, { argument: 'representations', typename: 'Park', keyField: 'code' });
    }
    return (await state(ctx)).parks.find((p) => p.code === code) ?? null;
  },
};

@Resolver(() => ParkInfrastructure)
export class ParkInfrastructureResolver {
  // No `park` field: Park → infrastructure → park would be a cycle (the access sweep walks the schema as a tree).
  @FieldResolver(() => Region, { description: 'The district, county or zone the park lies in.' })
  region(@Root() row: ParkInfrastructure, @Ctx() ctx: SubgraphContext): Promise<Region> {
    return ctx.loaders.regions.load(row.regionCode) as Promise<Region>;
  }
}

@Resolver(() => Region)
export class RegionParksResolver {
  @Directive('@listSize(assumedSize: 20)')
  @FieldResolver(() => [Park], { description: 'The parks in this region (园区); for the city, all of them.' })
  async parks(@Root() region: Region, @Ctx() ctx: SubgraphContext): Promise<Park[]> {
    return inRegion((await state(ctx)).parks, region.code);
  }

  @FieldResolver(() => ParkInfrastructureReport, {
    nullable: true,
    description: 'Infrastructure investment of the parks in this region for a month (园区基础设施投资), ranked, as `Query.parkInfrastructure(region)`; for the city with the all-parks targets.',
  })
  parkInfrastructure(
    @Root() region: Region,
    @Arg('month', () => MonthScalar) month: string,
    @Ctx() ctx: SubgraphContext,
    @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
  ): Promise<ParkInfrastructureReport> {
    return parkReport(ctx, month, asOf, region.code);
  }
}
