#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: our gateway against Hive Gateway with its Rust query planner (router runtime),
 * stock @apollo/gateway, Hive Gateway's defaults, and the direct-subgraph floor, on the same
 * subgraphs, supergraph and data, one machine; SQLite and/or PostgreSQL; demo or large city.
 * Every duration and size is a flag or a BENCH_* variable; --quick makes them all small.
 * (`node bench/src/run.js --help` lists them all; bench/index.js builds and installs first.)
 * Writes the table into docs/benchmarks.md and the raw numbers into docs/benchmarks.json.
 */
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { cpus, totalmem } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs, isDeepStrictEqual } = require('node:util');
const { REPO, SUBGRAPHS, startSubgraphs, abortStarting, startGateway, sqlStatements, dropSeedCaches } = require('./system');
const { memory, resetPeak, cpuMs, machineBusyMs } = require('./processes');
const { SCENARIOS, SCENARIO_NAMES, resolveParameters } = require('./scenarios');
const { planFor, probe, runFloor } = require('./floor');
const { runAutocannon, newHistogram } = require('./load');
const { render, ratios } = require('./report');

const { options, LABELS, CITIES } = require('./options');

const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 60_000).toFixed(1)} min`;
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
    await abortStarting().catch(() => undefined);
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
      const started = Date.now();
      const g = await startGateway({ kind: 'ours', label: 'ours', subgraphs: system, runDir, readyTimeoutMs: 60_000, profileDir });
      gateways.push(g);
      contenders.push({ key: 'ours', label: LABELS.ours, url: g.url, headers: g.headers, pid: g.pid });
      log(`   ours ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    for (const [i, extra] of opts.compare.entries()) {
      const g = await startGateway({ kind: 'ours', label: extra.label, entry: extra.entry, subgraphs: system, runDir, readyTimeoutMs: 60_000, profileDir });
      gateways.push(g);
      contenders.push({ key: `compare${i}`, label: extra.label, url: g.url, headers: g.headers, pid: g.pid });
    }
    const peers = [
      ['hive-router', { kind: 'hive', routerRuntime: true, hiveArgs: opts.hiveArgs }],
      ['apollo', { kind: 'apollo' }],
      ['hive', { kind: 'hive', hiveArgs: opts.hiveArgs }],
    ];
    for (const [key, how] of peers) {
      if (!opts.contenders.includes(key)) continue;
      const started = Date.now();
      const g = await startGateway({ ...how, label: key, subgraphs: system, runDir, readyTimeoutMs: 120_000, profileDir });
      gateways.push(g);
      contenders.push({ key, label: LABELS[key], url: g.url, headers: g.headers, pid: g.pid });
      log(`   ${LABELS[key]} ready in ${((Date.now() - started) / 1000).toFixed(1)} s${how.routerRuntime ? ' (checked: the Rust query planner’s native module is loaded, no fallback)' : ''}`);
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
    const warming = opts.prewarm > 0 ? contenders.filter((x) => x.key !== 'floor') : [];
    if (warming.length) log(`   pre-warm: ${opts.prewarm} s of each scenario per gateway (${warming.length} × ${opts.scenarios.length} × ${opts.prewarm} s)…`);
    for (const c of warming) {
      log(`      pre-warming ${c.label}`);
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
      log(`\n   (${s.id}) ${s.title}: ${s.describe(parameters)} — scenario ${opts.scenarios.indexOf(name) + 1} of ${opts.scenarios.length}, ${elapsed()} since the start`);

      for (const workload of opts.workloads) {
        const variableSets = workload === 'same' ? [s.variables(parameters)] : s.variants(parameters);
        const bodies = variableSets.map((variables) => JSON.stringify({ query: s.query, variables, operationName }));
        const testCase = { bodies, replays: [] };

        // Every gateway answers every request body once first, and they must agree.
        let responseBytes = 0;
        for (const [i, body] of bodies.entries()) {
          let reference;
          for (const c of contenders.filter((x) => x.key !== 'floor')) {
            let response;
            let text;
            let parsed;
            // Up to three tries: on a busy machine a first answer may time out; a wrong one never passes.
            for (let attempt = 1; ; attempt++) {
              response = await fetch(c.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...c.headers }, body });
              text = await response.text();
              parsed = JSON.parse(text);
              if (response.status === 200 && !parsed.errors) break;
              if (attempt === 3) throw new Error(`${c.label} answered (${s.id}) with ${response.status}: ${text.slice(0, 2000)}`);
              log(`      ${c.label} answered (${s.id}) with an error, trying again: ${text.slice(0, 200)}`);
            }
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
              if (attempt < opts.quietRetries) log(`      round ${round + 1} ${c.label.padEnd(22)} other processes took ${m.otherCores.toFixed(2)} cores: measuring again`);
            }
            runs[c.key].push(r);
            log(`      round ${round + 1} ${c.label.padEnd(22)} ${(r.requests / r.elapsedS).toFixed(0).padStart(6)} req/s  p50 ${(r.histogram.getValueAtPercentile(50) / 1000).toFixed(2)} ms  p99 ${(r.histogram.getValueAtPercentile(99) / 1000).toFixed(2)} ms  errors ${r.errors}  other processes ${r.otherCores.toFixed(2)} cores${r.firstError ? `  (first error: ${r.firstError})` : ''}`);
          }
        }
        // Without saturation: one request at a time, p50 is each contender's own latency, and
        // ours minus the floor is what the gateway adds to a request, not a share of busy cores.
        let latency = null;
        if (workload === 'varied' && opts.latencyConnections > 0) {
          const few = { ...opts, connections: opts.latencyConnections, duration: opts.latencyDuration };
          latency = [];
          for (const c of contenders) {
            const m = await measure(c, testCase, few, system, allPids);
            latency.push(combine(c.key, c.label, [m]));
            log(`      ${opts.latencyConnections} connection${opts.latencyConnections === 1 ? '' : 's'} ${c.label.padEnd(22)} ${(m.requests / m.elapsedS).toFixed(0).padStart(6)} req/s  p50 ${(m.histogram.getValueAtPercentile(50) / 1000).toFixed(2)} ms  p99 ${(m.histogram.getValueAtPercentile(99) / 1000).toFixed(2)} ms  errors ${m.errors}`);
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

/** The issue's goals (varied requests; ratios of requests/s, and ms at the low connection count). */
function goals(results) {
  const lines = [];
  const verdict = (ok) => (ok ? 'met' : 'not met');
  for (const r of results.filter((x) => x.workload === 'varied')) {
    const q = ratios(r);
    for (const key of ['hive-router', 'apollo']) {
      if (Number.isFinite(q.oursOver[key])) lines.push(`(${r.id}) ours ≥ 1.5 × ${LABELS[key]} req/s — ${q.oursOver[key].toFixed(2)}×, ${verdict(q.oursOver[key] >= 1.5)}`);
    }
    if ((r.id === 'a' || r.id === 'c') && Number.isFinite(q.oursOverFloor)) lines.push(`(${r.id}) ours ≥ 0.8 × the floor req/s — ${q.oursOverFloor.toFixed(2)}×, ${verdict(q.oursOverFloor >= 0.8)}`);
    if ((r.id === 'a' || r.id === 'b') && Number.isFinite(q.oursMinusFloorMs)) {
      lines.push(`(${r.id}) at ${r.latencyConnections} connection${r.latencyConnections === 1 ? '' : 's'}: ours − floor p50 ≤ 2 ms — ${q.oursMinusFloorMs >= 0 ? '+' : ''}${q.oursMinusFloorMs.toFixed(2)} ms, ${verdict(q.oursMinusFloorMs <= 2)}`);
    }
  }
  return lines;
}

/** Seconds the run should take on a quiet machine, start-up (seeding, gateways) not included. */
function estimateS(opts) {
  const gateways = opts.contenders.filter((c) => c !== 'floor').length + opts.compare.length;
  const contenders = opts.contenders.length + opts.compare.length;
  const settle = 1.5; // quiescing before and after each measurement
  const perScenario =
    opts.workloads.length * opts.rounds * contenders * (opts.warmup + opts.duration + settle) +
    (opts.workloads.includes('varied') && opts.latencyConnections > 0 ? contenders * (opts.warmup + opts.latencyDuration + settle) : 0);
  return opts.databases.length * (gateways * opts.scenarios.length * opts.prewarm + opts.scenarios.length * perScenario);
}

const DOCS_BEGIN = '<!-- bench:results:begin (written by npm run bench; edits here are overwritten) -->';
const DOCS_END = '<!-- bench:results:end -->';

/** Puts the latest results into docs/benchmarks.md between the markers (after the title if absent). */
function writeDocs(section) {
  const path = join(REPO, 'docs', 'benchmarks.md');
  const text = readFileSync(path, 'utf8');
  const block = `${DOCS_BEGIN}\n${section.trim()}\n${DOCS_END}`;
  const begin = text.indexOf(DOCS_BEGIN);
  const end = text.indexOf(DOCS_END);
  let next;
  if (begin !== -1 && end > begin) {
    next = text.slice(0, begin) + block + text.slice(end + DOCS_END.length);
  } else {
    const at = text.indexOf('\n## ');
    next = at === -1 ? `${text}\n${block}\n` : `${text.slice(0, at)}\n${block}\n${text.slice(at)}`;
  }
  writeFileSync(path, next);
  return path;
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
  let settings = `${opts.connections} connections, ${opts.rounds} round${opts.rounds === 1 ? '' : 's'} × ${opts.duration} s window per contender after ${opts.warmup} s lead-in, ${opts.prewarm} s pre-warm per gateway and scenario, order alternating (A B … F, F … B A)${opts.quick ? ' — QUICK MODE: not for comparison' : ''}`;
  const city = `${opts.enterprises === CITIES[opts.city] ? `${opts.city} city, ` : ''}${opts.enterprises} enterprises`;
  // The answer cache (issue 17 item 4) follows the environment, as in production: on for ours when
  // REDIS_URL or HUISHANG_ANSWER_CACHE_REDIS_URL reaches it (baseEnvironment passes both on).
  const cacheUrl = process.env.HUISHANG_ANSWER_CACHE_REDIS_URL || process.env.REDIS_URL;
  const cacheOff = (process.env.HUISHANG_ANSWER_CACHE ?? '').trim().toLowerCase() === 'off';
  const answerCache = cacheUrl && !cacheOff ? `on (Redis ${cacheUrl.replace(/\/\/[^@/]*@/, '//…@')}; the peers have none)` : 'off (neither REDIS_URL nor HUISHANG_ANSWER_CACHE_REDIS_URL set)';
  settings += `; ours' answer cache ${answerCache}`;
  log(`Huishang benchmark — ${machine}\n${settings}`);
  log(`contenders: ${[...opts.contenders.map((k) => LABELS[k]), ...opts.compare.map((c) => c.label)].join(', ')}; scenarios ${opts.scenarios.map((n) => SCENARIOS[n].id).join(', ')}; workload ${opts.workloads.join(', ')}; ${city}; ${opts.databases.join(' then ')}`);
  log(`expected: about ${Math.ceil(estimateS(opts) / 60)} min of measuring on a quiet machine, plus start-up (seeding, gateways) and any re-measurement when the machine is busy`);
  const all = [];
  for (const kind of opts.databases) {
    all.push(await runDatabase(kind, opts, outDir));
  }
  const elapsedMin = (Date.now() - startedAt) / 60_000;

  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  let markdown = `## Latest results (${date} UTC, \`${command}\`, ${elapsedMin.toFixed(1)} min)\n\nMachine: ${machine}. Load: ${settings}. City: ${city}, month ${opts.month}. Varied requests: each request another month (a, c) or key enterprise and month (b). CPU per request is each process's user + system time over the requests sent; peak RSS is the gateway's high-water mark during its windows. Raw numbers: \`docs/benchmarks.json\`.\n`;
  const json = [];
  for (const run of all) {
    const title = `${run.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} · ${city}`;
    const tables = render(run.results, SUBGRAPHS, LABELS);
    const goalLines = goals(run.results);
    log(`\n${'═'.repeat(100)}\n${title} · ${settings}\n${run.seedLine}\n`);
    for (const r of run.results) log(`(${r.id}) ${r.describe}`);
    log(`\nOurs against the strongest peer (requests/s under load; ours − floor p50 at one connection):\n${tables.headline.text}\n`);
    log(`${tables.main.text}\n`);
    if (tables.latency) log(`${tables.latency.title}:\n${tables.latency.text}\n`);
    log(`Goals:\n${goalLines.map((l) => `  ${l}`).join('\n')}\n`);
    log(`SQL statements per request, by subgraph:\n${tables.sql.text}\n`);
    log(`CPU time per request, ms (gateway, each subgraph, PostgreSQL's server processes, the load generator itself), and the CPU other processes on the machine took meanwhile:\n${tables.cpu.text}`);
    markdown += `\n### ${title}\n\n${run.seedLine}.\n\n${run.results.map((r) => `- (${r.id}) ${r.describe}`).join('\n')}\n\nOurs against the strongest peer (requests/s under load; ours − floor p50 at one connection):\n\n${tables.headline.markdown}\n\nEvery contender (ours ÷ = ours' requests/s over this contender's):\n\n${tables.main.markdown}\n\n${tables.latency ? `${tables.latency.title}:\n\n${tables.latency.markdown}\n\n` : ''}Goals (issue 17):\n\n${goalLines.map((l) => `- ${l}`).join('\n')}\n\nSQL statements per request:\n\n${tables.sql.markdown}\n\nCPU time per request, ms:\n\n${tables.cpu.markdown}\n`;
    json.push({ ...run, results: run.results.map((r) => ({ ...r, ratios: ratios(r) })), goals: goalLines });
  }
  const raw = JSON.stringify({ date: new Date().toISOString(), machine, elapsedMin, options: opts, runs: json }, null, 2);
  writeFileSync(join(outDir, 'results.md'), markdown);
  writeFileSync(join(outDir, 'results.json'), raw);
  log(`\nResults: ${join(outDir, 'results.md')} (Markdown), results.json (raw numbers); logs per database under ${outDir}`);
  if (opts.docs) {
    const path = writeDocs(markdown);
    writeFileSync(join(REPO, 'docs', 'benchmarks.json'), raw);
    log(`Written into ${path} (between its bench:results markers) and docs/benchmarks.json`);
  } else {
    log(`docs/benchmarks.md not written (${opts.quick ? 'quick mode' : '--no-docs'}; --docs writes it)`);
  }
  log(`Took ${elapsedMin.toFixed(1)} min.`);
}

main().catch(async (error) => {
  console.error(`\nbenchmark failed: ${error.message}`);
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  process.exit(1);
});
