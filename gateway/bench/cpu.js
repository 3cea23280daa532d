#!/usr/bin/env node
'use strict';
/**
 * Gateway CPU time per request (issue 17, item 3), not throughput: on a shared machine only CPU
 * time and counts mean something. Starts the five subgraphs and one or more builds of our gateway
 * with bench/src/system.js (SQLite, demo city), sends each scenario's varied requests one at a
 * time (no other load) and reads each gateway's CPU time from /proc before and after.
 *
 *   node gateway/bench/cpu.js [--requests 200] [--enterprises 520] [--scenarios a,c]
 *                             [--compare label=path/to/gateway/dist/src/index.js]… [--profile DIR]
 *
 * Each gateway is measured in turn, twice (A B B A), after a warm-up of the same requests.
 */
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { startSubgraphs, startGateway } = require('../../bench/src/system');
const { cpuMs } = require('../../bench/src/processes');
const { SCENARIOS, resolveParameters } = require('../../bench/src/scenarios');

async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '200' },
      enterprises: { type: 'string', default: '520' },
      scenarios: { type: 'string', default: 'a,c' },
      compare: { type: 'string', multiple: true, default: [] },
      profile: { type: 'string' },
      warmup: { type: 'string', default: '60' },
    },
  });
  const requests = Number(values.requests);
  const runDir = mkdtempSync(join(tmpdir(), 'huishang-cpu-'));
  const subgraphs = await startSubgraphs({ kind: 'sqlite', enterprises: Number(values.enterprises), seed: 2015, runDir, readyTimeoutMs: 900_000, seedCache: true });
  const builds = [{ label: 'ours', entry: undefined }, ...values.compare.map((c) => ({ label: c.split('=')[0], entry: c.split('=').slice(1).join('=') }))];
  const gateways = [];
  try {
    for (const build of builds) gateways.push(await startGateway({ kind: 'ours', label: build.label, entry: build.entry, subgraphs, runDir, readyTimeoutMs: 120_000, profileDir: values.profile }));
    const post = async (gateway, body) => {
      const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...gateway.headers }, body });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${gateway.label}: ${response.status} ${text.slice(0, 300)}`);
    };
    const graphql = async (query, variables) => {
      // As bench/src/run.js: the industry subgraph itself, signed with the run's key.
      const payload = JSON.stringify({ query, variables });
      const response = await fetch(subgraphs.urls.industry, { method: 'POST', headers: { 'content-type': 'application/json', ...subgraphs.keys.headersFor('industry', payload) }, body: payload });
      const answer = await response.json();
      if (!answer.data || answer.errors) throw new Error(`${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
      return answer.data;
    };
    const parameters = await resolveParameters(graphql, '2015-06');
    for (const id of values.scenarios.split(',')) {
      const scenario = Object.values(SCENARIOS).find((s) => s.id === id);
      const variants = scenario.variants(parameters);
      const bodies = Array.from({ length: requests }, (_, i) => JSON.stringify({ query: scenario.query, variables: variants[i % variants.length] }));
      for (const gateway of gateways) for (const body of bodies.slice(0, Number(values.warmup))) await post(gateway, body);
      const results = new Map(gateways.map((g) => [g.label, []]));
      for (const order of [gateways, [...gateways].reverse()]) {
        for (const gateway of order) {
          const before = cpuMs(gateway.pid);
          for (const body of bodies) await post(gateway, body);
          results.get(gateway.label).push((cpuMs(gateway.pid) - before) / requests);
        }
      }
      for (const [label, perRequest] of results) {
        console.log(`(${id}) ${label}: ${perRequest.map((ms) => ms.toFixed(2)).join(', ')} CPU ms/request (${requests} varied requests each, one at a time)`);
      }
    }
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await subgraphs.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
