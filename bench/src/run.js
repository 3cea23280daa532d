#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: our gateway, Hive Gateway and the direct-subgraph floor on the same subgraphs,
 * same supergraph, same data, one machine; for SQLite and PostgreSQL. See docs/benchmarks.md.
 *
 *   node bench/src/run.js [--db sqlite,postgresql] [--enterprises 520] [--duration 4] [--warmup 1]
 *                         [--connections 10] [--rounds 2] [--scenarios a,b,c] [--workload same,varied]
 *                         [--contenders ours,hive,floor] [--compare label=path/to/gateway/index.js]
 *                         [--pg-url postgres://postgres@127.0.0.1:5432/huishang_bench] [--month 2015-06]
 *                         [--hive-arg=--jit] [--out bench/out] [--plans] [--profile] [--seed-cache] …
 * (`node bench/src/run.js --help` lists them all; bench/index.js builds and installs first.)
 */
const { mkdirSync, writeFileSync } = require('node:fs');
const { cpus, totalmem } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs, isDeepStrictEqual } = require('node:util');
const { REPO, SUBGRAPHS, startSubgraphs, startGateway, sqlStatements, dropSeedCaches } = require('./system');
const { memory, resetPeak, cpuMs, machineBusyMs } = require('./processes');
const { SCENARIOS, SCENARIO_NAMES, resolveParameters } = require('./scenarios');
const { planFor, probe, runFloor } = require('./floor');
const { runAutocannon, newHistogram } = require('./load');
const { render } = require('./report');

const USAGE = `usage: npm run bench -- [options]
  --db sqlite,postgresql        databases to run on (default: both)
  --enterprises N               size of the generated city (default 520; the large city is 20000)
  --seed N                      generator seed (default 2015)
  --duration S                  seconds of the measurement window per contender and round (default 4)
  --warmup S                    seconds of load before each measurement window (default 1): connections
                                busy before counting starts
  --prewarm S                   seconds of unmeasured load per gateway and scenario before any measurement (default 10: less
                                and the gateways, Hive Gateway most, are measured before their JIT has settled)
  --connections N               concurrent keep-alive connections (default 10)
  --latency-connections N       after the varied rounds of each scenario, each contender once more with only N
                                connections (default 1; 0: skip): the latency a gateway adds when the machine
                                is not saturated, against the floor's
  --rounds N                    rounds; contenders alternate A B F, F B A, … (default 2)
  --scenarios a,b,c             meeting (a), enterprise (b), district (c) (default: all)
  --contenders ours,hive,floor  which to measure (default: all three)
  --workload same,varied        same: every request identical; varied: each request another month or
                                enterprise, so no two requests in flight are the same (default: both)
  --compare label=entry.js      also measure another build of our gateway (repeatable)
  --hive-arg=ARG                extra argument for hive-gateway (repeatable), e.g. --hive-arg=--jit
  --pg-url URL                  PostgreSQL server and base name (default postgres://postgres@127.0.0.1:5432/huishang_bench)
  --month YYYY-MM               reporting month (default 2015-06)
  --out DIR                     where logs and results go (default bench/out)
  --seed-cache                  keep the seeded databases (SQLite files under .huishang/bench/seed, PostgreSQL
                                databases <base>_seed_<size>_<seed>_<code hash>_<subgraph>) and start from a
                                copy of them next time, while the code is the same: the large city then starts
                                in seconds instead of minutes
  --drop-seed-cache             remove every kept seed first (and, alone, only that)
  --quiet-retries N             measure again (up to N times, the quietest kept) when other processes on the
                                machine took more than --quiet-threshold cores meanwhile (default 1, 0.25)
  --no-build                    skip the build (tsc -b of the gateway and subgraphs)
  --plans                       print the query plans
  --profile                     write V8 CPU profiles of the gateways and subgraphs (<out>/<db>/profiles;
                                summarise with node bench/src/profile-summary.js <file.cpuprofile>)`;

function options() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite,postgresql' },
      enterprises: { type: 'string', default: '520' },
      seed: { type: 'string', default: '2015' },
      duration: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '1' },
      prewarm: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      'latency-connections': { type: 'string', default: '1' },
      rounds: { type: 'string', default: '2' },
      scenarios: { type: 'string', default: SCENARIO_NAMES.join(',') },
      contenders: { type: 'string', default: 'ours,hive,floor' },
      workload: { type: 'string', default: 'same,varied' },
      compare: { type: 'string', multiple: true, default: [] },
      'hive-arg': { type: 'string', multiple: true, default: [] },
      'pg-url': { type: 'string', default: process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/huishang_bench' },
      month: { type: 'string', default: '2015-06' },
      out: { type: 'string', default: join(REPO, 'bench', 'out') },
      plans: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      // handled by bench/index.js (the build); accepted here so run.js can be started directly
      'no-build': { type: 'boolean', default: false },
      'seed-cache': { type: 'boolean', default: false },
      'drop-seed-cache': { type: 'boolean', default: false },
      'quiet-retries': { type: 'string', default: '1' },
      'quiet-threshold': { type: 'string', default: '0.25' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${values[name]}`);
    return n;
  };
  const list = (name, allowed) => {
    const items = values[name].split(',').map((s) => s.trim()).filter(Boolean);
    for (const item of items) if (!allowed.includes(item)) throw new Error(`--${name}: unknown "${item}" (one of ${allowed.join(', ')})`);
    return items;
  };
  const byLetter = Object.fromEntries(Object.entries(SCENARIOS).map(([name, s]) => [s.id, name]));
  const scenarios = values.scenarios.split(',').map((s) => byLetter[s.trim()] ?? s.trim());
  for (const s of scenarios) if (!SCENARIOS[s]) throw new Error(`--scenarios: unknown "${s}" (a|meeting, b|enterprise, c|district)`);
  const databases = list('db', ['sqlite', 'postgresql', 'postgres']).map((d) => (d === 'postgres' ? 'postgresql' : d));
  return {
    databases,
    enterprises: number('enterprises', 10),
    seed: number('seed', 0),
    duration: number('duration', 1),
    warmup: number('warmup', 0),
    prewarm: number('prewarm', 0),
    connections: number('connections', 1),
    latencyConnections: number('latency-connections', 0),
    rounds: number('rounds', 1),
    scenarios,
    contenders: list('contenders', ['ours', 'hive', 'floor']),
    workloads: list('workload', ['same', 'varied']),
    compare: values.compare.map((spec) => {
      const at = spec.indexOf('=');
      if (at < 1) throw new Error(`--compare wants label=path/to/index.js, got ${spec}`);
      return { label: spec.slice(0, at), entry: resolve(spec.slice(at + 1)) };
    }),
    hiveArgs: values['hive-arg'],
    pgUrl: values['pg-url'],
    month: values.month,
    out: resolve(values.out),
    plans: values.plans,
    profile: values.profile,
    seedCache: values['seed-cache'],
    dropSeedCache: values['drop-seed-cache'],
    quietRetries: number('quiet-retries', 0),
    quietThreshold: number('quiet-threshold', 0),
  };
}

const LABELS = { ours: 'ours', hive: 'Hive Gateway', floor: 'floor (direct)' };
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const log = (line) => process.stdout.write(`${line}\n`);

/** Active systems, stopped on Ctrl-C so no process or database outlives the run. */
const cleanups = new Set();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`\n${signal}: stopping every process and dropping the benchmark databases…`);
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    process.exit(130);
  });
}

async function graphqlAt(url, query, variables, headersFor = () => ({})) {
  const payload = JSON.stringify({ query, variables });
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headersFor(payload) }, body: payload });
  const body = await response.json();
  if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors).slice(0, 1000)}`);
  return body.data;
}

/**
 * Waits until no subgraph has executed SQL for `quietMs`: requests still in flight when the load
 * stopped (autocannon abandons them; the gateway finishes them) are then counted too.
 */
async function quiesce(system, quietMs) {
  let last = await sqlStatements(system);
  let stableSince = Date.now();
  const deadline = Date.now() + 60_000;
  while (Date.now() - stableSince < quietMs && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await sqlStatements(system);
    if (SUBGRAPHS.some((s) => now[s] !== last[s])) stableSince = Date.now();
    last = now;
  }
  return last;
}

/** One measurement: lead-in and window of load; SQL statements, CPU time and peak RSS around it. */
async function measure(contender, testCase, opts, system, allPids) {
  const load = (histogram) =>
    contender.key === 'floor'
      ? runFloor({ replays: testCase.replays, connections: opts.connections, leadS: opts.warmup, windowS: opts.duration, histogram, keys: contender.keys })
      : runAutocannon({ url: contender.url, bodies: testCase.bodies, connections: opts.connections, leadS: opts.warmup, windowS: opts.duration, histogram, headers: contender.headers });
  const subgraphPids = Object.fromEntries(SUBGRAPHS.map((s) => [s, system.processes.get(s).pid]));
  const cpu = () => ({ gateway: contender.pid ? cpuMs(contender.pid) : NaN, ...Object.fromEntries(SUBGRAPHS.map((s) => [s, cpuMs(subgraphPids[s])])) });
  // PostgreSQL's server processes for this run's databases: part of the system under test.
  const dbCpu = async () => new Map((await system.backendPids()).map((pid) => [pid, cpuMs(pid)]));
  const dbDelta = (before, after) => [...after].reduce((sum, [pid, ms]) => sum + (Number.isFinite(ms) ? ms - (before.get(pid) ?? 0) : 0), 0);
  const ours = () => allPids.reduce((sum, pid) => sum + cpuMs(pid), 0);

  const sqlBefore = await quiesce(system, 500);
  const cpuBefore = cpu();
  const dbBefore = await dbCpu();
  const selfBefore = process.cpuUsage();
  const ourBefore = ours();
  const machineBefore = machineBusyMs();
  if (contender.pid) resetPeak(contender.pid);
  const histogram = newHistogram();
  const result = await load(histogram);
  const self = process.cpuUsage(selfBefore);
  const machine = machineBusyMs() - machineBefore;
  const ourDuring = ours() - ourBefore + dbDelta(dbBefore, await dbCpu());
  // CPU the machine spent on anything but this benchmark's processes (other users' jobs): noise.
  const others = machine - ourDuring - (self.user + self.system) / 1000;
  const peakMB = contender.pid ? memory(contender.pid).peakMB : NaN;
  // Once the load stops the machine is idle and the requests still in flight finish quickly.
  const sqlAfter = await quiesce(system, 800);
  const cpuAfter = cpu();
  const dbAfter = await dbCpu();
  return {
    ...result,
    histogram,
    peakMB,
    otherCores: Math.max(0, others) / 1000 / (opts.warmup + opts.duration),
    sql: Object.fromEntries(SUBGRAPHS.map((s) => [s, sqlAfter[s] - sqlBefore[s]])),
    cpu: {
      gateway: cpuAfter.gateway - cpuBefore.gateway,
      subgraphs: Object.fromEntries(SUBGRAPHS.map((s) => [s, cpuAfter[s] - cpuBefore[s]])),
      database: system.database.kind === 'postgresql' ? dbDelta(dbBefore, dbAfter) : NaN,
      loadGenerator: (self.user + self.system) / 1000,
    },
  };
}

function combine(key, label, runs) {
  const histogram = newHistogram();
  for (const run of runs) histogram.add(run.histogram);
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  // Statements and CPU are counted until every request sent has finished: divide by requests sent.
  const sent = runs.reduce((s, r) => s + (r.sent ?? r.requests), 0);
  const seconds = runs.reduce((s, r) => s + r.elapsedS, 0);
  const per = (value) => (sent > 0 ? value / sent : NaN);
  return {
    key,
    label,
    rps: requests / seconds,
    rounds: runs.map((r) => r.requests / r.elapsedS),
    requests,
    p50: histogram.totalCount ? histogram.getValueAtPercentile(50) : NaN,
    p99: histogram.totalCount ? histogram.getValueAtPercentile(99) : NaN,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    peakMB: Math.max(...runs.map((r) => r.peakMB)),
    otherCores: runs.reduce((sum, r) => sum + r.otherCores * r.elapsedS, 0) / seconds,
    sqlPerRequest: Object.fromEntries(SUBGRAPHS.map((s) => [s, per(runs.reduce((sum, r) => sum + r.sql[s], 0))])),
    cpu: {
      gateway: per(runs.reduce((sum, r) => sum + r.cpu.gateway, 0)),
      subgraphs: Object.fromEntries(SUBGRAPHS.map((s) => [s, per(runs.reduce((sum, r) => sum + r.cpu.subgraphs[s], 0))])),
      database: per(runs.reduce((sum, r) => sum + r.cpu.database, 0)),
      loadGenerator: per(runs.reduce((sum, r) => sum + r.cpu.loadGenerator, 0)),
    },
  };
}

async function runDatabase(kind, opts, outDir) {
  const runDir = join(outDir, kind);
  mkdirSync(runDir, { recursive: true });
  const readyTimeoutMs = Math.max(120_000, opts.enterprises * 150);
  log(`\n━━ ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: starting five subgraphs, ${opts.enterprises} enterprises (seed ${opts.seed}); logs in ${runDir}`);
  const profileDir = opts.profile ? join(runDir, 'profiles') : undefined;
  const system = await startSubgraphs({ kind, pgUrl: opts.pgUrl, enterprises: opts.enterprises, seed: opts.seed, runDir, readyTimeoutMs, profileDir, seedCache: opts.seedCache });
  const gateways = [];
  const cleanup = async () => {
    for (const g of gateways) await g.stop().catch(() => undefined);
    await system.stop();
  };
  cleanups.add(cleanup);
  try {
    const seedLine = system.seed.fromCache
      ? `databases copied from the seed cache (${system.seed.fromCache.key}) in ${(system.seed.fromCache.copyMs / 1000).toFixed(1)} s`
      : `migrated and seeded in ${(system.seed.wallMs / 1000).toFixed(1)} s, all five at once (${SUBGRAPHS.map((s) => `${s} ${(system.seed.perSubgraphMs[s] / 1000).toFixed(1)} s`).join(', ')})${system.seed.analyzeMs !== undefined ? `; ANALYZE ${(system.seed.analyzeMs / 1000).toFixed(1)} s` : ''}${opts.seedCache ? '; kept in the seed cache' : ''}`;
    log(`   ${seedLine}`);

    // Gateways: all started now and left idle between their turns; load goes to one at a time.
    const contenders = [];
    if (opts.contenders.includes('ours')) {
      const g = await startGateway({ kind: 'ours', label: 'ours', subgraphs: system, runDir, readyTimeoutMs: 60_000, profileDir });
      gateways.push(g);
      contenders.push({ key: 'ours', label: LABELS.ours, url: g.url, headers: g.headers, pid: g.pid });
    }
    for (const [i, extra] of opts.compare.entries()) {
      const g = await startGateway({ kind: 'ours', label: extra.label, entry: extra.entry, subgraphs: system, runDir, readyTimeoutMs: 60_000, profileDir });
      gateways.push(g);
      contenders.push({ key: `compare${i}`, label: extra.label, url: g.url, headers: g.headers, pid: g.pid });
    }
    if (opts.contenders.includes('hive')) {
      const g = await startGateway({ kind: 'hive', label: 'hive', subgraphs: system, runDir, readyTimeoutMs: 120_000, hiveArgs: opts.hiveArgs, profileDir });
      gateways.push(g);
      contenders.push({ key: 'hive', label: LABELS.hive, url: g.url, headers: g.headers, pid: g.pid });
    }
    if (opts.contenders.includes('floor')) contenders.push({ key: 'floor', label: LABELS.floor, keys: system.keys });
    const graphql = (query, variables) => graphqlAt(`${system.urls.industry}`, query, variables, (body) => system.keys.headersFor('industry', body));
    const parameters = await resolveParameters(graphql, opts.month);
    if (parameters.note) log(`   note: ${parameters.note}`);

    const results = [];
    const agent = new (require('node:http').Agent)({ keepAlive: false });
    const allPids = [...gateways.map((g) => g.pid), ...SUBGRAPHS.map((s) => system.processes.get(s).pid)];

    // Every gateway gets every scenario for a while before anything is measured: a process's
    // first seconds (JIT, caches, connection pools) would otherwise count against whoever goes first.
    for (const c of opts.prewarm > 0 ? contenders.filter((x) => x.key !== 'floor') : []) {
      for (const name of opts.scenarios) {
        const s = SCENARIOS[name];
        const operationName = /query (\w+)/.exec(s.query)[1];
        const bodies = s.variants(parameters).map((variables) => JSON.stringify({ query: s.query, variables, operationName }));
        await runAutocannon({ url: c.url, bodies, connections: opts.connections, windowS: opts.prewarm, histogram: null, headers: c.headers });
      }
    }
    for (const name of opts.scenarios) {
      const s = SCENARIOS[name];
      const operationName = /query (\w+)/.exec(s.query)[1];
      const { plan, text: planText } = planFor(s.query, operationName);
      if (opts.plans) log(planText.replace(/^/gm, '      '));
      writeFileSync(join(runDir, `${name}.plan.txt`), planText);
      log(`\n   (${s.id}) ${s.title}: ${s.describe(parameters)}`);

      for (const workload of opts.workloads) {
        const variableSets = workload === 'same' ? [s.variables(parameters)] : s.variants(parameters);
        const bodies = variableSets.map((variables) => JSON.stringify({ query: s.query, variables, operationName }));
        const testCase = { bodies, replays: [] };

        // Every gateway answers every request body once first, and they must agree.
        let responseBytes = 0;
        for (const [i, body] of bodies.entries()) {
          let reference;
          for (const c of contenders.filter((x) => x.key !== 'floor')) {
            const response = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...c.headers }, body });
            const text = await response.text();
            const parsed = JSON.parse(text);
            if (response.status !== 200 || parsed.errors) throw new Error(`${c.label} answered (${s.id}) with ${response.status}: ${text.slice(0, 2000)}`);
            if (reference && !isDeepStrictEqual(parsed.data, reference.data)) {
              writeFileSync(join(runDir, `${name}.${i}.${c.key}.json`), text);
              writeFileSync(join(runDir, `${name}.${i}.${reference.key}.json`), reference.text);
              throw new Error(`${c.label} and ${reference.label} disagree on (${s.id}) ${body}; both answers are in ${runDir}`);
            }
            reference ??= { key: c.key, label: c.label, data: parsed.data, text };
            responseBytes = Math.max(responseBytes, Buffer.byteLength(text));
          }
        }
        // The floor learns each body's subgraph requests by running its plan once.
        let shape = '';
        if (contenders.some((c) => c.key === 'floor')) {
          for (const variables of variableSets) {
            const probed = await probe(plan, system.urls, variables, agent, system.keys);
            testCase.replays.push(probed.replay);
            shape ||= probed.fetches.map((f) => `${f.service}${f.entities !== null ? `(${f.entities})` : ''} ${(f.responseBytes / 1024).toFixed(0)} KB`).join(', ');
          }
        }
        log(`      ${workload}: ${bodies.length === 1 ? '1 request body' : `${bodies.length} request bodies in turn`}; answer up to ${(responseBytes / 1024).toFixed(1)} KB${shape ? `; plan: ${shape}` : ''}`);

        const runs = Object.fromEntries(contenders.map((c) => [c.key, []]));
        for (let round = 0; round < opts.rounds; round++) {
          const order = round % 2 === 0 ? contenders : [...contenders].reverse();
          for (const c of order) {
            let r;
            for (let attempt = 0; attempt <= opts.quietRetries; attempt++) {
              const m = await measure(c, testCase, opts, system, allPids);
              if (!r || m.otherCores < r.otherCores) r = m;
              if (m.otherCores <= opts.quietThreshold) break;
              if (attempt < opts.quietRetries) log(`      round ${round + 1} ${c.label.padEnd(16)} other processes took ${m.otherCores.toFixed(2)} cores: measuring again`);
            }
            runs[c.key].push(r);
            log(`      round ${round + 1} ${c.label.padEnd(16)} ${(r.requests / r.elapsedS).toFixed(0).padStart(6)} req/s  p50 ${(r.histogram.getValueAtPercentile(50) / 1000).toFixed(2)} ms  p99 ${(r.histogram.getValueAtPercentile(99) / 1000).toFixed(2)} ms  errors ${r.errors}  other processes ${r.otherCores.toFixed(2)} cores${r.firstError ? `  (first error: ${r.firstError})` : ''}`);
          }
        }
        // Without saturation: one request at a time, p50 is each contender's own latency, and
        // ours minus the floor is what the gateway adds to a request, not a share of busy cores.
        let latency = null;
        if (workload === 'varied' && opts.latencyConnections > 0) {
          const few = { ...opts, connections: opts.latencyConnections };
          latency = [];
          for (const c of contenders) {
            const m = await measure(c, testCase, few, system, allPids);
            latency.push(combine(c.key, c.label, [m]));
            log(`      ${opts.latencyConnections} connection${opts.latencyConnections === 1 ? '' : 's'} ${c.label.padEnd(16)} ${(m.requests / m.elapsedS).toFixed(0).padStart(6)} req/s  p50 ${(m.histogram.getValueAtPercentile(50) / 1000).toFixed(2)} ms  p99 ${(m.histogram.getValueAtPercentile(99) / 1000).toFixed(2)} ms  errors ${m.errors}`);
          }
        }
        results.push({
          latency,
          latencyConnections: opts.latencyConnections,
          id: s.id,
          name,
          workload,
          title: `${s.title} · ${workload}`,
          describe: `${s.describe(parameters)}${workload === 'varied' ? ` — varied: ${bodies.length} request bodies in turn` : ' — same request every time'}`,
          contenders: contenders.map((c) => combine(c.key, c.label, runs[c.key])),
        });
      }
    }
    return { kind, seed: system.seed, seedLine, parameters, results };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

function goals(results) {
  const lines = [];
  for (const r of results) {
    const ours = r.contenders.find((c) => c.key === 'ours');
    const hive = r.contenders.find((c) => c.key === 'hive');
    if (ours && hive && (r.id === 'a' || r.id === 'c')) {
      const x = ours.rps / hive.rps;
      lines.push(`(${r.id}) ${r.workload}: ours ≥ 1.5 × Hive Gateway req/s — ${x.toFixed(2)}×, ${x >= 1.5 ? 'met' : 'not met'}`);
    }
  }
  for (const r of results) {
    for (const [contenders, how] of [[r.contenders, 'under load'], [r.latency ?? [], 'one request at a time']]) {
      const ours = contenders.find((c) => c.key === 'ours');
      const floor = contenders.find((c) => c.key === 'floor');
      if (ours && floor) {
        const o = (ours.p50 / floor.p50 - 1) * 100;
        const added = (ours.p50 - floor.p50) / 1000;
        lines.push(`(${r.id}) ${r.workload}, ${how}: p50 over the floor ≤ +10 % — ${o >= 0 ? '+' : ''}${o.toFixed(0)} % (${added >= 0 ? '+' : ''}${added.toFixed(2)} ms), ${o <= 10 ? 'met' : 'not met'}`);
      }
    }
  }
  return lines;
}

async function main() {
  const opts = options();
  if (opts.dropSeedCache) {
    await dropSeedCaches({ pgUrl: opts.databases.includes('postgresql') ? opts.pgUrl : null });
    log('bench: removed every kept seed');
    if (process.argv.slice(2).filter((a) => a !== '--no-build').every((a) => a === '--drop-seed-cache')) return;
  }
  const outDir = join(opts.out, stamp());
  mkdirSync(outDir, { recursive: true });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ${process.platform}`;
  const settings = `${opts.connections} connections, ${opts.rounds} rounds × ${opts.duration} s window per contender after ${opts.warmup} s lead-in, order alternating (A B F, F B A, …)`;
  log(`Huishang benchmark — ${machine}\n${settings}`);
  const all = [];
  for (const kind of opts.databases) {
    all.push(await runDatabase(kind, opts, outDir));
  }

  let markdown = `Machine: ${machine}. Load: ${settings}. City: ${opts.enterprises} enterprises, month ${opts.month}.\n`;
  for (const run of all) {
    const title = `${run.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} · ${opts.enterprises} enterprises · ${settings}`;
    const tables = render(run.results, SUBGRAPHS);
    const goalLines = goals(run.results);
    log(`\n${'═'.repeat(100)}\n${title}\n${run.seedLine}\n`);
    for (const r of run.results) log(`(${r.id}) ${r.describe}`);
    log(`\n${tables.main.text}\n`);
    if (tables.latency) log(`${tables.latency.title}:\n${tables.latency.text}\n`);
    log(`Goals:\n${goalLines.map((l) => `  ${l}`).join('\n')}\n`);
    log(`SQL statements per request, by subgraph:\n${tables.sql.text}\n`);
    log(`CPU time per request, ms (gateway, each subgraph, PostgreSQL's server processes, the load generator itself), and the CPU other processes on the machine took meanwhile:\n${tables.cpu.text}`);
    markdown += `\n### ${title}\n\n${run.seedLine}\n\n${run.results.map((r) => `- (${r.id}) ${r.describe}`).join('\n')}\n\n${tables.main.markdown}\n\n${tables.latency ? `${tables.latency.title}:\n\n${tables.latency.markdown}\n\n` : ''}${goalLines.map((l) => `- ${l}`).join('\n')}\n\nSQL statements per request:\n\n${tables.sql.markdown}\n\nCPU time per request, ms:\n\n${tables.cpu.markdown}\n`;
  }
  writeFileSync(join(outDir, 'results.md'), markdown);
  writeFileSync(
    join(outDir, 'results.json'),
    JSON.stringify({ machine, options: opts, runs: all.map((r) => ({ ...r, results: r.results.map((x) => ({ ...x, contenders: x.contenders })) })) }, null, 2),
  );
  log(`\nResults: ${join(outDir, 'results.md')} (Markdown), results.json; logs per database under ${outDir}`);
}

main().catch(async (error) => {
  console.error(`\nbenchmark failed: ${error.message}`);
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  process.exit(1);
});
