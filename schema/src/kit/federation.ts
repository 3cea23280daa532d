import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { getNamedType, GraphQLError, GraphQLSchema, isNonNullType, isScalarType, isUnionType, Kind, parse, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { badUserInput, IdentifierError } from '../errors';
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
  guardEntities(federated);
  return { schema: federated, sdl };
}

/**
 * `_entities` as the gateway calls it, made safe against any representation (issue 11): each item
 * is resolved on its own, so one bad representation costs only its own place (null with a
 * BAD_USER_INPUT error at `_entities.<i>` naming `representations[i]`), never its neighbours, and a
 * representation that is not an object with the `__typename` of one of this subgraph's entities
 * (`"x"`, `{}`, `{"__typename":"Nope"}`, `{"__typename":"__proto__"}`) is refused before
 * @apollo/subgraph's resolver, which threw a plain Error for it (INTERNAL_SERVER_ERROR) and a
 * synchronous throw of one `__resolveReference` (a Region key that is no region code) failed the
 * whole list. Batching is kept: every item's reference resolver is still called in the same tick.
 */
function guardEntities(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const union = schema.getType('_Entity');
  if (!field?.resolve || !isUnionType(union)) return;
  const resolve = field.resolve;
  const entities = new Map(union.getTypes().map((t) => [t.name, keysOf(t)]));
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = args.representations;
    if (!Array.isArray(representations)) throw badUserInput('representations', 'must be a list of entity representations');
    return representations.map((representation: unknown, index) => {
      const at = `representations[${index}]`;
      const problem = representationProblem(representation, entities);
      if (problem) return badUserInput(at, problem, { argument: 'representations', index });
      try {
        const [item] = resolve(source, { representations: [representation] }, context, info) as unknown[];
        return item instanceof Promise ? item.catch((error: unknown) => itemError(error, at, index)) : item;
      } catch (error) {
        return itemError(error, at, index);
      }
    });
  };
}

/** An entity's keys as lists of its top-level fields with their types (a key with a nested selection is left to the resolver). */
type EntityKey = { name: string; type: GraphQLInputType | GraphQLOutputType }[];

function keysOf(type: GraphQLObjectType): EntityKey[] {
  const fields = type.getFields();
  const keys: EntityKey[] = [];
  for (const directive of type.astNode?.directives ?? []) {
    if (directive.name.value !== 'key') continue;
    const argument = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (argument?.kind !== Kind.STRING || argument.value.includes('{')) continue;
    const names = argument.value.split(/[\s,]+/).filter(Boolean);
    if (names.every((name) => fields[name])) keys.push(names.map((name) => ({ name, type: fields[name].type })));
  }
  return keys;
}

/**
 * What is wrong with a representation, or null: an object, with the `__typename` of one of this
 * service's entities (an own property: `__proto__` is no type), and the fields of one of its keys,
 * each of its scalar's JSON kind (a nullable one possibly null). The key's format is checked by the
 * entity's reference resolver (BAD_USER_INPUT, caught per item below).
 */
function representationProblem(representation: unknown, entities: ReadonlyMap<string, EntityKey[]>): string | null {
  if (representation === null || typeof representation !== 'object' || Array.isArray(representation)) return 'must be an object with `__typename` and the key fields';
  const typename = (representation as { __typename?: unknown }).__typename;
  if (typeof typename !== 'string' || !Object.prototype.hasOwnProperty.call(representation, '__typename')) return 'has no `__typename`';
  const keys = entities.get(typename);
  if (!keys) return `\`__typename\` ${JSON.stringify(typename).slice(0, 80)} is not an entity of this service`;
  let first: string | null = null;
  for (const key of keys) {
    const problem = keyProblem(representation as Record<string, unknown>, typename, key);
    if (!problem) return null;
    first ??= problem;
  }
  return first;
}

function keyProblem(representation: Record<string, unknown>, typename: string, key: EntityKey): string | null {
  for (const { name, type } of key) {
    const value = Object.prototype.hasOwnProperty.call(representation, name) ? representation[name] : undefined;
    if (value === undefined || value === null) {
      if (value === null && !isNonNullType(type)) continue;
      return `a ${typename} representation must carry its key "${key.map((k) => k.name).join(' ')}": it has no "${name}"`;
    }
    const named = getNamedType(type);
    if (!isScalarType(named)) continue;
    // The JSON kind only: whether a well-formed key is known (a region of the city, an enterprise of
    // the register) is the reference resolver's to say, with null for an unknown one.
    const number = named.name === 'Int' || named.name === 'Float';
    if (number ? typeof value !== 'number' : typeof value !== 'string') {
      return `a ${typename} representation must carry its key "${key.map((k) => k.name).join(' ')}": "${name}" must be a ${number ? 'number' : 'string'}, got ${JSON.stringify(value)?.slice(0, 60)}`;
    }
  }
  return null;
}

/** A reference resolver's failure for one item: a bad key is the caller's (BAD_USER_INPUT); a coded error keeps its code. */
function itemError(error: unknown, at: string, index: number): Error {
  if (error instanceof GraphQLError) return error;
  if (error instanceof IdentifierError) return badUserInput(at, error.message, { argument: 'representations', index });
  return error instanceof Error ? error : new Error(String(error));
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
