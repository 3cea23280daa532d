/**
 * Production mode (HUISHANG_MODE=production): no demo clients, introspection for analysts and
 * administrators only, and nothing of a service's insides in an error. Here production is started
 * over a database the demo made (demo city, demo clients), as an operator switching over would:
 * the demo tokens must stop working. A fresh production database gets no demo city and no grants,
 * and without the signing keys in the environment nothing starts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeys } from '@huishang/schema';
import { REPO_ROOT, startSystem, type GraphQLResult, type System } from '../support/system';

// Every hook and test: E2E_TIMEOUT_MS (jest.config.js).

let system: System;

beforeAll(async () => {
  // The demo first (seeded city, demo clients written), then every service restarted in production mode.
  system = await startSystem({ enterprises: 40 });
  const services = [...system.services, 'gateway'] as const;
  for (const name of services) await system.kill(name);
  system.env.HUISHANG_MODE = 'production';
  for (const name of services) await system.restart(name);
});

afterAll(async () => {
  await system?.stop();
});

const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);

it('refuses the demo clients written before: 401 UNAUTHENTICATED, saying why', async () => {
  expect(Object.keys(system.tokens).length).toBeGreaterThan(0);
  for (const token of Object.values(system.tokens)) {
    const result = await system.query('{ regions { code } }', undefined, undefined, { token });
    expect(result.status).toBe(401);
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.errors![0].message).toMatch(/demo clients are refused in production/);
  }
  const none = await system.query('{ regions { code } }', undefined, undefined, { token: null });
  expect(none.status).toBe(401);
  // An issued client still gets in.
  const analyst = await system.addClient({ department: 'industry', role: 'ANALYST' });
  expect((await system.query('{ regions { code } }', undefined, undefined, { token: analyst.token })).errors).toBeUndefined();
});

it('honours none of the grants the demo made: their figures FORBIDDEN, the rule grant RULE_GRANT_REQUIRED, the grants listed inactive with the reason', async () => {
  // The secretariat (industry) held the demo's reading grants; energy's POWER_DROP rule held industry's rule grant.
  const admin = await system.addClient({ department: 'industry', role: 'ADMINISTRATOR' });
  const [row] = await system.sql('energy', 'select subject_code as code from observation where indicator = \'EN_ELECTRICITY\' and subject_type = \'ENTERPRISE\' limit 1');
  expect(row).toBeDefined();
  const read = await system.query(
    `{ energyGrants(includeInactive: true) { id grantedBy active inactiveReason } plain: energyGrants { id } enterprise(creditCode: "${row.code}") { energy(month: "2015-06") { electricity { value } } finance(month: "2015-06") { loansOutstanding { value } } } }`,
    undefined, undefined, { token: admin.token },
  );
  const demoGrants = (read.data.energyGrants as { grantedBy: string; active: boolean; inactiveReason: string | null }[]).filter((g) => g.grantedBy === 'demo-seed');
  expect(demoGrants.length).toBeGreaterThan(0);
  for (const grant of demoGrants) {
    expect(grant.active).toBe(false);
    expect(grant.inactiveReason).toMatch(/demo.*production/);
  }
  expect(read.data.plain).toEqual([]);
  const refused = (read.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.extensions?.indicator).sort();
  expect(refused).toEqual(['EN_ELECTRICITY', 'FIN_LOANS_OUTSTANDING']);
  expect(JSON.stringify(read.data.enterprise)).not.toMatch(/"value":\s*-?\d/);

  const energy = await system.addClient({ department: 'energy', role: 'ANALYST' });
  const rule = await system.query('{ warnings(month: "2015-06") { keyEnterprises { creditCode powerDrop { rule } } } }', undefined, undefined, { token: energy.token });
  const keys = rule.data.warnings.keyEnterprises as unknown[];
  expect(keys.length).toBeGreaterThan(0);
  expect(rule.errors).toHaveLength(keys.length);
  expect(new Set(rule.errors!.map((e) => e.extensions?.code))).toEqual(new Set(['RULE_GRANT_REQUIRED']));
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
    // A department's fault, not the gateway's: its own code and the department, nothing inside.
    expect(codes(result)).toEqual(['SUBGRAPH_INTERNAL_ERROR']);
    expect(result.errors![0].extensions).toEqual({ code: 'SUBGRAPH_INTERNAL_ERROR', subgraph: 'hr' });
    const text = JSON.stringify(result.errors);
    expect(text).not.toMatch(/observation|select|sql|stack/i);
    expect(result.errors![0].message).toMatch(/x-request-id/);
  } finally {
    await system.sql('hr', 'alter table observation_away rename to observation');
  }
});

describe('a fresh production database', () => {
  let fresh: System;
  beforeAll(async () => {
    fresh = await startSystem({ services: ['energy'], env: { HUISHANG_MODE: 'production' } });
  });
  afterAll(async () => {
    await fresh?.stop();
  });

  it('gets no demo city, no standing grants and no demo clients', async () => {
    expect(existsSync(fresh.env.HUISHANG_DEMO_CLIENTS_FILE!)).toBe(false);
    expect(fresh.tokens).toEqual({});
    for (const table of ['access_grant', 'enterprise_register', 'observation']) {
      const [row] = await fresh.sql('energy', `select count(*) as n from ${table}`);
      expect({ table, rows: Number(row.n) }).toEqual({ table, rows: 0 });
    }
    // Through the gateway: an issued analyst reads an empty register, not the demo city.
    const analyst = await fresh.addClient({ department: 'energy', role: 'ANALYST' });
    const result = await fresh.query('{ __typename }', undefined, undefined, { token: analyst.token });
    expect(result.errors).toBeUndefined();
    expect((await fresh.query('{ regions { code } }', undefined, undefined, { token: null })).status).toBe(401);
  });
});

describe('production without the signing keys in the environment', () => {
  /** Runs a service in production mode with key files on disk but none in the environment. */
  async function run(entry: string): Promise<{ code: number | null; output: string; files: string[] }> {
    const keys = mkdtempSync(join(tmpdir(), 'huishang-keys-'));
    const data = mkdtempSync(join(tmpdir(), 'huishang-data-'));
    const pair = generateSigningKeys();
    writeFileSync(join(keys, 'gateway-signing.pem'), pair.privateKey);
    writeFileSync(join(keys, 'gateway-signing.pub.pem'), pair.publicKey);
    const env: NodeJS.ProcessEnv = { ...process.env, HUISHANG_MODE: 'production', HUISHANG_KEYS_DIR: keys, HUISHANG_DATA_DIR: data, GATEWAY_PORT: '0', ENERGY_PORT: '0' };
    delete env.HUISHANG_GATEWAY_PRIVATE_KEY;
    delete env.HUISHANG_GATEWAY_PUBLIC_KEY;
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [join(REPO_ROOT, entry)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', (c) => resolveExit(c)));
    const files = readdirSync(keys).sort();
    rmSync(keys, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
    return { code, output: output.trim(), files };
  }

  it.each([
    ['gateway', 'gateway/dist/src/index.js', 'HUISHANG_GATEWAY_PRIVATE_KEY'],
    ['a subgraph', 'subgraphs/energy/dist/src/index.js', 'HUISHANG_GATEWAY_PUBLIC_KEY'],
  ])('%s refuses to start, in one line, and writes no key file', async (_name, entry, variable) => {
    const { code, output, files } = await run(entry);
    expect(code).not.toBe(0);
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toContain(`${variable} is not set`);
    expect(output).toMatch(/production mode/);
    expect(output).not.toMatch(/\n\s+at /);
    expect(files).toEqual(['gateway-signing.pem', 'gateway-signing.pub.pem']);
  });
});
