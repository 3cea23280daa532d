import { Arg, Ctx, Directive, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { badUserInput, EnterpriseGroupList, INDUSTRY_SECTIONS, IndustryCodeScalar, parseIndustryCode, type SubgraphContext } from '@huishang/schema';
import { Enterprise } from '../entities/Enterprise';
import { Cluster, Industry, IndustryLevel } from './entities';
import { CLUSTERS, clusterCodesOf, INDUSTRY_NAMES, industryLevel, industryName, industryNameEn, industryParent, type ClusterDefinition } from './catalogue';
import { parkList } from '../parks/resolvers';

interface RegisterRow {
  creditCode: string;
  regionCode: string;
  industryCode: string;
  industryName: string;
}

/** The register's enterprises (credit code, region, class), read once per request: a group's members are a filter over it. */
const registers = new WeakMap<object, Promise<RegisterRow[]>>();
function register(ctx: SubgraphContext): Promise<RegisterRow[]> {
  let rows = registers.get(ctx);
  if (!rows) {
    rows = ctx.em.find(Enterprise, {}, { fields: ['creditCode', 'regionCode', 'industryCode', 'industryName'], orderBy: { creditCode: 'asc' } }) as unknown as Promise<RegisterRow[]>;
    registers.set(ctx, rows);
  }
  return rows;
}

const within = (code: string, prefixes: readonly string[]) => prefixes.some((p) => code.startsWith(p));
const membersOf = (rows: readonly RegisterRow[], prefixes: readonly string[]) =>
  rows.filter((r) => within(r.industryCode, prefixes)).map((r) => ({ creditCode: r.creditCode, regionCode: r.regionCode }));

async function industryOf(code: string, ctx: SubgraphContext, always = false): Promise<Industry | null> {
  const rows = await register(ctx);
  const names = new Map(rows.map((r) => [r.industryCode, r.industryName]));
  const members = membersOf(rows, [code]);
  // Known: a section, a division of the standard's table here, or a code some enterprise lies under.
  const known = code.length === 1 || INDUSTRY_NAMES[code] !== undefined || members.length > 0;
  if (!known && !always) return null;
  return Object.assign(new Industry(), {
    code,
    level: industryLevel(code) as IndustryLevel,
    name: industryName(code, names),
    nameEn: industryNameEn(code),
    parentCode: industryParent(code),
    members,
  });
}

async function clusterOf(definition: ClusterDefinition, ctx: SubgraphContext): Promise<Cluster> {
  const rows = await register(ctx);
  return Object.assign(new Cluster(), { ...definition, industryCodes: [...definition.industryCodes], members: membersOf(rows, definition.industryCodes) });
}

@Resolver(() => Industry)
export class IndustryResolver {
  @Directive('@listSize(assumedSize: 100)')
  @Query(() => [Industry], {
    nullable: true,
    description:
      'Industries (行业, GB/T 4754-2017) of a level: every section, the divisions of manufacturing and any division, group or class with enterprises in the register; `within` narrows to those under a code.',
  })
  async industries(
    @Ctx() ctx: SubgraphContext,
    @Arg('level', () => IndustryLevel, { defaultValue: IndustryLevel.DIVISION, description: 'The level to list.' }) level: IndustryLevel,
    @Arg('within', () => IndustryCodeScalar, { nullable: true, description: 'Only codes under this one (e.g. `C` for manufacturing divisions).' }) withinCode?: string | null,
  ): Promise<Industry[]> {
    const rows = await register(ctx);
    const length = { SECTION: 1, DIVISION: 3, GROUP: 4, CLASS: 5 }[level];
    const codes = new Set<string>([...Object.keys(INDUSTRY_SECTIONS), ...Object.keys(INDUSTRY_NAMES), ...rows.map((r) => r.industryCode).flatMap((c) => [c, c.slice(0, 4), c.slice(0, 3), c.slice(0, 1)])]);
    const chosen = [...codes].filter((c) => c.length === length && (!withinCode || c.startsWith(withinCode))).sort();
    return (await Promise.all(chosen.map((c) => industryOf(c, ctx, true)))) as Industry[];
  }

  @Query(() => Industry, { nullable: true, description: 'An industry by its GB/T 4754-2017 code (`C`, `C38`, `C382`, `C3823`); null for a well-formed code this register knows nothing under.' })
  industry(@Arg('code', () => IndustryCodeScalar) code: string, @Ctx() ctx: SubgraphContext): Promise<Industry | null> {
    return industryOf(code, ctx);
  }

  // No `parent` or `clusters` here: Industry → Cluster → Industry would be a cycle in the schema (the
  // access sweep walks it whole); `parentCode` and `Enterprise.clusters` / `Cluster.industries` say the same.
}

@Resolver(() => Cluster)
export class ClusterResolver {
  @Directive('@listSize(assumedSize: 12)')
  @Query(() => [Cluster], { nullable: true, description: 'The city’s industrial clusters (产业集群, 许政[2015]39号 items 七 and 九), in the paper’s order.' })
  clusters(@Ctx() ctx: SubgraphContext): Promise<Cluster[]> {
    return Promise.all(CLUSTERS.map((c) => clusterOf(c, ctx)));
  }

  @Query(() => Cluster, { nullable: true, description: 'A cluster by its code (`equipment`, `power-equipment`, …, `emerging`); BAD_USER_INPUT for an unknown code.' })
  cluster(@Arg('code') code: string, @Ctx() ctx: SubgraphContext): Promise<Cluster> {
    const definition = CLUSTERS.find((c) => c.code === code);
    if (!definition) throw badUserInput('code', `${JSON.stringify(code)} is not a cluster; known: ${CLUSTERS.map((c) => c.code).join(', ')}`);
    return clusterOf(definition, ctx);
  }

  @Query(() => EnterpriseGroupList, { nullable: true, description: 'The city’s clusters for ranking: every department ranks them on its own indicators, e.g. `clusterRankings { statistics(month: "2015-06", indicator: "STAT_MAIN_REVENUE") { rank groupCode value } }` (产业集群排名).' })
  clusterRankings(@Ctx() ctx: SubgraphContext): Promise<EnterpriseGroupList> {
    return clusterList(ctx);
  }

  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [Industry], { description: 'The industries the cluster is made of (its `industryCodes`).' })
  async industries(@Root() cluster: Cluster, @Ctx() ctx: SubgraphContext): Promise<Industry[]> {
    return (await Promise.all(cluster.industryCodes.map((c) => industryOf(c, ctx, true)))) as Industry[];
  }
}

@Resolver(() => Enterprise)
export class EnterpriseClustersResolver {
  @Directive('@listSize(assumedSize: 3)')
  @FieldResolver(() => [Cluster], { description: 'The clusters the enterprise belongs to, by its industry class (产业集群).' })
  clusters(@Root() enterprise: Enterprise, @Ctx() ctx: SubgraphContext): Promise<Cluster[]> {
    return Promise.all(clusterCodesOf(enterprise.industryCode).map((code) => clusterOf(CLUSTERS.find((c) => c.code === code)!, ctx)));
  }

  @FieldResolver(() => Industry, { description: 'The enterprise’s industry class (GB/T 4754-2017) as an industry: its name, parents, clusters and every department’s totals over it.' })
  async industryClass(@Root() enterprise: Enterprise, @Ctx() ctx: SubgraphContext): Promise<Industry> {
    return (await industryOf(enterprise.industryCode, ctx, true)) as Industry;
  }
}

async function clusterList(ctx: SubgraphContext): Promise<EnterpriseGroupList> {
  const clusters = await Promise.all(CLUSTERS.map((c) => clusterOf(c, ctx)));
  return Object.assign(new EnterpriseGroupList(), { typeName: 'Cluster', groups: clusters.map((c) => ({ code: c.code, members: c.members })) });
}

/** References from other subgraphs (a ranking naming a cluster): by key; null for an unknown one. */
export const groupReferences = {
  Industry: {
    __resolveReference: (reference: { code: string }, ctx: SubgraphContext) => {
      let code: string;
      try {
        code = parseIndustryCode(reference.code);
      } catch (error) {
        throw badUserInput('_entities.representations', `an Industry representation must carry its key "code": ${(error as Error).message}`, { argument: 'representations', typename: 'Industry', keyField: 'code' });
      }
      return industryOf(code, ctx);
    },
  },
  EnterpriseGroupList: {
    __resolveReference: (reference: { typeName: string }, ctx: SubgraphContext) => (reference.typeName === 'Cluster' ? clusterList(ctx) : reference.typeName === 'Park' ? parkList(ctx) : null),
  },
  Cluster: {
    __resolveReference: (reference: { code: string }, ctx: SubgraphContext) => {
      const definition = CLUSTERS.find((c) => c.code === reference.code);
      return definition ? clusterOf(definition, ctx) : null;
    },
  },
};

