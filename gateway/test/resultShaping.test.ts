import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { apolloComputeResponse, computeResponse, installedApolloGatewayVersion, installResultShaping, TESTED_APOLLO_GATEWAY_VERSION } from '../src/resultShaping';
import { repositoryRoot } from '../src/supergraph';

/**
 * The gateway's result shaping must answer exactly as @apollo/gateway's: same data, same errors
 * (message, path, code), for valid answers and for every way a subgraph answer can be wrong.
 * Both are run on the same operations and inputs, many of them generated.
 */

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])`;

const main = `${FEDERATION}
  scalar JSON
  enum Level { CITY DISTRICT COUNTY }
  interface Subject { code: ID! label: String }
  type Region implements Subject @key(fields: "code") {
    code: ID!
    label: String
    level: Level!
    population: Int
    share: Float
    active: Boolean!
    tags: [String!]
    matrix: [[Int]]
    extra: JSON
    parent: Region
    children: [Region!]!
  }
  type Enterprise implements Subject @key(fields: "code") {
    code: ID!
    label: String
    employees: Int!
    region: Region
  }
  union Anything = Region | Enterprise
  type Query {
    region(code: ID!): Region
    regions: [Region!]!
    subjects: [Subject]
    anything: [Anything!]
    count: Int!
  }
`;

const supergraph = (() => {
  const composed = composeServices([{ name: 'main', url: 'http://main/graphql', typeDefs: parse(main) }]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return Supergraph.build(composed.supergraphSdl);
})();

const introspection = (selection: { element: { name: string } }) => ({ introspected: selection.element.name });

function both(schema: Schema, query: string, input: Record<string, unknown> | null, variables: Record<string, unknown> = {}) {
  const operation = operationFromDocument(schema, parse(query), { validate: false });
  const run = (fn: typeof computeResponse) => {
    try {
      const { data, errors } = fn({ operation, variables, input: input === null ? null : structuredClone(input), introspectionHandling: introspection as never });
      return { data: JSON.parse(JSON.stringify(data ?? null)), errors: errors.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })) };
    } catch (error) {
      return { thrown: (error as Error).message };
    }
  };
  return { ours: run(computeResponse), apollo: run(apolloComputeResponse) };
}

const expectSame = (schema: Schema, query: string, input: Record<string, unknown> | null, variables?: Record<string, unknown>) => {
  const { ours, apollo } = both(schema, query, input, variables);
  expect(ours).toEqual(apollo);
  return ours;
};

const api = supergraph.apiSchema();

describe('result shaping equals @apollo/gateway', () => {
  const QUERY = `query Q($skipPop: Boolean!, $withTags: Boolean!) {
    regions {
      __typename
      kind: __typename
      code
      name: label
      level
      population @skip(if: $skipPop)
      share
      active
      tags @include(if: $withTags)
      matrix
      extra
      parent { code parent { code } }
      children { code level ... on Region { active } }
    }
    subjects { __typename code ... on Region { level } ... on Enterprise { employees region { code } } }
    anything { ... on Region { code level } ... on Enterprise { code employees } }
    count
    __schema { queryType { name } }
  }`;
  const region = (code: string, extra: Record<string, unknown> = {}) => ({
    __typename: 'Region',
    kind: 'Region',
    code,
    name: `R${code}`,
    level: 'DISTRICT',
    population: 1000,
    share: 0.5,
    active: true,
    tags: ['a', 'b'],
    matrix: [[1, 2], [3, null]],
    extra: { any: ['thing', 1] },
    parent: { code: 'p', parent: null },
    children: [{ code: 'c1', level: 'COUNTY', __typename: 'Region', active: false }],
    ...extra,
  });
  const valid = () => ({
    regions: [region('1'), region('2')],
    subjects: [{ __typename: 'Region', code: '1', level: 'CITY' }, { __typename: 'Enterprise', code: 'e', employees: 3, region: { code: '1' } }, null],
    anything: [{ __typename: 'Enterprise', code: 'e', employees: 4 }, { __typename: 'Region', code: '9', level: 'COUNTY' }],
    count: 2,
  });

  it('shapes a valid answer: aliases, __typename, fragments on abstract types, @skip/@include, introspection', () => {
    for (const variables of [
      { skipPop: false, withTags: true },
      { skipPop: true, withTags: false },
    ]) {
      const result = expectSame(api, QUERY, valid(), variables);
      expect((result as { errors: unknown[] }).errors).toEqual([]);
    }
  });

  const corruptions: [string, (v: ReturnType<typeof valid>) => void][] = [
    ['a null in a non-null leaf bubbles to the list item and the non-null list', (v) => ((v.regions[1] as Record<string, unknown>).level = null)],
    ['a missing non-null field', (v) => delete (v.regions[0] as Record<string, unknown>).active],
    ['a string where an Int belongs', (v) => ((v.regions[0] as Record<string, unknown>).population = 'many')],
    ['a fraction where an Int belongs', (v) => ((v.regions[0] as Record<string, unknown>).population = 1.5)],
    ['NaN for a Float', (v) => ((v.regions[0] as Record<string, unknown>).share = NaN)],
    ['an integer for a Float is fine', (v) => ((v.regions[0] as Record<string, unknown>).share = 2)],
    ['a number for an ID', (v) => ((v.regions[0] as Record<string, unknown>).code = 7)],
    ['a fractional number for an ID', (v) => ((v.regions[0] as Record<string, unknown>).code = 7.5)],
    ['a string for a Boolean', (v) => ((v.regions[0] as Record<string, unknown>).active = 'yes')],
    ['an unknown enum value', (v) => ((v.regions[0] as Record<string, unknown>).level = 'PROVINCE')],
    ['an object for a String', (v) => ((v.regions[0] as Record<string, unknown>).name = { no: 1 })],
    ['anything for a custom scalar', (v) => ((v.regions[0] as Record<string, unknown>).extra = 42)],
    ['an unknown __typename', (v) => ((v.subjects[0] as Record<string, unknown>).__typename = 'Planet')],
    ['a null inside a non-null list of strings', (v) => ((v.regions[0] as Record<string, unknown>).tags = ['a', null])],
    ['a null in a nested list', (v) => ((v.regions[0] as Record<string, unknown>).matrix = [null, [null]])],
    ['a null non-null root field', (v) => ((v as Record<string, unknown>).count = null)],
    ['a null item of a non-null list of non-null unions', (v) => ((v.anything as unknown[])[0] = null)],
    ['null for the non-null children list', (v) => ((v.regions[0] as Record<string, unknown>).children = null)],
    ['a string __typename alias source', (v) => delete (v.regions[0] as Record<string, unknown>).kind],
  ];
  it.each(corruptions)('%s', (_name, corrupt) => {
    const input = valid();
    corrupt(input);
    expectSame(api, QUERY, input, { skipPop: false, withTags: true });
  });

  it('aliases named like Object.prototype members are plain response names', () => {
    // Response objects have an empty prototype (see RESPONSE_OBJECT): nothing is inherited, and
    // `__proto__` is an own property, as in Apollo's null-prototype objects.
    const text = '{"constructor":{"toString":"Huiji","__proto__":"410102","hasOwnProperty":"DISTRICT","valueOf":null}}';
    const ours = expectSame(api, '{ constructor: region(code: "410102") { toString: label __proto__: code hasOwnProperty: level valueOf: label } }', JSON.parse(text));
    expect(JSON.stringify(ours.data)).toBe(text);
    const missing = expectSame(api, '{ toString: region(code: "1") { code } constructor: count }', JSON.parse('{"toString":null}'));
    expect(missing.data).toBeNull();
    expect(missing.errors?.map((e) => e.path)).toEqual([['constructor']]);
  });

  it('a null or empty input', () => {
    expectSame(api, `{ count }`, null);
    expectSame(api, `{ count }`, {});
  });

  /** Random answers: every leaf sometimes null, of the wrong kind or missing; lists of random length. */
  it('agrees on 500 generated answers', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const leaf = (good: unknown) => (random() < 0.85 ? good : pick([null, undefined, 'x', 1.5, 3, true, NaN, {}, 'DISTRICT']));
    const regionValue = (depth: number): Record<string, unknown> | null => {
      if (random() < 0.05) return null;
      const r: Record<string, unknown> = {
        __typename: random() < 0.95 ? 'Region' : pick(['Enterprise', 'Nope', 5]),
        kind: leaf('Region'),
        code: leaf(String(Math.floor(random() * 100))),
        name: leaf('n'),
        level: leaf(pick(['CITY', 'DISTRICT', 'COUNTY'])),
        population: leaf(12),
        share: leaf(0.25),
        active: leaf(false),
        tags: random() < 0.9 ? Array.from({ length: Math.floor(random() * 3) }, () => leaf('t')) : leaf(null),
        matrix: random() < 0.9 ? [[leaf(1)], leaf(null)] : null,
        extra: leaf({ j: 1 }),
        parent: depth < 2 && random() < 0.7 ? regionValue(depth + 1) : null,
        children: depth < 2 ? Array.from({ length: Math.floor(random() * 3) }, () => regionValue(depth + 1)) : [],
      };
      for (const key of Object.keys(r)) if (r[key] === undefined) delete r[key];
      return r;
    };
    const outcomes = { clean: 0, errors: 0, thrown: 0, nullData: 0 };
    for (let i = 0; i < 500; i++) {
      const input = {
        regions: Array.from({ length: Math.floor(random() * 4) }, () => regionValue(0)),
        subjects: random() < 0.9 ? Array.from({ length: 3 }, () => (random() < 0.5 ? regionValue(1) : { __typename: 'Enterprise', code: leaf('e'), employees: leaf(5), region: regionValue(2) })) : null,
        anything: Array.from({ length: 2 }, () => (random() < 0.5 ? { __typename: 'Region', code: leaf('r'), level: leaf('CITY') } : { __typename: leaf('Enterprise'), code: leaf('e'), employees: leaf(9) })),
        count: leaf(1),
      };
      const result = expectSame(api, QUERY, input, { skipPop: random() < 0.5, withTags: random() < 0.5 }) as { thrown?: string; errors?: unknown[]; data?: unknown };
      if (result.thrown) outcomes.thrown++;
      else if (result.errors!.length) outcomes.errors++;
      else outcomes.clean++;
      if (!result.thrown && result.data === null) outcomes.nullData++;
    }
    // The generator reaches every outcome: clean answers, errors with partial data, data nulled entirely, throws.
    expect(outcomes.clean).toBeGreaterThan(5);
    expect(outcomes.errors).toBeGreaterThan(100);
    expect(outcomes.nullData).toBeGreaterThan(5);
    expect(outcomes.thrown).toBeGreaterThan(0);
  });
});

describe('result shaping equals @apollo/gateway on the committed supergraph', () => {
  const committed = Supergraph.build(readFileSync(join(repositoryRoot(), 'schema', 'supergraph.graphql'), 'utf8')).apiSchema();
  it('the meeting query on an answer shaped like the subgraphs give', () => {
    const query = `query M($month: Month!) { regions { code name level industry(month: $month) { indicators { indicator name unit value ytdValue yoyPct ytdYoyPct } } hr(month: $month) { indicators { indicator value } } } }`;
    const observation = (i: number) => ({ indicator: `X${i}`, name: '用电量', unit: '万千瓦时', value: i * 1.5, ytdValue: i % 3 ? null : i, yoyPct: -2.5, ytdYoyPct: 3 });
    const input = {
      regions: Array.from({ length: 10 }, (_, r) => ({
        __typename: 'Region',
        code: `41100${r}`,
        name: '魏都区',
        level: r === 3 ? 'PLANET' : 'DISTRICT',
        industry: { indicators: Array.from({ length: 5 }, (_, i) => observation(i)) },
        hr: { indicators: r === 5 ? null : [observation(1)] },
      })),
    };
    expectSame(committed, query, input, { month: '2015-06' });
  });
});

describe('installResultShaping', () => {
  it('puts ours in place by default, keeps Apollo with GATEWAY_RESULT_SHAPING=apollo, refuses anything else', () => {
    const module = require('@apollo/gateway/dist/resultShaping') as { computeResponse: unknown };
    expect(installResultShaping({ GATEWAY_RESULT_SHAPING: 'apollo' })).toBe('apollo');
    expect(module.computeResponse).toBe(apolloComputeResponse);
    expect(installResultShaping({})).toBe('huishang');
    expect(module.computeResponse).toBe(computeResponse);
    expect(() => installResultShaping({ GATEWAY_RESULT_SHAPING: 'fast' })).toThrow('GATEWAY_RESULT_SHAPING must be huishang or apollo, got "fast"');
  });

  it('is tested with the @apollo/gateway installed, and keeps Apollo\'s own, with a warning, under any other version', () => {
    const module = require('@apollo/gateway/dist/resultShaping') as { computeResponse: unknown };
    const installed = (require('@apollo/gateway/package.json') as { version: string }).version;
    expect(installedApolloGatewayVersion()).toBe(installed);
    expect(installed).toBe(TESTED_APOLLO_GATEWAY_VERSION);
    const warnings: string[] = [];
    expect(installResultShaping({}, '2.15.0', (m) => warnings.push(m))).toBe('apollo');
    expect(module.computeResponse).toBe(apolloComputeResponse);
    expect(warnings).toEqual([expect.stringContaining(`@apollo/gateway 2.15.0 is installed, but the faster result shaping was tested with ${TESTED_APOLLO_GATEWAY_VERSION} only`)]);
    expect(installResultShaping({}, TESTED_APOLLO_GATEWAY_VERSION, (m) => warnings.push(m))).toBe('huishang');
    expect(module.computeResponse).toBe(computeResponse);
    expect(warnings).toHaveLength(1);
  });
});
