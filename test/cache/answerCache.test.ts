/**
 * The shared answer cache (issue 17, item 4), through the gateway: two gateway replicas sharing
 * the Redis server at 127.0.0.1:6379 under this run's own key prefix. A repeated read is served
 * from the cache (no SQL in the department); a submission is seen at once from the other replica;
 * a grant given or revoked changes the answer at once; two departments' callers never share an
 * entry; a hit is audited with the same figures as the miss; with Redis gone the gateway answers
 * correctly without the cache.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, REPO_ROOT, startSystem, type GraphQLResult, type System } from '../support/system';

jest.setTimeout(300_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `huishang-test-${randomBytes(6).toString('hex')}:`;
const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000);
const MONTH = '2015-06';

let system: System;
let redis: Redis;
const extra: { name: string; child: ChildProcess; output: string; url: string }[] = [];
let gatewayB: string;
/** A gateway whose Redis is behind `proxy`, which the last test takes away. */
let gatewayC: (typeof extra)[number];
let proxy: net.Server;
const proxied = new Set<net.Socket>();
let enterprise: string;

async function startReplica(name: string, env: Record<string, string>, entry = 'gateway/dist/src/index.js', portVariable = 'GATEWAY_PORT'): Promise<(typeof extra)[number]> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, entry)], { cwd: REPO_ROOT, env: { ...system.env, ...env, [portVariable]: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const replica = { name, child, output: '', url: `http://127.0.0.1:${port}/graphql` };
  child.stdout!.on('data', (c: Buffer) => (replica.output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (replica.output += c.toString('utf8')));
  extra.push(replica);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}:\n${replica.output}`);
    if ((await fetch(replica.url.replace(/\/graphql$/, '/ready')).then((r) => r.status).catch(() => 0)) === 200) return replica;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready within ${READY_TIMEOUT_MS} ms:\n${replica.output}`);
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  system = await startSystem({
    enterprises: 40,
    services: ['industry', 'finance', 'energy'],
    env: { REDIS_URL, REDIS_KEY_PREFIX: PREFIX, HUISHANG_ANSWER_CACHE: 'on', // Generous on a loaded machine: these tests count hits.
      HUISHANG_ANSWER_CACHE_TIMEOUT_MS: '1000' },
  });
  const target = new URL(REDIS_URL);
  proxy = net.createServer((socket) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    proxied.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    const end = () => (socket.destroy(), upstream.destroy());
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as net.AddressInfo).port;
  gatewayB = (await startReplica('gateway B', {})).url;
  gatewayC = await startReplica('gateway C', { REDIS_URL: `redis://127.0.0.1:${proxyPort}/0`, HUISHANG_ANSWER_CACHE_TIMEOUT_MS: '200', REDIS_TIMEOUT_MS: '300' });
  [{ subject_code: enterprise }] = await system.sql('finance', "select subject_code from observation where indicator = 'FIN_LOANS_OUTSTANDING' and subject_type = 'ENTERPRISE' and month = ? order by subject_code limit 1", [MONTH]);
});

afterAll(async () => {
  for (const replica of extra) replica.child.kill('SIGTERM');
  await Promise.all(extra.map((r) => (r.child.exitCode !== null ? undefined : new Promise((resolve) => r.child.once('exit', resolve)))));
  for (const socket of proxied) socket.destroy();
  proxy?.close();
  await system?.stop();
  if (redis) {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
});

async function ask(url: string, query: string, token: string, variables?: Record<string, unknown>): Promise<GraphQLResult> {
  return system.query(query, variables, url, { token });
}

/** `huishang_answer_cache_requests_total` of one gateway, by outcome, summed over subgraphs (or one subgraph). */
async function cacheCounts(graphqlUrl: string, subgraph?: string): Promise<Record<string, number>> {
  const text = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics')).then((r) => r.text());
  const counts: Record<string, number> = { hit: 0, miss: 0, bypass: 0, error: 0 };
  for (const match of text.matchAll(/^huishang_answer_cache_requests_total\{subgraph="([^"]+)",outcome="([^"]+)"\} (\d+)/gm)) {
    if (!subgraph || match[1] === subgraph) counts[match[2]] += Number(match[3]);
  }
  return counts;
}

async function delta<T>(url: string, run: () => Promise<T>, subgraph?: string): Promise<{ result: T; hit: number; miss: number; bypass: number; error: number }> {
  const before = await cacheCounts(url, subgraph);
  const result = await run();
  const after = await cacheCounts(url, subgraph);
  return { result, hit: after.hit - before.hit, miss: after.miss - before.miss, bypass: after.bypass - before.bypass, error: after.error - before.error };
}

const REGION_LOANS = `{ region(code: "411002") { finance(month: "${MONTH}") { loansOutstanding { value } } } }`;
/** Every figure of an enterprise the caller may see: `indicators` without codes leaves out the rest, without an error. */
const ENTERPRISE_FIGURES = (code: string) => `{ enterprise(creditCode: "${code}") { finance(month: "${MONTH}") { indicators { indicator value } } } }`;

describe('hits', () => {
  it('the second identical read is a hit and costs the department no SQL; the answer is the same', async () => {
    const query = `{ region(code: "411002") { finance(month: "2015-05") { loansOutstanding { value yoyPct } } } }`;
    const first = await delta(system.gatewayUrl, () => ask(system.gatewayUrl, query, system.tokens.finance), 'finance');
    expect(first.result.errors).toBeUndefined();
    expect(first.miss).toBe(1);
    // (Scraping the gateway's /metrics probes each department's /ready, which runs SQL: counted outside.)
    let statements = 0;
    const second = await delta(system.gatewayUrl, async () => {
      statements = await system.sqlStatements('finance');
      const answer = await ask(system.gatewayUrl, query, system.tokens.finance);
      statements = (await system.sqlStatements('finance')) - statements;
      return answer;
    }, 'finance');
    expect(second.hit).toBe(1);
    expect(second.miss).toBe(0);
    expect(statements).toBe(0);
    expect(second.result.data).toEqual(first.result.data);
    // The other replica shares the entry.
    const third = await delta(gatewayB, () => ask(gatewayB, query, system.tokens.finance), 'finance');
    expect(third.hit).toBe(1);
    expect(third.result.data).toEqual(first.result.data);
    // Nothing of the cache's bookkeeping reaches the client.
    expect(JSON.stringify(second.result)).not.toMatch(/huishangGrants|huishangReads/);
    expect(JSON.stringify(first.result)).not.toMatch(/huishangGrants|huishangReads/);
    // The entry is in Redis under this run's prefix.
    expect((await redis.keys(`${PREFIX}answer:finance:*`)).length).toBeGreaterThan(0);
  });

  it('a mutation and an answer with errors are never kept', async () => {
    // A denied figure: a partial answer with FORBIDDEN, asked twice: the department is asked twice.
    const denied = `{ enterprise(creditCode: "${enterprise}") { finance(month: "${MONTH}") { loansOutstanding { value } } } }`;
    const first = await delta(system.gatewayUrl, () => ask(system.gatewayUrl, denied, system.tokens.energy), 'finance');
    expect(first.result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const second = await delta(system.gatewayUrl, () => ask(system.gatewayUrl, denied, system.tokens.energy), 'finance');
    expect(second.result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(second.hit).toBe(0);
    expect(second.miss).toBe(1);
    // A mutation does not even ask.
    const mutation = await delta(system.gatewayUrl, () => ask(system.gatewayUrl, 'mutation($batch: ObservationBatchInput!) { submitFinanceObservations(batch: $batch, dryRun: true) { created } }', system.tokens.finance, { batch: { idempotencyKey: `dry-${Date.now()}`, month: MONTH, reportedBy: '测试员', observations: [] } }), 'finance');
    expect(mutation.hit + mutation.miss + mutation.bypass).toBe(0);
  });
});

describe('invalidation', () => {
  it('a submission through gateway A is read at once through gateway B (read your write), every time', async () => {
    const read = async (url: string) => (await ask(url, REGION_LOANS, system.tokens.energy)).data?.region.finance.loansOutstanding.value as number;
    for (let round = 0; round < 3; round++) {
      // Both replicas hold the answer.
      const before = await read(gatewayB);
      expect((await delta(gatewayB, () => read(gatewayB), 'finance')).hit).toBe(1);
      await read(system.gatewayUrl);
      const value = Math.round(before + 7 + round);
      const submitted = await ask(
        system.gatewayUrl,
        'mutation($batch: ObservationBatchInput!) { submitFinanceObservations(batch: $batch) { created revised updated } }',
        system.tokens.finance,
        { batch: { idempotencyKey: `cache-${Date.now()}-${round}`, month: MONTH, reportedBy: '测试员', status: 'FINAL', acceptOutliers: { reason: 'test figures' }, observations: [{ indicator: 'FIN_LOANS_OUTSTANDING', subjectKind: 'REGION', subjectCode: '411002', unit: '万元', value }] } },
      );
      expect(submitted.errors).toBeUndefined();
      // The next read through either replica is the new figure, and the one after that a hit of it.
      expect(await read(gatewayB)).toBe(value);
      expect(await read(system.gatewayUrl)).toBe(value);
      const again = await delta(gatewayB, () => read(gatewayB), 'finance');
      expect(again.result).toBe(value);
      expect(again.hit).toBe(1);
      // asOf before the submission still reads the old figure (another key).
    }
  });

  it('a grant given or revoked changes the answer at once, on both replicas', async () => {
    const admin = await system.addClient({ department: 'finance', role: 'ADMINISTRATOR' });
    const visible = async (url: string) => ((await ask(url, ENTERPRISE_FIGURES(enterprise), system.tokens.energy)).data?.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator);
    expect(await visible(system.gatewayUrl)).not.toContain('FIN_LOANS_OUTSTANDING');
    const cached = await delta(gatewayB, () => visible(gatewayB), 'finance');
    expect(cached.hit).toBe(1);
    expect(cached.result).not.toContain('FIN_LOANS_OUTSTANDING');

    const grant = await ask(system.gatewayUrl, 'mutation($input: AccessGrantInput!) { grantFinanceAccess(input: $input) { id } }', admin.token, {
      input: { grantee: 'energy', indicators: ['FIN_LOANS_OUTSTANDING'], purpose: '核对用电与贷款 (cache test)', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(grant.errors).toBeUndefined();
    expect(await visible(gatewayB)).toContain('FIN_LOANS_OUTSTANDING');
    expect(await visible(system.gatewayUrl)).toContain('FIN_LOANS_OUTSTANDING');

    const revoked = await ask(gatewayB, 'mutation($id: Int!) { revokeFinanceGrant(id: $id) { active } }', admin.token, { id: grant.data!.grantFinanceAccess.id });
    expect(revoked.errors).toBeUndefined();
    expect(await visible(system.gatewayUrl)).not.toContain('FIN_LOANS_OUTSTANDING');
    expect(await visible(gatewayB)).not.toContain('FIN_LOANS_OUTSTANDING');
  });

  it('a grant that expires stops being served from the cache the moment it expires', async () => {
    const admin = await system.addClient({ department: 'finance', role: 'ADMINISTRATOR' });
    const expiresAt = Date.now() + 5_000;
    const grant = await ask(system.gatewayUrl, 'mutation($input: AccessGrantInput!) { grantFinanceAccess(input: $input) { id } }', admin.token, {
      input: { grantee: 'energy', indicators: ['FIN_LOANS_OUTSTANDING'], purpose: '到期测试 (cache expiry test)', expiresAt: new Date(expiresAt).toISOString() },
    });
    expect(grant.errors).toBeUndefined();
    const visible = async () => ((await ask(system.gatewayUrl, ENTERPRISE_FIGURES(enterprise), system.tokens.energy)).data?.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator);
    expect(await visible()).toContain('FIN_LOANS_OUTSTANDING');
    const hit = await delta(system.gatewayUrl, visible, 'finance');
    // On a loaded machine the grant may be gone already; then it must not be visible either.
    if (Date.now() < expiresAt - 200) {
      expect(hit.hit).toBe(1);
      expect(hit.result).toContain('FIN_LOANS_OUTSTANDING');
    }
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 100)));
    expect(await visible()).not.toContain('FIN_LOANS_OUTSTANDING');
  });
});

describe('an entry is never another caller’s', () => {
  it('the owner primes the cache with everything it sees; another department asking the same bytes gets only its own view', async () => {
    // Poison attempt: finance's own analyst (who reads its not-shared figures) asks first, on both replicas.
    const own = await ask(system.gatewayUrl, ENTERPRISE_FIGURES(enterprise), system.tokens.finance);
    expect((own.data!.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator)).toContain('FIN_NON_PERFORMING_LOANS');
    expect((await delta(gatewayB, () => ask(gatewayB, ENTERPRISE_FIGURES(enterprise), system.tokens.finance), 'finance')).hit).toBe(1);
    for (const department of ['energy', 'industry'] as const) {
      for (const url of [system.gatewayUrl, gatewayB]) {
        const other = await ask(url, ENTERPRISE_FIGURES(enterprise), system.tokens[department]);
        expect(other.errors).toBeUndefined();
        const codes = (other.data!.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator);
        expect(codes).not.toContain('FIN_NON_PERFORMING_LOANS');
      }
    }
    // Energy holds no grant: it sees none of finance's conditionally shared enterprise figures either; industry (the secretariat) does.
    const energy = await ask(system.gatewayUrl, ENTERPRISE_FIGURES(enterprise), system.tokens.energy);
    expect((energy.data!.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator)).not.toContain('FIN_LOANS_OUTSTANDING');
    const industry = await ask(gatewayB, ENTERPRISE_FIGURES(enterprise), system.tokens.industry);
    expect((industry.data!.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator)).toContain('FIN_LOANS_OUTSTANDING');
  });

  it('a role of the same department is another entry', async () => {
    const member = await system.addClient({ department: 'finance', role: 'MEETING_MEMBER' });
    const query = `{ region(code: "411023") { finance(month: "${MONTH}") { loansOutstanding { value } } } }`;
    await ask(system.gatewayUrl, query, system.tokens.finance);
    const asMember = await delta(system.gatewayUrl, () => ask(system.gatewayUrl, query, member.token), 'finance');
    expect(asMember.miss).toBe(1);
    expect(asMember.hit).toBe(0);
  });
});

describe('the audit trail records hits', () => {
  it('two meeting members read the same figures, the second from the cache: both records list the same indicators, enterprises and months', async () => {
    const query = `query Pack { enterprise(creditCode: "${enterprise}") { finance(month: "2015-04") { loansOutstanding { value } newLoans { value } } } }`;
    const first = await system.addClient({ department: 'industry', role: 'MEETING_MEMBER', name: 'cache audit 1' });
    const second = await system.addClient({ department: 'industry', role: 'MEETING_MEMBER', name: 'cache audit 2' });
    const miss = await delta(system.gatewayUrl, () => ask(system.gatewayUrl, query, first.token), 'finance');
    expect(miss.result.errors).toBeUndefined();
    expect(miss.miss).toBe(1);
    const hit = await delta(gatewayB, () => ask(gatewayB, query, second.token), 'finance');
    expect(hit.hit).toBe(1);
    expect(hit.result.data).toEqual(miss.result.data);
    const admin = await system.addClient({ department: 'industry', role: 'ADMINISTRATOR' });
    const trail = await ask(system.gatewayUrl, 'query($filter: AuditFilter) { auditTrail(filter: $filter, first: 1000) { clientId indicators enterprises months outcome } }', admin.token, { filter: { enterprise, month: '2015-04' } });
    expect(trail.errors).toBeUndefined();
    const records = trail.data!.auditTrail as { clientId: string; indicators: string[]; enterprises: string[]; months: string[]; outcome: string }[];
    const a = records.find((r) => r.clientId === first.id)!;
    const b = records.find((r) => r.clientId === second.id)!;
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a.indicators).toEqual(expect.arrayContaining(['FIN_LOANS_OUTSTANDING', 'FIN_NEW_LOANS']));
    expect({ ...b, clientId: undefined }).toEqual({ ...a, clientId: undefined });
  });
});

describe('Redis is not trusted with the figures (findings F1–F3)', () => {
  const query = `{ region(code: "411002") { finance(month: "2015-02") { loansOutstanding { value } } } }`;
  const value = async (url = system.gatewayUrl) => (await ask(url, query, system.tokens.energy)).data!.region.finance.loansOutstanding.value as number;

  it('an entry written into Redis by anyone but a gateway is not served, and counted', async () => {
    const real = await value();
    expect((await delta(system.gatewayUrl, value, 'finance')).hit).toBe(1);
    const forged = JSON.stringify({ data: { _entities: [{ finance: { loansOutstanding: { value: 7777 } } }] }, extensions: { huishangReads: { indicators: [], enterprises: [], months: [] } } });
    const keys = await redis.keys(`${PREFIX}answer:finance:*`);
    expect(keys.length).toBeGreaterThan(0);
    // Both a bare answer and one with a made-up seal.
    for (const [i, key] of keys.entries()) await redis.set(key, i % 2 ? forged : `${'A'.repeat(43)}.${forged}`, 'KEEPTTL');
    const read = await delta(system.gatewayUrl, () => value(), 'finance');
    expect(read.result).toBe(real);
    expect(read.hit).toBe(0);
    // (Gateway A stored the department's answer anew; B reads that one, or the department's.)
    expect(await value(gatewayB)).toBe(real);
    const text = await fetch(system.gatewayUrl.replace(/\/graphql$/, '/metrics')).then((r) => r.text());
    expect(text).toMatch(/huishang_answer_cache_requests_total\{subgraph="finance",outcome="forged"\} [1-9]/);
    // The department's answer replaced the forged entry: hits again, with the real figure.
    const again = await delta(system.gatewayUrl, value, 'finance');
    expect(again.hit).toBe(1);
    expect(again.result).toBe(real);
  });

  it('an old version hash brought back (a Redis snapshot, a lagging replica) is not trusted past its heartbeat, and the subgraph re-asserts its tokens', async () => {
    const old = await redis.hgetall(`${PREFIX}answers:version:finance`);
    expect(Object.keys(old).sort()).toEqual(['at', 'data', 'expiries', 'grants']);
    const before = await value();
    const submitted = await ask(system.gatewayUrl, 'mutation($batch: ObservationBatchInput!) { submitFinanceObservations(batch: $batch) { created revised } }', system.tokens.finance, {
      batch: { idempotencyKey: `cache-restore-${Date.now()}`, month: '2015-02', reportedBy: '测试员', status: 'FINAL', acceptOutliers: { reason: 'test figures' }, observations: [{ indicator: 'FIN_LOANS_OUTSTANDING', subjectKind: 'REGION', subjectCode: '411002', unit: '万元', value: Math.round(before + 13) }] },
    });
    expect(submitted.errors).toBeUndefined();
    expect(await value()).toBe(Math.round(before + 13));
    // The old hash comes back, its heartbeat long past: not trusted (bypass), the answer is the department's.
    await redis.hset(`${PREFIX}answers:version:finance`, { ...old, at: String(Date.now() - 60_000) });
    const stale = await delta(system.gatewayUrl, value, 'finance');
    expect(stale.result).toBe(Math.round(before + 13));
    expect(stale.hit).toBe(0);
    // Deleted outright (Redis restarted empty): the next heartbeat (5 s) puts the subgraph's current tokens back, complete.
    await redis.del(`${PREFIX}answers:version:finance`);
    await new Promise((r) => setTimeout(r, 6_000));
    const restored = await redis.hgetall(`${PREFIX}answers:version:finance`);
    expect(Object.keys(restored).sort()).toEqual(['at', 'data', 'expiries', 'grants']);
    expect(restored.data).not.toBe(old.data);
    await value();
    const warm = await delta(system.gatewayUrl, value, 'finance');
    expect(warm.hit).toBe(1);
    expect(warm.result).toBe(Math.round(before + 13));
  });
});

describe('two replicas of a department (finding F5)', () => {
  it('a replica still on older grants never fills the cache: readers through the replica that granted see the grant at once', async () => {
    // Finance B re-reads its grants only every minute: during that minute it answers on the older view.
    const financeB = await startReplica('finance B', { HUISHANG_GRANT_REFRESH_MS: '60000' }, 'subgraphs/finance/dist/src/index.js', 'FINANCE_PORT');
    const gatewayD = await startReplica('gateway D (finance B)', { FINANCE_URL: financeB.url });
    const codesVia = async (url: string) => ((await ask(url, ENTERPRISE_FIGURES(enterprise), system.tokens.energy)).data?.enterprise.finance.indicators as { indicator: string }[]).map((o) => o.indicator);
    const admin = await system.addClient({ department: 'finance', role: 'ADMINISTRATOR' });
    const grant = await ask(system.gatewayUrl, 'mutation($input: AccessGrantInput!) { grantFinanceAccess(input: $input) { id } }', admin.token, {
      input: { grantee: 'energy', indicators: ['FIN_LOANS_OUTSTANDING'], purpose: '两个副本 (two replicas test)', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(grant.errors).toBeUndefined();
    try {
      // Through finance B (older grants): not yet visible there, as without the cache; and nothing kept.
      for (let i = 0; i < 2; i++) {
        const viaB = await delta(gatewayD.url, () => codesVia(gatewayD.url), 'finance');
        expect(viaB.result).not.toContain('FIN_LOANS_OUTSTANDING');
        expect(viaB.hit).toBe(0);
      }
      // Through finance A (which made the grant): visible at once, whatever B answered before.
      expect(await codesVia(system.gatewayUrl)).toContain('FIN_LOANS_OUTSTANDING');
      expect(await codesVia(gatewayB)).toContain('FIN_LOANS_OUTSTANDING');
    } finally {
      await ask(system.gatewayUrl, 'mutation($id: Int!) { revokeFinanceGrant(id: $id) { active } }', admin.token, { id: grant.data!.grantFinanceAccess.id });
      for (const replica of [gatewayD, financeB]) {
        replica.child.kill('SIGTERM');
        if (replica.child.exitCode === null) await new Promise((resolve) => replica.child.once('exit', resolve));
      }
    }
  });
});

describe('Redis away', () => {
  it('the gateway answers correctly without the cache, logs it and counts it', async () => {
    const query = `{ region(code: "411002") { finance(month: "2015-03") { loansOutstanding { value } } } }`;
    const live = await ask(system.gatewayUrl, query, system.tokens.energy);
    // Through the proxy, the cache works.
    await ask(gatewayC.url, query, system.tokens.energy);
    expect((await delta(gatewayC.url, () => ask(gatewayC.url, query, system.tokens.energy), 'finance')).hit).toBe(1);
    // Redis goes away.
    proxy.close();
    for (const socket of proxied) socket.destroy();
    const before = await cacheCounts(gatewayC.url, 'finance');
    for (let i = 0; i < 8; i++) {
      const answer = await ask(gatewayC.url, query, system.tokens.energy);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual(live.data);
    }
    const after = await cacheCounts(gatewayC.url, 'finance');
    expect(after.error - before.error).toBe(8);
    expect(after.hit - before.hit).toBe(0);
    expect(gatewayC.output).toMatch(/answer cache/);
    // A submission meanwhile is still read at once (the answer comes from the department).
    const submitted = await ask(
      system.gatewayUrl,
      'mutation($batch: ObservationBatchInput!) { submitFinanceObservations(batch: $batch) { created revised } }',
      system.tokens.finance,
      { batch: { idempotencyKey: `cache-away-${Date.now()}`, month: '2015-03', reportedBy: '测试员', status: 'FINAL', acceptOutliers: { reason: 'test figures' }, observations: [{ indicator: 'FIN_LOANS_OUTSTANDING', subjectKind: 'REGION', subjectCode: '411002', unit: '万元', value: Math.round(live.data!.region.finance.loansOutstanding.value + 11) }] } },
    );
    expect(submitted.errors).toBeUndefined();
    expect((await ask(gatewayC.url, query, system.tokens.energy)).data!.region.finance.loansOutstanding.value).toBe(Math.round(live.data!.region.finance.loansOutstanding.value + 11));
  });
});
