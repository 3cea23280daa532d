import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { getIntrospectionQuery, parse } from 'graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { createHttpServer, findRegion, listen, MonthScalar, notFound, RegionCodeScalar, sendJson } from '@huishang/schema';
import { startGateway, type RunningGateway } from '../src/gateway';

/**
 * The real gateway, over real HTTP, in front of two tiny real subgraphs: `industry` owns Region,
 * `energy` adds a field to it. Both use the shared scalars, as the departments' subgraphs do.
 */

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])`;

const industryTypeDefs = parse(`
  ${FEDERATION}
  scalar RegionCode
  enum RegionLevel { CITY DISTRICT COUNTY ZONE }
  type Region @key(fields: "code") {
    code: RegionCode!
    name: String!
    level: RegionLevel!
    parent: Region
  }
  type Query {
    region(code: RegionCode!): Region
    regions(level: RegionLevel): [Region!]!
    retired(code: String!): Region
  }
`);

const energyTypeDefs = parse(`
  ${FEDERATION}
  scalar RegionCode
  scalar Month
  scalar DateTimeISO
  type Region @key(fields: "code") {
    code: RegionCode!
    energy(month: Month!, asOf: DateTimeISO): EnergyFigures
  }
  type EnergyFigures {
    month: Month!
    electricity: Float!
  }
`);

type RegionRef = { code: string };
const region = (code: string) => {
  const record = findRegion(code);
  return record && { code: record.code, name: record.name, level: record.level, parentCode: record.parentCode };
};

interface TestSubgraph {
  name: string;
  url: string;
  /** Every request the subgraph received: its headers. */
  requests: IncomingHttpHeaders[];
  server: Server;
  apollo: ApolloServer;
}

async function startSubgraph(name: string, schema: ReturnType<typeof buildSubgraphSchema>): Promise<TestSubgraph> {
  // Stack traces on, as in a subgraph outside production: the gateway must not pass them on.
  const apollo = new ApolloServer({ schema, includeStacktraceInErrorResponses: true, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  await apollo.start();
  const requests: IncomingHttpHeaders[] = [];
  const server = createHttpServer({
    service: `${name} test subgraph`,
    apollo,
    context: async (req) => {
      requests.push(req.headers);
      return {};
    },
    routes: { '/ready': (_req, res) => sendJson(res, 200, { status: 'ready' }) },
  });
  const port = await listen(server, 0, name, `${name.toUpperCase()}_PORT`);
  return { name, url: `http://localhost:${port}/graphql`, requests, server, apollo };
}

async function stopSubgraph(subgraph: TestSubgraph): Promise<void> {
  if (!subgraph.server.listening) return;
  const closed = new Promise<void>((resolve) => subgraph.server.close(() => resolve()));
  subgraph.server.closeAllConnections();
  await closed;
  await subgraph.apollo.stop();
}

let industry: TestSubgraph;
let energy: TestSubgraph;
let gateway: RunningGateway;
let supergraphSdl: string;
let base: string;

const MAX_DEPTH = 6;

beforeAll(async () => {
  industry = await startSubgraph(
    'industry',
    buildSubgraphSchema({
      typeDefs: industryTypeDefs,
      resolvers: {
        RegionCode: RegionCodeScalar,
        Query: {
          region: (_: unknown, args: { code: string }) => region(args.code) ?? null,
          regions: () => [],
          retired: (_: unknown, args: { code: string }) => {
            throw notFound('Region', args.code);
          },
        },
        Region: {
          __resolveReference: (ref: RegionRef) => region(ref.code),
          parent: (r: { parentCode: string | null }) => (r.parentCode ? region(r.parentCode) : null),
        },
      },
    }),
  );
  energy = await startSubgraph(
    'energy',
    buildSubgraphSchema({
      typeDefs: energyTypeDefs,
      resolvers: {
        RegionCode: RegionCodeScalar,
        Month: MonthScalar,
        DateTimeISO: GraphQLISODateTime,
        Region: {
          __resolveReference: (ref: RegionRef) => ref,
          energy: (ref: RegionRef, args: { month: string }) => ({ month: args.month, electricity: ref.code === '411002' ? 12345.6 : 0 }),
        },
      },
    }),
  );
  // The routing URLs baked in here are unreachable on purpose: the gateway must use INDUSTRY_URL / ENERGY_URL.
  const composed = composeServices([
    { name: 'industry', typeDefs: industryTypeDefs, url: 'http://industry.invalid/graphql' },
    { name: 'energy', typeDefs: energyTypeDefs, url: 'http://energy.invalid/graphql' },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  supergraphSdl = composed.supergraphSdl;
  gateway = await startGateway({
    supergraphSdl: composed.supergraphSdl,
    port: 0,
    env: { INDUSTRY_URL: industry.url, ENERGY_URL: energy.url, MAX_QUERY_DEPTH: String(MAX_DEPTH) },
    handleSignals: false,
    // Stand-in subgraphs: authentication and the audit trail are tested end to end in test/access.
    access: false,
  });
  base = gateway.url.replace(/\/graphql$/, '');
});

afterAll(async () => {
  await gateway?.stop();
  for (const subgraph of [industry, energy]) if (subgraph) await stopSubgraph(subgraph);
});

async function graphql(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions: Record<string, unknown> }[];
  };
  return { status: response.status, headers: response.headers, ...body };
}

const subgraphCalls = () => industry.requests.length + energy.requests.length;

describe('gateway over real subgraphs', () => {
  it('uses the URLs from the environment, not the supergraph', () => {
    expect(Object.fromEntries(gateway.subgraphs)).toEqual({ industry: industry.url, energy: energy.url });
  });

  it('answers a query across both subgraphs', async () => {
    const result = await graphql(`{ region(code: "411002") { code name level energy(month: "2015-06") { month electricity } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      region: { code: '411002', name: '魏都区', level: 'DISTRICT', energy: { month: '2015-06', electricity: 12345.6 } },
    });
  });

  it('forwards only the request id to subgraphs, and echoes it', async () => {
    const before = { industry: industry.requests.length, energy: energy.requests.length };
    const result = await graphql(`query ($m: Month!) { region(code: "411024") { name energy(month: $m) { electricity } } }`, { m: '2015-06' }, {
      'x-request-id': 'meeting-2015-06-abc',
      authorization: 'Bearer analyst-token',
      cookie: 'session=secret',
      'x-department': 'finance',
    });
    expect(result.errors).toBeUndefined();
    expect(result.headers.get('x-request-id')).toBe('meeting-2015-06-abc');
    const sent = [...industry.requests.slice(before.industry), ...energy.requests.slice(before.energy)];
    expect(sent).toHaveLength(2);
    for (const headers of sent) {
      expect(headers['x-request-id']).toBe('meeting-2015-06-abc');
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
      expect(headers['x-department']).toBeUndefined();
    }
  });

  it('refuses a bad RegionCode literal with BAD_USER_INPUT naming the argument, without calling a subgraph', async () => {
    const calls = subgraphCalls();
    const result = await graphql(`{ region(code: "41100") { name } }`);
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.message).toBe(
      'Invalid value for argument "code" of field "Query.region": "41100" is not a valid region code (GB/T 2260 行政区划代码): must be exactly 6 digits, e.g. "411002"',
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Query.region', argument: 'code', reason: 'must be exactly 6 digits, e.g. "411002"' });
    expect(subgraphCalls()).toBe(calls);
  });

  it('refuses a bad variable with BAD_USER_INPUT naming the variable, without calling a subgraph', async () => {
    const calls = subgraphCalls();
    const month = await graphql(`query Figures($month: Month!) { region(code: "411002") { energy(month: $month) { electricity } } }`, { month: '2015-13' });
    expect(month.data ?? undefined).toBeUndefined();
    expect(month.errors).toHaveLength(1);
    expect(month.errors![0].message).toBe('Variable "$month" got invalid value "2015-13"; "2015-13" is not a valid month (YYYY-MM): month 13 does not exist; use 01 to 12');
    expect(month.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', variable: 'month', reason: 'month 13 does not exist; use 01 to 12' });

    const code = await graphql(`query ($code: RegionCode!) { region(code: $code) { name } }`, { code: '110101' });
    expect(code.errors![0].message).toMatch(/^Variable "\$code" got invalid value "110101"; .* is not a region of 许昌市/);
    expect(code.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', variable: 'code' });
    expect(subgraphCalls()).toBe(calls);
  });

  it('refuses a malformed asOf (a literal or a variable) with BAD_USER_INPUT naming it, without calling a subgraph; a good one passes', async () => {
    const calls = subgraphCalls();
    for (const bad of ['2015-07-20', 'yesterday', '2015-13-01T00:00:00Z', '2015-07-20T25:00:00Z']) {
      const literal = await graphql(`{ region(code: "411002") { energy(month: "2015-06", asOf: "${bad}") { electricity } } }`);
      expect(literal.status).toBe(400);
      expect(literal.errors).toHaveLength(1);
      expect(literal.errors![0].message).toMatch(new RegExp(`^Invalid value for argument "asOf" of field "Region.energy": "${bad}" is not a valid date and time`));
      expect(literal.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Region.energy', argument: 'asOf', scalar: 'DateTimeISO' });
      const variable = await graphql(`query ($asOf: DateTimeISO) { region(code: "411002") { energy(month: "2015-06", asOf: $asOf) { electricity } } }`, { asOf: bad });
      expect(variable.errors).toHaveLength(1);
      expect(variable.errors![0].message).toMatch(/^Variable "\$asOf" got invalid value/);
      expect(variable.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', variable: 'asOf', scalar: 'DateTimeISO', reason: literal.errors![0].extensions!.reason });
    }
    expect(subgraphCalls()).toBe(calls);
    for (const good of ['2015-07-20T00:00:00Z', '2015-07-20T08:00:00+08:00', '2015-07-20T08:00:00.123Z']) {
      const result = await graphql(`query ($asOf: DateTimeISO) { region(code: "411002") { energy(month: "2015-06", asOf: $asOf) { electricity } } }`, { asOf: good });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ region: { energy: { electricity: 12345.6 } } });
    }
  });

  it("passes a subgraph's error on with its code, without the subgraph's stack trace", async () => {
    const result = await graphql(`{ retired(code: "411023") { name } }`);
    expect(result.data).toEqual({ retired: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].message).toBe('Region "411023" does not exist');
    expect(result.errors![0].extensions).toEqual({ code: 'NOT_FOUND', what: 'Region', key: '411023', serviceName: 'industry', subgraph: 'industry' });
  });

  it('accepts good variables', async () => {
    const result = await graphql(`query ($code: RegionCode!, $month: Month!) { region(code: $code) { name energy(month: $month) { month } } }`, {
      code: '411071',
      month: '2015-02',
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ region: { name: '许昌经济技术开发区', energy: { month: '2015-02' } } });
  });

  it('refuses an over-deep query with QUERY_TOO_COMPLEX', async () => {
    let selection = 'name';
    // region > parent × (MAX_DEPTH − 2) > name: exactly MAX_DEPTH fields deep
    for (let level = 3; level <= MAX_DEPTH; level++) selection = `parent { ${selection} }`;
    const atLimit = await graphql(`query AtLimit { region(code: "411002") { ${selection} } }`);
    expect(atLimit.errors).toBeUndefined();

    const result = await graphql(`query TooDeep { region(code: "411002") { parent { ${selection} } } }`);
    expect(result.status).toBe(400);
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].message).toBe(`Operation "TooDeep" is nested ${MAX_DEPTH + 1} levels deep; the gateway accepts at most ${MAX_DEPTH} (MAX_QUERY_DEPTH). Split it into several smaller queries.`);
    expect(result.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', operation: 'TooDeep', depth: MAX_DEPTH + 1, maxDepth: MAX_DEPTH });
  });

  it("answers GraphiQL's introspection query although it is deeper than the limit", async () => {
    const result = await graphql(getIntrospectionQuery());
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Region', 'RegionCode', 'Month']));
  });

  it('serves GraphiQL at / and at /graphql for a browser, with local assets only', async () => {
    for (const path of ['/', '/graphql']) {
      const response = await fetch(`${base}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await response.text();
      expect(html).toContain('<title>Huishang 会商 — GraphQL</title>');
      expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9]/i);
      const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(references.length).toBe(6);
      for (const reference of references) expect(reference).toMatch(/^\/assets\//);
      const types = await Promise.all(
        references.map(async (reference) => {
          const asset = await fetch(`${base}${reference}`);
          const body = await asset.text();
          expect({ reference, status: asset.status, empty: body.length === 0 }).toEqual({ reference, status: 200, empty: false });
          // Versioned assets are cached for good; the demo token script never (it depends on who asks).
          expect(asset.headers.get('cache-control')).toBe(reference === '/assets/huishang/demo-headers.js' ? 'no-store' : 'public, max-age=31536000, immutable');
          return [reference.replace(/\?.*$/, ''), asset.headers.get('content-type')];
        }),
      );
      expect(Object.fromEntries(types)).toEqual({
        '/assets/graphiql/graphiql.min.css': 'text/css; charset=utf-8',
        '/assets/react/umd/react.production.min.js': 'text/javascript; charset=utf-8',
        '/assets/react-dom/umd/react-dom.production.min.js': 'text/javascript; charset=utf-8',
        '/assets/graphiql/graphiql.min.js': 'text/javascript; charset=utf-8',
        '/assets/huishang/graphiql-boot.js': 'text/javascript; charset=utf-8',
        '/assets/huishang/demo-headers.js': 'text/javascript; charset=utf-8',
      });
    }
  });

  it('still answers GET /graphql?query=… as GraphQL', async () => {
    const response = await fetch(`${base}/graphql?query=${encodeURIComponent('{ region(code: "411002") { name } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { region: { name: '魏都区' } } });
  });

  it('answers /health and /metrics', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'gateway', subgraphs: expect.arrayContaining([{ name: 'energy', ready: true, status: 200, breaker: 'closed' }]) });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^huishang_graphql_requests_total\{service="gateway"\} [1-9]\d*$/m);
    expect(text).toMatch(/^huishang_graphql_errors_total\{service="gateway",code="QUERY_TOO_COMPLEX"\} 1$/m);
  });

  it('answers an operation it cannot resolve with 400 and OPERATION_RESOLUTION_FAILURE', async () => {
    const two = await graphql('query A { region(code: "411002") { name } } query B { region(code: "411002") { code } }');
    expect(two.status).toBe(400);
    expect(two.errors![0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(two.errors![0].message).toMatch(/operation name/);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { region(code: "411002") { name } }', operationName: 'Nope' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ message: 'Unknown operation named "Nope".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
  });

  it('stays ready when a subgraph stops; /health and /metrics say which, and its fields are null with a coded error and a path', async () => {
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    await stopSubgraph(energy);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const health = (await (await fetch(`${base}/health`)).json()) as { degraded: string[]; subgraphs: { name: string; ready: boolean }[] };
    expect(health.degraded).toEqual(['energy']);
    expect(health.subgraphs).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'industry', ready: true }), expect.objectContaining({ name: 'energy', ready: false })]));
    expect(JSON.stringify(health)).not.toMatch(/localhost|127\.0\.0\.1/);

    const result = await graphql('{ region(code: "411002") { name energy(month: "2015-06") { electricity } } }');
    expect(result.data).toEqual({ region: { name: '魏都区', energy: null } });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['region', 'energy'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'energy' } });
    expect(JSON.stringify(result)).not.toMatch(/localhost|127\.0\.0\.1|ECONNREFUSED|stacktrace/);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^huishang_subgraph_up\{subgraph="energy"\} 0$/m);
    expect(metrics).toMatch(/^huishang_subgraph_up\{subgraph="industry"\} 1$/m);
    expect(metrics).toMatch(/^huishang_subgraph_errors_total\{subgraph="energy",code="SUBGRAPH_UNAVAILABLE"\} [1-9]/m);
    expect(metrics).toMatch(/^huishang_subgraph_breaker_state\{subgraph="energy"\} [0-2]$/m);
    expect(metrics).toMatch(/^huishang_subgraph_request_duration_seconds_count\{subgraph="industry"\} [1-9]/m);
  });
});

describe('a subgraph answering what the schema does not allow', () => {
  // A real HTTP "energy" whose answer each case sets; the fetch's fields are null with
  // SUBGRAPH_BAD_RESPONSE naming the subgraph, at their path, and the rest of the answer stands.
  let answer: unknown;
  let liar: Server;
  let second: RunningGateway;
  const entity = (energy: unknown) => ({ __typename: 'Region', energy });
  beforeAll(async () => {
    liar = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    second = await startGateway({
      supergraphSdl,
      port: 0,
      env: { INDUSTRY_URL: industry.url, ENERGY_URL: `http://127.0.0.1:${(liar.address() as AddressInfo).port}/graphql` },
      handleSignals: false,
      access: false,
    });
  });
  afterAll(async () => {
    await second?.stop();
    liar?.closeAllConnections();
    await new Promise<void>((resolve) => liar.close(() => resolve()));
  });
  const ask = async () => {
    const response = await fetch(second.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ region(code: "411002") { name energy(month: "2015-06") { month electricity } } }' }) });
    return (await response.json()) as { data: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
  };

  it.each([
    ['null where the schema has non-null', { data: { _entities: [entity({ month: '2015-06', electricity: null })] } }, /electricity is null where the schema does not allow it/],
    ['no entity for the one representation', { data: { _entities: [] } }, /has 0 entities for the 1 representations/],
    ['two entities for one representation', { data: { _entities: [entity({ month: '2015-06', electricity: 1 }), entity({ month: '2015-06', electricity: 2 })] } }, /has 2 entities for the 1 representations/],
    ['data null and no error', { data: null }, /no data and no error/],
    ['a string for a Float', { data: { _entities: [entity({ month: '2015-06', electricity: 'abc' })] } }, /electricity is "abc", not a valid Float/],
    ['a Month out of range', { data: { _entities: [entity({ month: '2015-13', electricity: 1 })] } }, /month is "2015-13", not a valid Month/],
    ['an object for a Float', { data: { _entities: [entity({ month: '2015-06', electricity: { value: 1 } })] } }, /not a valid Float/],
    ['_entities that is not a list', { data: { _entities: 'x' } }, /`_entities` is not a list/],
    ['no _entities at all', { data: {} }, /`_entities` is not a list/],
  ])('%s: SUBGRAPH_BAD_RESPONSE with the subgraph and the path, the rest served', async (_what, sent, reason) => {
    answer = sent;
    const body = await ask();
    expect(body.data).toEqual({ region: { name: '魏都区', energy: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['region', 'energy'], extensions: { code: 'SUBGRAPH_BAD_RESPONSE', subgraph: 'energy' } });
    expect(body.errors![0].message).toMatch(reason);
    expect(body.extensions?.valueCompletion).toBeUndefined();
  });

  it('a right answer from the same server is served (the check refuses only what is wrong)', async () => {
    answer = { data: { _entities: [entity({ month: '2015-06', electricity: 1.5 })] } };
    expect(await ask()).toEqual({ data: { region: { name: '魏都区', energy: { month: '2015-06', electricity: 1.5 } } } });
  });
});
