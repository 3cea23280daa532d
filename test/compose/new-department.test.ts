/**
 * The README's "Adding a department", followed step by step in a temporary copy of the workspace
 * (issue 15): the fixture department (test/fixtures/department, the work-safety bureau) becomes
 * `subgraphs/safety/` plus one registry entry — nothing else is edited — then the workspace is
 * linked (what `npm install` does for a workspace package: a link in node_modules/@huishang; the
 * other packages are links to this checkout's), built (`npm run build`), composed (`npm run
 * compose`: the supergraph, and the registry's parts of router.yaml, docker-compose.yml, the
 * Dockerfile and the Kubernetes manifests), and the new department is started with the register's
 * keeper and the gateway only, and its figures are read through the gateway and checked against
 * its demo rows.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { demoCity } from '@huishang/schema';
import { safetyRows } from '../fixtures/department/src/seed';
import { freePort } from '../support/system';

const ROOT = resolve(__dirname, '../..');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 600_000);
const ENTERPRISES = 40;
const registry = JSON.parse(readFileSync(join(ROOT, 'subgraphs', 'departments.json'), 'utf8')) as { secretariat: string; departments: { name: string; folder: string; package: string }[] };

let work: string;
/** With DATABASE_URL=postgres://…: the base of this test's own databases (`<base>_<service>`), dropped afterwards. */
const PARENT_URL = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : undefined;
const PG_BASE = `${PARENT_URL ? new URL(PARENT_URL).pathname.slice(1) || 'huishang' : 'huishang'}_newdept_${randomBytes(4).toString('hex')}`;
const withDatabase = (url: string, database: string) => Object.assign(new URL(url), { pathname: `/${database}` }).toString();
/** The workspace packages, as `npm install` linked them in this checkout: package → folder. */
const WORKSPACE: Record<string, string> = Object.fromEntries(
  readdirSync(join(ROOT, 'node_modules', '@huishang')).map((name) => [`@huishang/${name}`, relative(ROOT, resolve(ROOT, 'node_modules', '@huishang', readlinkSync(join(ROOT, 'node_modules', '@huishang', name))))]),
);
const children: ChildProcess[] = [];

function run(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(process.execPath, args, { cwd: work, env, encoding: 'utf8', timeout: TIMEOUT });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The workspace as a clone has it, built (dist/ kept, so only what changes is rebuilt): everything but node_modules, git and local state. */
function copyWorkspace(): void {
  for (const path of readdirSync(ROOT).filter((name) => !['node_modules', '.git', 'data', '.huishang'].includes(name))) {
    cpSync(join(ROOT, path), join(work, path), { recursive: true, preserveTimestamps: true, filter: (src) => !src.split('/').includes('node_modules') });
  }
  // node_modules: the installed packages are this checkout's; the workspace's own are the copy's.
  mkdirSync(join(work, 'node_modules', '@huishang'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@huishang') symlinkSync(join(ROOT, 'node_modules', entry), join(work, 'node_modules', entry));
  }
  const link = (pkg: string, folder: string) => symlinkSync(existsSync(join(work, folder)) ? join(work, folder) : join(ROOT, folder), join(work, 'node_modules', pkg));
  for (const [pkg, folder] of Object.entries(WORKSPACE)) link(pkg, folder);
  // A package's own node_modules (a dependency it needs in another version than the root's).
  const packageFolders = (dir: string, depth: number): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !['node_modules', '.git', 'dist'].includes(e.name))
      .flatMap((e) => [join(dir, e.name), ...(depth > 1 ? packageFolders(join(dir, e.name), depth - 1) : [])]);
  for (const folder of packageFolders('.', 2)) {
    if (existsSync(join(ROOT, folder, 'node_modules')) && existsSync(join(work, folder))) symlinkSync(join(ROOT, folder, 'node_modules'), join(work, folder, 'node_modules'));
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'huishang-new-department-'));
  copyWorkspace();
});

/** One statement on the server's `postgres` database. pg has no types installed here: typed where used (as test/support/system.ts does). */
async function adminQuery<R>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as { Client: new (options: { connectionString: string }) => { connect(): Promise<void>; query(sql: string, values?: unknown[]): Promise<{ rows: R[] }>; end(): Promise<void> } };
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** This test's databases on the PostgreSQL server. */
const ownDatabases = async () => (await adminQuery<{ datname: string }>(PARENT_URL!, 'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [`${PG_BASE}_%`])).map((r) => r.datname);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  if (work) rmSync(work, { recursive: true, force: true });
  if (PARENT_URL) {
    for (const datname of await ownDatabases()) await adminQuery(PARENT_URL, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
});

test('a department is its folder plus one registry entry: built, composed, served and queried through the gateway', async () => {
  // Step 1–2 of the guide: the department's folder.
  cpSync(join(ROOT, 'test', 'fixtures', 'department'), join(work, 'subgraphs', 'safety'), { recursive: true });
  // Step 3: one registry entry.
  const registryFile = join(work, 'subgraphs', 'departments.json');
  const edited = JSON.parse(readFileSync(registryFile, 'utf8')) as { departments: Record<string, unknown>[] };
  const safetyPort = await freePort();
  edited.departments.push({ name: 'safety', port: safetyPort, package: '@huishang/safety', folder: 'subgraphs/safety', nameZh: '安监局', nameEn: 'work-safety bureau', registerTable: 'enterprise_register', indicatorPrefix: 'SAFE_' });
  writeFileSync(registryFile, JSON.stringify(edited, null, 2));
  // Step 4: npm install links it; npm run build; npm run compose.
  symlinkSync(join(work, 'subgraphs', 'safety'), join(work, 'node_modules', '@huishang', 'safety'));
  run(['scripts/build.js']);
  expect(existsSync(join(work, 'subgraphs', 'safety', 'dist', 'src', 'index.js'))).toBe(true);
  run(['schema/dist/scripts/compose.js']);
  const supergraph = readFileSync(join(work, 'schema', 'supergraph.graphql'), 'utf8');
  expect(supergraph).toMatch(/SAFETY @join__graph\(name: "safety"/);
  expect(supergraph).toContain('submitSafetyObservations');
  expect(readFileSync(join(work, 'schema', 'supergraph.yaml'), 'utf8')).toContain(`routing_url: http://localhost:${safetyPort}/graphql`);
  expect(readFileSync(join(work, 'schema', 'router.yaml'), 'utf8')).toContain(`  safety: http://localhost:${safetyPort}/graphql`);
  // Its container: the Dockerfile copies its manifest and runs it as SERVICE=safety; docker compose has its service.
  expect(readFileSync(join(work, 'Dockerfile'), 'utf8')).toContain('COPY subgraphs/safety/package.json subgraphs/safety/');
  expect(run(['scripts/service-entry.js', 'safety']).trim()).toBe('subgraphs/safety/dist/src/index.js');
  const dockerCompose = readFileSync(join(work, 'docker-compose.yml'), 'utf8');
  expect(dockerCompose).toContain(`  safety:\n    <<: *subgraph\n    build: { <<: *build, args: { SERVICE: safety } }`);
  expect(dockerCompose).toContain(`      SAFETY_URL: http://safety:${safetyPort}/graphql`);
  // Its Kubernetes manifests, and the gateway's URL for it, come from the registry too.
  const kubectl = spawnSync('kubectl', ['kustomize', join(work, 'deploy', 'kubernetes', 'base')], { encoding: 'utf8' });
  if (kubectl.error === undefined) {
    expect(kubectl.stdout).toMatch(/kind: Deployment\nmetadata:\n(?:.*\n)*?  name: safety\n/);
    expect(kubectl.stdout).toContain(`value: http://safety:${safetyPort}/graphql`);
  }
  // The whole workspace agrees with its registry again: the checks `npm test` runs first.
  run(['schema/dist/scripts/compose.js', '--check']);

  // Start the register's keeper, the new department and the gateway (the others stay down).
  const keys = generateKeyPairSync('ed25519');
  const state = mkdtempSync(join(work, 'state-'));
  const gatewayPort = await freePort();
  const keeperPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HUISHANG_DATA_DIR: state,
    HUISHANG_KEYS_DIR: state,
    HUISHANG_DEMO_CLIENTS_FILE: join(state, 'demo-clients.json'),
    HUISHANG_DEMO_ENTERPRISES: String(ENTERPRISES),
    HUISHANG_GATEWAY_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    HUISHANG_GATEWAY_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    GATEWAY_PORT: String(gatewayPort),
    [`${registry.secretariat.toUpperCase()}_PORT`]: String(keeperPort),
    SAFETY_PORT: String(safetyPort),
    LOG_LEVEL: 'warn',
    // PostgreSQL when the run is on it: each service creates and migrates its own `<base>_<service>`.
    ...(PARENT_URL ? { DATABASE_URL: withDatabase(PARENT_URL, PG_BASE) } : {}),
  };
  const keeper = registry.departments.find((d) => d.name === registry.secretariat)!;
  let output = '';
  for (const entry of [`${keeper.folder}/dist/src/index.js`, 'subgraphs/safety/dist/src/index.js', 'gateway/dist/src/index.js']) {
    const child = spawn(process.execPath, [join(work, entry)], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    children.push(child);
  }

  const query = `{ region(code: "411002") { code safety(month: "2015-06") { hazardsFound { indicator value ytdValue } indicators(codes: ["SAFE_INSPECTED_ENTERPRISES"]) { indicator value } } } }`;
  const deadline = Date.now() + TIMEOUT - 60_000;
  let body: { data?: { region: { safety: { hazardsFound: { indicator: string; value: number; ytdValue: number }; indicators: { indicator: string; value: number }[] } | null } | null }; errors?: unknown[] } = {};
  // Until the three are up (migrating and seeding first): the gateway answers as soon as it listens.
  for (;;) {
    const died = children.find((c) => c.exitCode !== null);
    if (died) throw new Error(`a service exited (${died.exitCode}):\n${output}`);
    try {
      const tokens = existsSync(env.HUISHANG_DEMO_CLIENTS_FILE!) ? (JSON.parse(readFileSync(env.HUISHANG_DEMO_CLIENTS_FILE!, 'utf8')) as Record<string, { token: string }>) : {};
      const token = tokens.safety?.token;
      if (token) {
        const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
        body = (await response.json()) as typeof body;
        if (body.data?.region?.safety && !body.errors) break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer with the new department's figures: ${JSON.stringify(body)}\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }

  const rows = safetyRows(demoCity({ seed: 2015, enterprises: ENTERPRISES }));
  const row = (indicator: string) => rows.find((r) => r.indicator === indicator && r.subjectType === 'REGION' && r.subjectCode === '411002' && r.month === '2015-06')!;
  expect(body.data!.region!.safety!.hazardsFound).toEqual({ indicator: 'SAFE_HAZARDS_FOUND', value: row('SAFE_HAZARDS_FOUND').value, ytdValue: row('SAFE_HAZARDS_FOUND').ytdValue });
  if (PARENT_URL) expect(await ownDatabases()).toEqual(expect.arrayContaining([`${PG_BASE}_safety`, `${PG_BASE}_${registry.secretariat}`]));
  expect(body.data!.region!.safety!.indicators).toEqual([{ indicator: 'SAFE_INSPECTED_ENTERPRISES', value: row('SAFE_INSPECTED_ENTERPRISES').value }]);
});
