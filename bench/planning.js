'use strict';
/**
 * `npm run bench:planning`: how long Apollo's query planner takes (the gateway's only thread is
 * blocked meanwhile) with its own bound on evaluated plans (10 000) and with the gateway's
 * (QUERY_PLANNER_MAX_EVALUATED_PLANS, default 1 000), on the briefing pack's documents and on the
 * widest document of the access sweep (bench/fixtures). Prints milliseconds (median of 3, each on a
 * fresh planner, so nothing is cached) and whether both plans have the same fetches.
 *
 *   node bench/planning.js [limit ...]    default limits: 10000 1000
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('graphql');
const { Supergraph, operationFromDocument } = require('@apollo/federation-internals');
const { QueryPlanner, prettyFormatQueryPlan } = require('@apollo/query-planner');

const ROOT = join(__dirname, '..');
const DOCUMENTS = {
  'meeting pack (briefing/queries/meeting-pack.graphql)': join(ROOT, 'briefing', 'queries', 'meeting-pack.graphql'),
  'pack without the register (briefing/queries/meeting-pack-without-register.graphql)': join(ROOT, 'briefing', 'queries', 'meeting-pack-without-register.graphql'),
  'widest sweep document (bench/fixtures/wide-without-register.graphql)': join(__dirname, 'fixtures', 'wide-without-register.graphql'),
};
const limits = process.argv.slice(2).map(Number);
if (!limits.length) limits.push(10_000, 1_000);
if (limits.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error('limits must be whole numbers of at least 1');

const supergraph = Supergraph.build(readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));
const fetches = (plan) => (plan.match(/Fetch\(service: "\w+"/g) || []).length;

console.log(`| document | ${limits.map((n) => `${n} plans: ms`).join(' | ')} | same fetches |`);
console.log(`|---|${limits.map(() => '---:').join('|')}|---|`);
for (const [name, file] of Object.entries(DOCUMENTS)) {
  const document = parse(readFileSync(file, 'utf8'));
  const results = limits.map((maxEvaluatedPlans) => {
    const times = [];
    let plan = '';
    for (let i = 0; i < 3; i++) {
      const planner = new QueryPlanner(supergraph, { debug: { maxEvaluatedPlans } });
      const operation = operationFromDocument(supergraph.apiSchema(), document, {});
      const start = process.hrtime.bigint();
      plan = prettyFormatQueryPlan(planner.buildQueryPlan(operation));
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return { ms: times.sort((a, b) => a - b)[1], fetches: fetches(plan) };
  });
  const same = results.every((r) => r.fetches === results[0].fetches);
  console.log(`| ${name} | ${results.map((r) => r.ms.toFixed(0)).join(' | ')} | ${same ? `yes (${results[0].fetches})` : results.map((r) => r.fetches).join(' / ')} |`);
}
