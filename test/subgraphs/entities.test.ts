/**
 * `_entities` as any caller holding the gateway's key could call it (issue 11): whatever the
 * representations, every subgraph answers per item — a bad representation costs only its own place
 * (null, with BAD_USER_INPUT naming `representations[i]`), never its neighbours — and no answer
 * carries a stack trace, in the default (development) mode the harness starts.
 */
import { completeCreditCode } from '@huishang/schema';
import { SUBGRAPHS, startSystem, type GraphQLResult, type SubgraphName, type System } from '../support/system';

let system: System;
let known: string;

beforeAll(async () => {
  system = await startSystem({ enterprises: 40 });
  known = (await system.query('{ enterprises(first: 1) { edges { node { creditCode } } } }')).data.enterprises.edges[0].node.creditCode;
}, 400_000);
afterAll(async () => {
  await system?.stop();
});

const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on Region { code } ... on Enterprise { creditCode } } }';
const entities = (subgraph: SubgraphName, representations: unknown[]): Promise<GraphQLResult> => system.query(ENTITIES, { representations }, system.subgraphUrl(subgraph));

function noStack(result: GraphQLResult): void {
  for (const error of result.errors ?? []) {
    expect(error.extensions).not.toHaveProperty('stacktrace');
    expect(JSON.stringify(error)).not.toMatch(/\/dist\/|\.js:\d+|node_modules/);
  }
}

const MALFORMED: [string, unknown][] = [
  ['an object without __typename', { creditCode: 'x' }],
  ['a string', 'x'],
  ['a number', 7],
  ['a list', [{ __typename: 'Region', code: '411002' }]],
  ['an unknown type', { __typename: 'Nope' }],
  ['__proto__ as the type', { __typename: '__proto__' }],
  ['constructor as the type', { __typename: 'constructor' }],
  ['a type that is not an entity', { __typename: 'Query' }],
  ['a non-string __typename', { __typename: 42 }],
  ['a Region without its key', { __typename: 'Region' }],
  ['a Region code that is no code', { __typename: 'Region', code: '4110' }],
  ['a Region code of the wrong type', { __typename: 'Region', code: 411002 }],
];

describe.each(SUBGRAPHS.map((s) => [s]))('%s', (subgraph) => {
  it.each(MALFORMED)('refuses %s at its own place, keeping the valid neighbours, without a stack', async (_what, bad) => {
    const result = await entities(subgraph, [{ __typename: 'Region', code: '411002' }, bad, { __typename: 'Region', code: '411023' }]);
    expect(result.data?._entities).toEqual([{ __typename: 'Region', code: '411002' }, null, { __typename: 'Region', code: '411023' }]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].path).toEqual(['_entities', 1]);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'representations' });
    expect(result.errors![0].message).toContain('representations');
    noStack(result);
  });

  it('a null representation is BAD_USER_INPUT for the variable, without a stack', async () => {
    const result = await entities(subgraph, [{ __typename: 'Region', code: '411002' }, null]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(result.errors![0].message).toMatch(/representations/);
    noStack(result);
  });

  it('an enterprise not in the register or a region not of the city (well formed) is null without an error; known ones answer', async () => {
    const result = await entities(subgraph, [
      { __typename: 'Enterprise', creditCode: completeCreditCode('91411002000000000') },
      { __typename: 'Enterprise', creditCode: known },
      { __typename: 'Region', code: '411099' },
      { __typename: 'Region', code: '411002' },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([null, { __typename: 'Enterprise', creditCode: known }, null, { __typename: 'Region', code: '411002' }]);
  });
});
