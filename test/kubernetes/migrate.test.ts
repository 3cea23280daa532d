/**
 * Migrations apart from serving (what the Kubernetes Job relies on): with HUISHANG_MIGRATE=off a
 * service refuses an unmigrated database, naming the pending migrations; HUISHANG_MIGRATE=only
 * migrates and seeds, then exits 0 without listening; after it, HUISHANG_MIGRATE=off serves.
 * Real processes on a fresh SQLite directory (or a fresh PostgreSQL database with DATABASE_URL).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT } from '../support/system';

jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), 'huishang-migrate-'));
const keys = generateKeyPairSync('ed25519');
const parentUrl = process.env.DATABASE_URL;
const postgres = !!parentUrl && /^postgres(ql)?:\/\//.test(parentUrl);
const base = `huishang_migrate_${randomBytes(4).toString('hex')}`;

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HUISHANG_DEMO_ENTERPRISES: '20', HUISHANG_KEYS_DIR: dir, ...extra };
  env.HUISHANG_GATEWAY_PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  delete env.ENERGY_DATABASE_URL;
  if (postgres) {
    const url = new URL(parentUrl!);
    url.pathname = `/${base}`;
    env.DATABASE_URL = url.toString();
  } else {
    delete env.DATABASE_URL;
    env.HUISHANG_DATA_DIR = dir;
  }
  return env;
}

/** Runs the energy subgraph until it exits, or until `until` shows in its output (then SIGTERM). */
function run(extra: Record<string, string>, until?: RegExp): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'subgraphs/energy/dist/src/index.js')], { cwd: REPO_ROOT, env: environment(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (until?.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code, output }));
  });
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (postgres) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require('pg') as { Client: new (c: { connectionString: string }) => { connect(): Promise<void>; query(q: string): Promise<unknown>; end(): Promise<void> } };
    const url = new URL(parentUrl!);
    url.pathname = '/postgres';
    const admin = new Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${base}_energy" WITH (FORCE)`);
    await admin.end();
  }
});

test('HUISHANG_MIGRATE=off refuses an unmigrated database; =only migrates and exits; then =off serves', async () => {
  const port = String(await freePort());
  if (!postgres) {
    // PostgreSQL: MikroORM creates the database on connecting; the check is the same.
    const refused = await run({ HUISHANG_MIGRATE: 'off', ENERGY_PORT: port });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/pending migration\(s\) .*HUISHANG_MIGRATE=off: run the migration job/);
    expect(refused.output).not.toMatch(/ready at/);
  }
  const migrated = await run({ HUISHANG_MIGRATE: 'only', ENERGY_PORT: port });
  expect([migrated.code, migrated.output]).toEqual([0, expect.stringMatching(/database migrated and seeded .*not serving/)]);
  expect(migrated.output).not.toMatch(/ready at/);
  const served = await run({ HUISHANG_MIGRATE: 'off', HUISHANG_SEED: 'off', ENERGY_PORT: port }, /ready at/);
  expect(served.output).toMatch(/energy subgraph .* ready at/);
  expect(served.output).not.toMatch(/Processing|Applied/);
  expect(served.code).toBe(0);
});

test('a bad HUISHANG_MIGRATE is refused with one sentence', async () => {
  const bad = await run({ HUISHANG_MIGRATE: 'sometimes' });
  expect(bad.code).toBe(2);
  expect(bad.output).toMatch(/HUISHANG_MIGRATE must be on, off or only, got "sometimes"/);
});
