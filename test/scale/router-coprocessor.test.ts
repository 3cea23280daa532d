/**
 * The Apollo Router path (issue 18, item 6): the router itself cannot be installed here (no npm
 * package ships it, and nothing may download a binary), so this test plays the router's part
 * against the coprocessor's documented HTTP protocol (version 1): it posts the stage payloads
 * the router would post to a real coprocessor process (plugins/router-coprocessor), then sends
 * the subgraph request the router would send — with the headers the coprocessor returned, the body
 * serialised differently from the coprocessor's copy, as the router's own serialiser may — to
 * the real finance subgraph, which judges the identity it carries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, REPO_ROOT, startSystem, type System } from '../support/system';

const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 300_000);
const MONTH = '2015-06';

let system: System;
let coprocessor: { child: ChildProcess; output: string; url: string } | undefined;

beforeAll(async () => {
  system = await startSystem({ enterprises: 40, services: ['industry', 'finance', 'energy'], env: { HUISHANG_CLIENT_CACHE_MS: '100' } });
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'plugins', 'router-coprocessor', 'dist', 'src', 'main.js')], {
    cwd: REPO_ROOT,
    env: { ...system.env, ROUTER_COPROCESSOR_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  coprocessor = { child, output: '', url: `http://127.0.0.1:${port}/` };
  child.stdout!.on('data', (c: Buffer) => (coprocessor!.output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (coprocessor!.output += c.toString('utf8')));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the coprocessor exited ${child.exitCode}:\n${coprocessor.output}`);
    if ((await fetch(`${coprocessor.url}health`).then((r) => r.status).catch(() => 0)) === 200) break;
    if (Date.now() > deadline) throw new Error(`the coprocessor did not answer /health within ${READY_TIMEOUT_MS} ms:\n${coprocessor.output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  if (coprocessor && coprocessor.child.exitCode === null) {
    coprocessor.child.kill('SIGTERM');
    await new Promise((resolve) => coprocessor!.child.once('exit', resolve));
  }
  await system?.stop();
});

type Entries = Record<string, unknown>;
interface Stage {
  version: number;
  stage: string;
  control: 'continue' | { break: number };
  id: string;
  headers?: Record<string, string[]>;
  body?: any;
  context?: { entries: Entries };
  [key: string]: unknown;
}

/** One coprocessor request, as the router posts it; the coprocessor's answer. */
async function stage(payload: Stage): Promise<Stage> {
  const response = await fetch(coprocessor!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`coprocessor answered ${response.status}: ${text}\n${coprocessor!.output}`);
  return JSON.parse(text);
}

let sequence = 0;
/** The RouterRequest and SupergraphRequest stages of one client request; the router context they leave. */
async function admitted(token: string | null, query: string, requestId = `router-${++sequence}`): Promise<{ id: string; answer: Stage; entries: Entries }> {
  const id = `${sequence}`.padStart(32, '0');
  const headers: Record<string, string[]> = { 'content-type': ['application/json'], 'x-request-id': [requestId] };
  if (token) headers.authorization = [`Bearer ${token}`];
  const router = await stage({ version: 1, stage: 'RouterRequest', control: 'continue', id, headers, body: JSON.stringify({ query }), context: { entries: { 'accepts-json': true } }, method: 'POST', path: '/' });
  if (router.control !== 'continue') return { id, answer: router, entries: {} };
  const supergraph = await stage({ version: 1, stage: 'SupergraphRequest', control: 'continue', id, headers, body: { query }, context: router.context });
  return { id, answer: supergraph, entries: supergraph.context?.entries ?? router.context!.entries };
}

const FINANCE_FETCH = {
  query: `query Q__finance__1($representations:[_Any!]!){_entities(representations:$representations){...on Region{finance(month:"${MONTH}"){indicators(codes:["FIN_NON_PERFORMING_LOANS"]){indicator value}}}}}`,
  operationName: 'Q__finance__1',
  variables: { representations: [{ __typename: 'Region', code: '411002' }] },
};
const CLIENT_QUERY = `query Q { region(code: "411002") { finance(month: "${MONTH}") { indicators(codes: ["FIN_NON_PERFORMING_LOANS"]) { indicator value } } } }`;

/** The SubgraphRequest stage for finance, then the request the router would send with what it returned. */
async function financeFetch(id: string, entries: Entries, serialise: (body: unknown) => string = (b) => JSON.stringify(b, null, 2)) {
  const answer = await stage({ version: 1, stage: 'SubgraphRequest', control: 'continue', id, subgraphRequestId: `sub-${id}`, headers: { 'content-type': ['application/json'] }, body: FINANCE_FETCH, context: { entries }, serviceName: 'finance', uri: system.subgraphUrl('finance'), method: 'POST' });
  expect(answer.control).toBe('continue');
  const headers = Object.fromEntries(Object.entries(answer.headers!).map(([k, v]) => [k, v[0]]));
  // The router writes the body itself: other key order and whitespace than the coprocessor saw.
  const { variables, operationName, query } = FINANCE_FETCH;
  const bytes = serialise({ variables, operationName, query });
  const response = await fetch(system.subgraphUrl('finance'), { method: 'POST', headers, body: bytes });
  return { headers, bytes, status: response.status, body: JSON.parse(await response.text()) };
}

describe('RouterRequest: the token', () => {
  it('no token → break 401 with UNAUTHENTICATED as the client’s body; audited', async () => {
    const { answer } = await admitted(null, '{ regions { code } }', 'router-no-token');
    expect(answer.control).toEqual({ break: 401 });
    const body = JSON.parse(answer.body);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toMatch(/Authorization: Bearer/);
    expect(answer.headers!['www-authenticate'][0]).toMatch(/^Bearer/);
    const [row] = await system.sql('access', 'select outcome from audit_record where request_id = ?', ['router-no-token']);
    expect(row.outcome).toBe('UNAUTHENTICATED');
  });

  it('a forged token → break 401; a genuine one → continue, the client in the router context', async () => {
    const genuine = system.tokens.energy;
    const forged = genuine.slice(0, genuine.lastIndexOf('_') + 1) + 'A'.repeat(43);
    expect((await admitted(forged, '{ regions { code } }')).answer.control).toEqual({ break: 401 });
    const { answer, entries } = await admitted(genuine, '{ regions { code } }');
    expect(answer.control).toBe('continue');
    expect(entries['huishang::client']).toMatchObject({ department: 'energy', role: 'ANALYST' });
    expect(entries['huishang::operation']).toMatchObject({ fields: ['Query.regions', 'Region.code'] });
    // The context the router had is kept.
    expect(entries['accepts-json']).toBe(true);
  });

  it('SupergraphRequest: a safelisted client’s unregistered document → break 403 PERSISTED_QUERY_NOT_ALLOWED', async () => {
    const client = await system.addClient({ department: 'industry', role: 'INTEGRATION', safelist: true });
    const { answer } = await admitted(client.token, '{ regions(level: DISTRICT) { code } }');
    expect(answer.control).toEqual({ break: 403 });
    expect(answer.body.errors[0].extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_ALLOWED' });
  });
});

describe('SubgraphRequest: the subgraph judges the identity the coprocessor signed', () => {
  it('energy’s analyst: the finance subgraph refuses the NOT_SHARED figure (FORBIDDEN from the subgraph), though the body bytes differ from what was signed', async () => {
    const { id, entries } = await admitted(system.tokens.energy, CLIENT_QUERY);
    const sent = await financeFetch(id, entries);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['x-request-id']).toMatch(/^router-/);
    expect(sent.status).toBe(200);
    const denied = sent.body.errors.find((e: { extensions?: { code?: string } }) => e.extensions?.code === 'FORBIDDEN');
    expect(denied.extensions).toMatchObject({ indicator: 'FIN_NON_PERFORMING_LOANS', sharing: 'NOT_SHARED' });
    expect(sent.body.data._entities[0].finance.indicators).toBeNull();
  });

  it('finance’s analyst reads it: the value is finance’s row; the signature is then good for nothing else', async () => {
    const { id, entries } = await admitted(system.tokens.finance, CLIENT_QUERY);
    const sent = await financeFetch(id, entries);
    expect(sent.body.errors).toBeUndefined();
    const [row] = await system.sql('finance', "select value from observation where indicator = 'FIN_NON_PERFORMING_LOANS' and subject_type = 'REGION' and subject_code = '411002' and month = ?", [MONTH]);
    expect(sent.body.data._entities[0].finance.indicators).toEqual([{ indicator: 'FIN_NON_PERFORMING_LOANS', value: Number(row.value) }]);

    const post = (headers: Record<string, string>, body: string, url = system.subgraphUrl('finance')) => fetch(url, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, body: JSON.parse(await r.text()) }));
    const replayed = await post(sent.headers, sent.bytes);
    expect(replayed.status).toBe(401);
    expect(replayed.body.errors[0].message).toMatch(/already used/);
    // The same identity on another query (another district): the canonical body differs.
    const other = JSON.stringify({ ...FINANCE_FETCH, variables: { representations: [{ __typename: 'Region', code: '411000' }] } });
    const { id: id2, entries: entries2 } = await admitted(system.tokens.finance, CLIENT_QUERY);
    const fresh = await financeFetch(id2, entries2, () => other);
    expect(fresh.status).toBe(401);
    expect(fresh.body.errors[0].message).toMatch(/another request body/);
    // Sent to another department.
    const elsewhere = await post(sent.headers, sent.bytes, system.subgraphUrl('energy'));
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.errors[0].message).toMatch(/for the finance service/);
  });

  it('the gateway’s own audit subgraph is answered by the coprocessor (break 200 answers that fetch): viewer', async () => {
    const { id, entries } = await admitted(system.tokens.hr, '{ viewer { department role } }');
    const answer = await stage({ version: 1, stage: 'SubgraphRequest', control: 'continue', id, headers: {}, body: { query: 'query Q__audit__0{viewer{department role}}', operationName: 'Q__audit__0' }, context: { entries }, serviceName: 'audit', method: 'POST' });
    expect(answer.control).toEqual({ break: 200 });
    expect(answer.body).toEqual({ data: { viewer: { department: 'hr', role: 'ANALYST' } } });
  });

  it('without an authenticated client in the context nothing is signed', async () => {
    const answer = await stage({ version: 1, stage: 'SubgraphRequest', control: 'continue', id: 'x', headers: {}, body: FINANCE_FETCH, context: { entries: {} }, serviceName: 'finance', method: 'POST' });
    expect(answer.control).toEqual({ break: 401 });
    expect(answer.headers?.['x-huishang-identity']).toBeUndefined();
  });
});

describe('SubgraphResponse and RouterResponse: the audit record before the answer', () => {
  async function throughSubgraph(token: string, requestId: string) {
    const { id, entries } = await admitted(token, CLIENT_QUERY, requestId);
    const sent = await financeFetch(id, entries);
    const response = await stage({ version: 1, stage: 'SubgraphResponse', control: 'continue', id, subgraphRequestId: `sub-${id}`, headers: {}, body: sent.body, context: { entries }, serviceName: 'finance', statusCode: 200 });
    return { id, sent, response };
  }

  it('the subgraph’s report of what it served leaves the body for the context, and lands in the audit record at RouterResponse', async () => {
    const { id, sent, response } = await throughSubgraph(system.tokens.finance, 'router-audited');
    expect(sent.body.extensions.huishangReads.indicators).toEqual(['FIN_NON_PERFORMING_LOANS']);
    expect(response.body.extensions?.huishangReads).toBeUndefined();
    const entries = response.context!.entries;
    expect(entries[`huishang::reads::sub-${id}`]).toMatchObject({ indicators: ['FIN_NON_PERFORMING_LOANS'] });
    expect(entries['huishang::client']).toBeDefined();

    const clientBody = JSON.stringify({ data: { region: { finance: { indicators: response.body.data._entities[0].finance.indicators } } } });
    const answer = await stage({ version: 1, stage: 'RouterResponse', control: 'continue', id, headers: { 'content-type': ['application/json'] }, body: clientBody, context: { entries }, statusCode: 200 });
    expect(answer.control).toBe('continue');
    expect(answer.headers!['x-request-id']).toEqual(['router-audited']);
    const [row] = await system.sql('access', 'select outcome, department, indicators, fields, operation_name from audit_record where request_id = ?', ['router-audited']);
    expect(row).toMatchObject({ outcome: 'OK', department: 'finance', operation_name: null });
    expect(JSON.parse(row.indicators)).toEqual(['FIN_NON_PERFORMING_LOANS']);
    expect(JSON.parse(row.fields)).toEqual(expect.arrayContaining(['Query.region', 'Region.finance', 'FinanceFigures.indicators']));
  });

  it('a mutation is recorded at SupergraphRequest, before the router runs it: unrecordable, it breaks 503 and never runs; recorded, it is said to be made even when its answer cannot be recorded', async () => {
    const MUTATION = 'mutation Revoke { revokeFinanceGrant(id: 999999) { id } }';
    await system.sql('access', 'alter table audit_record rename to audit_record_away');
    let refused: Awaited<ReturnType<typeof admitted>>;
    try {
      refused = await admitted(system.tokens.finance, MUTATION, 'router-write-away');
    } finally {
      await system.sql('access', 'alter table audit_record_away rename to audit_record');
    }
    expect(refused.answer.control).toEqual({ break: 503 });
    const refusal = typeof refused.answer.body === 'string' ? JSON.parse(refused.answer.body) : refused.answer.body;
    expect(refusal.errors[0].extensions.code).toBe('AUDIT_UNAVAILABLE');

    const { id, answer, entries } = await admitted(system.tokens.finance, MUTATION, 'router-write');
    expect(answer.control).toBe('continue');
    const [attempt] = await system.sql('access', 'select outcome, operation_name, fields from audit_record where request_id = ?', ['router-write']);
    expect(attempt).toMatchObject({ outcome: 'ATTEMPT' });
    expect(JSON.parse(attempt.fields)).toEqual(['AccessGrant.id', 'Mutation.revokeFinanceGrant']);
    // The result's record cannot be written: the write's answer still goes out, said incomplete.
    await system.sql('access', 'alter table audit_record rename to audit_record_away');
    let response: Stage;
    try {
      response = await stage({ version: 1, stage: 'RouterResponse', control: 'continue', id, headers: {}, body: JSON.stringify({ data: { revokeFinanceGrant: { id: 1 } } }), context: { entries }, statusCode: 200 });
    } finally {
      await system.sql('access', 'alter table audit_record_away rename to audit_record');
    }
    expect(response.control).toBe('continue');
    const body = JSON.parse(response.body as string);
    expect(body.data).toBeNull();
    expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['AUDIT_INCOMPLETE']);
    expect(body.errors[0].message).toMatch(/change was made/);
  });

  it('when the trail cannot be written: break 503 AUDIT_UNAVAILABLE replaces the answer', async () => {
    const { id, response } = await throughSubgraph(system.tokens.finance, 'router-unaudited');
    await system.sql('access', 'alter table audit_record rename to audit_record_away');
    try {
      const answer = await stage({ version: 1, stage: 'RouterResponse', control: 'continue', id, headers: {}, body: JSON.stringify({ data: { region: null } }), context: response.context, statusCode: 200 });
      expect(answer.control).toEqual({ break: 503 });
      const body = JSON.parse(answer.body);
      expect(body.data).toBeUndefined();
      expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['AUDIT_UNAVAILABLE']);
    } finally {
      await system.sql('access', 'alter table audit_record_away rename to audit_record');
    }
  });
});
