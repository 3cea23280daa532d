import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { ApolloServer } from '@apollo/server';
import { getNamedType, getNullableType, isCompositeType, isListType, isObjectType, parse, specifiedRules, validate, type GraphQLError, type GraphQLObjectType, type GraphQLSchema, type ParseOptions } from 'graphql';
import { EXAMPLE_QUERIES } from '../src/examples';
import { aliasShadowsKeyRule, entityKeyFields, requiresSelections } from '../src/aliasKeys';
import { readSupergraph, repositoryRoot } from '../src/supergraph';
import {
  DEFAULT_LIST_SIZE,
  DEFAULT_MAX_QUERY_ALIASES,
  DEFAULT_MAX_QUERY_COST,
  DEFAULT_MAX_QUERY_TOKENS,
  DEFAULT_MAX_ROOT_FIELDS,
  aliasLimitRule,
  costDirectives,
  costLimitPlugin,
  countTokens,
  measureDocument,
  readProtectionConfig,
  rootFieldLimitRule,
  tokenLimitParseOptions,
} from '../src/protection';

/** The committed supergraph's API schema: what clients validate against. */
const schema: GraphQLSchema = Supergraph.build(readSupergraph({}).sdl).apiSchema().toGraphQLJSSchema();

const BRIEFING_DOCUMENT = readFileSync(join(repositoryRoot(), 'briefing', 'queries', 'meeting-pack.graphql'), 'utf8');

const DEFAULT_RULES = [
  aliasLimitRule(DEFAULT_MAX_QUERY_ALIASES),
  rootFieldLimitRule(DEFAULT_MAX_ROOT_FIELDS),
];

/** The committed supergraph's @cost and @listSize. */
const directives = costDirectives(readSupergraph({}).sdl);

function errors(query: string, rule: ReturnType<typeof aliasLimitRule>): readonly GraphQLError[] {
  return validate(schema, parse(query), [rule]);
}

function cost(query: string, variables?: Record<string, unknown>): number {
  const [measure] = measureDocument(schema, parse(query), directives, variables);
  return measure.cost;
}

/** Runs `query` through an Apollo Server with the cost plugin at `max`: the errors it answers. */
async function costRefusals(query: string, variables: Record<string, unknown> | undefined, max: number) {
  const server = new ApolloServer({ schema, plugins: [costLimitPlugin(max, directives)] });
  await server.start();
  try {
    const response = await server.executeOperation({ query, variables });
    return response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
  } finally {
    await server.stop();
  }
}

/** `n` aliased fields under one region: `a1: code a2: code …`. */
function aliased(n: number, name = 'Aliases'): string {
  return `query ${name} { region(code: "411002") { ${Array.from({ length: n }, (_, i) => `a${i + 1}: code`).join(' ')} } }`;
}

/** `n` root fields: `r1: region(code: "411002") { code } …`. */
function rootFields(n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `r${i + 1}: region(code: "411002") { code }`).join(' ')} }`;
}

/** A cyclic pair of fragments (NoFragmentCyclesRule refuses it; these rules must not loop on it). */
const CYCLE = `
  query Cycle { region(code: "411002") { ...A } }
  fragment A on Region { a: code children { ...B } }
  fragment B on Region { b: name children { ...A } }
`;

/** `depth` fragments, each spreading the next twice: 2^depth spreads if walked naively. */
function doubling(depth: number): string {
  const fragments = Array.from({ length: depth }, (_, i) =>
    i + 1 < depth ? `fragment F${i} on Region { x${i}: code parent { ...F${i + 1} } also: parent { ...F${i + 1} } }` : `fragment F${i} on Region { last: code }`,
  );
  return `query Doubling { region(code: "411002") { ...F0 } } ${fragments.join('\n')}`;
}

describe('readProtectionConfig', () => {
  it('has defaults and reads each variable', () => {
    expect(readProtectionConfig({})).toEqual({
      maxAliases: DEFAULT_MAX_QUERY_ALIASES,
      maxRootFields: DEFAULT_MAX_ROOT_FIELDS,
      maxCost: DEFAULT_MAX_QUERY_COST,
      maxTokens: DEFAULT_MAX_QUERY_TOKENS,
    });
    expect(readProtectionConfig({ MAX_QUERY_ALIASES: '5', MAX_ROOT_FIELDS: ' 3 ', MAX_QUERY_COST: '1000', MAX_QUERY_TOKENS: '700', MAX_QUERY_DEPTH: 'x' })).toEqual({
      maxAliases: 5,
      maxRootFields: 3,
      maxCost: 1000,
      maxTokens: 700,
    });
    expect(readProtectionConfig({ MAX_QUERY_COST: '' }).maxCost).toBe(DEFAULT_MAX_QUERY_COST);
  });

  it.each([
    ['MAX_QUERY_ALIASES', 'many'],
    ['MAX_ROOT_FIELDS', '0'],
    ['MAX_QUERY_COST', '-5'],
    ['MAX_QUERY_TOKENS', '1.5'],
    ['MAX_QUERY_COST', '5e30'],
  ])('refuses %s=%s with one sentence naming it', (name, raw) => {
    expect(() => readProtectionConfig({ [name]: raw })).toThrow(new Error(`${name} must be a whole number of at least 1, got ${JSON.stringify(raw)}`));
  });
});

describe('aliasLimitRule', () => {
  it('accepts a query at the limit and refuses one over it, naming the limit', () => {
    expect(errors(aliased(30), aliasLimitRule(30))).toEqual([]);
    const [error, ...rest] = errors(aliased(31), aliasLimitRule(30));
    expect(rest).toEqual([]);
    expect(error.message).toBe('query "Aliases" uses 31 aliases; at most 30 are allowed (MAX_QUERY_ALIASES)');
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30, actual: 31, operation: 'Aliases' });
  });

  it('counts a fragment each time it is spread, and inline fragments', () => {
    const query = `{ region(code: "411002") { ...Two p: parent { ...Two ... on Region { q: code } } } } fragment Two on Region { x: code y: name }`;
    // p, q, and Two (2 aliases) twice
    expect(errors(query, aliasLimitRule(6))).toEqual([]);
    const [error] = errors(query, aliasLimitRule(5));
    expect(error.message).toBe('query uses 6 aliases; at most 5 are allowed (MAX_QUERY_ALIASES)');
    expect(error.extensions).toMatchObject({ limit: 'aliases', actual: 6, operation: null });
  });

  it('survives fragment cycles and doubling fragments', () => {
    expect(errors(CYCLE, aliasLimitRule(2))).toEqual([]);
    expect(errors(CYCLE, aliasLimitRule(1))).toHaveLength(1);
    const [error] = errors(doubling(40), aliasLimitRule(DEFAULT_MAX_QUERY_ALIASES));
    expect(error.extensions).toMatchObject({ limit: 'aliases', actual: 3 * 2 ** 39 - 2 });
  });
});

describe('rootFieldLimitRule', () => {
  it('accepts a query at the limit and refuses one over it, naming the limit', () => {
    expect(errors(rootFields(10), rootFieldLimitRule(10))).toEqual([]);
    const [error, ...rest] = errors(rootFields(11), rootFieldLimitRule(10));
    expect(rest).toEqual([]);
    expect(error.message).toBe('query selects 11 root fields; at most 10 are allowed (MAX_ROOT_FIELDS)');
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'rootFields', max: 10, actual: 11, operation: null });
  });

  it('follows fragments and inline fragments at the root, counts response keys, and lets __typename go free', () => {
    const query = `query Root {
      __typename
      a: region(code: "411002") { code }
      ...Roots
      ... on Query { c: regions { code } __typename }
      ...Roots
      a: region(code: "411002") { name }
    }
    fragment Roots on Query { b: region(code: "411023") { code } regions { code } }`;
    // a, b, regions, c
    expect(errors(query, rootFieldLimitRule(4))).toEqual([]);
    const [error] = errors(query, rootFieldLimitRule(3));
    expect(error.message).toBe('query "Root" selects 4 root fields; at most 3 are allowed (MAX_ROOT_FIELDS)');
  });

  it('survives fragment cycles at the root', () => {
    const query = `{ ...A } fragment A on Query { a: regions { code } ...B } fragment B on Query { b: regions { code } ...A }`;
    expect(errors(query, rootFieldLimitRule(2))).toEqual([]);
    expect(errors(query, rootFieldLimitRule(1))).toHaveLength(1);
  });
});

describe('the cost limit (@listSize / @cost, with the request’s variables)', () => {
  it('costs 1 a field, times the declared sizes of the lists above it', () => {
    expect(cost(`{ region(code: "411002") { code name } }`)).toBe(3);
    // Query.regions and Region.children: @listSize(assumedSize: 12), the city and its 9 districts with room
    expect(directives.listSizes.get('Query.regions')).toEqual({ assumedSize: 12, slicingArguments: undefined, sizedFields: undefined });
    expect(cost(`{ regions { code name } }`)).toBe(1 + 12 * 2);
    expect(cost(`{ regions { code children { code name } } }`)).toBe(1 + 12 * (1 + 1 + 12 * 2));
    expect(cost(`{ region(code: "411002") { __typename } }`)).toBe(2);
  });

  it('weighs a field by its @cost: a ranking reads every region’s figure', () => {
    expect(directives.weights.get('FinanceFigures.ranking')).toBe(12);
    expect(cost(`{ region(code: "411000") { finance(month: "2015-06") { ranking(indicator: "FIN_LOANS_OUTSTANDING") { rank } } } }`)).toBe(1 + 1 + 12 + 12 * 1);
  });

  it("sizes a connection's edges by its first argument as the request gives it: literal, the variable's actual value, its default, the schema's default", () => {
    const page = (args: string, variables = '') => `query Page${variables} { enterprises(${args}) { totalCount pageInfo { hasNextPage } edges { cursor node { name } } } }`;
    // enterprises + totalCount + pageInfo + hasNextPage + edges + n × (cursor + node + name)
    expect(cost(page('first: 5'))).toBe(5 + 5 * 3);
    expect(cost(page('first: $first', '($first: Int!)'), { first: 7 })).toBe(5 + 7 * 3);
    expect(cost(page('first: $first', '($first: Int!)'), { first: 100_000 })).toBe(5 + 100_000 * 3);
    expect(cost(page('first: $first', '($first: Int = 20)'))).toBe(5 + 20 * 3);
    expect(cost(page('first: $first', '($first: Int = 20)'), { first: 2 })).toBe(5 + 2 * 3);
    // no argument: the schema's `first: Int! = 50`
    expect(cost(page('keyOnly: true'))).toBe(5 + 50 * 3);
  });

  it('every list of objects in the composed supergraph declares its size (@listSize), or is sized by its connection', () => {
    const sizedByConnection = new Set([...directives.listSizes.entries()].flatMap(([coordinate, size]) => {
      const [typeName, fieldName] = coordinate.split('.');
      const type = schema.getType(typeName) as GraphQLObjectType | undefined;
      const target = type ? getNamedType(type.getFields()[fieldName]?.type) : undefined;
      return (size.sizedFields ?? []).map((f) => `${target?.name}.${f}`);
    }));
    const undeclared = Object.values(schema.getTypeMap())
      .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'))
      .flatMap((t) => Object.values(t.getFields()).filter((f) => isListType(getNullableType(f.type)) && isCompositeType(getNamedType(f.type))).map((f) => `${t.name}.${f.name}`))
      .filter((coordinate) => !directives.listSizes.has(coordinate) && !sizedByConnection.has(coordinate));
    expect(undeclared).toEqual([]);
  });

  it('the same operation passes with small variables and is refused with huge ones, naming the estimate and the limit', async () => {
    const query = `query Page($first: Int!) { enterprises(first: $first) { edges { node { name creditCode } } } }`;
    expect(cost(query, { first: 100 })).toBe(2 + 100 * 3);
    // Served (no resolvers here: only the cost plugin's refusal matters).
    expect((await costRefusals(query, { first: 100 }, 302)).filter((e) => e.extensions?.code === 'QUERY_TOO_COMPLEX')).toEqual([]);
    const [error, ...rest] = await costRefusals(query, { first: 101 }, 302);
    expect(rest).toEqual([]);
    expect(error.message).toBe('query "Page" has an estimated cost of 305; at most 302 is allowed (MAX_QUERY_COST)');
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 302, actual: 305, operation: 'Page' });
  });

  it('refuses lists nested in lists and huge pages at the default limit', () => {
    const nested = `{ regions { children { children { children { children { code name level } } } } } }`;
    expect(cost(nested)).toBeGreaterThan(DEFAULT_MAX_QUERY_COST);
    expect(cost(`{ enterprises(first: 1000000) { edges { node { name } } } }`)).toBeGreaterThan(DEFAULT_MAX_QUERY_COST);
  });

  it('counts fragments where spread and leaves introspection free', () => {
    const query = `{ regions { ...R } region(code: "411002") { ...R } } fragment R on Region { code name }`;
    expect(cost(query)).toBe(1 + 12 * 2 + 1 + 2);
    const introspection = `{ __schema { types { name fields { name args { name type { name ofType { name ofType { name } } } } } } } }`;
    expect(cost(introspection)).toBe(0);
  });

  it('survives fragment cycles and doubling fragments', () => {
    expect(cost(CYCLE)).toBeLessThan(DEFAULT_MAX_QUERY_COST);
    expect(cost(doubling(40))).toBeGreaterThan(DEFAULT_MAX_QUERY_COST);
  });
});

describe("the gateway's own documents at the defaults", () => {
  it.each(EXAMPLE_QUERIES.map((e) => [e.title, e.query] as const))('the example "%s" passes', (_title, query) => {
    expect(validate(schema, parse(query, tokenLimitParseOptions(DEFAULT_MAX_QUERY_TOKENS)), [...specifiedRules, ...DEFAULT_RULES])).toEqual([]);
  });

  it("the briefing tool's persisted meeting pack passes, with room to spare", () => {
    const document = parse(BRIEFING_DOCUMENT, tokenLimitParseOptions(DEFAULT_MAX_QUERY_TOKENS));
    expect(validate(schema, document, [...specifiedRules, ...DEFAULT_RULES, aliasShadowsKeyRule(entityKeyFields(readSupergraph({}).sdl), requiresSelections(readSupergraph({}).sdl))]).map((e) => e.message)).toEqual([]);
    const [measure] = measureDocument(schema, document, directives);
    expect(measure.operation).toBe('MeetingPack');
    // These limits must not come close to refusing the briefing tool: keep it under 80% of each.
    expect(measure.aliases).toBeLessThanOrEqual(0.8 * DEFAULT_MAX_QUERY_ALIASES);
    expect(measure.rootFields).toBeLessThanOrEqual(0.8 * DEFAULT_MAX_ROOT_FIELDS);
    expect(measure.cost).toBeLessThanOrEqual(0.8 * DEFAULT_MAX_QUERY_COST);
    expect(countTokens(BRIEFING_DOCUMENT)).toBeLessThanOrEqual(0.8 * DEFAULT_MAX_QUERY_TOKENS);
  });
});

describe('tokenLimitParseOptions', () => {
  it("is graphql's maxTokens parse option; comments do not count", () => {
    const options: ParseOptions = tokenLimitParseOptions(7);
    expect(options).toEqual({ maxTokens: 7 });
    const query = '# a comment is not a token\n{ region(code: "411002") { code } }';
    expect(countTokens(query)).toBe(11); // { region ( code : "411002" ) { code } }
    expect(() => parse(query, tokenLimitParseOptions(11))).not.toThrow();
    expect(() => parse(query, tokenLimitParseOptions(10))).toThrow(/Document contains more that 10 tokens\. Parsing aborted\./);
  });

  it('is applied by Apollo Server through its parseOptions: a parse failure before validation', async () => {
    const server = new ApolloServer({ typeDefs: 'type Query { a: Int b: Int }', resolvers: { Query: { a: () => 1, b: () => 2 } }, parseOptions: tokenLimitParseOptions(3) });
    await server.start();
    try {
      const ok = await server.executeOperation({ query: '{ a }' });
      expect(ok.body.kind === 'single' && ok.body.singleResult.errors).toBeUndefined();
      const refused = await server.executeOperation({ query: '{ a b }' });
      expect(refused.http.status).toBe(400);
      const errors = refused.body.kind === 'single' ? refused.body.singleResult.errors : undefined;
      expect(errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['GRAPHQL_PARSE_FAILED', 'Syntax Error: Document contains more that 3 tokens. Parsing aborted.']]);
    } finally {
      await server.stop();
    }
  });
});
