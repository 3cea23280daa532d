/**
 * Hive Gateway (plugins/hive-access) builds its executable schema from the committed supergraph by
 * stitching (@graphql-tools/federation), which refuses some supergraphs Apollo's composition
 * accepts: a shared value type returned only by `@requires` fields of several subgraphs is
 * "canonical" in each ("Multiple canonical definitions for …", the clusters' rankings did this).
 * This checks the committed supergraph in the same function Hive Gateway calls at start, in
 * seconds, instead of only when test/scale/hive-gateway.test.ts starts the gateway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';

const SUPERGRAPH = join(__dirname, '..', '..', 'schema', 'supergraph.graphql');

test('the committed supergraph stitches as Hive Gateway builds it (no conflicting canonical types)', () => {
  const schema = getStitchedSchemaFromSupergraphSdl({ supergraphSdl: readFileSync(SUPERGRAPH, 'utf8') });
  // Every root field of the supergraph's API is there after stitching (none lost on the way).
  const query = schema.getQueryType();
  expect(query).toBeDefined();
  for (const field of ['region', 'enterprise', 'clusters', 'clusterRankings', 'parks', 'indicatorCatalogue']) expect({ field, present: field in query!.getFields() }).toEqual({ field, present: true });
});
