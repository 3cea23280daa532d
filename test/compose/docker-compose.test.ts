/**
 * No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked against the
 * code instead: every subgraph has a service on its port, the gateway finds each one by service
 * name, every environment variable set is one the code reads, and every SERVICE has an entry.
 * Also: `scripts/start.js` refuses a port in use with one sentence and exit code 2.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { claimPorts as freePorts } from '../support/ports';
import { DEFAULT_PORTS, SUBGRAPH_NAMES, portVariable, urlVariable, type SubgraphName } from '@huishang/schema';

const ROOT = resolve(__dirname, '../..');
const SERVICES = [...SUBGRAPH_NAMES, 'gateway'] as const;
type ServiceName = SubgraphName | 'gateway';

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number> | string[];
  ports?: (string | number)[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[] };
  volumes?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function environment(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)]));
}

function healthcheckText(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** Services built from the repository's Dockerfile, by their SERVICE build argument. */
const built = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

// --------------------------------------------------------------------------------------------
// What the code reads from the environment

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.(test|spec)\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const sourceDirs = [
  join(ROOT, 'schema', 'src'),
  join(ROOT, 'gateway', 'src'),
  ...readdirSync(join(ROOT, 'subgraphs')).map((name) => join(ROOT, 'subgraphs', name, 'src')),
];

/** Comments removed, so a variable merely mentioned in documentation does not count as read. */
const code = sourceDirs
  .flatMap(sourceFiles)
  .map((file) =>
    readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1'),
  )
  .join('\n');

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Suffixes of names built as `${x.toUpperCase()}_SUFFIX` inside an `env[…]` lookup. */
const templatedSuffixes = [...code.matchAll(/env\[`\$\{[\w.]+\.toUpperCase\(\)\}_(\w+)`\]/g)].map((m) => m[1]);

/**
 * True when the code reads `name`: `env.NAME`, `env['NAME']` or the quoted name passed to a
 * reader, or a name the shared helpers compute inside an env lookup (`env[portVariable(…)]`,
 * `env[urlVariable(…)]`, `` env[`${subgraph.toUpperCase()}_DATABASE_URL`] ``).
 */
function codeReads(name: string): boolean {
  if (new RegExp(`env\\??\\.${escape(name)}\\b|['"\`]${escape(name)}['"\`]`).test(code)) return true;
  if (/env\[portVariable\(/.test(code) && SERVICES.some((s) => portVariable(s) === name)) return true;
  if (/env\[urlVariable\(/.test(code) && SUBGRAPH_NAMES.some((s) => urlVariable(s) === name)) return true;
  return templatedSuffixes.some((suffix) => SERVICES.some((s) => `${s.toUpperCase()}_${suffix}` === name));
}

// --------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  test('builds exactly the five subgraphs and the gateway, each from the Dockerfile', () => {
    const byService = Object.fromEntries(built.map(([key, service]) => [key, service.build?.args?.SERVICE]));
    expect(Object.keys(byService).sort()).toEqual([...SERVICES].sort());
    for (const name of SERVICES) {
      expect(byService[name]).toBe(name);
      expect(compose.services[name].build?.context ?? '.').toBe('.');
      expect(compose.services[name].build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    }
  });

  test.each([...SUBGRAPH_NAMES])('%s listens on its default port on all interfaces, checked by /ready', (name) => {
    const service = compose.services[name];
    const env = environment(service);
    expect(Number(env[portVariable(name)])).toBe(DEFAULT_PORTS[name]);
    expect(env.HOST).toBe('0.0.0.0');
    expect(healthcheckText(service)).toContain(`:${DEFAULT_PORTS[name]}/ready`);
    expect(service.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
  });

  test.each([...SUBGRAPH_NAMES])('the gateway finds %s by its service name and port', (name) => {
    const env = environment(compose.services.gateway);
    const url = new URL(env[urlVariable(name)]);
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe(name);
    expect(Number(url.port)).toBe(Number(environment(compose.services[name])[portVariable(name)]));
    expect(url.pathname).toBe('/graphql');
  });

  test('the gateway publishes its port, waits for healthy subgraphs and is checked by /ready', () => {
    const gateway = compose.services.gateway;
    const env = environment(gateway);
    expect(Number(env[portVariable('gateway')])).toBe(DEFAULT_PORTS.gateway);
    expect(env.HOST).toBe('0.0.0.0');
    expect((gateway.ports ?? []).map(String)).toContain(`${DEFAULT_PORTS.gateway}:${DEFAULT_PORTS.gateway}`);
    for (const name of SUBGRAPH_NAMES) {
      expect(gateway.depends_on).toMatchObject({ [name]: { condition: 'service_healthy' } });
    }
    expect(healthcheckText(gateway)).toContain(`:${DEFAULT_PORTS.gateway}/ready`);
  });

  test('every subgraph reaches the postgres service, whose database is the one DATABASE_URL names', () => {
    const postgres = compose.services.postgres;
    expect(postgres.image).toMatch(/^postgres:15\b/);
    const pgEnv = environment(postgres);
    expect(healthcheckText(postgres)).toContain('pg_isready');
    expect(postgres.volumes?.some((volume) => volume.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    for (const name of SUBGRAPH_NAMES) {
      const url = new URL(environment(compose.services[name]).DATABASE_URL);
      expect(url.protocol).toBe('postgres:');
      expect(url.hostname).toBe('postgres');
      expect(url.port || '5432').toBe('5432');
      expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
      expect(decodeURIComponent(url.username)).toBe(pgEnv.POSTGRES_USER ?? 'postgres');
      if (pgEnv.POSTGRES_HOST_AUTH_METHOD !== 'trust') {
        expect(decodeURIComponent(url.password)).toBe(pgEnv.POSTGRES_PASSWORD);
      }
    }
    expect(pgEnv.POSTGRES_DB).toBe('huishang');
  });

  test('every Huishang service shares rate limits and nonces through the redis service, and waits for it', () => {
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:/);
    expect(healthcheckText(redis)).toContain('redis-cli ping');
    for (const name of SERVICES) {
      const url = new URL(environment(compose.services[name]).REDIS_URL);
      expect([name, url.protocol, url.hostname, url.port || '6379']).toEqual([name, 'redis:', 'redis', '6379']);
      expect(compose.services[name].depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
    }
  });

  test('the check below can tell a variable the code reads from one it does not', () => {
    expect(codeReads('DATABASE_URL')).toBe(true);
    expect(codeReads('HOST')).toBe(true);
    expect(codeReads('ENERGY_PORT')).toBe(true);
    expect(codeReads('ENERGY_URL')).toBe(true);
    expect(codeReads('ENERGY_DATABASE_URL')).toBe(true);
    expect(codeReads('HUISHANG_NO_SUCH_SETTING')).toBe(false);
    expect(codeReads('ENERGY_HOST')).toBe(false);
    expect(codeReads('POSTGRES_DB')).toBe(false);
  });

  test('every variable set on a Huishang service, or in the Dockerfile, is one the code reads', () => {
    const set = new Set<string>();
    for (const [, service] of built) for (const name of Object.keys(environment(service))) set.add(name);
    for (const match of dockerfile.matchAll(/^ENV\s+(\w+)[=\s]/gm)) set.add(match[1]);
    expect(set.size).toBeGreaterThan(0);
    const unread = [...set].filter((name) => !codeReads(name));
    expect(unread).toEqual([]);
  });
});

describe('Dockerfile', () => {
  /** The image's entry for a SERVICE, as the Dockerfile picks it (scripts/service-entry.js). */
  const entryOf = (service: string) => execFileSync(process.execPath, [join(ROOT, 'scripts', 'service-entry.js'), service], { encoding: 'utf8' }).trim();

  test('is node:20-bookworm-slim, installs with npm install, builds with npm run build\'s script and binds all interfaces', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\b/m);
    expect(dockerfile).toMatch(/^RUN npm install\b/m);
    expect(dockerfile).toMatch(/^RUN node scripts\/build\.js\b/m);
    expect(dockerfile).toMatch(/^ARG SERVICE\b/m);
    expect(dockerfile).toMatch(/^ENV HOST=0\.0\.0\.0\b/m);
    expect(dockerfile).toMatch(/^CMD \["node", /m);
  });

  test('has an entry for every SERVICE, and each is built from a source file that exists; another SERVICE is refused', () => {
    expect(dockerfile).toMatch(/^RUN entry=\$\(node scripts\/service-entry\.js "\$SERVICE"\) \\\n && test -f "\$entry"/m);
    for (const service of SERVICES) {
      const entry = entryOf(service);
      const expected = service === 'gateway' ? 'gateway/dist/src/index.js' : `subgraphs/${service}/dist/src/index.js`;
      expect(entry).toBe(expected);
      const source = entry.replace('/dist/', '/').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, source))).toBe(true);
    }
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts', 'service-entry.js'), 'nobody'], { stdio: 'pipe' })).toThrow(/SERVICE must be gateway, router-coprocessor or a department of subgraphs\/departments\.json \(.+\), not "nobody"/);
    expect(entryOf('router-coprocessor')).toBe('plugins/router-coprocessor/dist/src/main.js');
    expect(existsSync(join(ROOT, 'plugins', 'router-coprocessor', 'src', 'main.ts'))).toBe(true);
  });

  test('copies every workspace manifest before npm install, so the lockfile installs', () => {
    const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const dirs = workspaces.flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(join(ROOT, pattern.slice(0, -2)))
            .map((name) => join(ROOT, pattern.slice(0, -2), name))
            .filter((dir) => existsSync(join(dir, 'package.json')))
        : [join(ROOT, pattern)],
    );
    const beforeInstall = dockerfile.slice(0, dockerfile.search(/^RUN npm install\b/m));
    for (const dir of dirs) {
      const manifest = relative(ROOT, join(dir, 'package.json'));
      expect(beforeInstall).toMatch(new RegExp(`^COPY ${escape(manifest)} `, 'm'));
    }
    expect(beforeInstall).toMatch(/^COPY package\.json package-lock\.json /m);
  });
});

// --------------------------------------------------------------------------------------------

function listen(port = 0): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, () => resolvePromise(server));
  });
}

function runStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [join(ROOT, 'scripts', 'start.js')], { cwd: ROOT, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolvePromise({ code: typeof code === 'number' ? code : null, output: `${stdout}${stderr}` });
    });
  });
}

describe('scripts/start.js', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'huishang-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test.each<ServiceName>(['industry', 'gateway'])(
    'refuses a port already in use (%s) with one sentence and exit code 2, before starting anything',
    async (busy) => {
      const occupier = await listen();
      try {
        const taken = (occupier.address() as { port: number }).port;
        const ports = await freePorts(SERVICES.length);
        const env: NodeJS.ProcessEnv = { ...process.env, HUISHANG_DATA_DIR: dataDir };
        delete env.HOST;
        SERVICES.forEach((service, i) => (env[portVariable(service)] = String(service === busy ? taken : ports[i])));

        const { code, output } = await runStart(env);

        const label = busy === 'gateway' ? 'gateway' : `${busy} subgraph`;
        expect(output).toContain(
          `Port ${taken} (${label}) is already in use. Stop whatever is using it, or set ${portVariable(busy)} to another port.`,
        );
        expect(code).toBe(2);
        expect(output).not.toMatch(/^\s+at /m);
        expect(readdirSync(dataDir)).toEqual([]); // nothing started, no database created
      } finally {
        await new Promise((done) => occupier.close(done));
      }
    },
  );

  test('refuses a limit that is not a number of milliseconds, naming the setting', async () => {
    const { code, output } = await runStart({ ...process.env, HUISHANG_DATA_DIR: dataDir, HUISHANG_START_STALL_MS: 'two minutes' });
    expect(output).toContain('HUISHANG_START_STALL_MS must be a whole number of milliseconds (0 or more), got "two minutes".');
    expect(code).toBe(2);
  });

  test('after start-up, a subgraph that dies is restarted while the gateway and the others keep running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huishang-restart-'));
    const ports = await freePorts(SERVICES.length);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HUISHANG_DATA_DIR: join(dir, 'data'),
      HUISHANG_KEYS_DIR: join(dir, 'keys'),
      HUISHANG_DEMO_CLIENTS_FILE: join(dir, 'demo-clients.json'),
      HUISHANG_DEMO_ENTERPRISES: '60',
      HUISHANG_RESTART_DELAY_MS: '200',
      NO_COLOR: '1',
    };
    delete env.HOST;
    delete env.DATABASE_URL;
    SERVICES.forEach((service, i) => (env[portVariable(service)] = String(ports[i])));
    const start = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => start.once('exit', (code) => done(code)));
    const until = async (pattern: RegExp, what: string) => {
      for (let waited = 0; !pattern.test(output); waited += 250) {
        if (start.exitCode !== null) throw new Error(`start.js exited (${start.exitCode}) before ${what}:\n${output.slice(-3000)}`);
        if (waited > 480_000) throw new Error(`no ${what} within 480 s:\n${output.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    try {
      await until(/Huishang is running/, 'start-up');
      // The industry subgraph's process, a child of start.js, killed as a crash would.
      const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(start.pid)], { encoding: 'utf8' });
      const industry = children.split('\n').find((line) => /subgraphs\/industry\/dist\/src\/index\.js/.test(line));
      expect(industry).toBeDefined();
      process.kill(Number(industry!.trim().split(/\s+/)[0]), 'SIGKILL');
      await until(/The industry subgraph was killed by SIGKILL; restarting it in 0\.2 s/, 'the restart notice');
      // Meanwhile the gateway still answers /ready (it does not depend on every department).
      expect((await fetch(`http://127.0.0.1:${ports[SERVICES.indexOf('gateway')]}/ready`)).status).toBe(200);
      await until(/The industry subgraph is ready again\./, 'the restarted subgraph');
      expect(start.exitCode).toBeNull();
      expect(output).not.toMatch(/stopping the others/);
      expect((await fetch(`http://127.0.0.1:${ports[SERVICES.indexOf('industry')]}/ready`)).status).toBe(200);
    } finally {
      if (start.exitCode === null) start.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('stops every service and exits 1 when one shows no progress for HUISHANG_START_STALL_MS, naming it and the setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huishang-stall-'));
    try {
      const ports = await freePorts(SERVICES.length);
      const env: NodeJS.ProcessEnv = { ...process.env, HUISHANG_DATA_DIR: join(dir, 'data'), HUISHANG_KEYS_DIR: join(dir, 'keys'), HUISHANG_START_STALL_MS: '1' };
      delete env.HOST;
      delete env.DATABASE_URL;
      SERVICES.forEach((service, i) => (env[portVariable(service)] = String(ports[i])));
      const { code, output } = await runStart(env);
      expect(output).toMatch(/The \w+ subgraph showed no progress for 0\.001 s \(last: [^)]*\); stopping\. Set HUISHANG_START_STALL_MS to wait longer\./);
      expect(code).toBe(1);
      // It exits only once its children have: none is left listening.
      const still = await Promise.all(ports.map((port) => new Promise<boolean>((done) => {
        const server = createServer();
        server.once('error', () => done(true));
        server.listen(port, () => server.close(() => done(false)));
      })));
      expect(still).toEqual(ports.map(() => false));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
