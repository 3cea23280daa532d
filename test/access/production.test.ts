/**
 * Production mode (HUISHANG_MODE=production): no demo clients, introspection for analysts and
 * administrators only, and nothing of a service's insides in an error.
 */
import { existsSync } from 'node:fs';
import { startSystem, type GraphQLResult, type System } from '../support/system';

// Every hook and test: E2E_TIMEOUT_MS (jest.config.js).

let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 40, env: { HUISHANG_MODE: 'production' } });
});

afterAll(async () => {
  await system?.stop();
});

const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);

it('writes no demo clients: nobody gets in without an issued token', async () => {
  expect(existsSync(system.env.HUISHANG_DEMO_CLIENTS_FILE!)).toBe(false);
  expect(system.tokens).toEqual({});
  const result = await system.query('{ regions { code } }', undefined, undefined, { token: null });
  expect(result.status).toBe(401);
});

it('introspection: an analyst may, an integration may not', async () => {
  const analyst = await system.addClient({ department: 'energy', role: 'ANALYST' });
  const integration = await system.addClient({ department: 'energy', role: 'INTEGRATION' });
  const introspect = '{ __schema { queryType { name } } }';
  const allowed = await system.query(introspect, undefined, undefined, { token: analyst.token });
  expect(allowed.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  const refused = await system.query(introspect, undefined, undefined, { token: integration.token });
  expect(codes(refused)).toEqual(['FORBIDDEN']);
  expect(refused.data).toBeUndefined();
  // Ordinary queries are the integration's business.
  expect((await system.query('{ regions { code } }', undefined, undefined, { token: integration.token })).errors).toBeUndefined();
});

it('a subgraph’s internal failure reaches the client masked, with the request id to quote', async () => {
  const analyst = await system.addClient({ department: 'hr', role: 'ANALYST' });
  await system.sql('hr', 'alter table observation rename to observation_away');
  try {
    const result = await system.query('{ region(code: "411002") { name hr(month: "2015-06") { employees { value } } } }', undefined, undefined, { token: analyst.token });
    // hr(month:) is nullable: its failure nulls hr's figures only, the region answers.
    expect(result.data.region).toEqual({ name: expect.any(String), hr: null });
    expect(codes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
    const text = JSON.stringify(result.errors);
    expect(text).not.toMatch(/observation|select|sql|stack/i);
    expect(result.errors![0].message).toMatch(/x-request-id/);
  } finally {
    await system.sql('hr', 'alter table observation_away rename to observation');
  }
});
