#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the five subgraphs, then the gateway, as child processes of this one.
 *
 * Checks every port is free first, waits for each subgraph's /ready (the first run migrates and
 * seeds the demo city), then the gateway's, and prints where to go. Ctrl-C stops everything.
 * Plain CommonJS and Node's own modules only, so it runs before and without any build tooling.
 */
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..');
const SUBGRAPHS = ['industry', 'finance', 'energy', 'statistics', 'hr'];
const DEFAULT_PORTS = { gateway: 4000, industry: 4001, finance: 4002, energy: 4003, statistics: 4004, hr: 4005 };
const READY_TIMEOUT_MS = 120_000;
const KILL_AFTER_MS = 10_000;
const COLOURS = [36, 32, 33, 35, 34, 96]; // cyan, green, yellow, magenta, blue, bright cyan
const WIDTH = Math.max(...[...SUBGRAPHS, 'gateway'].map((name) => name.length));

const env = process.env;
const useColour = (stream) => Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
const paint = (stream, code, text) => (useColour(stream) ? `\x1b[${code}m${text}\x1b[0m` : text);

/** Says one thing on stderr and exits: the user gets a sentence, never a stack trace. */
function fail(message, code = 1) {
  process.stderr.write(`${paint(process.stderr, 31, message)}\n`);
  process.exit(code);
}

function portOf(name) {
  const variable = `${name.toUpperCase()}_PORT`;
  const raw = env[variable];
  if (raw === undefined || raw === '') return DEFAULT_PORTS[name];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${variable} must be a port number between 1 and 65535, got ${JSON.stringify(raw)}.`, 2);
  }
  return port;
}

const services = [...SUBGRAPHS, 'gateway'].map((name, index) => {
  const isGateway = name === 'gateway';
  return {
    name,
    label: isGateway ? 'gateway' : `${name} subgraph`,
    portVariable: `${name.toUpperCase()}_PORT`,
    port: portOf(name),
    entry: path.join(ROOT, isGateway ? 'gateway' : path.join('subgraphs', name), 'dist', 'src', 'index.js'),
    colour: COLOURS[index % COLOURS.length],
    child: null,
  };
});
const subgraphs = services.filter((s) => s.name !== 'gateway');
const gateway = services.find((s) => s.name === 'gateway');

/** Where the children listen (HOST) and so where to reach them from here. */
const probeHost = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;

function checkPortFree(service) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => {
      if (error.code === 'EADDRINUSE') {
        resolve(
          `Port ${service.port} (${service.label}) is already in use. ` +
            `Stop whatever is using it, or set ${service.portVariable} to another port.`,
        );
      } else if (error.code === 'EACCES') {
        resolve(`Not allowed to listen on port ${service.port} (${service.label}). Set ${service.portVariable} to a port above 1024.`);
      } else {
        resolve(`Cannot listen on port ${service.port} (${service.label}): ${error.message}.`);
      }
    });
    server.listen({ port: service.port, host: env.HOST || undefined, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

async function preflight() {
  const seen = new Map();
  for (const service of services) {
    const other = seen.get(service.port);
    if (other) {
      fail(
        `${other.label} and ${service.label} are both set to port ${service.port}. ` +
          `Set ${service.portVariable} or ${other.portVariable} to another port.`,
        2,
      );
    }
    seen.set(service.port, service);
  }
  for (const service of services) {
    const problem = await checkPortFree(service);
    if (problem) fail(problem, 2);
  }
  for (const service of services) {
    if (!existsSync(service.entry)) {
      fail(`${path.relative(ROOT, service.entry)} does not exist: build first with \`npm run build\` (\`npm start\` does it for you).`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Children

let shuttingDown = false;

function prefix(service, stream) {
  return paint(stream, service.colour, `${service.name.padEnd(WIDTH)} |`) + ' ';
}

const LEVEL_COLOURS = { trace: 90, debug: 90, info: 0, warn: 33, error: 31, fatal: 31 };
const HIDDEN_FIELDS = new Set(['level', 'time', 'service', 'msg', 'pid', 'hostname']);

/**
 * The services log JSON lines (pino, for log collectors); on a terminal a person reads
 * `12:00:01 request requestId=… clientId=… outcome=OK durationMs=12` instead. Set
 * HUISHANG_LOG_JSON=1 to see the JSON as it is.
 */
function readable(line, stream) {
  if (env.HUISHANG_LOG_JSON || line[0] !== '{') return line;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.msg !== 'string') return line;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const fields = Object.entries(entry)
    .filter(([key, value]) => !HIDDEN_FIELDS.has(key) && value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const level = entry.level === 'info' || !entry.level ? '' : `${paint(stream, LEVEL_COLOURS[entry.level] || 0, entry.level.toUpperCase())} `;
  const err = entry.err && entry.err.stack ? `\n${entry.err.stack}` : '';
  return `${paint(stream, 90, time)} ${level}${entry.msg}${fields.length ? ' ' + paint(stream, 90, fields.filter((f) => !f.startsWith('err=')).join(' ')) : ''}${err}`;
}

function pipeLines(service, from, to) {
  const lines = readline.createInterface({ input: from, crlfDelay: Infinity });
  lines.on('line', (line) => to.write(`${prefix(service, to)}${readable(line, to)}\n`));
}

function childEnvironment(service) {
  const childEnv = { ...env };
  for (const s of services) childEnv[s.portVariable] = String(s.port);
  // MikroORM colours its log lines whatever the output; keep a piped log free of escape codes.
  if (!useColour(process.stdout) && childEnv.MIKRO_ORM_NO_COLOR === undefined) childEnv.MIKRO_ORM_NO_COLOR = '1';
  if (service === gateway) {
    for (const s of subgraphs) {
      const variable = `${s.name.toUpperCase()}_URL`;
      if (!childEnv[variable]) childEnv[variable] = `http://${probeHost}:${s.port}/graphql`;
    }
  }
  return childEnv;
}

function startChild(service) {
  const child = spawn(process.execPath, [service.entry], { env: childEnvironment(service), stdio: ['ignore', 'pipe', 'pipe'] });
  service.child = child;
  service.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      service.child = null;
      resolve({ code, signal });
      if (!shuttingDown) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        process.stderr.write(paint(process.stderr, 31, `The ${service.label} ${how}; stopping the others.`) + '\n');
        void shutdown(1);
      }
    });
  });
  child.once('error', (error) => {
    if (!shuttingDown) {
      process.stderr.write(paint(process.stderr, 31, `Could not start the ${service.label}: ${error.message}`) + '\n');
      void shutdown(1);
    }
  });
  pipeLines(service, child.stdout, process.stdout);
  pipeLines(service, child.stderr, process.stderr);
}

let shutdownPromise = null;
/** SIGTERM to every child still running, SIGKILL to any still there after 10 s, then exit. */
function shutdown(exitCode) {
  if (shutdownPromise) return shutdownPromise;
  shuttingDown = true;
  const running = services.filter((s) => s.child);
  shutdownPromise = (async () => {
    for (const s of running) s.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const s of running) {
        if (s.child) {
          process.stderr.write(`The ${s.label} did not stop within ${KILL_AFTER_MS / 1000} s; killing it.\n`);
          s.child.kill('SIGKILL');
        }
      }
    }, KILL_AFTER_MS);
    await Promise.all(running.map((s) => s.exited));
    clearTimeout(timer);
    process.exit(exitCode);
  })();
  return shutdownPromise;
}

function onSignal(signal) {
  if (shuttingDown) {
    // A second Ctrl-C: stop waiting.
    for (const s of services) if (s.child) s.child.kill('SIGKILL');
    process.exit(1);
  }
  process.stdout.write(`\n${signal} received: stopping every service (Ctrl-C again to kill them at once).\n`);
  void shutdown(0);
}

// ---------------------------------------------------------------------------------------------
// Readiness

function getStatus(url) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2000, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

async function waitReady(service) {
  const url = `http://${probeHost}:${service.port}/ready`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!shuttingDown) {
    if ((await getStatus(url)) === 200) return;
    if (Date.now() > deadline) {
      process.stderr.write(
        paint(process.stderr, 31, `The ${service.label} did not become ready within ${READY_TIMEOUT_MS / 1000} s (${url}); stopping.`) + '\n',
      );
      await shutdown(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await shutdownPromise; // never returns: the process exits
}

// ---------------------------------------------------------------------------------------------
// Banner

function hidePassword(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Mirrors databaseSettings() in schema/src/kit/database.ts. */
function databaseLines() {
  const own = subgraphs.filter((s) => env[`${s.name.toUpperCase()}_DATABASE_URL`]);
  const shared = env.DATABASE_URL;
  const lines = [];
  if (shared && /^postgres(ql)?:\/\//.test(shared)) {
    const parsed = new URL(shared);
    const base = parsed.pathname.replace(/^\//, '') || 'huishang';
    const names = subgraphs.filter((s) => !own.includes(s)).map((s) => `${base}_${s.name}`);
    parsed.pathname = '/';
    if (names.length) lines.push(`PostgreSQL ${hidePassword(parsed.toString())} (databases ${names.join(', ')})`);
  } else if (shared) {
    lines.push(`SQLite ${shared.replace(/^(file:|sqlite:)(\/\/)?/, '')}`);
  } else if (own.length < subgraphs.length) {
    const dir = path.resolve(env.HUISHANG_DATA_DIR ?? 'data');
    const files = subgraphs.filter((s) => !own.includes(s)).map((s) => `${s.name}.sqlite`);
    lines.push(`SQLite files in ${dir}${path.sep} (${files.join(', ')})`);
  }
  for (const s of own) lines.push(`${s.name}: ${hidePassword(env[`${s.name.toUpperCase()}_DATABASE_URL`])}`);
  return lines;
}

function banner(seconds) {
  const out = process.stdout;
  const bold = (text) => paint(out, 1, text);
  const rule = '─'.repeat(72);
  const [firstDb, ...moreDb] = databaseLines();
  const lines = [
    '',
    rule,
    bold(`  Huishang is running (ready in ${seconds} s).`),
    '',
    `  Open in a browser (GraphiQL):  ${bold(paint(out, 32, `http://localhost:${gateway.port}/graphql`))}`,
    '',
    '  Subgraphs:',
    ...subgraphs.map((s) => `    ${s.name.padEnd(WIDTH)}  http://localhost:${s.port}/graphql`),
    '',
    `  Database:  ${firstDb}`,
    ...moreDb.map((line) => `             ${line}`),
    '',
    `  Tokens:    ${path.resolve(env.HUISHANG_DEMO_CLIENTS_FILE ?? '.huishang/demo-clients.json')} (a demo analyst per department;`,
    `             GraphiQL starts with the industry one). Send "Authorization: Bearer <token>".`,
    `             An administrator: npx huishang clients add --department industry --role ADMINISTRATOR`,
    '',
    `  ${bold('Ctrl-C stops everything.')}`,
    rule,
    '',
  ];
  out.write(lines.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  await preflight();
  // The gateway signs each caller's identity for the subgraphs with a key pair made on first run.
  const { ensureSigningKeys } = require('../schema/dist/src/kit/identity');
  const keys = ensureSigningKeys(env);
  if (keys.created) console.log(`Created the gateway's signing key pair in ${keys.dir}`);
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const started = Date.now();
  console.log(`Starting the ${subgraphs.length} subgraphs (the first run creates and seeds the demo databases)…`);
  for (const s of subgraphs) startChild(s);
  await Promise.all(subgraphs.map(waitReady));
  console.log('Subgraphs ready; starting the gateway…');
  startChild(gateway);
  await waitReady(gateway);
  banner(((Date.now() - started) / 1000).toFixed(1));
}

main().catch((error) => {
  process.stderr.write(`${error && error.message ? error.message : error}\n`);
  if (!shuttingDown) void shutdown(1);
});
