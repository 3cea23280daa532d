/**
 * The gateway bounds Apollo's query planner to QUERY_PLANNER_MAX_EVALUATED_PLANS candidate plans
 * (default 1 000, Apollo's own is 10 000) because planning blocks every request in flight
 * (`npm run bench:planning`: the widest sweep document, 15.9 s → 1.1 s). The bound must not make
 * the documents users send any costlier: the briefing pack's documents plan to as many subgraph
 * fetches, in as many steps, as under Apollo's default (the widest sweep document does too, but takes
 * 16 s to plan under the default: the benchmark checks it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { DEFAULT_QUERY_PLANNER_MAX_EVALUATED_PLANS } from '../src/config';

const ROOT = join(__dirname, '..', '..');
const supergraph = Supergraph.build(readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));

function shape(file: string, maxEvaluatedPlans: number): { fetches: number; sequences: number; parallels: number } {
  const operation = operationFromDocument(supergraph.apiSchema(), parse(readFileSync(file, 'utf8')), {});
  const plan = prettyFormatQueryPlan(new QueryPlanner(supergraph, { debug: { maxEvaluatedPlans } }).buildQueryPlan(operation));
  const count = (pattern: RegExp) => (plan.match(pattern) ?? []).length;
  return { fetches: count(/Fetch\(service: "/g), sequences: count(/Sequence \{/g), parallels: count(/Parallel \{/g) };
}

it.each([
  join(ROOT, 'briefing', 'queries', 'meeting-pack.graphql'),
  join(ROOT, 'briefing', 'queries', 'meeting-pack-without-register.graphql'),
])('%s plans to as many fetches under the gateway’s bound as under Apollo’s default', (file) => {
  const bounded = shape(file, DEFAULT_QUERY_PLANNER_MAX_EVALUATED_PLANS);
  expect(bounded.fetches).toBeGreaterThan(1);
  expect(bounded).toEqual(shape(file, 10_000));
});
