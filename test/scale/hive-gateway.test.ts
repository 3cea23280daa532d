/**
 * The scale-out gateway path (issue 18, item 6): Hive Gateway (@graphql-hive/gateway, a standard
 * federation gateway) serves the committed supergraph against our subgraphs with the shipped
 * plugin (plugins/hive-access), and keeps our gateway's guarantees: no token, no answer; a
 * department reads its own figures; another department's NOT_SHARED figure is refused by the
 * subgraph that owns it, judging the identity the plugin signed; a signature Hive Gateway sent
 * cannot be replayed or altered; every answer is audited before it leaves.
 *
 * Real processes: the harness's subgraphs (and its gateway, which only issues nothing here: the
 * clients come from the CLI), and a Hive Gateway process started here from node_modules with
 * plugins/hive-access/gateway.config.cjs. Its finance requests pass through a recorder in this
 * file, so the test can see (and replay) exactly what Hive Gateway sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, startSystem, type GraphQLResult, type System } from '../support/system';

// Every hook and test: E2E_TIMEOUT_MS (jest.config.js); Hive Gateway's start within E2E_READY_TIMEOUT_MS.
const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 300_000);
const HIVE_BIN = join(REPO_ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
const CONFIG = join(REPO_ROOT, 'plugins', 'hive-access', 'gateway.config.cjs');
const MONTH = '2015-06';

let system: System;
let hive: { child: ChildProcess; output: string; url: string } | undefined;
let workDir: string;
let recorder: Server;
/** Requests Hive Gateway sent to the finance subgraph: headers and the exact body. */
const recorded: { headers: Record<string, string>; body: string }[] = [];

async function waitHiveReady(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const readiness = hive!.url.replace(/\/graphql$/, '/readiness');
  while (Date.now() < deadline) {
    if (hive!.child.exitCode !== null) throw new Error(`Hive Gateway exited ${hive!.child.exitCode}:\n${hive!.output}`);
    const status = await fetch(readiness).then((r) => r.status).catch(() => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Hive Gateway not ready at ${readiness} within ${READY_TIMEOUT_MS} ms:\n${hive!.output}`);
}

/** Forwards to the real finance subgraph, keeping a copy of each request. */
function startRecorder(target: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
      recorded.push({ headers, body });
      const forwarded: Record<string, string> = { 'content-type': 'application/json' };
      for (const name of ['x-huishang-identity', 'x-request-id', 'traceparent', 'accept']) if (headers[name]) forwarded[name] = headers[name];
      try {
        const answer = await fetch(target, { method: 'POST', headers: forwarded, body });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      } catch (error) {
        res.writeHead(502).end(String(error));
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  system = await startSystem({ enterprises: 60, env: { HUISHANG_CLIENT_CACHE_MS: '100' } });
  const [hivePort, recorderPort] = [await freePort(), await freePort()];
  recorder = await startRecorder(system.subgraphUrl('finance'), recorderPort);
  // Hive Gateway watches its supergraph file: its own copy of the committed one.
  workDir = mkdtempSync(join(tmpdir(), 'huishang-hive-'));
  const supergraph = join(workDir, 'supergraph.graphql');
  copyFileSync(join(REPO_ROOT, 'schema', 'supergraph.graphql'), supergraph);
  const env = { ...system.env, FINANCE_URL: `http://127.0.0.1:${recorderPort}/graphql` };
  // Started as the README says, without --host (the harness passes no HOST): the shipped config's 127.0.0.1.
  const child = spawn(process.execPath, [HIVE_BIN, 'supergraph', supergraph, '--port', String(hivePort), '--config-path', CONFIG], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  hive = { child, output: '', url: `http://127.0.0.1:${hivePort}/graphql` };
  child.stdout!.on('data', (c: Buffer) => (hive!.output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (hive!.output += c.toString('utf8')));
  await waitHiveReady();
});

afterAll(async () => {
  if (hive && hive.child.exitCode === null) {
    hive.child.kill('SIGTERM');
    await new Promise((resolve) => hive!.child.once('exit', resolve));
  }
  recorder?.close();
  await system?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function post(body: unknown, headers: Record<string, string>, url = hive!.url): Promise<GraphQLResult & { headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  try {
    return { status: response.status, headers: response.headers, ...JSON.parse(text) };
  } catch {
    throw new Error(`${url} answered ${response.status}, not JSON: ${text}\nHive Gateway's output:\n${hive!.output.slice(-4000)}`);
  }
}
const as = (token: string, requestId?: string) => ({ authorization: `Bearer ${token}`, ...(requestId ? { 'x-request-id': requestId } : {}) });
const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);

async function auditOf(requestId: string): Promise<{ outcome: string; department: string | null; indicators: string[]; fields: string[]; error_codes: string[] } | undefined> {
  const [row] = await system.sql('access', 'select outcome, department, indicators, fields, error_codes from audit_record where request_id = ?', [requestId]);
  return row && { ...row, indicators: JSON.parse(row.indicators), fields: JSON.parse(row.fields), error_codes: JSON.parse(row.error_codes) } as never;
}

const decode = (header: string) => JSON.parse(Buffer.from(header.split('.')[0], 'base64url').toString('utf8')) as { sub: string; dep: string; role: string; aud: string; bh: string };

describe('Hive Gateway with @huishang/hive-access: no way in without a token', () => {
  const query = { query: '{ regions { code } }' };

  it('no token → 401 UNAUTHENTICATED with how to get one; the refusal is audited', async () => {
    const result = await post(query, { 'x-request-id': 'hive-no-token' });
    expect(result.status).toBe(401);
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.errors![0].message).toMatch(/Authorization: Bearer/);
    expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await auditOf('hive-no-token'))?.outcome).toBe('UNAUTHENTICATED');
  });

  it('a forged, an unknown and an expired token → 401', async () => {
    const genuine = system.tokens.energy;
    const forged = genuine.slice(0, genuine.lastIndexOf('_') + 1) + 'A'.repeat(43);
    // `clients add` refuses a time already past, and a few seconds ahead is not enough on a slow
    // machine: the client is made without expiry, then its expiry is set to its creation time in
    // the access database before its token is first used (so no cached lookup holds the old row).
    const expired = await system.addClient({ department: 'energy', role: 'ANALYST' });
    await system.sql('access', 'update client set expires_at = created_at where id = ?', [expired.id]);
    for (const token of ['not-a-token', forged, `hs_cl_${'0'.repeat(16)}_${'B'.repeat(43)}`, expired.token]) {
      const result = await post(query, as(token));
      expect(result.status).toBe(401);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    }
    expect((await post(query, as(genuine))).status).toBe(200);
  });

  it('viewer (the gateway’s own audit subgraph, run in the plugin) says who the token belongs to', async () => {
    const result = await post({ query: '{ viewer { department role } }' }, as(system.tokens.finance));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ viewer: { department: 'finance', role: 'ANALYST' } });
  });

  it('a client over its rate limit → 429 RATE_LIMITED with Retry-After', async () => {
    const client = await system.addClient({ department: 'hr', role: 'ANALYST', rateLimit: 2 });
    expect((await post(query, as(client.token))).status).toBe(200);
    expect((await post(query, as(client.token))).status).toBe(200);
    const third = await post(query, as(client.token));
    expect(third.status).toBe(429);
    expect(codes(third)).toEqual(['RATE_LIMITED']);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a safelisted client runs only registered documents → PERSISTED_QUERY_NOT_ALLOWED', async () => {
    const client = await system.addClient({ department: 'industry', role: 'INTEGRATION', safelist: true });
    const result = await post({ query: '{ regions(level: DISTRICT) { code name } }' }, as(client.token));
    expect(codes(result)).toEqual(['PERSISTED_QUERY_NOT_ALLOWED']);
    expect(result.data ?? null).toBeNull();
  });
});

describe('the departments judge the identity Hive Gateway signed', () => {
  const own = `{ region(code: "411002") { energy(month: "${MONTH}") { electricity { value } } } }`;
  const notShared = `{ region(code: "411002") { finance(month: "${MONTH}") { indicators(codes: ["FIN_NON_PERFORMING_LOANS"]) { indicator value } loansOutstanding { value } } } }`;

  it('a department’s token reads its own figures: the values are its database’s rows', async () => {
    const result = await post({ query: own }, as(system.tokens.energy, 'hive-own'));
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const [row] = await system.sql('energy', "select value from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'REGION' and subject_code = '411002' and month = ?", [MONTH]);
    expect(result.data.region.energy.electricity.value).toBe(Number(row.value));
  });

  it('another department’s NOT_SHARED figure is refused by the finance subgraph, which saw the energy analyst in the signature', async () => {
    recorded.length = 0;
    const result = await post({ query: notShared }, as(system.tokens.energy, 'hive-not-shared'));
    expect(result.status).toBe(200);
    const denied = result.errors!.find((e) => e.extensions?.code === 'FORBIDDEN');
    expect(denied?.extensions).toMatchObject({ indicator: 'FIN_NON_PERFORMING_LOANS', sharing: 'NOT_SHARED' });
    expect(denied?.path).toEqual(['region', 'finance', 'indicators']);
    expect(result.data.region.finance.indicators).toBeNull();
    // The district aggregate of a conditional indicator is unconditional: the rest of the answer stands.
    expect(result.data.region.finance.loansOutstanding.value).toEqual(expect.any(Number));
    // What Hive Gateway sent the finance subgraph: the energy analyst, signed for finance over that body.
    expect(recorded).toHaveLength(1);
    const energy = (await system.sql('access', "select id from client where department = 'energy' and demo = ? order by created_at limit 1", [true]))[0].id;
    expect(decode(recorded[0].headers['x-huishang-identity'])).toMatchObject({ sub: energy, dep: 'energy', role: 'ANALYST', aud: 'finance' });
    expect(recorded[0].headers.authorization).toBeUndefined();
  });

  it('the owner reads the same figure through Hive Gateway', async () => {
    const result = await post({ query: notShared }, as(system.tokens.finance));
    expect(result.errors).toBeUndefined();
    const [row] = await system.sql('finance', "select value from observation where indicator = 'FIN_NON_PERFORMING_LOANS' and subject_type = 'REGION' and subject_code = '411002' and month = ?", [MONTH]);
    expect(result.data.region.finance.indicators).toEqual([{ indicator: 'FIN_NON_PERFORMING_LOANS', value: Number(row.value) }]);
  });

  it('a client’s own x-huishang-identity is never passed on: an energy analyst claiming finance still reads as energy', async () => {
    recorded.length = 0;
    const body = JSON.stringify({ query: notShared });
    const claimed = system.signIdentity('finance', body, { clientId: 'cl_fake', department: 'finance', role: 'ADMINISTRATOR' });
    const result = await post(body, { ...as(system.tokens.energy), 'x-huishang-identity': claimed });
    expect(codes(result)).toContain('FORBIDDEN');
    expect(recorded.map((r) => decode(r.headers['x-huishang-identity']).dep)).toEqual(['energy']);
  });

  it('identical queries of two departments in flight together are each answered for their own caller (no shared subgraph request)', async () => {
    // Hive Gateway's HTTP executor shares identical subgraph requests in flight unless told not to
    // (huishangTransportEntries turns it off): the second caller would get the first caller's answer.
    const body = { query: notShared };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => post(body, as(i % 2 ? system.tokens.finance : system.tokens.energy))));
    results.forEach((result, i) => {
      if (i % 2) expect(result.data.region.finance.indicators).toEqual([{ indicator: 'FIN_NON_PERFORMING_LOANS', value: expect.any(Number) }]);
      else expect(result.data.region.finance.indicators).toBeNull();
    });
  });

  it('a signature Hive Gateway sent is good once: replayed → 401 (already used); altered → 401 (not the gateway’s); sent to another department → 401', async () => {
    recorded.length = 0;
    expect((await post({ query: notShared }, as(system.tokens.finance))).errors).toBeUndefined();
    const [sent] = recorded;
    const header = sent.headers['x-huishang-identity'];
    const direct = (identity: string, url = system.subgraphUrl('finance'), body = sent.body) => post(body, { 'x-huishang-identity': identity }, url);

    const replay = await direct(header);
    expect(replay.status).toBe(401);
    expect(replay.errors![0].message).toMatch(/already used/);

    // The payload rewritten to another department, the signature kept.
    const [payload, signature] = header.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), dep: 'energy', jti: 'fresh-nonce-1' })).toString('base64url');
    const forged = await direct(`${altered}.${signature}`);
    expect(forged.status).toBe(401);
    expect(forged.errors![0].message).toMatch(/not the gateway's/);

    const elsewhere = await direct(header, system.subgraphUrl('energy'));
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.errors![0].message).toMatch(/for the finance service/);

    // The signature covers the body: it cannot be moved onto another query.
    const moved = await direct(header, system.subgraphUrl('finance'), JSON.stringify({ query: '{ __typename }' }));
    expect(moved.status).toBe(401);
  });
});

describe('the audit trail', () => {
  it('the record is committed before the answer leaves: it is there when the answer arrives, with what the subgraphs served', async () => {
    const result = await post({ query: `{ region(code: "411002") { finance(month: "${MONTH}") { loansOutstanding { value } } } }` }, as(system.tokens.energy, 'hive-audited'));
    expect(result.errors).toBeUndefined();
    expect(result.headers.get('x-request-id')).toBe('hive-audited');
    // Read at once, no waiting: the plugin appended it in onResultProcess, before the response was made.
    const record = await auditOf('hive-audited');
    expect(record).toMatchObject({ outcome: 'OK', department: 'energy', indicators: ['FIN_LOANS_OUTSTANDING'] });
    expect(record!.fields).toEqual(expect.arrayContaining(['Query.region', 'Region.finance', 'FinanceFigures.loansOutstanding']));
    // What the subgraph told the gateway for the trail is not in the client's answer.
    expect(JSON.stringify(result)).not.toContain('huishangReads');
  });

  it('a refused figure is audited as PARTIAL with FORBIDDEN, and the refused indicator is not listed as read', async () => {
    const record = await auditOf('hive-not-shared');
    expect(record).toMatchObject({ outcome: 'PARTIAL', department: 'energy' });
    expect(record!.error_codes).toContain('FORBIDDEN');
    expect(record!.indicators).not.toContain('FIN_NON_PERFORMING_LOANS');
  });

  it('when the trail cannot be written the answer is withheld: 503 AUDIT_UNAVAILABLE, no data', async () => {
    await system.sql('access', 'alter table audit_record rename to audit_record_away');
    try {
      const result = await post({ query: `{ region(code: "411002") { energy(month: "${MONTH}") { electricity { value } } } }` }, as(system.tokens.energy));
      expect(result.status).toBe(503);
      expect(codes(result)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(result.data ?? undefined).toBeUndefined();
    } finally {
      await system.sql('access', 'alter table audit_record_away rename to audit_record');
    }
    expect((await post({ query: '{ regions { code } }' }, as(system.tokens.energy))).status).toBe(200);
  });

  it('a write the trail cannot record is not run: 503 AUDIT_UNAVAILABLE; a recorded one leaves its attempt first', async () => {
    const grants = async () => Number((await system.sql('finance', 'select count(*) as n from access_grant'))[0].n);
    const admin = await system.addClient({ department: 'finance', role: 'ADMINISTRATOR' });
    const GRANT = `mutation Grant($input: AccessGrantInput!) { grantFinanceAccess(input: $input) { id } }`;
    const input = { grantee: 'energy', indicators: ['FIN_LOANS_OUTSTANDING'], purpose: 'hive audit test', expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    const before = await grants();
    await system.sql('access', 'alter table audit_record rename to audit_record_away');
    try {
      const refused = await post({ query: GRANT, variables: { input } }, as(admin.token));
      expect(refused.status).toBe(503);
      expect(codes(refused)).toEqual(['AUDIT_UNAVAILABLE']);
    } finally {
      await system.sql('access', 'alter table audit_record_away rename to audit_record');
    }
    expect(await grants()).toBe(before);
    const made = await post({ query: GRANT, variables: { input } }, as(admin.token));
    expect(made.errors).toBeUndefined();
    expect(await grants()).toBe(before + 1);
    const rows = await system.sql('access', "select outcome, fields from audit_record where fields like '%Mutation.grantFinanceAccess%' order by seq desc limit 2");
    expect(rows.map((r) => r.outcome)).toEqual(['OK', 'ATTEMPT']);
  });

  it('Hive Gateway and our gateway extend one hash chain', async () => {
    expect((await system.query('{ regions { code } }')).status).toBe(200);
    const check = await system.cli(['audit', 'verify', '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).ok).toBe(true);
  });
});

describe('the shipped config listens on 127.0.0.1 unless HOST is set', () => {
  it('Hive Gateway started without --host is bound to 127.0.0.1 only: not reachable on the machine’s other addresses', async () => {
    const port = new URL(hive!.url).port;
    expect(hive!.output).toContain(`http://127.0.0.1:${port}`);
    expect((await post({ query: '{ regions { code } }' }, as(system.tokens.energy))).status).toBe(200);
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address);
    for (const address of others) {
      const reached = await fetch(`http://${address}:${port}/readiness`).then((r) => r.status).catch(() => 0);
      expect({ address, reached }).toEqual({ address, reached: 0 });
    }
    // The wildcard's loopback neighbour: 127.0.0.2 is answered by a 0.0.0.0 listener, not by a 127.0.0.1 one (Linux routes all of 127/8 to lo).
    expect(await fetch(`http://127.0.0.2:${port}/readiness`).then((r) => r.status).catch(() => 0)).toBe(0);
  });
});

describe('requests without a valid token: limited per address, audited once a minute (our gateway’s limiter)', () => {
  it('bad tokens → 401 until HUISHANG_UNAUTHENTICATED_PER_MINUTE (30), then 429 RATE_LIMITED with Retry-After; not one audit record each', async () => {
    const statuses: number[] = [];
    let limited: (GraphQLResult & { headers: Headers }) | undefined;
    // A minute's window may turn during the loop: 61 + 30 requests reach the limit whatever the earlier tests sent.
    for (let i = 0; i < 91 && !limited; i++) {
      const result = await post({ query: '{ regions { code } }' }, as(`hs_cl_bad_${i}`, `hive-bad-token-${i}`));
      statuses.push(result.status);
      if (result.status === 429) limited = result;
    }
    expect(limited).toBeDefined();
    expect(codes(limited!)).toEqual(['RATE_LIMITED']);
    expect(limited!.errors![0].message).toMatch(/HUISHANG_UNAUTHENTICATED_PER_MINUTE/);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    const [{ n }] = await system.sql('access', "select count(*) as n from audit_record where request_id like 'hive-bad-token-%'");
    // At most the first refusal of each minute the loop touched (two at most), where one each would be dozens.
    expect(Number(n)).toBeLessThanOrEqual(2);
  });
});

describe('our gateway’s query limits hold through Hive Gateway (the same code, the same errors)', () => {
  const page = 'query Page($first: Int!) { enterprises(first: $first) { edges { node { name creditCode } } } }';
  // region → 12 × parent → code: 14 fields deep, MAX_QUERY_DEPTH is 12.
  const deep = `{ region(code: "411002") { ${'parent { '.repeat(12)}code${' }'.repeat(12)} } }`;

  it('over MAX_QUERY_COST with the request’s variables (enterprises(first: 200000)) → QUERY_TOO_COMPLEX through both, same estimate; first: 20 passes the limit in both', async () => {
    const ours = await system.query(page, { first: 200_000 }, undefined, { token: system.tokens.industry });
    const theirs = await post({ query: page, variables: { first: 200_000 } }, as(system.tokens.industry));
    expect(codes(ours)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes(theirs)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(theirs.errors![0].message).toBe(ours.errors![0].message);
    expect([ours.status, theirs.status]).toEqual([400, 400]);
    expect(theirs.errors![0].extensions).toMatchObject({ limit: 'cost', max: 300_000, actual: (ours.errors![0].extensions as { actual: number }).actual });
    expect(theirs.data ?? null).toBeNull();
    const small = await post({ query: page, variables: { first: 20 } }, as(system.tokens.industry));
    expect(codes(small)).not.toContain('QUERY_TOO_COMPLEX');
  });

  it('nested deeper than MAX_QUERY_DEPTH → QUERY_TOO_COMPLEX through both, the same message', async () => {
    const ours = await system.query(deep, undefined, undefined, { token: system.tokens.industry });
    const theirs = await post({ query: deep }, as(system.tokens.industry));
    expect(codes(ours)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes(theirs)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(theirs.errors![0].message).toBe(ours.errors![0].message);
    // The HTTP status differs: ours 400, Hive Gateway (Yoga) 200 for a validation error under
    // `accept: application/json`, as the GraphQL-over-HTTP spec has it (README, "Not carried over").
    expect(theirs.data ?? null).toBeNull();
  });

  it('too many aliases, too many root fields, too many tokens → refused through both with the same codes', async () => {
    const aliases = `{ ${Array.from({ length: 61 }, (_, i) => `a${i}: regions { code }`).join(' ')} }`;
    const tokens = `{ regions { ${'code '.repeat(5_001)}} }`;
    for (const query of [aliases, tokens]) {
      const ours = await system.query(query, undefined, undefined, { token: system.tokens.industry });
      const theirs = await post({ query }, as(system.tokens.industry));
      expect(codes(ours).length).toBeGreaterThan(0);
      expect(codes(theirs)).toEqual(codes(ours));
    }
  });
});
