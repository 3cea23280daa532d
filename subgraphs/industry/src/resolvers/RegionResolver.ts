import { Directive, Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { RegionCodeScalar, type SubgraphContext } from '@huishang/schema';
import { Region, RegionLevel } from '../entities/Region';

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => Region, { nullable: true, description: 'A region by its code (地区).' })
  region(@Arg('code', () => RegionCodeScalar) code: string, @Ctx() ctx: SubgraphContext): Promise<Region | null> {
    return ctx.loaders.regions.load(code) as Promise<Region | null>;
  }

  // The city and its 9 districts, counties and zones.
  @Directive('@listSize(assumedSize: 12)')
  @Query(() => [Region], { nullable: true, description: 'The regions of the city, optionally of one level, in code order; null (with an error naming the department) when the industry department cannot answer.' })
  regions(@Arg('level', () => RegionLevel, { nullable: true }) level: RegionLevel | null, @Ctx() ctx: SubgraphContext): Promise<Region[]> {
    return ctx.em.find(Region, level ? { level } : {}, { orderBy: { code: 'asc' } });
  }

  @FieldResolver(() => Region, { nullable: true, description: 'The region this one belongs to; null for the city.' })
  parent(@Root() region: Region, @Ctx() ctx: SubgraphContext): Promise<Region | null> | null {
    return region.parentCode ? (ctx.loaders.regions.load(region.parentCode) as Promise<Region | null>) : null;
  }

  @Directive('@listSize(assumedSize: 12)')
  @FieldResolver(() => [Region], { description: 'Regions directly under this one (下辖地区).' })
  children(@Root() region: Region, @Ctx() ctx: SubgraphContext): Promise<Region[]> {
    return ctx.loaders.regionChildren.load(region.code) as Promise<Region[]>;
  }
}
