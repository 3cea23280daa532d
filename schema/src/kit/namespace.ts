import { Arg, Ctx, FieldResolver, GraphQLISODateTime, Resolver, Root, type ClassType } from 'type-graphql';
import { MonthScalar } from '../scalars';
import type { DepartmentFigures } from '../observation/DepartmentFigures';
import type { SubjectType } from '../observation/indicator';
import type { SubgraphContext } from './context';

export interface DepartmentNamespace<F extends DepartmentFigures> {
  /** Field name on Region and Enterprise: `energy`, `finance`, … */
  field: string;
  /** The department's figures type. */
  figures: new () => F;
  description: string;
}

/**
 * The resolvers that add a department's namespace field, taking the month, to Region and
 * Enterprise. Rows come through the per-request observation loader, so a page of 200
 * enterprises costs one SQL statement per subgraph.
 */
export function namespaceResolvers<F extends DepartmentFigures>(
  namespace: DepartmentNamespace<F>,
  entities: { Region: ClassType; Enterprise: ClassType },
): Function[] {
  const load = async (ctx: SubgraphContext, subjectType: SubjectType, subjectCode: string, month: string, asOf?: Date | null): Promise<F> =>
    new namespace.figures().init(month, await ctx.observations.load({ subjectType, subjectCode, month, asOf: asOf ? asOf.toISOString() : undefined }));
  const asOfOptions = { nullable: true, description: 'Figures as they stood at this time, before later corrections (as the meeting saw them then).' };

  @Resolver(() => entities.Region)
  class RegionNamespaceResolver {
    @FieldResolver(() => namespace.figures, { name: namespace.field, description: `${namespace.description} for this region and month.` })
    figures(
      @Root() region: { code: string },
      @Arg('month', () => MonthScalar) month: string,
      @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
      @Ctx() ctx: SubgraphContext,
    ): Promise<F> {
      return load(ctx, 'REGION', region.code, month, asOf);
    }
  }

  @Resolver(() => entities.Enterprise)
  class EnterpriseNamespaceResolver {
    @FieldResolver(() => namespace.figures, { name: namespace.field, description: `${namespace.description} for this enterprise and month.` })
    figures(
      @Root() enterprise: { creditCode: string },
      @Arg('month', () => MonthScalar) month: string,
      @Arg('asOf', () => GraphQLISODateTime, asOfOptions) asOf: Date | null,
      @Ctx() ctx: SubgraphContext,
    ): Promise<F> {
      return load(ctx, 'ENTERPRISE', enterprise.creditCode, month, asOf);
    }
  }

  return [RegionNamespaceResolver, EnterpriseNamespaceResolver];
}
