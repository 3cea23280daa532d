import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { Kind, parse, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PORTS, OBSERVATION_VALUE_FIELDS, RULE_FIGURE_SELECTION, SUBGRAPH_NAMES } from '../src';

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

  it('has every value field of Observation in OBSERVATION_VALUE_FIELDS, which a rule’s @requires selects (a figure passed on is whole)', () => {
    const document = parse(read('supergraph.graphql'));
    const type = document.definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Observation')!;
    // Fields a resolver of the owner answers (with arguments, or of an object type such as history) are not carried.
    const objectTypes = new Set(document.definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION).map((d) => (d as ObjectTypeDefinitionNode).name.value));
    const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
    const carried = type.fields!.filter((f) => !f.arguments?.length && !objectTypes.has(named(f.type))).map((f) => f.name.value);
    expect([...OBSERVATION_VALUE_FIELDS].sort()).toEqual(carried.sort());
    expect(RULE_FIGURE_SELECTION).toContain(`figure { ${OBSERVATION_VALUE_FIELDS.join(' ')} }`);
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
