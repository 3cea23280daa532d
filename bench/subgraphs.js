#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:subgraphs`: what one subgraph request costs the subgraph, without load.
 *
 * The main benchmark runs everything on two cores at once, so a few per cent in one subgraph is
 * lost in the noise of the machine. Here the five subgraphs start as there (seeded the same way,
 * `--seed-cache` honoured), the gateway's query plan for each scenario is probed once for its exact
 * subgraph requests (as the floor does), and then each subgraph gets its own requests one at a
 * time, freshly signed, `--requests` times (each scenario's months in turn): CPU ms per request
 * from /proc and wall-clock µs per request. Used to measure changes to the shared subgraph kit.
 */
const http = require('node:http');
const { join, resolve } = require('node:path');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { startSubgraphs, SUBGRAPHS } = require('./src/system');
const { planFor, probe, postJson } = require('./src/floor');
const { SCENARIOS, resolveParameters } = require('./src/scenarios');
const { cpuMs } = require('./src/processes');

function parseArgs(argv) {
  const opts = { answers: null, profileDir: null, db: 'sqlite', enterprises: 520, seed: 2015, requests: 400, scenarios: ['a', 'b', 'c'], month: '2015-06', seedCache: false, pgUrl: 'postgres://postgres@127.0.0.1:5432/huishang_bench' };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (name === '--db') opts.db = value();
    else if (name === '--enterprises') opts.enterprises = Number(value());
    else if (name === '--requests') opts.requests = Number(value());
    else if (name === '--scenarios') opts.scenarios = value().split(',');
    else if (name === '--seed-cache') opts.seedCache = true;
    else if (name === '--pg-url') opts.pgUrl = value();
    else if (name === '--answers') opts.answers = value();
    else if (name === '--profile') opts.profileDir = value();
    else if (name === '--help') {
      console.log('usage: npm run bench:subgraphs -- [--db sqlite|postgresql] [--enterprises N] [--requests N] [--scenarios a,b,c] [--seed-cache] [--pg-url URL] [--answers FILE] [--profile DIR]');
      console.log('  --answers FILE: every subgraph request of the scenarios, signed as several callers, and its answer byte for byte: written to FILE when it does not exist, else compared with it (exit 1 on any difference)');
      console.log('  --profile DIR: the subgraphs under load run with --cpu-prof, profiles written to DIR when they stop');
      process.exit(0);
    } else {
      console.error(`bench:subgraphs: unknown option ${argv[i]} (--help lists them)`);
      process.exit(2);
    }
  }
  return opts;
}

/**
 * Who the answers are recorded for (--answers): the bench's caller (the secretariat's analyst, who
 * holds every department's grant), a department without grants (enterprise figures of conditionally
 * shared indicators left out) and a meeting member.
 */
const ANSWER_IDENTITIES = [
  { clientId: 'cl_bench', department: 'industry', role: 'ANALYST' },
  { clientId: 'cl_bench_energy', department: 'energy', role: 'ANALYST' },
  { clientId: 'cl_bench_member', department: 'statistics', role: 'MEETING_MEMBER' },
];

/** Writes the answers to `file`, or compares them with the ones it holds: the same requests must get the same bytes. */
function checkAnswers(file, answers) {
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify(answers, null, 1));
    console.log(`answers: ${Object.keys(answers).length} subgraph answers written to ${file}`);
    return;
  }
  const expected = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  for (const key of new Set([...Object.keys(expected), ...Object.keys(answers)])) {
    const [a, b] = [expected[key], answers[key]];
    if (!a || !b) problems.push(`${key}: only in the ${a ? 'recorded' : 'new'} answers`);
    else if (a.request !== b.request) problems.push(`${key}: another request (the query plan's representations differ)`);
    else if (a.status !== b.status || a.answer !== b.answer) {
      let at = 0;
      while (at < a.answer.length && a.answer[at] === b.answer[at]) at++;
      problems.push(`${key}: status ${a.status} → ${b.status}, answers differ at byte ${at}: …${a.answer.slice(Math.max(0, at - 60), at + 60)}… vs …${b.answer.slice(Math.max(0, at - 60), at + 60)}…`);
    }
  }
  if (problems.length) {
    console.error(`answers: ${problems.length} of ${Object.keys(expected).length} differ from ${file}:\n${problems.slice(0, 10).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log(`answers: all ${Object.keys(expected).length} subgraph answers byte-identical to ${file}`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const runDir = join(__dirname, 'out', `subgraphs-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  mkdirSync(runDir, { recursive: true });
  const system = await startSubgraphs({ kind: opts.db, pgUrl: opts.pgUrl, enterprises: opts.enterprises, seed: opts.seed, runDir, readyTimeoutMs: 600_000, seedCache: opts.seedCache, profileDir: opts.profileDir && resolve(opts.profileDir) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const graphql = async (query, variables) => {
      const body = Buffer.from(JSON.stringify({ query, variables }));
      const response = await postJson(agent, system.urls.industry, body, system.keys.headersFor('industry', body));
      return JSON.parse(response.body.toString('utf8')).data;
    };
    const parameters = await resolveParameters(graphql, opts.month);
    const answers = {};
    console.log(`${opts.db} · ${opts.enterprises} enterprises · ${opts.requests} requests per subgraph and scenario, one at a time`);
    console.log(`${'scenario'.padEnd(12)}${SUBGRAPHS.map((s) => s.padStart(22)).join('')}`);
    for (const scenario of Object.values(SCENARIOS).filter((s) => opts.scenarios.includes(s.id))) {
      const { plan } = planFor(scenario.query);
      // Each variant's exact subgraph requests, by subgraph.
      const bodies = Object.fromEntries(SUBGRAPHS.map((s) => [s, []]));
      for (const variables of scenario.variants(parameters).slice(0, 12)) {
        const { replay } = await probe(plan, system.urls, variables, agent, system.keys);
        const walk = (node) => (node.kind === 'Fetch' ? bodies[node.service].push(node) : node.nodes.forEach(walk));
        walk(replay);
      }
      if (opts.answers) {
        for (const name of SUBGRAPHS) {
          for (const [i, fetch] of bodies[name].entries()) {
            for (const identity of ANSWER_IDENTITIES) {
              const response = await postJson(agent, fetch.url, fetch.body, system.keys.headersFor(name, fetch.body, identity));
              answers[`${scenario.id} ${name} #${i} as ${identity.department} ${identity.role}`] = { status: response.status, request: fetch.body.toString('utf8'), answer: response.body.toString('utf8') };
            }
          }
        }
      }
      const cells = [];
      for (const name of SUBGRAPHS) {
        const fetches = bodies[name];
        if (!fetches.length) {
          cells.push('—');
          continue;
        }
        const pid = system.processes.get(name).pid;
        const send = async (fetch) => {
          const response = await postJson(agent, fetch.url, fetch.body, system.keys.headersFor(name, fetch.body));
          if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
        };
        for (let i = 0; i < Math.min(100, opts.requests); i++) await send(fetches[i % fetches.length]); // warm-up
        const cpuBefore = cpuMs(pid);
        const start = process.hrtime.bigint();
        for (let i = 0; i < opts.requests; i++) await send(fetches[i % fetches.length]);
        const wallUs = Number(process.hrtime.bigint() - start) / 1000 / opts.requests;
        const cpu = (cpuMs(pid) - cpuBefore) / opts.requests;
        cells.push(`${cpu.toFixed(2)} ms ${Math.round(wallUs)} µs`);
      }
      console.log(`(${scenario.id})`.padEnd(12) + cells.map((c) => c.padStart(22)).join(''));
    }
    console.log('each cell: subgraph CPU per request, wall time per request (one request at a time)');
    if (opts.answers) checkAnswers(opts.answers, answers);
  } finally {
    agent.destroy();
    await system.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
