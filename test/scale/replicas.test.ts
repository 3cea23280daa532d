/**
 * Scaling out (issue 18): two gateway replicas and two replicas of one subgraph, sharing the
 * Redis server at 127.0.0.1:6379 (`REDIS_URL`), each test run under its own key prefix. A
 * client's rate limit holds across the gateways; a signature replayed to the other subgraph
 * replica is refused; the caches that stay per replica (clients, documents, grants) catch up
 * within their stated time; both gateways extend one audit chain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, REPO_ROOT, startSystem, type GraphQLResult, type System } from '../support/system';

jest.setTimeout(240_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `huishang-test-${randomBytes(6).toString('hex')}:`;
const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000);

let system: System;
let redis: Redis;
/** The extra replicas this file starts beside the harness's system. */
const extra: { name: string; child: ChildProcess; output: string; url: string }[] = [];
let gatewayB: string;
let financeB: string;

async function waitReady(replica: (typeof extra)[number]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ready = replica.url.replace(/\/graphql$/, '/ready');
  while (Date.now() < deadline) {
    if (replica.child.exitCode !== null) throw new Error(`${replica.name} exited ${replica.child.exitCode}:\n${replica.output}`);
    const status = await fetch(ready).then((r) => r.status).catch(() => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${replica.name} not ready at ${ready} within ${READY_TIMEOUT_MS} ms:\n${replica.output}`);
}

/** A second replica of a service: the same built entry point and environment as the system's, on its own port. */
async function startReplica(name: string, entry: string, portVariable: string): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, entry)], { cwd: REPO_ROOT, env: { ...system.env, [portVariable]: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const replica = { name, child, output: '', url: `http://127.0.0.1:${port}/graphql` };
  child.stdout!.on('data', (c: Buffer) => (replica.output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (replica.output += c.toString('utf8')));
  extra.push(replica);
  await waitReady(replica);
  return replica.url;
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  system = await startSystem({
    enterprises: 40,
    env: { REDIS_URL, REDIS_KEY_PREFIX: PREFIX, HUISHANG_CLIENT_CACHE_MS: '1000', HUISHANG_GRANT_REFRESH_MS: '1000' },
  });
  [gatewayB, financeB] = await Promise.all([
    startReplica('gateway B', 'gateway/dist/src/index.js', 'GATEWAY_PORT'),
    startReplica('finance B', 'subgraphs/finance/dist/src/index.js', 'FINANCE_PORT'),
  ]);
});

afterAll(async () => {
  for (const replica of extra) replica.child.kill('SIGTERM');
  await Promise.all(extra.map((r) => (r.child.exitCode !== null ? undefined : new Promise((resolve) => r.child.once('exit', resolve)))));
  await system?.stop();
  if (redis) {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
});

async function post(url: string, body: string, headers: Record<string, string>): Promise<GraphQLResult & { headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, ...(JSON.parse(await response.text()) as object) };
}

const QUERY = JSON.stringify({ query: '{ viewer { clientId } }' });
const minute = () => Math.floor(Date.now() / 60_000);

describe('rate limits are shared through Redis', () => {
  it("a client's limit holds across two gateway replicas, not once per replica", async () => {
    const { token } = await system.addClient({ department: 'energy', role: 'ANALYST', rateLimit: 4 });
    const auth = { authorization: `Bearer ${token}` };
    // Fixed one-minute windows: a run that straddles a minute boundary is repeated once in the next window.
    for (let attempt = 0; ; attempt++) {
      const window = minute();
      const statuses: number[] = [];
      // Alternate A, B, A, B, …: four go, then both refuse.
      for (let i = 0; i < 8; i++) statuses.push((await post(i % 2 ? gatewayB : system.gatewayUrl, QUERY, auth)).status);
      if (minute() !== window && attempt === 0) continue;
      if (attempt === 0) expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
      else expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
      break;
    }
    const refused = await post(gatewayB, QUERY, auth);
    expect(refused.status).toBe(429);
    expect(refused.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The counters are Redis keys under this run's prefix.
    expect((await redis.keys(`${PREFIX}rate:*`)).length).toBeGreaterThan(0);
  });

  it('another client is not affected by that one', async () => {
    const { token } = await system.addClient({ department: 'hr', role: 'ANALYST', rateLimit: 4 });
    expect((await post(gatewayB, QUERY, { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe('replay protection is shared through Redis', () => {
  const body = JSON.stringify({ query: '{ _service { sdl } }' });

  it('a signature accepted by one finance replica is refused by the other', async () => {
    const header = system.signIdentity('finance', body);
    const first = await post(system.subgraphUrl('finance'), body, { 'x-huishang-identity': header });
    expect(first.status).toBe(200);
    const replayed = await post(financeB, body, { 'x-huishang-identity': header });
    expect(replayed.status).toBe(401);
    expect(replayed.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(replayed.errors![0].message).toMatch(/replay/);
  });

  it('and the other way round; a fresh signature is accepted by either', async () => {
    const header = system.signIdentity('finance', body);
    expect((await post(financeB, body, { 'x-huishang-identity': header })).status).toBe(200);
    expect((await post(system.subgraphUrl('finance'), body, { 'x-huishang-identity': header })).status).toBe(401);
    expect((await post(system.subgraphUrl('finance'), body, { 'x-huishang-identity': system.signIdentity('finance', body) })).status).toBe(200);
    expect((await redis.keys(`${PREFIX}nonce:finance:*`)).length).toBeGreaterThanOrEqual(3);
  });

  it('requests through both gateways reach both finance replicas as usual', async () => {
    const query = JSON.stringify({ query: '{ region(code: "411000") { finance(month: "2015-06") { loansOutstanding { value } } } }' });
    for (const url of [system.gatewayUrl, gatewayB]) {
      const result = await post(url, query, { authorization: `Bearer ${system.tokens.finance}` });
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(typeof result.data.region.finance.loansOutstanding.value).toBe('number');
    }
  });
});

describe('caches that stay per replica catch up within their stated time', () => {
  it('a client revoked through one database is refused by both gateways within HUISHANG_CLIENT_CACHE_MS', async () => {
    const { id, token } = await system.addClient({ department: 'statistics', role: 'ANALYST' });
    const auth = { authorization: `Bearer ${token}` };
    // Both replicas have it cached now.
    expect((await post(system.gatewayUrl, QUERY, auth)).status).toBe(200);
    expect((await post(gatewayB, QUERY, auth)).status).toBe(200);
    const revoked = await system.cli(['clients', 'revoke', id]);
    expect(revoked.code).toBe(0);
    // Stated: 1 s here (HUISHANG_CLIENT_CACHE_MS); polled with a generous margin for a slow machine.
    const deadline = Date.now() + 30_000;
    const refusedBy = new Set<string>();
    while (refusedBy.size < 2 && Date.now() < deadline) {
      for (const url of [system.gatewayUrl, gatewayB]) if ((await post(url, QUERY, auth)).status === 401) refusedBy.add(url);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...refusedBy].sort()).toEqual([system.gatewayUrl, gatewayB].sort());
  });

  it('a grant made and revoked through finance A holds, then ends, at finance B within HUISHANG_GRANT_REFRESH_MS', async () => {
    const [row] = await system.sql('finance', "select subject_code from observation where indicator = 'FIN_LOANS_OUTSTANDING' and subject_type = 'ENTERPRISE' and month = '2015-06' order by subject_code limit 1");
    const body = JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { finance(month: "2015-06") { loansOutstanding { value } } } } }',
      variables: { r: [{ __typename: 'Enterprise', creditCode: row.subject_code }] },
    });
    // What energy's analyst reads at finance B, asked directly with the gateway's signature: the value, or null (FORBIDDEN).
    const atB = async () => {
      const result = await post(financeB, body, { 'x-huishang-identity': system.signIdentity('finance', body, { clientId: 'cl_energy_analyst', department: 'energy', role: 'ANALYST' }) });
      expect(result.status).toBe(200);
      return result.data._entities[0].finance.loansOutstanding?.value ?? null;
    };
    const until = async (want: (v: unknown) => boolean) => {
      // Stated: 1 s here (HUISHANG_GRANT_REFRESH_MS); polled with a generous margin for a slow machine.
      const deadline = Date.now() + 30_000;
      let value = await atB();
      while (!want(value) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        value = await atB();
      }
      return value;
    };
    expect(await atB()).toBeNull();
    const admin = await system.addClient({ department: 'finance', role: 'ADMINISTRATOR' });
    const auth = { authorization: `Bearer ${admin.token}` };
    const granted = await post(system.gatewayUrl, JSON.stringify({
      query: 'mutation($input: AccessGrantInput!) { grantFinanceAccess(input: $input) { id } }',
      variables: { input: { grantee: 'energy', indicators: ['FIN_LOANS_OUTSTANDING'], purpose: 'replica test', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
    }), auth);
    expect(granted.errors).toBeUndefined();
    expect(typeof (await until((v) => v !== null))).toBe('number');
    const revoked = await post(system.gatewayUrl, JSON.stringify({ query: 'mutation($id: Int!) { revokeFinanceGrant(id: $id) { active } }', variables: { id: granted.data.grantFinanceAccess.id } }), auth);
    expect(revoked.data.revokeFinanceGrant.active).toBe(false);
    expect(await until((v) => v === null)).toBeNull();
  });

  it('both gateways extend one audit chain, intact', async () => {
    const verified = await system.cli(['audit', 'verify']);
    expect(verified.stderr + verified.stdout).not.toMatch(/broken|gap|edited|deleted/i);
    expect(verified.code).toBe(0);
  });
});
