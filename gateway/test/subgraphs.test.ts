import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { readGatewayConfig } from '../src/config';
import type { GatewayContext } from '../src/context';
import { SubgraphClient } from '../src/subgraphClient';
import { SubgraphDataSource } from '../src/subgraphs';

/**
 * The gateway's subgraph data source against a plain HTTP server that records what it receives
 * and answers after a delay the test chooses.
 */
interface Received {
  headers: IncomingHttpHeaders;
  body: { query: string; variables?: Record<string, unknown>; operationName?: string };
}

let server: Server;
let url: string;
let received: Received[] = [];
let answer: (body: Received['body']) => { status?: number; delayMs?: number; body: unknown; headers?: Record<string, string> } = () => ({ body: { data: {} } });
let client: SubgraphClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push({ headers: req.headers, body });
      const reply = answer(body);
      setTimeout(() => {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  client?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  answer = (body) => ({ delayMs: 50, body: { data: { echo: body.variables ?? null } } });
  client?.close();
  client = new SubgraphClient({ timeoutMs: 2_000 });
});

const fetchOf = (source: SubgraphDataSource, query: string, variables: Record<string, unknown>, requestId: string, extra: Partial<GraphQLDataSourceProcessOptions<Partial<GatewayContext>>> = {}) =>
  source.process({
    kind: 'incoming operation',
    request: { query, variables, operationName: 'Q' },
    context: { requestId },
    incomingRequestContext: { overallCachePolicy: undefined } as never,
    ...extra,
  } as GraphQLDataSourceProcessOptions<Partial<GatewayContext>>);

const QUERY = 'query Q__energy__1($representations:[_Any!]!){_entities(representations:$representations){...on Region{code}}}';

describe('SubgraphDataSource', () => {
  it('sends the query, variables and operation name as JSON with only the request id forwarded', async () => {
    const source = new SubgraphDataSource({ url, client });
    const result = await fetchOf(source, QUERY, { representations: [{ __typename: 'Region', code: '411002' }] }, 'req-1');
    expect(result).toEqual({ data: { echo: { representations: [{ __typename: 'Region', code: '411002' }] } } });
    expect(received).toHaveLength(1);
    expect(received[0].body).toEqual({ query: QUERY, variables: { representations: [{ __typename: 'Region', code: '411002' }] }, operationName: 'Q' });
    expect(received[0].headers['x-request-id']).toBe('req-1');
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(received[0].headers.connection).toBe('keep-alive');
  });

  it('sends identical queries in flight together once, and gives every caller its own copy', async () => {
    const source = new SubgraphDataSource({ url, client });
    const variables = { representations: [{ __typename: 'Region', code: '411002' }] };
    const results = await Promise.all([1, 2, 3].map((n) => fetchOf(source, QUERY, variables, `req-${n}`)));
    expect(received).toHaveLength(1);
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).not.toBe(results[1]);
    expect(results[0].data).not.toBe(results[2].data);
    expect(source.inflightRequests).toBe(0);

    // Once the answer is in, nothing is kept: the next identical query goes to the subgraph again.
    await fetchOf(source, QUERY, variables, 'req-4');
    expect(received).toHaveLength(2);
  });

  it('sends different variables separately', async () => {
    const source = new SubgraphDataSource({ url, client });
    await Promise.all(['411002', '411023'].map((code) => fetchOf(source, QUERY, { representations: [{ __typename: 'Region', code }] }, code)));
    expect(received).toHaveLength(2);
  });

  it('never shares a mutation', async () => {
    const source = new SubgraphDataSource({ url, client });
    const mutation = 'mutation Q__finance__0($batch:Batch!){submit(batch:$batch){accepted}}';
    await Promise.all([1, 2].map((n) => fetchOf(source, mutation, { batch: { id: 1 } }, `m-${n}`)));
    expect(received).toHaveLength(2);
  });

  it('shares nothing when deduplication is off', async () => {
    const source = new SubgraphDataSource({ url, client, deduplicate: false });
    await Promise.all([1, 2].map((n) => fetchOf(source, QUERY, { representations: [] }, `req-${n}`)));
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers['x-request-id']).sort()).toEqual(['req-1', 'req-2']);
  });

  it('turns a non-2xx answer into a coded error per unserved field, without the address or the body, for every waiting caller', async () => {
    answer = () => ({ status: 503, delayMs: 20, body: { message: 'maintenance' } });
    const source = new SubgraphDataSource({ name: 'energy', url, client });
    const representations = [{ __typename: 'Region', code: '411002' }, { __typename: 'Region', code: '411023' }];
    const results = await Promise.all([1, 2].map((n) => fetchOf(source, QUERY, { representations }, `req-${n}`)));
    expect(received).toHaveLength(1);
    for (const result of results) {
      expect(result.data).toBeUndefined();
      expect(result.errors!.map((e) => ({ path: e.path, extensions: e.extensions }))).toEqual(
        [0, 1].map((i) => ({ path: ['_entities', i, 'code'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'energy' } })),
      );
      expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|maintenance/);
    }
  });

  it('calls an answer that is not a GraphQL response SUBGRAPH_BAD_RESPONSE', async () => {
    answer = () => ({ body: ['not', 'an', 'object'] });
    const source = new SubgraphDataSource({ name: 'energy', url, client });
    const result = await fetchOf(source, QUERY, { representations: [{ __typename: 'Region', code: '411002' }] }, 'garbage');
    expect(result.errors).toMatchObject([{ path: ['_entities', 0, 'code'], extensions: { code: 'SUBGRAPH_BAD_RESPONSE', subgraph: 'energy' } }]);
  });

  it("gives a subgraph's own uncoded error a stable code, its subgraph and the unserved paths, without the address", async () => {
    answer = () => ({ body: { data: null, errors: [{ message: 'connect ECONNREFUSED 10.1.2.3:5432 while reading' }, { message: 'denied', path: ['_entities', 0, 'code'], extensions: { code: 'FORBIDDEN' } }] } });
    const source = new SubgraphDataSource({ name: 'energy', url, client });
    const representations = [{ __typename: 'Region', code: '411002' }, { __typename: 'Region', code: '411023' }];
    const result = await fetchOf(source, QUERY, { representations }, 'own-error');
    expect(result.errors!.map((e) => ({ path: e.path, extensions: e.extensions }))).toEqual([
      { path: ['_entities', 0, 'code'], extensions: { code: 'SUBGRAPH_INTERNAL_ERROR', subgraph: 'energy' } },
      { path: ['_entities', 1, 'code'], extensions: { code: 'SUBGRAPH_INTERNAL_ERROR', subgraph: 'energy' } },
      { path: ['_entities', 0, 'code'], extensions: { code: 'FORBIDDEN', subgraph: 'energy' } },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/10\.1\.2\.3|5432/);
  });

  it("re-codes a subgraph's INTERNAL_SERVER_ERROR as SUBGRAPH_INTERNAL_ERROR and keeps its other codes", async () => {
    answer = () => ({ body: { data: { _entities: [null] }, errors: [{ message: 'boom', path: ['_entities', 0], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, { message: 'bad', path: ['_entities', 0], extensions: { code: 'BAD_USER_INPUT' } }] } });
    const source = new SubgraphDataSource({ name: 'hr', url, client });
    const result = await fetchOf(source, QUERY, { representations: [{ __typename: 'Region', code: '411002' }] }, 'internal');
    expect(result.errors!.map((e) => e.extensions)).toEqual([
      { code: 'SUBGRAPH_INTERNAL_ERROR', subgraph: 'hr' },
      { code: 'BAD_USER_INPUT', subgraph: 'hr' },
    ]);
  });

  it("lets the subgraph's Cache-Control restrict the response's cache policy", async () => {
    answer = () => ({ body: { data: {} }, headers: { 'cache-control': 'max-age=60, public' } });
    const source = new SubgraphDataSource({ url, client });
    const hints: unknown[] = [];
    await fetchOf(source, QUERY, {}, 'req', { incomingRequestContext: { overallCachePolicy: { restrict: (hint: unknown) => hints.push(hint) } } as never });
    expect(hints).toEqual([{ maxAge: 60, scope: 'PUBLIC' }]);
  });

  it('gives up on a subgraph that does not answer within the timeout', async () => {
    answer = () => ({ delayMs: 1_000, body: { data: {} } });
    client.close();
    client = new SubgraphClient({ timeoutMs: 100 });
    const source = new SubgraphDataSource({ url, client });
    const result = await fetchOf(source, QUERY, { representations: [{ __typename: 'Region', code: '411002' }] }, 'slow');
    expect(result.errors).toMatchObject([{ path: ['_entities', 0, 'code'], extensions: { code: 'SUBGRAPH_TIMEOUT' } }]);
    expect(result.errors![0].message).toMatch(/within 100 ms/);
  });

  it('reuses its connections', async () => {
    const source = new SubgraphDataSource({ url, client });
    const ports = new Set<number>();
    server.on('connection', (socket) => ports.add(socket.remotePort!));
    for (let i = 0; i < 5; i++) await fetchOf(source, QUERY, { i }, `seq-${i}`);
    server.removeAllListeners('connection');
    expect(received).toHaveLength(5);
    expect(ports.size).toBeLessThanOrEqual(1);
  });
});

describe('SUBGRAPH_DEDUPLICATION', () => {
  it('is on unless turned off', () => {
    expect(readGatewayConfig({}).deduplicateSubgraphRequests).toBe(true);
    expect(readGatewayConfig({ SUBGRAPH_DEDUPLICATION: 'off' }).deduplicateSubgraphRequests).toBe(false);
    expect(readGatewayConfig({ SUBGRAPH_DEDUPLICATION: 'on' }).deduplicateSubgraphRequests).toBe(true);
    expect(() => readGatewayConfig({ SUBGRAPH_DEDUPLICATION: 'maybe' })).toThrow('SUBGRAPH_DEDUPLICATION must be on or off, got "maybe"');
  });
});

describe('QUERY_PLANNER_MAX_EVALUATED_PLANS', () => {
  it('is 1 000 unless set, and refuses what is not a whole number of at least 1', () => {
    expect(readGatewayConfig({}).queryPlannerMaxEvaluatedPlans).toBe(1_000);
    expect(readGatewayConfig({ QUERY_PLANNER_MAX_EVALUATED_PLANS: '10000' }).queryPlannerMaxEvaluatedPlans).toBe(10_000);
    expect(() => readGatewayConfig({ QUERY_PLANNER_MAX_EVALUATED_PLANS: '0' })).toThrow('QUERY_PLANNER_MAX_EVALUATED_PLANS must be a whole number of at least 1, got "0"');
  });
});
