import { Arg, Ctx, Directive, Field, FieldResolver, Float, GraphQLISODateTime, Int, ObjectType, Resolver, Root, type ClassType } from 'type-graphql';
import { GraphQLString, type GraphQLScalarType } from 'graphql';
import { badUserInput, unknownIndicator } from '../errors';
import { CITY_CODE, findRegion } from '../identifiers/regionCode';
import { CreditCodeScalar, IndustryCodeScalar, MONTH_ARGUMENT, MonthScalar, ParkCodeScalar, RegionCodeScalar } from '../scalars';
import type { IndicatorCatalogue } from '../observation/catalogue';
import { GroupFigure } from '../observation/GroupFigure';
import { Observation, ObservationStatus, SubjectKind } from '../observation/Observation';
import { periodBaseMonth, RANKING_BASIS_ARGUMENT, RankingBasis, TargetProgress, targetProgress, targetsForMonth, withheldTargetProgress } from '../targets/graphql';
import type { SubgraphContext } from './context';
import type { ReferenceResolvers } from './federation';
import type { GroupFigures } from './figures';
import { staleFieldsOf } from '../observation/ObservationRecord';
import { rankBy } from './ranking';

/*
 * Enterprise groups (企业分组): an entity whose enterprises are a named set — an industry class (行业, GB/T
 * 4754-2017), a cluster (产业集群), a park (园区). The subgraph that keeps the register owns the group
 * entities and lists each one's `members` (credit code and region of each enterprise); every
 * department, the owner included, adds one field per group type with its own totals over those
 * enterprises, summed from the figures it holds, through `ctx.figures` (sharing rules, audit). One
 * call of `enterpriseGroupFields` per group type and department.
 */

// Only for @requires: kept off the API schema, like the fields that return it.
@Directive('@inaccessible')
@Directive('@shareable')
@ObjectType('EnterpriseGroupMember', { description: 'An enterprise of a group (行业/产业集群/园区的企业): its credit code and the region it is registered in. What the departments sum a group over (fetched for @requires).' })
export class EnterpriseGroupMember {
  @Field(() => CreditCodeScalar, { description: 'Unified social credit code (统一社会信用代码).' })
  creditCode: string;
  @Field(() => RegionCodeScalar, { description: 'The region the enterprise is registered in.' })
  regionCode: string;
}

/** The selection a department's group field requires of the group entity. */
export const GROUP_MEMBERS_SELECTION = 'members { creditCode regionCode }';

/** What a group entity carries to a department's group field: its key and its members. */
export interface EnterpriseGroupRoot {
  code: string;
  members?: readonly EnterpriseGroupMember[] | null;
}

/** A department as its group fields see it. */
export interface GroupDepartment {
  /** The field name (the department's namespace field) and the prefix of its figures type. */
  field: string;
  catalogue: IndicatorCatalogue;
  /** Whose figures, for descriptions: the department's names. */
  description: string;
}

export interface EnterpriseGroupOptions {
  /** The group entity's type name (`Industry`, `Cluster`, `Park`). */
  typeName: string;
  department: GroupDepartment;
  /** The owner's own entity class (it lists `members` itself); absent: the department extends the entity by its key and requires `members`. */
  entity?: ClassType;
  /** The key's scalar: String unless the group's codes have their own (GB/T 4754 codes: IndustryCode). */
  codeType?: GraphQLScalarType;
}

export interface EnterpriseGroupParts {
  resolvers: Function[];
  orphanedTypes: Function[];
  referenceResolvers: ReferenceResolvers;
}

/** A department's totals for one group, month and region: what `<department>(month, asOf, region)` on a group returns. */
@ObjectType({ description: 'Base of every department’s group figures type (never emitted on its own).' })
export abstract class DepartmentGroupFigures {
  @Field(() => MonthScalar, { description: 'The month these totals are for.' })
  month: string;

  @Field(() => RegionCodeScalar, { nullable: true, description: 'The region the totals are narrowed to (a district, county or zone); null: the whole city.' })
  region: string | null;

  @Field(() => Int, { description: 'Enterprises of the group the totals are over (in the region, when one is given).' })
  enterpriseCount: number;

  /** The group's key (for its targets, scoped by it). */
  groupCode: string;

  /** The read path's figures of the group's enterprises. */
  figures: GroupFigures;

  @Directive('@listSize(assumedSize: 20)')
  @Field(() => [GroupFigure], {
    nullable: true,
    description:
      'Totals over the group’s enterprises, one per indicator some enterprise reported (in catalogue order); `codes` narrows it. Sharing: a total is read as its enterprises’ figures are (unconditionally shared: to all; conditionally shared: with a grant, at any group size, since totals of nested groups differ by single enterprises; not shared: the owner only). Without `codes` what the caller may not read is left out; asked for by code it is FORBIDDEN naming it.',
  })
  indicators(@Arg('codes', () => [String], { nullable: true, description: 'Indicator codes to return; unknown codes are an error.' }) codes?: string[] | null): GroupFigure[] {
    if (!codes) return this.figures.visible();
    for (const code of codes) if (!this.figures.catalogue.has(code)) throw unknownIndicator('indicators.codes', code, this.figures.catalogue.codes());
    const field = `${this.figures.catalogue.department}.indicators`;
    return codes.map((code) => this.figures.get(`${field}(${code})`, code)).filter((t): t is GroupFigure => t !== null);
  }
}

const figuresTypes = new Map<string, ClassType<DepartmentGroupFigures>>();
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One figures type per department (`<Department>GroupFigures`), shared by its fields on every group type. */
function figuresType(department: GroupDepartment): ClassType<DepartmentGroupFigures> {
  const name = `${pascal(department.field)}GroupFigures`;
  let type = figuresTypes.get(name);
  if (!type) {
    @ObjectType(name, { description: `${department.description}: totals over the enterprises of an industry class, cluster or park (行业/产业集群/园区合计) for a month, summed by the department from its own enterprise figures.` })
    class Figures extends DepartmentGroupFigures {}
    type = Figures;
    figuresTypes.set(name, type);
  }
  return type;
}

const stubs = new Map<string, ClassType>();

/** A group entity as a department that does not own it sees it: the key and `members` (external, fetched for @requires). */
function groupStub(typeName: string, codeType: GraphQLScalarType): ClassType {
  let stub = stubs.get(typeName);
  if (!stub) {
    @Directive('@key(fields: "code")')
    // No descriptions: the owner's are the supergraph's (two would be an INCONSISTENT_DESCRIPTION hint).
    @ObjectType(typeName)
    class Stub {
      @Field(() => codeType)
      code: string;
      @Directive('@external')
      @Field(() => [EnterpriseGroupMember])
      members: EnterpriseGroupMember[];
    }
    stub = Stub;
    stubs.set(typeName, stub);
  }
  return stub;
}

/** Reads the members of a group, narrowed to a region when one is given: BAD_USER_INPUT-free, the region is a RegionCode scalar already. */
function membersIn(group: EnterpriseGroupRoot, region: string | null): string[] {
  const all = group.members ?? [];
  return all.filter((m) => region === null || region === CITY_CODE || m.regionCode === region || findRegion(m.regionCode)?.parentCode === region).map((m) => m.creditCode);
}

/**
 * Adds `<department>(month, asOf, region): <Department>GroupFigures` to the group entity `typeName`:
 * the department's totals over the group's enterprises, computed here from the figures it holds
 * for each (`ctx.figures.group`, so the sharing rules apply and the audit records every enterprise
 * read), and its progress towards the targets it keeps for the group (targets whose `scope` is the
 * group's code). A department that does not own the entity extends it by its key and
 * `@requires(fields: "members { creditCode regionCode }")`.
 */
export function enterpriseGroupFields(options: EnterpriseGroupOptions): EnterpriseGroupParts {
  const { department, typeName } = options;
  const Figures = figuresType(department);
  const entity = options.entity ?? groupStub(typeName, options.codeType ?? GraphQLString);
  const owner = options.entity !== undefined;
  const asOfOptions = { nullable: true, description: 'Totals of the figures as they stood at this time, before later corrections (as the meeting saw them then).' };

  @Resolver(() => entity)
  class GroupFieldResolver {
    // Nullable: the department may be down or refuse; that nulls its totals, never the group.
    @(owner ? () => undefined : Directive(`@requires(fields: "${GROUP_MEMBERS_SELECTION}")`))
    @FieldResolver(() => Figures, {
      name: department.field,
      nullable: true,
      description: `${department.description}: totals over this group’s enterprises for the month, for the city or one region, summed by the department from its own enterprise figures; null (with an error naming the department) when it cannot answer.`,
    })
    async figures(
      @Root() group: EnterpriseGroupRoot,
      @Arg('month', () => MonthScalar, MONTH_ARGUMENT) month: string,
      @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
      @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Narrow the totals to the group’s enterprises in this district, county or zone; absent or the city: all of them.' }) region: string | null,
      @Ctx() ctx: SubgraphContext,
    ): Promise<DepartmentGroupFigures> {
      const narrowed = region === CITY_CODE ? null : region ?? null;
      const members = membersIn(group, narrowed);
      const figures = await ctx.figures.at(asOf).group(department.catalogue, members, month);
      return Object.assign(new Figures(), { month, region: narrowed, enterpriseCount: members.length, groupCode: group.code, figures, members });
    }
  }

  @Resolver(() => Figures)
  class GroupTargetsResolver {
    @Directive('@listSize(assumedSize: 5)')
    @FieldResolver(() => [TargetProgress], {
      nullable: true,
      description:
        'Progress towards the targets the department keeps for this group (目标任务 whose scope is the group’s code, e.g. 许政[2015]39号 item 七’s cluster revenue, item 九’s 18 % growth of emerging industries), for the region asked for (the city when none): completion of the summed level to date against time progress (序时进度) for LEVEL targets, the growth of the totals for GROWTH_PCT ones. `actual` is null (the figure is a total, see `actualValue`). A target whose total the caller may not read is listed `withheld`, its progress null.',
    })
    async targets(@Root() totals: DepartmentGroupFigures & { members: string[] }, @Ctx() ctx: SubgraphContext): Promise<TargetProgress[]> {
      const reader = ctx.figures.at(totals.figures.asOf);
      const year = Number(totals.month.slice(0, 4));
      const regionCode = totals.region ?? CITY_CODE;
      const mine = (await reader.targets(year, { region: regionCode })).filter((t) => t.scope === totals.groupCode && department.catalogue.has(t.indicator));
      const progress: TargetProgress[] = [];
      for (const t of targetsForMonth(mine, totals.month)) {
        const total = totals.figures.tryGet(t.indicator);
        if (total === undefined) {
          progress.push(withheldTargetProgress(t, department.catalogue.get(t.indicator), totals.month, ctx.access.reads.refused, { group: true }));
          continue;
        }
        const baseMonth = periodBaseMonth(totals.month, t.period ?? 'YEAR');
        const base = baseMonth ? (await reader.group(department.catalogue, totals.members, baseMonth)).tryGet(t.indicator) ?? null : null;
        const p = targetProgress(t, department.catalogue.get(t.indicator), totals.month, asObservation(total, totals.groupCode), base && asObservation(base, totals.groupCode), { group: true });
        p.actual = null;
        progress.push(p);
      }
      return progress;
    }
  }

  const referenceResolvers: ReferenceResolvers = owner ? {} : { [typeName]: { __resolveReference: (reference: EnterpriseGroupRoot) => reference } };
  return { resolvers: [GroupFieldResolver, GroupTargetsResolver], orphanedTypes: owner ? [EnterpriseGroupMember] : [entity, EnterpriseGroupMember], referenceResolvers };
}

/** A total in the shape progress is computed from (never served: `TargetProgress.actual` is null for a group). */
function asObservation(total: GroupFigure | null, groupCode: string): Observation | null {
  if (!total) return null;
  return Object.assign(new Observation(), {
    indicator: total.indicator,
    name: total.name,
    nameEn: total.nameEn,
    unit: total.unit,
    subjectKind: SubjectKind.REGION,
    subjectCode: groupCode,
    month: total.month,
    value: total.value,
    ytdValue: total.ytdValue,
    yoyPct: total.yoyPct,
    ytdYoyPct: total.ytdYoyPct,
    status: ObservationStatus.FINAL,
    reportedBy: '',
    reportedAt: new Date(0),
    version: 1,
    derived: true,
    derivedFields: ['value', 'ytdValue', 'yoyPct', 'ytdYoyPct'],
    changeReason: null,
    impliedYtdValue: total.impliedYtdValue,
    staleFields: staleFieldsOf({ impliedYtdValue: total.impliedYtdValue, ytdYoyPct: null }),
  });
}

/**
 * The group types every department totals over. The subgraph that keeps the register owns each
 * (with `members`); a new group type (a park, 园区) is one entry here and its entity there.
 */
export const ENTERPRISE_GROUP_TYPES: readonly { typeName: string; codeType?: GraphQLScalarType }[] = [
  // GB/T 4754-2017 sections, divisions, groups and classes.
  { typeName: 'Industry', codeType: IndustryCodeScalar },
  // The city's clusters (产业集群), 许政[2015]39号 items 七 and 九.
  { typeName: 'Cluster' },
  // Industrial parks (园区, 产业集聚区): the enterprises the register places in each (成办发〔2012〕1号, Guiyang 2011).
  { typeName: 'Park', codeType: ParkCodeScalar },
];

/** A department's fields on every group type (`owned`: the owner's entity classes by type name). */
export function departmentGroupFields(department: GroupDepartment, owned: Readonly<Record<string, ClassType>> = {}): EnterpriseGroupParts {
  const parts = [...ENTERPRISE_GROUP_TYPES.map((t) => enterpriseGroupFields({ ...t, department, entity: owned[t.typeName] })), groupRankingFields(department, Object.keys(owned).length > 0)];
  return {
    resolvers: parts.flatMap((p) => p.resolvers),
    orphanedTypes: [...new Set(parts.flatMap((p) => p.orphanedTypes))],
    referenceResolvers: Object.assign({}, ...parts.map((p) => p.referenceResolvers)),
  };
}

/** One group in a department's list of groups ranked (`<department>Ranking` on `EnterpriseGroupList`). */
@Directive('@inaccessible')
@Directive('@shareable')
@ObjectType('EnterpriseGroupEntry', { description: 'A group (its code and enterprises) in a list of groups: what the departments rank (fetched for @requires).' })
export class EnterpriseGroupEntry {
  @Field({ description: 'The group’s code.' })
  code: string;
  @Field(() => [EnterpriseGroupMember], { description: 'The group’s enterprises.' })
  members: EnterpriseGroupMember[];
}

/**
 * A group's place in a department's ranking of the groups of one type on an indicator. One GraphQL
 * type per department (`<Department>GroupRank`, see rankType), not one shared type: a shared value
 * type returned only by `@requires` fields of several subgraphs is taken as canonical in each by
 * Hive Gateway's stitching (@graphql-tools/stitch 10: "Multiple canonical definitions"), which then
 * refuses the supergraph.
 */
@ObjectType({ description: 'Base of every department’s rank type (never emitted on its own).' })
export abstract class GroupRank {
  @Field(() => Int, { nullable: true, description: '1 is first; equal values share a rank. Null without a value to rank on.' })
  rank: number | null;
  @Field({ description: 'The group’s code (a cluster’s `code`).' })
  groupCode: string;
  @Field(() => Float, { nullable: true, description: 'The value ranked on (the total’s year to date, growth or current month).' })
  value: number | null;
  @Field(() => GroupFigure, { nullable: true, description: 'The total ranked; null when withheld or not reported.' })
  total: GroupFigure | null;
  @Field({ description: 'True when the caller may not read this group’s total (conditionally shared without a grant, or not shared): listed without value or rank.' })
  withheld: boolean;
}

/** The groups of one type, for ranking: owned by the subgraph that keeps the register (key `typeName`), ranked by every department. */
@Directive('@key(fields: "typeName")')
@ObjectType('EnterpriseGroupList', { description: 'The groups of one type (`Cluster`: the city’s clusters; `Park`: its industrial parks), which every department ranks on its own indicators (`<department>(month, indicator, by)`).' })
export class EnterpriseGroupList {
  @Field({ description: 'The group type: `Cluster` or `Park`.' })
  typeName: string;
  @Directive('@inaccessible')
  @Field(() => [EnterpriseGroupEntry], { description: 'The groups and their enterprises (for the departments’ @requires; not served to clients).' })
  groups: EnterpriseGroupEntry[];
}

@Directive('@key(fields: "typeName")')
@ObjectType('EnterpriseGroupList')
class EnterpriseGroupListStub {
  @Field()
  typeName: string;
  @Directive('@external')
  @Field(() => [EnterpriseGroupEntry])
  groups: EnterpriseGroupEntry[];
}

/** The value a ranking basis reads off a total. */
function rankValue(total: GroupFigure, kind: string, by: RankingBasis): number | null {
  if (by === RankingBasis.CURRENT_MONTH) return total.value;
  if (by === RankingBasis.GROWTH) return kind === 'STOCK' ? total.yoyPct : total.ytdYoyPct;
  return kind === 'STOCK' ? total.value : total.ytdValue;
}

/**
 * Adds `<department>(month, asOf, region, indicator, by): [<Department>GroupRank!]` to `EnterpriseGroupList`:
 * the department ranks every group of the list on one of its indicators from its own totals
 * (`ctx.figures.group` per group: the group disclosure rule applies to each, a withheld group is
 * listed last without its value). `owned`: the register's subgraph passes true (it reads `groups` itself).
 */
const rankTypes = new Map<string, ClassType<GroupRank>>();

/** The department's rank type (`<Department>GroupRank`), made once. */
function rankType(department: GroupDepartment): ClassType<GroupRank> {
  const name = `${pascal(department.field)}GroupRank`;
  let type = rankTypes.get(name);
  if (!type) {
    @ObjectType(name, {
      description: `${department.description}: a group’s place in the ranking of the groups of one type (the clusters 产业集群排名, the parks 园区排名) on one of the department’s indicators, from its totals. Every group is listed: those without a total to rank on, and those whose total the caller may not read (\`withheld\`), come last, without a rank.`,
      simpleResolvers: true,
    })
    class Rank extends GroupRank {}
    type = Rank;
    rankTypes.set(name, type);
  }
  return type;
}

export function groupRankingFields(department: GroupDepartment, owned = false): EnterpriseGroupParts {
  const entity = owned ? EnterpriseGroupList : EnterpriseGroupListStub;
  const Rank = rankType(department);

  @Resolver(() => entity)
  class GroupRankingResolver {
    @(owned ? () => undefined : Directive('@requires(fields: "groups { code members { creditCode regionCode } }")'))
    @Directive('@listSize(assumedSize: 15)')
    @Directive('@cost(weight: 15)')
    @FieldResolver(() => [Rank], {
      name: department.field,
      nullable: true,
      description: `${department.description}: the groups ranked on one of the department’s indicators for the month (产业集群排名, 园区排名), best first (highest first; lowest first for a lower-is-better indicator, such as an intensity), from its totals over each group’s enterprises (in the region, when one is given).`,
    })
    async ranking(
      @Root() list: { typeName: string; groups?: readonly EnterpriseGroupEntry[] | null },
      @Arg('month', () => MonthScalar, MONTH_ARGUMENT) month: string,
      @Arg('indicator', { description: 'Indicator code from the department’s catalogue.' }) indicator: string,
      @Arg('by', () => RankingBasis, RANKING_BASIS_ARGUMENT) by: RankingBasis,
      @Arg('asOf', () => GraphQLISODateTime, { nullable: true, description: 'Totals as they stood at this time.' }) asOf: Date | null,
      @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Rank the groups’ enterprises in this region only, leaving out the groups with none there; absent or the city: all.' }) region: string | null,
      @Ctx() ctx: SubgraphContext,
    ): Promise<GroupRank[]> {
      if (!department.catalogue.has(indicator)) throw unknownIndicator('indicator', indicator, department.catalogue.codes());
      const definition = department.catalogue.get(indicator);
      // What a group total can be: a flow or stock the department reports for enterprises.
      const summed = department.catalogue.definitions.filter((d) => d.kind !== 'RATE' && d.subjects.includes('ENTERPRISE')).map((d) => d.code);
      if (definition.kind === 'RATE') {
        throw badUserInput('indicator', `${indicator} (${definition.name}) is a rate, which is not summed over a group's enterprises, so groups cannot be ranked on it; rank on a summed indicator (${summed.join(', ')}), by GROWTH for its growth`, { argument: 'indicator', value: indicator });
      }
      if (!definition.subjects.includes('ENTERPRISE')) {
        throw badUserInput('indicator', `${indicator} (${definition.name}) is reported for ${definition.subjects.join(' and ').toLowerCase()}s, not for enterprises, so it has no total over a group's enterprises to rank on; rank on an indicator reported for enterprises (${summed.join(', ') || 'none in this catalogue'})`, { argument: 'indicator', value: indicator });
      }
      const narrowed = region === CITY_CODE ? null : region ?? null;
      const reader = ctx.figures.at(asOf);
      // In a region: the groups with enterprises there (a park of another district is not in its ranking).
      const groups = (list.groups ?? []).map((group) => ({ code: group.code, members: membersIn(group, narrowed) })).filter((g) => narrowed === null || g.members.length > 0);
      const rows = await Promise.all(
        groups.map(async (group) => {
          const totals = await reader.group(department.catalogue, group.members, month);
          const total = totals.tryGet(indicator);
          return { code: group.code, total: total ?? null, withheld: total === undefined };
        }),
      );
      // The caller named an indicator it may not read: an attempt the audit trail keeps, as it keeps a FORBIDDEN one.
      if (rows.some((r) => r.withheld)) {
        ctx.access.reads.refused.add(indicator);
        ctx.access.reads.months.add(month);
      }
      const { ranked, unranked: rest } = rankBy(rows, (r) => (r.total ? rankValue(r.total, definition.kind, by) : null), (r) => r.code, { lowerIsBetter: definition.lowerIsBetter });
      return [
        ...ranked.map((r) => Object.assign(new Rank(), { rank: r.rank, groupCode: r.item.code, value: r.value, total: r.item.total, withheld: false })),
        ...rest.map((r) => Object.assign(new Rank(), { rank: null, groupCode: r.code, value: null, total: r.withheld ? null : r.total, withheld: r.withheld })),
      ];
    }
  }

  return {
    resolvers: [GroupRankingResolver],
    orphanedTypes: [entity, EnterpriseGroupEntry, Rank],
    referenceResolvers: owned ? {} : { EnterpriseGroupList: { __resolveReference: (reference: unknown) => reference } },
  };
}
