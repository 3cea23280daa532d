'use strict';
/**
 * One benchmark system: the five subgraphs on their own fresh databases (SQLite files in a temp
 * dir, or uniquely named PostgreSQL databases dropped at the end), then the gateways under test.
 *
 * Subgraphs start twice: once to migrate and seed the generated city (timed: that is the seeding
 * cost reported), then again with HUISHANG_SEED=off, so the processes under load hold no leftover
 * generator state (at 20,000 enterprises a seeding process keeps gigabytes of heap).
 */
const { spawnSync } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { freePorts, startProcess, stopProcess, waitReady, getStatus } = require('./processes');
const { newKeys, BENCH_IDENTITY } = require('./identity');

const REPO = resolve(__dirname, '..', '..');
const SUBGRAPHS = require('../../subgraphs/departments.json').departments.map((d) => d.name);
const HIVE_BIN = join(REPO, 'bench', 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
const ROUTER_RUNTIME_PACKAGE = join(REPO, 'bench', 'node_modules', '@graphql-hive', 'router-runtime', 'package.json');
/** How every contender signs: the package entry point our gateway's shared package exports. */
const IDENTITY_MODULE = require('node:module').createRequire(join(REPO, 'gateway', 'package.json')).resolve('@huishang/schema/identity');

/** The caller's environment without anything that would point a service elsewhere. */
function baseEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (['DATABASE_URL', 'HUISHANG_DATA_DIR', 'NODE_ENV', 'HOST', 'PORT', 'SUPERGRAPH_PATH', 'HUISHANG_SEED', 'HUISHANG_SQL_DEBUG'].includes(key)) continue;
    if (/^(GATEWAY|INDUSTRY|FINANCE|ENERGY|STATISTICS|HR)_(PORT|URL|DATABASE_URL)$/.test(key)) continue;
    if (/^HUISHANG_DEMO_/.test(key) || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  env.NODE_ENV = 'production';
  env.MIKRO_ORM_NO_COLOR = '1';
  // Every service of a benchmark run listens on loopback only.
  env.HOST = '127.0.0.1';
  return env;
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const quote = (name) => `"${name.replace(/"/g, '""')}"`;

async function pgAdmin(url, action) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Seed cache (--seed-cache): the seeded databases of a city size kept for the next run. The key is
// the size, the generator seed and every compiled file of the shared package and the subgraphs
// (migrations, seeders, generator): any code change makes a new cache.

const SEED_CACHE_DIR = join(REPO, '.huishang', 'bench', 'seed');

function jsFiles(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) jsFiles(path, out);
    else if (entry.name.endsWith('.js')) out.push(path);
  }
  return out;
}

function seedCacheKey(enterprises, seed) {
  const hash = createHash('sha256').update(`${enterprises}/${seed}\n`);
  const files = [join(REPO, 'schema', 'dist', 'src'), ...SUBGRAPHS.map((s) => join(REPO, 'subgraphs', s, 'dist'))].flatMap((d) => jsFiles(d)).sort();
  for (const file of files) hash.update(file.slice(REPO.length)).update(readFileSync(file));
  return `${enterprises}_${seed}_${hash.digest('hex').slice(0, 10)}`;
}

const pgCacheBase = (pgUrl, key) => `${new URL(pgUrl).pathname.replace(/^\//, '') || 'huishang_bench'}_seed_${key}`;

/** Removes every kept seed (both databases), or those of one size and generator seed but another key. */
async function dropSeedCaches({ pgUrl, keep, sameSizeAs }) {
  const matches = (name) => (sameSizeAs ? name.includes(`_seed_${sameSizeAs}_`) || name.startsWith(`${sameSizeAs}_`) : true);
  if (existsSync(SEED_CACHE_DIR)) {
    for (const dir of readdirSync(SEED_CACHE_DIR)) if (dir !== keep && matches(dir)) rmSync(join(SEED_CACHE_DIR, dir), { recursive: true, force: true });
  }
  if (!pgUrl) return;
  const prefix = `${new URL(pgUrl).pathname.replace(/^\//, '') || 'huishang_bench'}_seed_`;
  await pgAdmin(pgUrl, async (client) => {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) {
      if (keep && datname.startsWith(`${prefix}${keep}_`)) continue;
      if (!matches(datname)) continue;
      await client.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
    }
  }).catch((error) => {
    if (!/ECONNREFUSED/.test(String(error))) throw error;
  });
}

/**
 * Starts the subgraphs on a fresh database. Options: kind ('sqlite' | 'postgresql'), pgUrl,
 * enterprises, seed, runDir (logs), readyTimeoutMs, profileDir, seedCache (reuse or keep the
 * seeded databases).
 */
async function startSubgraphs(options) {
  const env = baseEnvironment();
  // The demo city: seeded, and its standing grants honoured, only outside production mode
  // (NODE_ENV=production seeds nothing and ignores demo grants, issue 12 item 7).
  env.NODE_ENV = 'development';
  // Subgraphs check the gateway's signature on every request: this run's key pair.
  const keys = newKeys();
  env.HUISHANG_GATEWAY_PUBLIC_KEY = keys.publicPem;
  env.HUISHANG_DEMO_ENTERPRISES = String(options.enterprises);
  env.HUISHANG_DEMO_SEED = String(options.seed);
  let database;
  if (options.kind === 'postgresql') {
    const baseName = new URL(options.pgUrl).pathname.replace(/^\//, '') || 'huishang_bench';
    const base = `${baseName}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    // `names`: the subgraphs' databases; `<base>_access` (our gateway's clients and audit trail,
    // created by the gateway) is dropped and counted with them.
    database = { kind: 'postgresql', base, names: SUBGRAPHS.map((s) => `${base}_${s}`), access: `${base}_access` };
    env.DATABASE_URL = withDatabase(options.pgUrl, base);
  } else {
    database = { kind: 'sqlite', dir: mkdtempSync(join(tmpdir(), 'huishang-bench-')) };
    env.HUISHANG_DATA_DIR = database.dir;
  }

  const ports = await freePorts(SUBGRAPHS.length);
  const urls = {};
  SUBGRAPHS.forEach((name, i) => {
    env[`${name.toUpperCase()}_PORT`] = String(ports[i]);
    urls[name] = `http://127.0.0.1:${ports[i]}/graphql`;
  });

  const processes = new Map();
  const spawnAll = (extra, phase) => {
    for (const [i, name] of SUBGRAPHS.entries()) {
      processes.set(
        name,
        startProcess({
          name: `${name} subgraph`,
          args: [join(REPO, 'subgraphs', name, 'dist', 'src', 'index.js')],
          env: { ...env, ...extra },
          port: ports[i],
          cwd: REPO,
          logFile: join(options.runDir, `${name}.${phase}.log`),
          nodeArgs: phase === 'serve' && options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [],
        }),
      );
    }
  };
  const readyAll = () =>
    Promise.all(
      SUBGRAPHS.map(async (name) => {
        const started = Date.now();
        await waitReady(processes.get(name), `http://127.0.0.1:${ports[SUBGRAPHS.indexOf(name)]}/ready`, options.readyTimeoutMs);
        return [name, Date.now() - started];
      }),
    );
  const stopAll = () => Promise.all([...processes.values()].map(stopProcess));

  const dropDatabase = async () => {
    if (database.kind === 'sqlite') {
      rmSync(database.dir, { recursive: true, force: true });
    } else {
      await pgAdmin(options.pgUrl, async (client) => {
        for (const name of [...database.names, database.access]) await client.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
      });
    }
  };

  // Until this returns, an interrupted run (Ctrl-C while seeding) stops these processes and drops these databases here.
  const abort = async () => {
    await stopAll().catch(() => undefined);
    await dropDatabase().catch(() => undefined);
  };
  starting.add(abort);

  const key = options.seedCache ? seedCacheKey(options.enterprises, options.seed) : null;
  const cacheDir = key && join(SEED_CACHE_DIR, key);
  const cacheBase = key && options.kind === 'postgresql' ? pgCacheBase(options.pgUrl, key) : null;
  const cached = async () => {
    if (!key) return false;
    if (options.kind === 'sqlite') return SUBGRAPHS.every((s) => existsSync(join(cacheDir, `${s}.sqlite`)));
    return pgAdmin(options.pgUrl, async (client) => {
      const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [SUBGRAPHS.map((s) => `${cacheBase}_${s}`)]);
      return rows.length === SUBGRAPHS.length;
    });
  };
  /** Copies the subgraphs' databases from `from` to `to` (SQLite files with their WAL, or PostgreSQL templates). */
  const copyDatabases = async (direction) => {
    if (options.kind === 'sqlite') {
      // Into the cache through a temporary directory, renamed when complete: a cut-short copy is never taken for a seed.
      const [from, to] = direction === 'fromCache' ? [cacheDir, database.dir] : [database.dir, `${cacheDir}.partial`];
      rmSync(`${cacheDir}.partial`, { recursive: true, force: true });
      mkdirSync(to, { recursive: true });
      for (const file of readdirSync(from)) if (SUBGRAPHS.some((s) => file.startsWith(`${s}.sqlite`))) copyFileSync(join(from, file), join(to, file));
      if (direction === 'toCache') renameSync(to, cacheDir);
      return;
    }
    await pgAdmin(options.pgUrl, async (client) => {
      for (const s of SUBGRAPHS) {
        const [from, to] = direction === 'fromCache' ? [`${cacheBase}_${s}`, `${database.base}_${s}`] : [`${database.base}_${s}`, `${cacheBase}_${s}`];
        await client.query(`DROP DATABASE IF EXISTS ${quote(to)} WITH (FORCE)`);
        await client.query(`CREATE DATABASE ${quote(to)} TEMPLATE ${quote(from)} STRATEGY FILE_COPY`);
      }
    });
  };

  try {
    let seedTimes;
    let seedWallMs;
    let analyzeMs;
    let admin = null;
    let fromCache = null;
    if (await cached()) {
      // 1'. the seeded databases of an earlier run with the same code and size
      const copyStarted = Date.now();
      await copyDatabases('fromCache');
      fromCache = { key, copyMs: Date.now() - copyStarted };
    } else {
      // 1. migrate and seed (each subgraph seeds its own database; all five at once)
      const seedStarted = Date.now();
      // Production mode seeds nothing (no demo city, no demo grants): the seeding processes run in
      // development mode; the processes under load run in production mode, as every contender does.
      spawnAll({ NODE_ENV: 'development' }, 'seed');
      seedTimes = Object.fromEntries(await readyAll());
      seedWallMs = Date.now() - seedStarted;
      await stopAll();
      if (options.kind === 'postgresql') {
        // Planner statistics for the freshly loaded tables. Autovacuum would analyze them some
        // time later, maybe in the middle of a measurement; without statistics PostgreSQL reads
        // every observation of the month for 200 enterprises (380 ms instead of 23 ms at 20,000).
        const analyzeStarted = Date.now();
        await analyzeAll(options.pgUrl, database.names);
        analyzeMs = Date.now() - analyzeStarted;
      }
      if (key) {
        await dropSeedCaches({ pgUrl: options.kind === 'postgresql' ? options.pgUrl : null, keep: key, sameSizeAs: `${options.enterprises}_${options.seed}` });
        await copyDatabases('toCache');
      }
    }
    // 2. the processes under load: same databases, no seeding, no generator state
    spawnAll({ HUISHANG_SEED: 'off' }, 'serve');
    await readyAll();
    return {
      database,
      urls,
      ports,
      processes,
      env,
      keys,
      seed: { wallMs: seedWallMs, perSubgraphMs: seedTimes, fromCache, analyzeMs },
      /** PostgreSQL server processes connected to this run's databases (none for SQLite). */
      backendPids: async () => {
        if (database.kind !== 'postgresql') return [];
        if (!admin) {
          const { Client } = require('pg');
          admin = new Client({ connectionString: withDatabase(options.pgUrl, 'postgres') });
          await admin.connect();
        }
        const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [[...database.names, database.access]]);
        return rows.map((r) => r.pid);
      },
      stop: async () => {
        await admin?.end().catch(() => undefined);
        admin = null;
        await stopAll();
        await dropDatabase();
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    await dropDatabase().catch(() => undefined);
    throw error;
  } finally {
    starting.delete(abort);
  }
}

/** Systems still starting (seeding): stopped and their databases dropped by abortStarting(). */
const starting = new Set();
async function abortStarting() {
  for (const abort of [...starting]) await abort();
}

async function analyzeAll(pgUrl, names) {
  const { Client } = require('pg');
  await Promise.all(
    names.map(async (name) => {
      const client = new Client({ connectionString: withDatabase(pgUrl, name) });
      await client.connect();
      try {
        await client.query('ANALYZE');
      } finally {
        await client.end();
      }
    }),
  );
}

/**
 * The committed supergraph with its routing URLs pointed at this run's subgraphs, in a file of the
 * gateway's own (`<dir>/supergraph.graphql`): Hive Gateway watches its file, so no two processes share one.
 */
function supergraphFor(urls, dir) {
  const sdl = readFileSync(join(REPO, 'schema', 'supergraph.graphql'), 'utf8');
  let replaced = 0;
  const rewritten = sdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (whole, name) => {
    if (!urls[name]) return whole;
    replaced++;
    return `@join__graph(name: "${name}", url: "${urls[name]}")`;
  });
  if (replaced !== SUBGRAPHS.length) throw new Error(`expected ${SUBGRAPHS.length} @join__graph URLs in schema/supergraph.graphql, rewrote ${replaced}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'supergraph.graphql');
  writeFileSync(path, rewritten);
  return path;
}

/**
 * Hive Gateway with `--hive-router-runtime` prints "Using Hive Router Runtime" *before* it tries to
 * load the package, and when that fails only warns and runs its JavaScript planner. So the proof
 * is the Rust planner itself: after a query has been planned, the native module of
 * @graphql-hive/router-query-planner (hive_router_query_planner.<platform>.node) must be mapped
 * into the gateway's process (/proc/<pid>/maps), and the fallback warning absent.
 */
const ROUTER_RUNTIME_FALLBACK = /Could not load the @graphql-hive\/router-runtime package|Falling back to the default runtime/i;
const RUST_PLANNER_MODULE = /hive_router_query_planner\.[\w-]+\.node/;

async function checkRouterRuntime(managed, url, label) {
  const fail = (why) => {
    throw new Error(`${label}: the Rust query planner is not in use (${why}); this contender would be Hive's default planner under another name. Its output:\n${managed.output().slice(-4000)}`);
  };
  if (ROUTER_RUNTIME_FALLBACK.test(managed.output())) fail('Hive Gateway fell back to its default runtime');
  // One query through the planner (not only __typename, which the runtime answers without planning).
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query: '{ regions { code } }' }) });
  await response.text();
  if (ROUTER_RUNTIME_FALLBACK.test(managed.output())) fail('Hive Gateway fell back to its default runtime');
  let maps = '';
  try {
    maps = readFileSync(`/proc/${managed.pid}/maps`, 'utf8');
  } catch (error) {
    fail(`cannot read /proc/${managed.pid}/maps to see the planner's native module: ${error.message}`);
  }
  if (!RUST_PLANNER_MODULE.test(maps)) fail('no hive_router_query_planner native module in the process after a query');
}

/**
 * Starts a gateway: `ours` (gateway/dist), another build of ours (`entry`), `hive` (Hive Gateway;
 * `routerRuntime`: with `--hive-router-runtime`), or `apollo` (stock @apollo/gateway,
 * apollo-gateway.js). Every gateway gets its own directory under runDir, with its own copy of the
 * supergraph. Returns { label, url, pid, headers, stop }.
 */
async function startGateway({ kind, label, entry, subgraphs, runDir, readyTimeoutMs, hiveArgs = [], routerRuntime = false, profileDir }) {
  const [port] = await freePorts(1);
  const env = { ...baseEnvironment() };
  const file = label.replace(/\W+/g, '_');
  const dir = join(runDir, `gateway-${file}`);
  mkdirSync(dir, { recursive: true });
  const signing = () =>
    JSON.stringify({ privatePem: subgraphs.keys.privatePem, urls: subgraphs.urls, identity: BENCH_IDENTITY });
  let args;
  let readyPath;
  let cwd = REPO;
  let token = null;
  if (kind === 'hive') {
    if (!existsSync(HIVE_BIN)) throw new Error(`Hive Gateway is not installed (${HIVE_BIN}); run npm install --prefix bench`);
    if (routerRuntime && !existsSync(ROUTER_RUNTIME_PACKAGE)) {
      throw new Error(`${label}: @graphql-hive/router-runtime is not installed (${ROUTER_RUNTIME_PACKAGE}); run npm install --prefix bench. Without it Hive Gateway would quietly use its JavaScript planner.`);
    }
    args = [HIVE_BIN, 'supergraph', supergraphFor(subgraphs.urls, dir), '--port', String(port), '--host', '127.0.0.1', ...(routerRuntime ? ['--hive-router-runtime'] : []), ...hiveArgs];
    readyPath = '/readiness';
    // Hive Gateway reads gateway.config.cjs from its working directory: the signing plugin.
    cwd = dir;
    copyFileSync(join(__dirname, 'hive-gateway.config.cjs'), join(cwd, 'gateway.config.cjs'));
    env.BENCH_SIGNING = signing();
    env.BENCH_IDENTITY_MODULE = IDENTITY_MODULE;
  } else if (kind === 'apollo') {
    args = [join(__dirname, 'apollo-gateway.js')];
    env.BENCH_SUPERGRAPH = supergraphFor(subgraphs.urls, dir);
    env.BENCH_PORT = String(port);
    env.BENCH_SIGNING = signing();
    readyPath = '/ready';
  } else {
    const script = entry ?? join(REPO, 'gateway', 'dist', 'src', 'index.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: build first (node_modules/.bin/tsc -b)`);
    args = [script];
    env.GATEWAY_PORT = String(port);
    // Its own copy of the committed supergraph, like every contender (the URLs also in the environment).
    env.SUPERGRAPH_PATH = supergraphFor(subgraphs.urls, dir);
    for (const name of SUBGRAPHS) env[`${name.toUpperCase()}_URL`] = subgraphs.urls[name];
    // Ours authenticates, signs and audits: its own database beside the subgraphs', the run's key,
    // a demo client to send requests as, and no rate limit (the load is the point).
    for (const key of ['DATABASE_URL', 'HUISHANG_DATA_DIR']) if (subgraphs.env[key]) env[key] = subgraphs.env[key];
    env.HUISHANG_GATEWAY_PRIVATE_KEY = subgraphs.keys.privatePem;
    env.HUISHANG_RATE_LIMIT_PER_MINUTE = '0';
    // The load generator gives a request 30 s, the peers' subgraph requests have no time limit:
    // ours gets 30 s per subgraph request too, not its 5 s default (a busy machine is not a failure).
    env.SUBGRAPH_TIMEOUT_MS = '30000';
    // Production mode (as every contender runs) has no demo clients: issue one, as an operator would.
    const cli = join(REPO, 'cli', 'dist', 'src', 'main.js');
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build the CLI first (node_modules/.bin/tsc -b cli); it issues the benchmark's client`);
    const issued = spawnSync(process.execPath, [cli, 'clients', 'add', '--department', 'industry', '--role', 'ANALYST', '--name', `bench ${label}`, '--json'], { cwd: REPO, env, encoding: 'utf8' });
    if (issued.status !== 0) throw new Error(`huishang clients add failed: ${issued.stderr}`);
    token = JSON.parse(issued.stdout).token;
    readyPath = '/ready';
  }
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=gateway-${file}.cpuprofile`] : [];
  const managed = startProcess({ name: label, args, env, port, cwd, nodeArgs, logFile: join(runDir, `gateway-${file}.log`) });
  try {
    await waitReady(managed, `http://127.0.0.1:${port}${readyPath}`, readyTimeoutMs);
    if (kind === 'hive' && routerRuntime) await checkRouterRuntime(managed, `http://127.0.0.1:${port}/graphql`, label);
  } catch (error) {
    await stopProcess(managed);
    throw error;
  }
  // The token ours wants; the other gateways ignore the header.
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  return { label, kind, url: `http://127.0.0.1:${port}/graphql`, headers, pid: managed.pid, port, managed, output: () => managed.output(), stop: () => stopProcess(managed) };
}

/** `huishang_sql_statements_total` of each subgraph. */
async function sqlStatements(subgraphs) {
  const entries = await Promise.all(
    SUBGRAPHS.map(async (name) => {
      const text = await fetch(subgraphs.urls[name].replace(/\/graphql$/, '/metrics')).then((r) => r.text());
      const match = /^huishang_sql_statements_total(?:\{[^}]*\})?\s+(\d+)\s*$/m.exec(text);
      return [name, match ? Number(match[1]) : NaN];
    }),
  );
  return Object.fromEntries(entries);
}

module.exports = { REPO, SUBGRAPHS, startSubgraphs, abortStarting, startGateway, checkRouterRuntime, sqlStatements, getStatus, pgAdmin, withDatabase, dropSeedCaches };
