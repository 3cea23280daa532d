/**
 * Structured logs (pino): the gateway and every subgraph a request reaches write one JSON line for
 * it, with the same request id, the client, its department, role and the outcome — so one
 * request id finds a request's lines in every service's log.
 */
import { randomUUID } from 'node:crypto';
import { startSystem, type ServiceName, type System } from '../support/system';

jest.setTimeout(180_000);

let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 40 });
});

afterAll(async () => {
  await system?.stop();
});

type Line = Record<string, any>;

/** The JSON lines a service logged so far (anything else it printed is skipped). */
function jsonLines(name: ServiceName): Line[] {
  return system
    .logs(name)
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Line];
      } catch {
        return [];
      }
    });
}

async function linesFor(name: ServiceName, requestId: string): Promise<Line[]> {
  // stdout is piped: give the last line a moment to arrive.
  for (let i = 0; i < 50; i++) {
    const found = jsonLines(name).filter((line) => line.requestId === requestId);
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

test('one request: a line at the gateway and at each subgraph it reached, sharing the request id', async () => {
  const requestId = `test-${randomUUID()}`;
  const result = await system.query(
    'query District { region(code: "411002") { name finance(month: "2015-06") { loansOutstanding { value } } energy(month: "2015-06") { electricity { value } } } }',
    undefined,
    undefined,
    { token: system.tokens.energy, headers: { 'x-request-id': requestId } },
  );
  expect(result.errors).toBeUndefined();
  const [gateway] = await linesFor('gateway', requestId);
  expect(gateway).toMatchObject({ service: 'gateway', level: 'info', msg: 'request', requestId, department: 'energy', role: 'ANALYST', operationName: 'District', outcome: 'OK', errorCodes: [] });
  expect(gateway.clientId).toMatch(/^cl_[0-9a-f]{16}$/);
  expect(typeof gateway.durationMs).toBe('number');
  expect(Date.parse(gateway.time)).not.toBeNaN();
  for (const name of ['industry', 'finance', 'energy'] as const) {
    const lines = await linesFor(name, requestId);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line).toMatchObject({ service: name, msg: 'request', requestId, clientId: gateway.clientId, department: 'energy', role: 'ANALYST', outcome: 'OK' });
  }
  // HR was not asked.
  expect(await linesFor('hr', requestId)).toEqual([]);
});

test('a refused request is logged with its refusal as the outcome', async () => {
  const requestId = `test-${randomUUID()}`;
  const result = await system.query('{ __typename }', undefined, undefined, { token: null, headers: { 'x-request-id': requestId } });
  expect(result.status).toBe(401);
  const [line] = await linesFor('gateway', requestId);
  expect(line).toMatchObject({ service: 'gateway', msg: 'request', requestId, clientId: null, outcome: 'UNAUTHENTICATED', errorCodes: ['UNAUTHENTICATED'] });
});

test('a subgraph logs the signatures it refuses', async () => {
  const requestId = `test-${randomUUID()}`;
  const refused = await system.query('{ __typename }', undefined, system.subgraphUrl('hr'), { identity: null, headers: { 'x-request-id': requestId } });
  expect(refused.status).toBe(401);
  const [line] = await linesFor('hr', requestId);
  expect(line).toMatchObject({ service: 'hr', level: 'warn', msg: 'signature refused', outcome: 'UNAUTHENTICATED' });
  expect(line.reason).toMatch(/no x-huishang-identity header/);
});
