import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLSchema, Kind, parse, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { buildSchema, createResolversMap, type BuildSchemaOptions, type NonEmptyArray } from 'type-graphql';
import { authChecker, requireDeclaredWrites } from './authorization';

/** Federation 2 directives the subgraphs may use; 2.9 brings the demand-control directives @cost and @listSize (IBM GraphQL cost spec) the gateway sizes lists by. */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@tag", "@inaccessible", "@override", "@cost", "@listSize"])';

/** `__resolveReference` per entity type; `GraphQLResolverMap` is not exported by @apollo/subgraph. */
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: any, context: any, info: any) => unknown }>;

export interface SubgraphSchemaOptions {
  resolvers: NonEmptyArray<Function>;
  orphanedTypes?: Function[];
  referenceResolvers?: ReferenceResolvers;
}

export interface BuiltSubgraph {
  schema: GraphQLSchema;
  /** The subgraph's SDL as composition sees it (with the @link header). */
  sdl: string;
}

/**
 * type-graphql builds the schema; its printed SDL (directives kept) and resolver map are handed
 * to `buildSubgraphSchema`, which adds `_service`, `_entities` and the federation directives.
 */
export async function buildFederatedSchema(options: SubgraphSchemaOptions): Promise<BuiltSubgraph> {
  const typeGraphqlOptions: BuildSchemaOptions = {
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    // Subgraphs that only extend shared entities have no Query fields of their own.
    skipCheck: true,
    validate: false,
    // Every write states who may call it (@Writes → type-graphql's @Authorized), judged here.
    authChecker,
  };
  const schema = await buildSchema(typeGraphqlOptions);
  requireDeclaredWrites(schema, options.resolvers);
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`;
  const resolvers = createResolversMap(schema) as Record<string, any>;
  for (const [typeName, reference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  const federated = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  return { schema: federated, sdl };
}

/**
 * Whether the client selected `field` directly under the current field (through fragments too),
 * so a resolver can skip work nobody asked for, e.g. a `count(*)` for an unrequested `totalCount`.
 */
export function selects(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === field;
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet.selections);
      const fragment = info.fragments[s.name.value];
      return fragment ? visit(fragment.selectionSet.selections) : false;
    });
  return info.fieldNodes.some((node) => (node.selectionSet ? visit(node.selectionSet.selections) : false));
}
