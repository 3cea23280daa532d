/**
 * What a starting subgraph answers while it migrates and seeds (src/kit/startup.ts), over real
 * HTTP: /ready 503 with the progress, /health 200, /graphql 503 SERVICE_UNAVAILABLE; then the same
 * socket serves the real handler.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportSeeding, setActiveStartup, StartupReporter, startupServer } from '../src/kit/startup';

// Every count logged (by default at most one line per 2 s within a step).
process.env.HUISHANG_PROGRESS_LOG_MS = '0';

let server: Server;
let base: string;
const lines: string[] = [];
const reporter = new StartupReporter('tax subgraph', (line) => lines.push(line));
const early = startupServer(reporter);

beforeAll(async () => {
  server = early.server;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  setActiveStartup(undefined);
  await new Promise((done) => server.close(done));
});

const get = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: (await response.json()) as any };
};

test('answers /ready 503 with each phase and count as the start goes on, and logs each phase once', async () => {
  expect(await get('/ready')).toMatchObject({ status: 503, body: { status: 'starting', service: 'tax subgraph', progress: { phase: 'starting' } } });
  setActiveStartup(reporter);
  reporter.phase('migrating', '3 pending');
  expect((await get('/ready')).body.progress).toMatchObject({ phase: 'migrating', step: '3 pending' });
  reporter.phase('seeding');
  reportSeeding('observation rows', 1000, 4680);
  const seeding = await get('/ready');
  expect(seeding.status).toBe(503);
  expect(seeding.body.progress).toMatchObject({ phase: 'seeding', step: 'observation rows', done: 1000, total: 4680 });
  expect(typeof seeding.body.progress.updatedAt).toBe('string');
  reportSeeding('observation rows', 4680, 4680);
  expect((await get('/ready')).body.progress).toMatchObject({ done: 4680, total: 4680 });
  expect(lines).toEqual([
    'tax subgraph: starting: migrating 3 pending',
    'tax subgraph: starting: seeding',
    'tax subgraph: starting: seeding observation rows 1000 of 4680',
    'tax subgraph: starting: seeding observation rows 4680 of 4680',
  ]);
});

test('says it is alive on /health and refuses GraphQL with SERVICE_UNAVAILABLE and the progress', async () => {
  expect(await get('/health')).toMatchObject({ status: 200, body: { status: 'starting' } });
  const graphql = await get('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  expect(graphql.status).toBe(503);
  expect(graphql.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
  expect(graphql.body.errors[0].message).toBe('tax subgraph is starting (seeding observation rows 4680 of 4680); try again shortly');
});

test('hands its socket to the real server: the same port then answers with the real handler', async () => {
  const real = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ready"}');
  });
  early.handOver(real);
  expect(await get('/ready')).toEqual({ status: 200, body: { status: 'ready' } });
});
