import { Directive, Arg, Ctx, FieldResolver, GraphQLISODateTime, Resolver, Root, type ClassType } from 'type-graphql';
import { unknownIndicator } from '../errors';
import { REGIONS } from '../identifiers/regionCode';
import { MONTH_ARGUMENT, MonthScalar } from '../scalars';
import type { DepartmentFigures } from '../observation/DepartmentFigures';
import type { SubjectType } from '../observation/indicator';
import { periodBaseMonth, rankObservations, RANKING_BASIS_ARGUMENT, RankingBasis, RegionRank, Target, TargetProgress, targetProgress, targetsForMonth, withheldTargetProgress } from '../targets/graphql';
import type { SubgraphContext } from './context';
import { departmentWarningResolvers } from './warnings';

export interface DepartmentNamespace<F extends DepartmentFigures> {
  /** Field name on Region and Enterprise: the department's subgraph name. */
  field: string;
  /** The department's figures type. */
  figures: new () => F;
  description: string;
}

export interface SharedEntities {
  Region: ClassType;
  Enterprise: ClassType;
  /** What a `region` field returns for a code: the key alone where the subgraph only extends Region. */
  regionByCode?: (code: string, ctx: SubgraphContext) => unknown;
  /** What an `enterprise` field returns for a credit code: the key alone where the subgraph only extends Enterprise. */
  enterpriseByCode?: (creditCode: string, ctx: SubgraphContext) => unknown;
}

const childrenOf = (code: string) => REGIONS.filter((r) => r.parentCode === code).map((r) => r.code);

/**
 * The resolvers that add a department's namespace field, taking the month, to Region and
 * Enterprise, and what its figures can tell beyond the month's rows: progress against the
 * region's targets, the ranking of the districts, and the regions behind on their targets in the
 * month's warning report (see `departmentWarningResolvers`). Rows come through per-request loaders, so a
 * page of 200 enterprises costs one SQL statement per subgraph.
 */
export function namespaceResolvers<F extends DepartmentFigures>(namespace: DepartmentNamespace<F>, entities: SharedEntities): Function[] {
  const regionByCode = entities.regionByCode ?? ((code: string) => ({ code }));
  const load = async (ctx: SubgraphContext, kind: SubjectType, code: string, month: string, asOf?: Date | null): Promise<F> => {
    const reader = ctx.figures.at(asOf);
    const figures = new namespace.figures();
    return figures.init(await reader.subject(figures.catalogue, { kind, code }, month));
  };
  const asOfOptions = { nullable: true, description: 'Figures as they stood at this time, before later corrections (as the meeting saw them then).' };

  @Resolver(() => entities.Region)
  class RegionNamespaceResolver {
    // Nullable: the department may be down or refuse; that nulls its figures, never the region (README, "Nullability designed for failure").
    @FieldResolver(() => namespace.figures, { name: namespace.field, nullable: true, description: `${namespace.description} for this region and month; null (with an error naming the department) when the department cannot answer.` })
    figures(
      @Root() region: { code: string },
      @Arg('month', () => MonthScalar, MONTH_ARGUMENT) month: string,
      @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
      @Ctx() ctx: SubgraphContext,
    ): Promise<F> {
      return load(ctx, 'REGION', region.code, month, asOf);
    }
  }

  @Resolver(() => entities.Enterprise)
  class EnterpriseNamespaceResolver {
    @FieldResolver(() => namespace.figures, { name: namespace.field, nullable: true, description: `${namespace.description} for this enterprise and month; null (with an error naming the department) when the department cannot answer.` })
    figures(
      @Root() enterprise: { creditCode: string },
      @Arg('month', () => MonthScalar, MONTH_ARGUMENT) month: string,
      @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
      @Ctx() ctx: SubgraphContext,
    ): Promise<F> {
      return load(ctx, 'ENTERPRISE', enterprise.creditCode, month, asOf);
    }
  }

  @Resolver(() => namespace.figures)
  class FiguresResolver {
    @Directive('@listSize(assumedSize: 20)')
    @FieldResolver(() => [TargetProgress], {
      nullable: true,
      description: 'Progress towards this region’s annual targets on the department’s indicators (目标完成进度), against time progress (序时进度). Empty for enterprises. A target whose figure the caller may not read is listed `withheld`, its progress null.',
    })
    async targets(@Root() figures: F, @Ctx() ctx: SubgraphContext): Promise<TargetProgress[]> {
      if (figures.subject.kind !== 'REGION') return [];
      const year = Number(figures.month.slice(0, 4));
      const targets = targetsForMonth(await ctx.figures.at(figures.subject.asOf).targets(year, { region: figures.subject.code }), figures.month);
      // Progress is derived from the figure: a target on an indicator the caller may not read is
      // listed withheld, its progress null (left out, it read as "no target": a tester's finding).
      const progress: TargetProgress[] = [];
      for (const t of targets) {
        if (!figures.catalogue.has(t.indicator)) continue;
        const actual = figures.readable(t.indicator);
        if (actual === undefined) {
          progress.push(withheldTargetProgress(t, figures.catalogue.get(t.indicator), figures.month, ctx.access.reads.refused));
          continue;
        }
        // A period not starting in January (Q2, H2, Q3, Q4) is judged from the month before it: read through the same path.
        const baseMonth = periodBaseMonth(figures.month, t.period ?? 'YEAR');
        const base = baseMonth ? (await ctx.figures.at(figures.subject.asOf).subject(figures.catalogue, figures.subject, baseMonth)).tryGet(t.indicator) ?? null : null;
        progress.push(targetProgress(t, figures.catalogue.get(t.indicator), figures.month, actual, base));
      }
      return progress;
    }

    // One rank per region under the subject (the city has 9 districts, counties and zones); each reads every region's figure.
    @Directive('@listSize(assumedSize: 12)')
    @Directive('@cost(weight: 12)')
    @FieldResolver(() => [RegionRank], {
      nullable: true,
      description: 'The regions under this one (for the city: its districts, counties and zones) ranked on an indicator for the month (排名通报), best first: highest first, lowest first for a lower-is-better indicator (an intensity); equal values share a rank.',
    })
    async ranking(
      @Root() figures: F,
      @Arg('indicator', { description: 'Indicator code from the department’s catalogue.' }) indicator: string,
      @Arg('by', () => RankingBasis, RANKING_BASIS_ARGUMENT) by: RankingBasis,
      @Ctx() ctx: SubgraphContext,
    ): Promise<RegionRank[]> {
      if (!figures.catalogue.has(indicator)) throw unknownIndicator('ranking.indicator', indicator, figures.catalogue.codes());
      if (figures.subject.kind !== 'REGION') return [];
      // A rank is derived from every region's figure: the read path checks the indicator and records each region read.
      const children = childrenOf(figures.subject.code);
      const observations = await ctx.figures.at(figures.subject.asOf).ranking(`${namespace.field}.ranking(${indicator})`, figures.catalogue, indicator, children, figures.month);
      return rankObservations(observations, figures.catalogue.get(indicator), by, children);
    }
  }

  @Resolver(() => Target)
  class TargetRegionResolver {
    @FieldResolver(() => entities.Region, { description: 'The region the target is set for.' })
    region(@Root() target: Target, @Ctx() ctx: SubgraphContext): unknown {
      return regionByCode(target.regionCode, ctx);
    }
  }

  @Resolver(() => RegionRank)
  class RankRegionResolver {
    @FieldResolver(() => entities.Region, { description: 'The region ranked.' })
    region(@Root() rank: RegionRank, @Ctx() ctx: SubgraphContext): unknown {
      return regionByCode(rank.regionCode, ctx);
    }
  }

  return [
    RegionNamespaceResolver,
    EnterpriseNamespaceResolver,
    FiguresResolver,
    TargetRegionResolver,
    RankRegionResolver,
    // The warning report: the regions behind on the department's targets, and whom a warning names.
    ...departmentWarningResolvers(namespace, entities),
  ];
}
