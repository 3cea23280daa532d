/**
 * The budget of documents the gateway must plan anew (HUISHANG_NEW_DOCUMENTS_PER_MINUTE): a fresh
 * tester stalled the gateway from one token by renaming the aliases of one wide document ten
 * times a second, each request within every other limit (@apollo/gateway caches plans by the
 * document's exact text). Through the real gateway: past the budget a client's new documents are
 * RATE_LIMITED (429, Retry-After), its known documents still run, another client is not affected,
 * and the refusal is on the audit trail.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startSystem, type System } from '../support/system';

let system: System;
const BUDGET = 3;

beforeAll(async () => {
  system = await startSystem({ enterprises: 40, services: ['energy'], env: { HUISHANG_NEW_DOCUMENTS_PER_MINUTE: String(BUDGET) } });
});
afterAll(async () => {
  await system?.stop();
});

/** A document of its own text: the gateway's own `viewer`, under an alias. */
const documentNumbered = (n: number) => `{ v${n}: viewer { department } }`;

it('past the budget a client’s new documents are refused with 429 until the minute ends; its known ones run; another client’s budget is its own', async () => {
  // One fixed minute window: start with enough of it left.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await sleep(left + 200);
  const one = await system.addClient({ department: 'energy', role: 'ANALYST' });
  const other = await system.addClient({ department: 'energy', role: 'ANALYST' });
  const ask = (n: number, token: string, requestId?: string) => system.query(documentNumbered(n), undefined, undefined, { token, headers: requestId ? { 'x-request-id': requestId } : {} });

  for (let n = 1; n <= BUDGET; n++) expect((await ask(n, one.token)).errors).toBeUndefined();
  const refused = await ask(BUDGET + 1, one.token, 'new-documents-refused');
  expect(refused.status).toBe(429);
  expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
  expect(refused.errors![0].message).toMatch(new RegExp(`more than ${BUDGET} documents in a minute .*HUISHANG_NEW_DOCUMENTS_PER_MINUTE.*with variables`));
  expect(refused.errors![0].extensions).toMatchObject({ limit: BUDGET, retryAfter: expect.any(Number) });
  // Still refused when sent again: a refused document is not remembered as planned.
  expect((await ask(BUDGET + 1, one.token)).status).toBe(429);
  // Documents it sent before still run.
  const known = await ask(1, one.token);
  expect({ status: known.status, errors: known.errors, data: known.data }).toEqual({ status: 200, errors: undefined, data: { v1: { department: 'energy' } } });
  // Another client has its own budget.
  expect((await ask(100, other.token)).errors).toBeUndefined();
  // On the trail: the refusal, with its code.
  const [record] = await system.sql('access', 'select client_id, outcome, error_codes from audit_record where request_id = ?', ['new-documents-refused']);
  expect({ client: record.client_id, outcome: record.outcome, codes: JSON.parse(record.error_codes) }).toEqual({ client: one.id, outcome: 'RATE_LIMITED', codes: ['RATE_LIMITED'] });
});

it('each operation of a document counts, as @apollo/gateway plans each by its name (a tester got six plans for one count)', async () => {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await sleep(left + 200);
  const client = await system.addClient({ department: 'energy', role: 'ANALYST' });
  const operations = Array.from({ length: BUDGET + 1 }, (_, i) => `query O${i + 1} { o${i + 1}: viewer { department } }`).join('\n');
  const run = async (operationName: string) => {
    const response = await fetch(system.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
      body: JSON.stringify({ query: operations, operationName }),
    });
    return { status: response.status, ...((await response.json()) as { errors?: { extensions?: { code?: string } }[] }) };
  };
  for (let i = 1; i <= BUDGET; i++) expect((await run(`O${i}`)).errors).toBeUndefined();
  const refused = await run(`O${BUDGET + 1}`);
  expect({ status: refused.status, codes: refused.errors?.map((e) => e.extensions?.code) }).toEqual({ status: 429, codes: ['RATE_LIMITED'] });
  // A named operation already run is known.
  expect((await run('O1')).errors).toBeUndefined();
});

it('no answer carries a query plan, whatever the caller asks (Apollo-Query-Plan-Experimental)', async () => {
  const result = await system.query('{ plan1: viewer { department } }', undefined, undefined, { token: system.tokens.energy, headers: { 'Apollo-Query-Plan-Experimental': '1' } });
  expect(result.errors).toBeUndefined();
  expect(JSON.stringify(result.extensions ?? {})).not.toMatch(/queryPlan/i);
});

it('the Retry-After header says when the minute ends', async () => {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await sleep(left + 200);
  const client = await system.addClient({ department: 'energy', role: 'ANALYST' });
  for (let n = 200; n < 200 + BUDGET; n++) await system.query(documentNumbered(n), undefined, undefined, { token: client.token });
  const response = await fetch(system.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
    body: JSON.stringify({ query: documentNumbered(300) }),
  });
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
});
