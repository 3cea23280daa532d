import type { GraphQLResolveInfo } from 'graphql';
import { Directive, Arg, Ctx, Field, FieldResolver, Info, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import {
  badUserInput,
  CITY_CODE,
  CreditCodeScalar,
  IndustryCodeScalar,
  isCreditCode,
  RegionCodeScalar,
  selects,
  type SubgraphContext,
} from '@huishang/schema';
import type { FilterQuery } from '@mikro-orm/core';
import { Enterprise } from '../entities/Enterprise';
import { Region } from '../entities/Region';

/** Largest page a client may ask for: the 200-enterprise meeting page fits, a full dump does not. */
export const MAX_PAGE_SIZE = 500;

@ObjectType({ description: 'An enterprise in a page of results, with the cursor that points at it.' })
class EnterpriseEdge {
  @Field({ description: 'Opaque cursor: pass it as `after` to continue behind this enterprise.' })
  cursor: string;

  @Field(() => Enterprise)
  node: Enterprise;
}

@ObjectType({ description: 'Where a page stands in the whole list (Relay cursor connections).' })
class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType({ description: 'A page of enterprises (Relay connection), ordered by credit code.' })
class EnterpriseConnection {
  @Field(() => [EnterpriseEdge])
  edges: EnterpriseEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'How many enterprises match, over all pages.' })
  totalCount: number;
}

const encodeCursor = (creditCode: string) => Buffer.from(`enterprise:${creditCode}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const code = decoded.startsWith('enterprise:') ? decoded.slice('enterprise:'.length) : '';
  if (!isCreditCode(code)) throw badUserInput('after', `${JSON.stringify(cursor)} is not a cursor this API issued; pass an endCursor or edge cursor from a previous page`);
  return code;
}

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Query(() => Enterprise, { nullable: true, description: 'An enterprise by its unified social credit code; null if the register has none.' })
  enterprise(@Arg('creditCode', () => CreditCodeScalar) creditCode: string, @Ctx() ctx: SubgraphContext): Promise<Enterprise | null> {
    return ctx.loaders.enterprises.load(creditCode) as Promise<Enterprise | null>;
  }

  // A page holds `first` edges (default 50); totalCount is one count(*) more.
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)')
  @Query(() => EnterpriseConnection, { nullable: true, description: 'Enterprises of the register (企业名录), a page at a time, ordered by credit code; null (with an error naming the department) when the industry department cannot answer.' })
  async enterprises(
    @Ctx() ctx: SubgraphContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Only enterprises of this district; the city code means all.' }) region?: string | null,
    @Arg('industry', () => IndustryCodeScalar, { nullable: true, description: 'Only enterprises in this section, division, group or class.' }) industry?: string | null,
    @Arg('keyOnly', () => Boolean, { defaultValue: false, description: 'Only the 100 key enterprises (百户重点企业).' }) keyOnly?: boolean,
    @Arg('aboveDesignatedSizeOnly', () => Boolean, { defaultValue: false, description: 'Only enterprises above designated size (规上).' }) aboveDesignatedSizeOnly?: boolean,
    @Arg('first', () => Int, { defaultValue: 50, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last enterprise of the previous page.' }) after?: string | null,
  ): Promise<EnterpriseConnection> {
    const size = first ?? 50;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badUserInput('first', `must be between 1 and ${MAX_PAGE_SIZE}, got ${size}`);
    const where: FilterQuery<Enterprise> = {};
    if (region && region !== CITY_CODE) where.regionCode = region;
    if (industry) where.industryCode = { $like: `${industry}%` };
    if (keyOnly) where.keyEnterprise = true;
    if (aboveDesignatedSizeOnly) where.aboveDesignatedSize = true;
    // Counting costs a statement; only pay it when the client asked for totalCount.
    const totalCount = selects(info, 'totalCount') ? await ctx.em.count(Enterprise, where) : 0;
    const page = await ctx.em.find(
      Enterprise,
      after ? { ...where, creditCode: { $gt: decodeCursor(after) } } : where,
      { orderBy: { creditCode: 'asc' }, limit: size + 1 },
    );
    const hasNextPage = page.length > size;
    const edges = page.slice(0, size).map((node) => ({ cursor: encodeCursor(node.creditCode), node }));
    return { edges, totalCount, pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null } };
  }

  @FieldResolver(() => Region, { description: 'The region where the enterprise is registered.' })
  region(@Root() enterprise: Enterprise, @Ctx() ctx: SubgraphContext): Promise<Region> {
    return ctx.loaders.regions.load(enterprise.regionCode) as Promise<Region>;
  }
}
