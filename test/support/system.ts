/**
 * The whole federation as separate processes, the way `npm start` runs it: the subgraphs and the
 * gateway from their built `dist/`, on free ports, each subgraph on its own database.
 *
 *   SQLite (default)           a fresh temp dir as HUISHANG_DATA_DIR: `<dir>/<subgraph>.sqlite`
 *   DATABASE_URL=postgres://…  a unique base `<base>_e2e_<random>`: subgraph X uses `<that>_X`
 *
 * Each subgraph's database starts as a copy of a seeded template shared by the whole jest run
 * (templates.ts): the demo city is seeded once per size, not once per file.
 *
 * `startSystem({ services: ['industry', 'energy'] })` starts only those subgraphs (and the gateway).
 * The gateway still serves the whole supergraph: fields of a subgraph not started answer with a
 * subgraph error, as in production when a department is down. Default: every subgraph.
 *
 * One system per test file (start it in beforeAll, stop it in afterAll). Time limits follow one
 * setting, E2E_TIMEOUT_MS (default 600 000): jest's testTimeout (jest.config.js) and, for
 * startSystem, a deadline a minute (at most a fifth) shorter (E2E_READY_TIMEOUT_MS overrides), so
 * a start that fails reports why and stops what it started before jest gives up on the hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'libsql';
// The signer alone, not the package index: the harness needs no ORM or GraphQL stack.
import { IdentitySigner } from '@huishang/schema/identity';
import { claimPorts, releasePorts } from './ports';
import { copySqliteTemplate, postgresTemplate, seedOnlyRunner, templatesEnabled } from './templates';

/** The registry of departments (subgraphs/departments.json): the subgraphs a system has, in order. */
interface RegistryEntry {
  name: string;
  folder: string;
}
const REGISTRY = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'subgraphs', 'departments.json'), 'utf8')) as { departments: RegistryEntry[] };
export const SUBGRAPHS: readonly string[] = REGISTRY.departments.map((d) => d.name);
/** A subgraph the registry lists (`energy`). */
export type SubgraphName = string;
const FOLDERS = Object.fromEntries(REGISTRY.departments.map((d) => [d.name, d.folder])) as Record<SubgraphName, string>;
export type ServiceName = SubgraphName | 'gateway';
/** Databases of a system: one per subgraph and the gateway's `access` (clients, documents, audit trail). */
export type DatabaseName = SubgraphName | 'access';
export const ROLES = ['ANALYST', 'INTEGRATION', 'MEETING_MEMBER', 'ADMINISTRATOR', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

export interface SignedIdentity {
  clientId: string;
  department: string;
  role: Role;
}

export interface RequestOptions {
  /** Bearer token for the gateway; default the industry demo analyst's. `null` sends none. */
  token?: string | null;
  /** Extra headers, sent as given. */
  headers?: Record<string, string>;
  /**
   * For a subgraph URL: the identity to sign with the system's gateway key (default an industry
   * analyst); `null` sends the request unsigned, as a caller bypassing the gateway would.
   */
  identity?: SignedIdentity | null;
}

export interface ClientOptions {
  department: string;
  role: Role;
  name?: string;
  expires?: string;
  safelist?: boolean;
  rateLimit?: number;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** E2E_TIMEOUT_MS (default 600 000): every end-to-end hook and test; jest.config.js reads the same variable. */
export const E2E_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 600_000);
/**
 * How long startSystem may take in all (seeding templates, or waiting for another worker to seed
 * them, included) before it stops what it started and fails: the hook's time less a minute (at
 * most a fifth) to stop. On a machine shared by many, a start can take minutes; a stuck one is rare.
 */
const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS || Math.floor(E2E_TIMEOUT_MS - Math.min(60_000, E2E_TIMEOUT_MS * 0.2)));
/** After SIGTERM, how long a process may take before SIGKILL (within the hook's time). */
const STOP_TIMEOUT_MS = Math.min(20_000, Math.floor(E2E_TIMEOUT_MS / 4));
/** Captured output kept per process (the tail), for error messages. */
const LOG_LIMIT = 256 * 1024;
/** E2E_NODE_ARGS: extra node options for every service process (`--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a run). */
const NODE_ARGS = (process.env.E2E_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The parsed JSON body of a GraphQL response, with the HTTP status beside it. */
export interface GraphQLResult<TData = any> {
  status: number;
  data?: TData | null;
  errors?: GraphQLError[];
  extensions?: Record<string, unknown>;
}

export type Row = Record<string, any>;

export interface StartOptions {
  /** HUISHANG_DEMO_ENTERPRISES: size of the demo city (default 520, the subgraphs' own default). */
  enterprises?: number;
  /** Extra environment for every process (wins over what the harness sets). */
  env?: Record<string, string>;
  /**
   * The subgraphs to start (default every one the registry lists). The gateway always starts and
   * serves the whole supergraph; a subgraph not started has a URL where nothing listens, so its
   * fields fail as when a department is down, and its database does not exist.
   */
  services?: SubgraphName[];
  /** Start from the run's seeded templates (default true; E2E_TEMPLATES=off turns them off for all). */
  templates?: boolean;
}

export interface System {
  /** The subgraphs this system started (StartOptions.services). */
  services: SubgraphName[];
  database: { kind: 'sqlite'; dataDir: string } | { kind: 'postgresql'; base: string; databases: Record<DatabaseName, string> };
  /** The demo clients' tokens (`.huishang/demo-clients.json` of this system), by department. */
  tokens: Record<SubgraphName, string>;
  /** Environment the processes run with (keys, ports, databases): for running the CLI against this system. */
  env: NodeJS.ProcessEnv;
  gatewayUrl: string;
  /** The GraphQL URL of one service (`gateway` too). */
  subgraphUrl(name: ServiceName): string;
  /**
   * POSTs a GraphQL request to the gateway (or `url`): the parsed body and the HTTP status. Through
   * the gateway it sends the industry demo analyst's token unless told otherwise; to a subgraph,
   * an identity signed with the system's gateway key, as the gateway would.
   */
  query<TData = any>(query: string, variables?: Record<string, unknown>, url?: string, options?: RequestOptions): Promise<GraphQLResult<TData>>;
  /** The identity header the gateway would put on `body` for `subgraph`. */
  signIdentity(subgraph: SubgraphName, body: string, identity?: SignedIdentity): string;
  /** Runs `huishang <args>` (the real CLI, in its own process) against this system's databases. */
  cli(args: string[]): Promise<CliResult>;
  /** Issues a client with `huishang clients add` (the CLI's command, run in this process); its id and token. */
  addClient(options: ClientOptions): Promise<{ id: string; token: string }>;
  /**
   * Rows from that subgraph's own database. Placeholders are `?` on both engines (rewritten to `$n`
   * for PostgreSQL). Booleans come back as 0/1 on SQLite and true/false on PostgreSQL; counts as
   * strings on PostgreSQL: wrap them in Boolean()/Number().
   */
  sql(name: DatabaseName, text: string, params?: unknown[]): Promise<Row[]>;
  /** `huishang_sql_statements_total` from the subgraph's /metrics. */
  sqlStatements(name: SubgraphName): Promise<number>;
  /** What a process printed so far (stdout and stderr interleaved). */
  logs(name: ServiceName): string;
  /** Exit code of each process; null while running or when it died of a signal. */
  exitCodes(): Record<ServiceName, number | null>;
  /** SIGTERM to every process, waits for them, closes DB handles, removes the data it created. Idempotent. */
  stop(): Promise<Record<ServiceName, number | null>>;
  /** Sends a signal to one service's process: SIGSTOP hangs it, SIGCONT lets it go on. */
  signal(name: ServiceName, signal: NodeJS.Signals): void;
  /** Ends one service (SIGKILL unless told otherwise) and waits for its process to exit. */
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts an ended service again, on its port and database, and waits until its /ready answers 200. */
  restart(name: ServiceName): Promise<void>;
  /** `http://127.0.0.1:<port>` of one service, for /health, /ready and /metrics. */
  baseUrl(name: ServiceName): string;
}

interface Managed {
  name: ServiceName;
  port: number;
  child: ChildProcess;
  output: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

/** Processes still running in this jest worker: killed on exit even if a test file forgets stop(). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** `{ <every subgraph>: value, gateway: value }`: e.g. the exit codes of a clean stop, `everyService(0)`. */
export function everyService<T>(value: T): Record<ServiceName, T> {
  return Object.fromEntries([...SUBGRAPHS, 'gateway'].map((name) => [name, value])) as Record<ServiceName, T>;
}

/** How many processes the harness started in this jest worker are still running (seed runs included). */
export function liveProcessCount(): number {
  return live.size;
}

/**
 * A port nothing listens on and no other test process holds, claimed for this jest worker until it
 * exits (ports.ts: never "bind port 0 and release it", which races with every other process).
 */
export async function freePort(): Promise<number> {
  return (await claimPorts(1))[0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The variables a developer's shell may carry that would point a process elsewhere. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'DATABASE_URL' || key === 'HUISHANG_DATA_DIR' || key === 'NODE_ENV' || key === 'HOST') continue;
    const service = /^([A-Z0-9]+)_(PORT|URL|DATABASE_URL)$/.exec(key)?.[1];
    if (service && (service === 'GATEWAY' || SUBGRAPHS.some((name) => name.toUpperCase() === service))) continue;
    if (/^HUISHANG_DEMO_/.test(key) || key === 'SUPERGRAPH_PATH' || key.startsWith('JEST_')) continue;
    env[key] = value;
  }
  // A loaded machine (CI on two cores, a full run beside other work) answers a subgraph request in
  // more than the gateway's production 5 s; a timeout there is not what a test asks about. Tests of
  // timeouts set their own (test/resilience). E2E_SUBGRAPH_TIMEOUT_MS, default 30 000.
  if (!env.SUBGRAPH_TIMEOUT_MS) env.SUBGRAPH_TIMEOUT_MS = process.env.E2E_SUBGRAPH_TIMEOUT_MS || '30000';
  // Production's gateway keeps accepting for 1 s after SIGTERM (a load balancer's grace): in tests
  // that is a second per stop() and nothing is in flight. Drain tests set their own (test/resilience).
  if (!env.SHUTDOWN_DELAY_MS) env.SHUTDOWN_DELAY_MS = '0';
  // Two jest workers' systems share one PostgreSQL server (max_connections 100): at the services'
  // 10 connections each, two systems of five subgraphs reached it under a busy test. E2E_DATABASE_POOL_MAX, default 4.
  if (!env.DATABASE_POOL_MAX) env.DATABASE_POOL_MAX = process.env.E2E_DATABASE_POOL_MAX || '4';
  return env;
}

/** What the harness signs direct subgraph requests as, unless a test says otherwise. */
const DEFAULT_IDENTITY: SignedIdentity = { clientId: 'cl_harness', department: 'industry', role: 'ANALYST' };

/** The gateway's identity header, made with the gateway's own signer (schema/src/kit/identity.ts): `now` in the past makes an old one. */
export function signedIdentity(key: KeyObject, audience: string, body: string, identity: SignedIdentity, now = Date.now()): string {
  return new IdentitySigner(key).sign(identity, audience, body, now);
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'cli', 'dist', 'src', 'main.js'), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/**
 * `huishang clients <args>` run by the CLI's own command function in this process, not a process of
 * its own: issuing a client is a test's setup, and a CLI process costs ~0.8 s of CPU to start (the
 * suite issues about a hundred). The command, its checks, the access store and the audit record are
 * the CLI's; cli/test runs the command as its own process.
 */
async function clientsCommandInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { clientsCommand } = require(join(REPO_ROOT, 'cli', 'dist', 'src', 'access.js')) as { clientsCommand(args: string[], io: unknown): Promise<number> };
  let stdout = '';
  let stderr = '';
  const stream = (append: (text: string) => void) => ({ write: (chunk: string | Uint8Array) => (append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true) });
  try {
    const code = await clientsCommand(args, { stdout: stream((t) => (stdout += t)), stderr: stream((t) => (stderr += t)), env });
    return { code, stdout, stderr };
  } catch (error) {
    return { code: 1, stdout, stderr: `${stderr}${(error as Error).stack ?? error}` };
  }
}

function tail(text: string, limit = 8_000): string {
  return text.length > limit ? `…${text.slice(-limit)}` : text;
}

function describeExit(process: Managed): string {
  const exit = process.exited;
  if (!exit) return 'still running';
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function spawnService(name: ServiceName, entry: string, port: number, env: NodeJS.ProcessEnv): Managed {
  const script = join(REPO_ROOT, entry);
  if (!existsSync(script)) throw new Error(`${entry} is missing: build first with node_modules/.bin/tsc -b`);
  const child = spawn(process.execPath, [...NODE_ARGS, script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  // Output is kept as chunks and cut back to LOG_LIMIT only once it reaches twice that: cutting on
  // every chunk copied the whole tail per log line (~17 000 lines in the access sweep, a fifth of its time).
  let chunks: string[] = [];
  let length = 0;
  const text = () => {
    if (chunks.length > 1) chunks = [chunks.join('')];
    return chunks[0] ?? '';
  };
  const append = (piece: string) => {
    chunks.push(piece);
    length += piece.length;
    if (length > 2 * LOG_LIMIT) {
      chunks = [text().slice(-LOG_LIMIT)];
      length = chunks[0].length;
    }
  };
  const managed = {
    name,
    port,
    child,
    get output() {
      return text().slice(-LOG_LIMIT);
    },
    set output(value: string) {
      chunks = [];
      length = 0;
      append(value);
    },
  } as Managed;
  const capture = (chunk: Buffer) => append(chunk.toString('utf8'));
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  managed.exit = new Promise((resolveExit) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      managed.exited = { code, signal };
      resolveExit(managed.exited);
    });
    child.once('error', (error) => {
      capture(Buffer.from(`\n[harness] spawn failed: ${error.message}\n`));
      live.delete(child);
      managed.exited = { code: null, signal: null };
      resolveExit(managed.exited);
    });
  });
  return managed;
}

/**
 * Polls `/ready` until it answers 200 (or, for the gateway, 503 naming only subgraphs in
 * `absent`: not started on purpose); fails early if the process exits, with what it printed.
 */
async function waitReady(service: Managed, deadline: number, absent: readonly string[] = []): Promise<void> {
  const url = `http://127.0.0.1:${service.port}/ready`;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (service.exited) {
      throw new Error(`${service.name} ${describeExit(service)} before it was ready (port ${service.port}). Its output:\n${tail(service.output)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const body = await response.text();
      if (response.status === 200) return;
      if (absent.length > 0 && response.status === 503) {
        const down = (JSON.parse(body) as { down?: unknown }).down;
        if (Array.isArray(down) && down.length > 0 && down.every((name) => absent.includes(name as string))) return;
      }
      last = `${response.status} ${body}`;
    } catch (error) {
      last = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    }
    await sleep(150);
  }
  throw new Error(
    `${service.name} was not ready at ${url} within the start deadline (${READY_TIMEOUT_MS / 1000} s, from E2E_TIMEOUT_MS or E2E_READY_TIMEOUT_MS; last answer: ${last}). Its output:\n${tail(service.output)}`,
  );
}

// `pg` ships no types and @types/pg is not a dependency: the little of it the harness uses.
interface PgClient {
  connect(): Promise<void>;
  query(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
}
type PgClientConstructor = new (config: { connectionString: string }) => PgClient;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pgClient = (): PgClientConstructor => (require('pg') as { Client: PgClientConstructor }).Client;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `?` placeholders → `$1, $2, …` (none of our queries put a `?` inside a string literal). */
function numberedPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

export async function startSystem(options: StartOptions = {}): Promise<System> {
  installExitHook();
  const started = Date.now();
  const deadline = started + READY_TIMEOUT_MS;
  const parentUrl = process.env.DATABASE_URL;
  const postgres = !!parentUrl && /^postgres(ql)?:\/\//.test(parentUrl);
  const running = options.services ?? [...SUBGRAPHS];
  for (const name of running) {
    if (!SUBGRAPHS.includes(name)) throw new Error(`startSystem: unknown service ${JSON.stringify(name)}; the subgraphs are ${SUBGRAPHS.join(', ')}`);
  }
  const absent = SUBGRAPHS.filter((name) => !running.includes(name));

  const env = baseEnvironment();
  // The gateway's signing key pair, made for this system; the harness keeps the private key to sign direct subgraph requests.
  const keys = generateKeyPairSync('ed25519');
  env.HUISHANG_GATEWAY_PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  env.HUISHANG_GATEWAY_PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const stateDir = mkdtempSync(join(tmpdir(), 'huishang-e2e-state-'));
  env.HUISHANG_KEYS_DIR = stateDir;
  env.HUISHANG_DEMO_CLIENTS_FILE = join(stateDir, 'demo-clients.json');
  let database: System['database'];
  if (postgres) {
    const baseName = new URL(parentUrl).pathname.replace(/^\//, '') || 'huishang';
    const base = `${baseName}_e2e_${randomBytes(4).toString('hex')}`;
    const databases = Object.fromEntries([...SUBGRAPHS, 'access'].map((name) => [name, `${base}_${name}`])) as Record<DatabaseName, string>;
    database = { kind: 'postgresql', base, databases };
    env.DATABASE_URL = withDatabase(parentUrl, base);
  } else {
    database = { kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'huishang-e2e-')) };
    env.HUISHANG_DATA_DIR = database.dataDir;
  }
  if (options.enterprises !== undefined) env.HUISHANG_DEMO_ENTERPRISES = String(options.enterprises);
  // A test client sends hundreds of distinct documents a minute (each case its own text), which the
  // budget of documents planned anew exists to refuse: off unless a test sets it (access/newDocuments.test.ts).
  env.HUISHANG_NEW_DOCUMENTS_PER_MINUTE ??= '0';

  const services = new Map<ServiceName, Managed>();
  const sqlite = new Map<DatabaseName, Database.Database>();
  const pg = new Map<DatabaseName, Promise<PgClient>>();
  const pgQueue = new Map<DatabaseName, Promise<unknown>>();
  /** Seed-only processes running for a template: killed if this start is abandoned. */
  const seeding = new Set<() => void>();
  const adminStatement = async (statement: string) => {
    const Client = pgClient();
    const admin = new Client({ connectionString: withDatabase(parentUrl!, 'postgres') });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };

  let stopped: Promise<Record<ServiceName, number | null>> | undefined;
  const exitCodes = () =>
    Object.fromEntries([...SUBGRAPHS, 'gateway' as const].map((name) => [name, services.get(name)?.exited?.code ?? null])) as Record<ServiceName, number | null>;

  const stop = () =>
    (stopped ??= (async () => {
      for (const kill of seeding) kill();
      const running = [...services.values()];
      for (const service of running) if (!service.exited) service.child.kill('SIGTERM');
      await Promise.all(
        running.map(async (service) => {
          const timer = setTimeout(() => {
            service.output += `\n[harness] no exit ${STOP_TIMEOUT_MS / 1000} s after SIGTERM: SIGKILL\n`;
            service.child.kill('SIGKILL');
          }, STOP_TIMEOUT_MS);
          await service.exit;
          clearTimeout(timer);
        }),
      );
      for (const db of sqlite.values()) db.close();
      sqlite.clear();
      for (const client of pg.values()) await client.then((c) => c.end()).catch(() => undefined);
      pg.clear();
      rmSync(stateDir, { recursive: true, force: true });
      releasePorts([gatewayPort, ...Object.values(ports)]);
      if (database.kind === 'sqlite') {
        rmSync(database.dataDir, { recursive: true, force: true });
      } else {
        for (const name of Object.values(database.databases)) await adminStatement(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      }
      return exitCodes();
    })());

  // From here on, whatever fails stops what was started (processes, databases, directories).
  let gatewayPort = 0;
  let startPhases = '';
  const ports = {} as Record<SubgraphName, number>;
  const urlOf = (name: ServiceName) => `http://127.0.0.1:${name === 'gateway' ? gatewayPort : ports[name]}/graphql`;
  try {
    // A subgraph not started still gets a port, where nothing listens: the gateway's requests to it are refused at once.
    const [gateway, ...subgraphPorts] = await claimPorts(1 + SUBGRAPHS.length);
    gatewayPort = gateway;
    SUBGRAPHS.forEach((name, i) => (ports[name] = subgraphPorts[i]));
    for (const name of SUBGRAPHS) {
      env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
      env[`${name.toUpperCase()}_URL`] = urlOf(name);
    }
    env.GATEWAY_PORT = String(gatewayPort);
    Object.assign(env, options.env ?? {});

    const phases: string[] = [];
    let phaseStart = Date.now();
    const phase = (name: string) => {
      phases.push(`${name} ${Date.now() - phaseStart} ms`);
      phaseStart = Date.now();
    };
    phase('ports');
    if (options.templates !== false && templatesEnabled()) {
      const seed = seedOnlyRunner(REPO_ROOT, (child) => {
        const kill = () => child.kill('SIGKILL');
        live.add(child);
        seeding.add(kill);
        return () => {
          live.delete(child);
          seeding.delete(kill);
        };
      }, FOLDERS);
      await Promise.all(
        running.map(async (name) => {
          if (database.kind === 'sqlite') {
            await copySqliteTemplate(name, database.dataDir, env, deadline, seed);
          } else {
            const template = await postgresTemplate(name, parentUrl!, env, deadline, seed, adminStatement);
            await adminStatement(`CREATE DATABASE ${quoteIdentifier(database.databases[name])} TEMPLATE ${quoteIdentifier(template)}`);
          }
        }),
      );
    }

    for (const name of running) services.set(name, spawnService(name, `${FOLDERS[name]}/dist/src/index.js`, ports[name], env));
    // The gateway needs no subgraph to start; its /ready answers 200 only once all five are ready.
    services.set('gateway', spawnService('gateway', 'gateway/dist/src/index.js', gatewayPort, env));
    phase('databases');
    await Promise.all(running.map((name) => waitReady(services.get(name)!, deadline)));
    phase('subgraphs ready');
    await waitReady(services.get('gateway')!, deadline, absent);
    phase('gateway ready');
    startPhases = phases.join(', ');
    // A /ready answered on a service's port proves the port answers, not that our process does:
    // one that died binding it (EADDRINUSE) would leave another system's service answering.
    for (const service of services.values()) {
      if (service.exited) throw new Error(`${service.name} ${describeExit(service)} although its port answered /ready (port ${service.port}). Its output:\n${tail(service.output)}`);
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  // Production mode writes no demo clients: then there are no tokens to hand out.
  const demoFile = env.HUISHANG_DEMO_CLIENTS_FILE;
  const tokens = Object.fromEntries(
    existsSync(demoFile) ? Object.entries(JSON.parse(readFileSync(demoFile, 'utf8')) as Record<string, { token: string }>).map(([d, v]) => [d, v.token]) : [],
  ) as Record<SubgraphName, string>;
  const signIdentity = (subgraph: SubgraphName, body: string, identity: SignedIdentity = DEFAULT_IDENTITY) => signedIdentity(keys.privateKey, subgraph, body, identity);
  const cli = (args: string[]) => runCli(args, env);

  const openSqlite = (name: DatabaseName): Database.Database => {
    let db = sqlite.get(name);
    if (!db) {
      if (database.kind !== 'sqlite') throw new Error('not a SQLite system');
      db = new Database(join(database.dataDir, `${name}.sqlite`), { timeout: 5_000 });
      sqlite.set(name, db);
    }
    return db;
  };
  const openPg = (name: DatabaseName): Promise<PgClient> => {
    let client = pg.get(name);
    if (!client) {
      if (database.kind !== 'postgresql') throw new Error('not a PostgreSQL system');
      const Client = pgClient();
      const c = new Client({ connectionString: withDatabase(parentUrl!, database.databases[name]) });
      client = c.connect().then(() => c);
      pg.set(name, client);
    }
    return client;
  };

  const system: System = {
    services: [...running],
    database,
    gatewayUrl: urlOf('gateway'),
    subgraphUrl: urlOf,
    tokens,
    env,
    signIdentity,
    cli,
    async addClient(options) {
      const args = ['clients', 'add', '--department', options.department, '--role', options.role, '--json'];
      if (options.name) args.push('--name', options.name);
      if (options.expires) args.push('--expires', options.expires);
      if (options.safelist) args.push('--safelist');
      if (options.rateLimit !== undefined) args.push('--rate-limit', String(options.rateLimit));
      const result = await clientsCommandInProcess(args.slice(1), env);
      if (result.code !== 0) throw new Error(`huishang ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
      const added = JSON.parse(result.stdout) as { id: string; token: string };
      return { id: added.id, token: added.token };
    },
    async query(query, variables, url = urlOf('gateway'), options = {}) {
      const payload = JSON.stringify({ query, variables });
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      const subgraph = SUBGRAPHS.find((name) => url === urlOf(name));
      if (subgraph) {
        if (options.identity !== null) headers['x-huishang-identity'] = signIdentity(subgraph, payload, options.identity);
      } else if (options.token !== null) {
        headers.authorization = `Bearer ${options.token ?? tokens.industry}`;
      }
      Object.assign(headers, options.headers ?? {});
      const response = await fetch(url, { method: 'POST', headers, body: payload });
      const text = await response.text();
      let body: Omit<GraphQLResult, 'status'>;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${tail(text, 2_000)}`);
      }
      return { status: response.status, ...body };
    },
    async sql(name, text, params = []) {
      if (stopped) throw new Error('system stopped');
      if (name !== 'access' && !running.includes(name)) throw new Error(`${name} was not started in this system (startSystem services: ${running.join(', ')})`);
      if (database.kind === 'sqlite') {
        // libsql binds booleans as 0/1 only when told; SQLite has no boolean type.
        const bound = params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
        const statement = openSqlite(name).prepare(text);
        // UPDATE, DELETE, ALTER (tampering tests) return no rows: run them instead.
        if (!/^\s*(select|with|pragma)\b/i.test(text)) {
          statement.run(...bound);
          return [];
        }
        return statement.all(...bound) as Row[];
      }
      // One query at a time per connection (pg deprecates queueing on a busy client): a chain per database.
      const run = (pgQueue.get(name) ?? Promise.resolve()).then(async () => {
        // Queued before stop() and run after it: no new connection that nothing would close.
        if (stopped) throw new Error('system stopped');
        return (await (await openPg(name)).query(numberedPlaceholders(text), params)).rows;
      });
      pgQueue.set(name, run.catch(() => undefined));
      return run;
    },
    async sqlStatements(name) {
      const response = await fetch(`http://127.0.0.1:${ports[name]}/metrics`);
      const text = await response.text();
      const match = /^huishang_sql_statements_total(?:\{[^}]*\})?\s+(\d+)\s*$/m.exec(text);
      if (!match) throw new Error(`${name} /metrics has no huishang_sql_statements_total:\n${text}`);
      return Number(match[1]);
    },
    logs: (name) => services.get(name)?.output ?? '',
    exitCodes,
    stop,
    signal(name, signal) {
      const service = services.get(name);
      if (!service || service.exited) throw new Error(`${name} is not running`);
      service.child.kill(signal);
    },
    async kill(name, signal = 'SIGKILL') {
      const service = services.get(name);
      if (!service) throw new Error(`no service ${name}`);
      if (!service.exited) {
        service.child.kill(signal);
        // A stopped process only acts on a signal other than SIGKILL once it runs again.
        if (signal !== 'SIGKILL') service.child.kill('SIGCONT');
      }
      return service.exit;
    },
    async restart(name) {
      const service = services.get(name);
      if (!service) throw new Error(`no service ${name}`);
      if (!service.exited) throw new Error(`${name} is still running: kill it first`);
      const entry = name === 'gateway' ? 'gateway/dist/src/index.js' : `subgraphs/${name}/dist/src/index.js`;
      const started = spawnService(name, entry, service.port, env);
      services.set(name, started);
      await waitReady(started, Date.now() + READY_TIMEOUT_MS);
    },
    baseUrl: (name) => urlOf(name).replace(/\/graphql$/, ''),
  };
  if (process.env.E2E_VERBOSE) console.log(`system (${database.kind}) ready in ${Date.now() - started} ms at ${system.gatewayUrl} (${startPhases})`);
  return system;
}
