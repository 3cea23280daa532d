/**
 * Seeded databases shared by the end-to-end files of one jest run. Seeding the demo city is most
 * of a system's start (tens of seconds a subgraph on a busy machine); the same city is the same
 * rows, so each subgraph is seeded once per run and size (and per environment that changes what
 * is seeded), and every system starts from a copy:
 *
 *   SQLite      the seeded `<subgraph>.sqlite` file, copied into the system's data directory;
 *   PostgreSQL  a database `<base>_tpl_<run>_<hash>_<subgraph>`, copied with CREATE DATABASE … TEMPLATE.
 *
 * The seeding itself is the subgraph's own, run with HUISHANG_MIGRATE=only (migrate, seed, exit).
 * Templates live in HUISHANG_E2E_TEMPLATES, a directory test/support/global-setup.js makes for the
 * run (global-teardown.js removes it and drops the template databases); without it (the harness
 * used outside jest's global setup) a directory for this process is used. Workers that need the
 * same template at once take turns through a lock directory: one seeds, the others wait for it.
 * E2E_TEMPLATES=off seeds every system itself, as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMPLATES_VARIABLE = 'HUISHANG_E2E_TEMPLATES';
/** The file in the templates directory listing the PostgreSQL template databases to drop at the end. */
export const PG_TEMPLATES_FILE = 'postgresql-templates.txt';

export function templatesEnabled(): boolean {
  return process.env.E2E_TEMPLATES !== 'off';
}

let ownDir: string | undefined;
function templatesDir(): string {
  const shared = process.env[TEMPLATES_VARIABLE];
  if (shared) {
    mkdirSync(shared, { recursive: true });
    return shared;
  }
  if (!ownDir) {
    ownDir = mkdtempSync(join(tmpdir(), 'huishang-e2e-templates-'));
    const dir = ownDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return ownDir;
}

/**
 * The variables seeding reads, and only those: the demo city's size and seed (schema/src/demo/city.ts),
 * seeding on or off (`HUISHANG_SEED`, kit/subgraph.ts) and production mode (`NODE_ENV`,
 * `HUISHANG_MODE`, kit/identity.ts productionMode). A prefix rule once took in the gateway's
 * `HUISHANG_DEMO_CLIENTS_FILE`, one path per system, and every system seeded a template of its own.
 */
const SEEDING_VARIABLES = ['HUISHANG_DEMO_ENTERPRISES', 'HUISHANG_DEMO_SEED', 'HUISHANG_SEED', 'NODE_ENV', 'HUISHANG_MODE'] as const;

/** Environment that changes what a subgraph seeds (SEEDING_VARIABLES that are set), in a fixed order. */
export function seedingEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(SEEDING_VARIABLES.filter((key) => env[key] !== undefined).map((key) => [key, env[key]!]));
}

export function templateKey(subgraph: string, kind: 'sqlite' | 'postgresql', env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256').update(JSON.stringify({ subgraph, kind, env: seedingEnvironment(env) })).digest('hex').slice(0, 12);
  return `${subgraph}-${hash}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SeedRun {
  /** Runs the subgraph with HUISHANG_MIGRATE=only and this environment; rejects with its output when it fails. */
  (subgraph: string, env: NodeJS.ProcessEnv): Promise<void>;
}

let seedRuns = 0;
/** How many seed-only processes this jest worker has started: a system started from a template adds none. */
export function templateSeedRuns(): number {
  return seedRuns;
}

/** Spawns `<folder>/dist/src/index.js` (the registry's folder) in seed-only mode; `track` is told of the child and returns its untrack. */
export function seedOnlyRunner(root: string, track: (child: ChildProcess) => () => void, folders: Record<string, string> = {}): SeedRun {
  return (subgraph, env) =>
    new Promise((resolveRun, reject) => {
      seedRuns++;
      const child = spawn(process.execPath, [join(root, folders[subgraph] ?? join('subgraphs', subgraph), 'dist', 'src', 'index.js')], {
        cwd: root,
        env: { ...env, HUISHANG_MIGRATE: 'only' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const untrack = track(child);
      let output = '';
      const capture = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-8_000);
      };
      child.stdout.on('data', capture);
      child.stderr.on('data', capture);
      child.once('error', (error) => {
        untrack();
        reject(error);
      });
      child.once('exit', (code, signal) => {
        untrack();
        if (code === 0) resolveRun();
        else reject(new Error(`seeding the ${subgraph} template failed (${signal ?? `exit code ${code}`}). Its output:\n${output}`));
      });
    });
}

/**
 * The template directory for `key`, made by `make(into)` if no worker made it yet. `make` writes
 * into a fresh directory; it becomes the template only when complete, so a crash leaves none.
 */
async function ensureTemplate(key: string, deadline: number, make: (into: string) => Promise<void>): Promise<string> {
  const dir = templatesDir();
  const done = join(dir, key);
  const lock = join(dir, `${key}.lock`);
  for (;;) {
    if (existsSync(done)) return done;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another worker is seeding it. A lock older than our whole budget belongs to a worker that died.
      if (Date.now() > deadline) throw new Error(`waited until the start deadline for another worker to seed the ${key} template (${lock})`);
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(done)) return done;
      const building = join(dir, `${key}.building-${process.pid}-${randomBytes(3).toString('hex')}`);
      mkdirSync(building);
      try {
        await make(building);
        renameSync(building, done);
      } catch (error) {
        rmSync(building, { recursive: true, force: true });
        throw error;
      }
      return done;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** SQLite: copies the subgraph's seeded file (and any WAL beside it) into `dataDir`. */
export async function copySqliteTemplate(subgraph: string, dataDir: string, env: NodeJS.ProcessEnv, deadline: number, seed: SeedRun): Promise<void> {
  const template = await ensureTemplate(templateKey(subgraph, 'sqlite', env), deadline, (into) => seed(subgraph, { ...env, HUISHANG_DATA_DIR: into, DATABASE_URL: '' }));
  for (const file of readdirSync(template)) {
    if (file.startsWith(`${subgraph}.sqlite`)) copyFileSync(join(template, file), join(dataDir, file));
  }
}

/**
 * PostgreSQL: the template database's name (seeded on first use). `parentUrl` is the run's
 * DATABASE_URL; `admin` runs a statement on the server's `postgres` database.
 */
export async function postgresTemplate(
  subgraph: string,
  parentUrl: string,
  env: NodeJS.ProcessEnv,
  deadline: number,
  seed: SeedRun,
  admin: (statement: string) => Promise<void>,
): Promise<string> {
  const key = templateKey(subgraph, 'postgresql', env);
  const baseName = new URL(parentUrl).pathname.replace(/^\//, '') || 'huishang';
  // The run's directory in the name too: runs sharing a server (two developers, CI) never share or drop each other's templates.
  const run = createHash('sha256').update(templatesDir()).digest('hex').slice(0, 6);
  const base = `${baseName}_tpl_${run}_${key.slice(-12)}`;
  const template = await ensureTemplate(key, deadline, async (into) => {
    const url = new URL(parentUrl);
    url.pathname = `/${base}`;
    // Listed before it exists, so the teardown drops it even when seeding fails half-way.
    appendFileSync(join(templatesDir(), PG_TEMPLATES_FILE), `${base}_${subgraph}\n`);
    // One left by a run that never reached its teardown may be of an older schema.
    await admin(`DROP DATABASE IF EXISTS "${base}_${subgraph}" WITH (FORCE)`);
    await seed(subgraph, { ...env, DATABASE_URL: url.toString() });
    writeFileSync(join(into, 'database'), `${base}_${subgraph}`);
  });
  return readFileSync(join(template, 'database'), 'utf8').trim();
}
