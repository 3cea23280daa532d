import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { RegionCodeScalar, type SubgraphContext } from '@huishang/schema';
import { Region } from '../entities/Region';
import { Target } from '../entities/Target';

@Resolver(() => Target)
export class TargetResolver {
  @Query(() => [Target], { description: 'Annual targets (目标任务) for a year: the city’s and each district’s share.' })
  targets(
    @Arg('year', () => Int) year: number,
    @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Only this region’s targets.' }) region: string | null,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Target[]> {
    return ctx.em.find(Target, region ? { year, regionCode: region } : { year }, { orderBy: { regionCode: 'asc', id: 'asc' } });
  }

  @FieldResolver(() => Region, { description: 'The region the target is set for.' })
  region(@Root() target: Target, @Ctx() ctx: SubgraphContext): Promise<Region> {
    return ctx.loaders.regions.load(target.regionCode) as Promise<Region>;
  }
}

@Resolver(() => Region)
export class RegionTargetsResolver {
  @FieldResolver(() => [Target], { description: 'This region’s annual targets (目标任务) for a year.' })
  targets(@Root() region: Region, @Arg('year', () => Int) year: number, @Ctx() ctx: SubgraphContext): Promise<Target[]> {
    return ctx.em.find(Target, { year, regionCode: region.code }, { orderBy: { id: 'asc' } });
  }
}
