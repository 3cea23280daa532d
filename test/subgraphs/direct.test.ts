/**
 * Each subgraph process, asked directly (not through the gateway): it serves the SDL that was
 * composed into the committed supergraph, so what runs is what the gateway plans against.
 * A small demo city (40 enterprises) is enough: this file reads no figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, type DefinitionNode, type DirectiveNode } from 'graphql';
import { E2E_TIMEOUT_MS, everyService, REPO_ROOT, startSystem, SUBGRAPHS, type System } from '../support/system';

let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 40 });
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  if (!system) return;
  expect(await system.stop()).toEqual(everyService(0));
}, E2E_TIMEOUT_MS);

/** Definitions `buildSubgraphSchema` adds to every subgraph: the federation spec's own, not ours. */
const FEDERATION_MACHINERY = /^(_Any|_Entity|_Service|link__\w+|federation__\w+|FieldSet)$/;

/**
 * What a subgraph contributes to composition, independent of how it was printed: `_service.sdl`
 * comes from @apollo/subgraph's printer (with the federation spec's directive definitions,
 * `_Service`, `_entities`, one field per paragraph) and the committed file from type-graphql's, so
 * the two texts differ while meaning the same schema. Each definition is re-printed by graphql-js,
 * the machinery dropped, and the list sorted; the federation `@link` (version and imports) is kept.
 */
function contribution(sdl: string): { link: string[]; definitions: string[] } {
  const document = parse(sdl);
  const link: string[] = [];
  const definitions: string[] = [];
  const federationLink = (d: DirectiveNode) =>
    d.name.value === 'link' && d.arguments?.some((a) => a.name.value === 'url' && a.value.kind === Kind.STRING && a.value.value.includes('/federation/'));
  for (const definition of document.definitions as DefinitionNode[]) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      link.push(...(definition.directives ?? []).filter(federationLink).map((d) => print(d)));
      continue;
    }
    if (definition.kind === Kind.DIRECTIVE_DEFINITION) continue; // the spec's directives, declared by the printer
    if ('name' in definition && definition.name && FEDERATION_MACHINERY.test(definition.name.value)) continue;
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query') {
      const fields = definition.fields?.filter((f) => f.name.value !== '_service' && f.name.value !== '_entities');
      definitions.push(print({ ...definition, fields }));
      continue;
    }
    definitions.push(print(definition));
  }
  return { link, definitions: definitions.sort() };
}

describe.each(SUBGRAPHS)('the %s subgraph', (name) => {
  test('answers _service { sdl } with the schema of the committed schema/subgraphs file', async () => {
    const result = await system.query('{ _service { sdl } }', undefined, system.subgraphUrl(name));
    expect(result.errors).toBeUndefined();
    const committed = readFileSync(join(REPO_ROOT, 'schema', 'subgraphs', `${name}.graphql`), 'utf8');
    const served = contribution(result.data._service.sdl);
    const expected = contribution(committed);
    expect(expected.definitions.length).toBeGreaterThan(5);
    expect(served.link).toHaveLength(1);
    expect(served).toEqual(expected);
  });

  test('reports healthy and ready, and counts its SQL statements', async () => {
    const base = system.subgraphUrl(name).replace(/\/graphql$/, '');
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: `${name} subgraph` });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await system.sqlStatements(name)).toBeGreaterThan(0);
  });
});

test('the gateway is ready, and its /health lists every department as ready', async () => {
  const ready = await fetch(system.gatewayUrl.replace(/\/graphql$/, '/ready'));
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { status: string }).status).toBe('ready');
  // The departments' state is in /health (a department down must not take the gateway out of a load balancer).
  const health = await fetch(system.gatewayUrl.replace(/\/graphql$/, '/health'));
  const body = (await health.json()) as { status: string; degraded?: string[]; subgraphs: { name: string; ready: boolean }[] };
  expect(body.degraded).toBeUndefined();
  expect(body.subgraphs.filter((s) => s.ready).map((s) => s.name).sort()).toEqual([...SUBGRAPHS].sort());
});
