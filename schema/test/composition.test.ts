import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PORTS, SUBGRAPH_NAMES } from '../src';

const schemaDir = join(__dirname, '..');
const read = (file: string) => readFileSync(join(schemaDir, file), 'utf8');
const AUDIT_URL = 'http://localhost:4000/audit/graphql';

describe('the committed supergraph', () => {
  it('is exactly what the committed subgraph SDLs compose to', () => {
    const result = composeServices([
      ...SUBGRAPH_NAMES.map((name) => ({ name, typeDefs: parse(read(`subgraphs/${name}.graphql`)), url: `http://localhost:${DEFAULT_PORTS[name]}/graphql` })),
      // The gateway's own subgraph (viewer, audit trail), run in the gateway's process.
      { name: 'audit', typeDefs: parse(read('subgraphs/audit.graphql')), url: AUDIT_URL },
    ]);
    expect(result.errors).toBeUndefined();
    expect(`${result.supergraphSdl}\n`).toBe(read('supergraph.graphql'));
  });

  it('gives every department its namespace on both shared entities, nullable (a department down nulls only its figures)', () => {
    const sdl = read('supergraph.graphql');
    for (const name of SUBGRAPH_NAMES) {
      for (const entity of ['Region', 'Enterprise']) {
        const type = new RegExp(`type ${entity}[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(sdl)![1];
        expect(type).toMatch(new RegExp(`\\b${name}\\([^()]*?(?:\\([^()]*\\)[^()]*?)*month: Month![\\s\\S]*?\\): \\w+Figures @join__field\\(graph: ${name.toUpperCase()}\\)`));
      }
    }
  });

  it('is described for rover and Apollo Router with the same subgraphs and ports', () => {
    const rover = parseYaml(read('supergraph.yaml'));
    const router = parseYaml(read('router.yaml'));
    expect(Object.keys(rover.subgraphs).sort()).toEqual([...SUBGRAPH_NAMES, 'audit'].sort());
    expect(rover.subgraphs.audit.routing_url).toBe(AUDIT_URL);
    for (const name of SUBGRAPH_NAMES) {
      expect(rover.subgraphs[name].routing_url).toBe(`http://localhost:${DEFAULT_PORTS[name]}/graphql`);
      expect(router.override_subgraph_url[name]).toBe(`http://localhost:${DEFAULT_PORTS[name]}/graphql`);
    }
  });
});
