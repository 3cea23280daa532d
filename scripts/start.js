#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the departments' subgraphs (subgraphs/departments.json), then the gateway, as child processes of this one.
 *
 * Checks every port is free first, waits for each subgraph's /ready (the first run migrates and
 * seeds the demo city; a starting subgraph answers 503 with its progress, which is shown), then
 * the gateway's, and prints where to go. A service fails the start only when it exits or shows no
 * progress for HUISHANG_START_STALL_MS. Ctrl-C stops everything.
 * Plain CommonJS and Node's own modules only, so it runs before and without any build tooling.
 */
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..');
const env = process.env;
/** Production mode (HUISHANG_MODE=production or NODE_ENV=production): no demo, so no demo words either. */
const PRODUCTION = env.NODE_ENV === 'production' || env.HUISHANG_MODE === 'production';
const useColour = (stream) => Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
const paint = (stream, code, text) => (useColour(stream) ? `\x1b[${code}m${text}\x1b[0m` : text);
// The departments, their folders and default ports: the registry (subgraphs/departments.json).
const REGISTRY = require('../subgraphs/departments.json');
const SUBGRAPHS = REGISTRY.departments.map((d) => d.name);
const FOLDERS = Object.fromEntries(REGISTRY.departments.map((d) => [d.name, d.folder]));
const DEFAULT_PORTS = { gateway: REGISTRY.gateway.port, ...Object.fromEntries(REGISTRY.departments.map((d) => [d.name, d.port])) };
/** A whole number of milliseconds from the environment, or the default; a bad value is one clear sentence and exit 2. */
function milliseconds(variable, fallback) {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`${variable} must be a whole number of milliseconds (0 or more), got ${JSON.stringify(raw)}.`, 2);
  return value;
}
// Limits of the wait (README, "Settings"): a service fails only when it dies, or when it shows no
// progress (no log line, no change in what its /ready reports) for HUISHANG_START_STALL_MS.
/** HUISHANG_START_STALL_MS, default 120 000: longest time a starting service may show no progress. */
const STALL_MS = milliseconds('HUISHANG_START_STALL_MS', 120_000);
/** HUISHANG_START_TIMEOUT_MS, default 0 (none): an upper bound on the whole start, progress or not. */
const START_TIMEOUT_MS = milliseconds('HUISHANG_START_TIMEOUT_MS', 0);
/** HUISHANG_START_STATUS_MS, default 15 000: how often a summary of who is still starting is printed. */
const STATUS_EVERY_MS = milliseconds('HUISHANG_START_STATUS_MS', 15_000);
/** HUISHANG_STOP_TIMEOUT_MS, default 10 000: after SIGTERM, how long a service may take before SIGKILL. */
const KILL_AFTER_MS = milliseconds('HUISHANG_STOP_TIMEOUT_MS', 10_000);
/**
 * HUISHANG_RESTART_DELAY_MS, default 1 000: after every service was ready once, a subgraph that dies
 * is restarted after this delay, doubled at each death in a row up to HUISHANG_RESTART_MAX_DELAY_MS
 * (default 30 000); one that then ran that long starts again from the first delay. The gateway and
 * the other departments keep running: one department's outage costs only its figures.
 */
const RESTART_DELAY_MS = milliseconds('HUISHANG_RESTART_DELAY_MS', 1_000);
const RESTART_MAX_DELAY_MS = milliseconds('HUISHANG_RESTART_MAX_DELAY_MS', 30_000);
const COLOURS = [36, 32, 33, 35, 34, 96]; // cyan, green, yellow, magenta, blue, bright cyan (then again)
const WIDTH = Math.max(...[...SUBGRAPHS, 'gateway'].map((name) => name.length));


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
    entry: path.join(ROOT, isGateway ? 'gateway' : FOLDERS[name], 'dist', 'src', 'index.js'),
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
/** Set once every service was ready: from then on a dying subgraph is restarted, not fatal. */
let allReady = false;

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
  lines.on('line', (line) => {
    service.lastProgress = Date.now(); // a line printed is a sign of life
    const shown = readable(line, to);
    // `<name> subgraph: starting: seeding observation rows 3000 of 27000` (schema/src/kit/startup.ts):
    // what the summary shows while the process is too busy to answer /ready.
    const said = /: starting: (.+)$/.exec(shown);
    if (said && service.state !== 'ready') service.state = said[1];
    to.write(`${prefix(service, to)}${shown}\n`);
  });
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
  service.lastProgress = Date.now();
  const spawnedAt = Date.now();
  service.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      service.child = null;
      resolve({ code, signal });
      if (shuttingDown) return;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      // During start-up a dying service stops everything (the start failed); once all were ready,
      // a dying subgraph is restarted and costs only its own department (README, "npm start").
      if (allReady && service !== gateway) {
        if (Date.now() - spawnedAt >= RESTART_MAX_DELAY_MS) service.restarts = 0;
        const delay = Math.min(RESTART_DELAY_MS * 2 ** (service.restarts ?? 0), RESTART_MAX_DELAY_MS);
        service.restarts = (service.restarts ?? 0) + 1;
        service.state = 'restarting';
        process.stderr.write(
          paint(process.stderr, 31, `The ${service.label} ${how}; restarting it in ${delay / 1000} s (restart ${service.restarts}; HUISHANG_RESTART_DELAY_MS). The gateway and the other departments keep running.`) + '\n',
        );
        setTimeout(() => {
          if (shuttingDown) return;
          startChild(service);
          void announceReadyAgain(service);
        }, delay);
        return;
      }
      process.stderr.write(paint(process.stderr, 31, `The ${service.label} ${how}; stopping the others.`) + '\n');
      void shutdown(1);
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

/** GET `url`: the status and the parsed JSON body (null if none), or status 0 when nothing answered. */
function getReady(url) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 5000, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let body = null;
        try {
          body = JSON.parse(text);
        } catch {}
        resolve({ status: response.statusCode, body });
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve({ status: 0, body: null }));
  });
}

/** What a starting service says it is doing (a subgraph's progress; the gateway's status), for the summary. */
function describeProgress(body) {
  const p = body && body.progress;
  if (p && p.phase) return [p.phase, p.step, p.total !== undefined ? `${p.done} of ${p.total}` : undefined].filter(Boolean).join(' ');
  if (body && body.status) return body.down ? `${body.status}: ${body.down.join(', ')}` : body.status;
  return null;
}

/** Something that changes only when the service made progress (not the elapsed time it reports). */
function progressSignature(body) {
  if (!body) return null;
  if (body.progress) return JSON.stringify({ ...body.progress, elapsedSeconds: undefined });
  return JSON.stringify({ status: body.status, down: body.down });
}

/**
 * Polls `/ready` until it answers 200. Waits as long as the service makes progress (a log line, a
 * change in what /ready reports); stops everything when it exits or stalls for STALL_MS.
 */
async function waitReady(service) {
  const url = `http://${probeHost}:${service.port}/ready`;
  const began = Date.now();
  let signature = null;
  service.state ??= 'not answering yet';
  while (!shuttingDown) {
    const { status, body } = await getReady(url);
    if (status === 200) {
      service.state = 'ready';
      return;
    }
    service.state = describeProgress(body) ?? service.state;
    const now = progressSignature(body);
    if (now !== null && now !== signature) {
      signature = now;
      service.lastProgress = Date.now();
    }
    let problem = null;
    if (STALL_MS > 0 && Date.now() - service.lastProgress > STALL_MS) {
      problem = `The ${service.label} showed no progress for ${STALL_MS / 1000} s (last: ${service.state}; ${url}); stopping. Set HUISHANG_START_STALL_MS to wait longer.`;
    } else if (START_TIMEOUT_MS > 0 && Date.now() - began > START_TIMEOUT_MS) {
      problem = `The ${service.label} was not ready within HUISHANG_START_TIMEOUT_MS (${START_TIMEOUT_MS / 1000} s; last: ${service.state}); stopping.`;
    }
    if (problem) {
      process.stderr.write(paint(process.stderr, 31, problem) + '\n');
      await shutdown(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await shutdownPromise; // never returns: the process exits
}

/** After a restart: says when the subgraph answers /ready again (no stall limit: it is restarted if it dies). */
async function announceReadyAgain(service) {
  const child = service.child;
  const url = `http://${probeHost}:${service.port}/ready`;
  while (!shuttingDown && service.child === child && child) {
    if ((await getReady(url)).status === 200) {
      service.state = 'ready';
      console.log(`The ${service.label} is ready again.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every STATUS_EVERY_MS while waiting: one line saying who is still starting and at what. */
function statusTicker(group) {
  if (STATUS_EVERY_MS <= 0) return () => undefined;
  const timer = setInterval(() => {
    const waiting = group.filter((s) => s.state !== 'ready');
    if (waiting.length === 0 || shuttingDown) return;
    const line = waiting.map((s) => `${s.name}: ${s.state}`).join('; ');
    process.stdout.write(paint(process.stdout, 2, `Still starting (${Math.round((Date.now() - startedAt) / 1000)} s): ${line}`) + '\n');
  }, STATUS_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
let startedAt = Date.now();

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
    // Production mode writes no demo tokens (issue 12): the banner names only how clients are issued.
    ...(PRODUCTION
      ? [
          `  Clients:   production mode: no demo clients; issue each with npx huishang clients add --department <name> --role <role>`,
          `             and send "Authorization: Bearer <token>".`,
        ]
      : [
          `  Tokens:    ${path.resolve(env.HUISHANG_DEMO_CLIENTS_FILE ?? '.huishang/demo-clients.json')} (a demo analyst per department;`,
          `             GraphiQL starts with the ${REGISTRY.secretariat} one). Send "Authorization: Bearer <token>".`,
          `             An administrator: npx huishang clients add --department ${REGISTRY.secretariat} --role ADMINISTRATOR`,
        ]),
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
  startedAt = Date.now();
  console.log(
    PRODUCTION
      ? `Starting the ${subgraphs.length} subgraphs in production mode (nothing is seeded; progress is shown as it goes)…`
      : `Starting the ${subgraphs.length} subgraphs (the first run creates and seeds the demo databases; progress is shown as it goes)…`,
  );
  for (const s of subgraphs) startChild(s);
  let stopTicker = statusTicker(subgraphs);
  await Promise.all(subgraphs.map(waitReady));
  stopTicker();
  console.log('Subgraphs ready; starting the gateway…');
  startChild(gateway);
  stopTicker = statusTicker([gateway]);
  await waitReady(gateway);
  stopTicker();
  allReady = true;
  banner(((Date.now() - startedAt) / 1000).toFixed(1));
}

main().catch((error) => {
  process.stderr.write(`${error && error.message ? error.message : error}\n`);
  if (!shuttingDown) void shutdown(1);
});
