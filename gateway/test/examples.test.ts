import { existsSync, readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import { EXAMPLE_QUERIES } from '../src/examples';
import { supergraphPath } from '../src/supergraph';
import { DEFAULT_MAX_QUERY_DEPTH } from '../src/config';
import { depthLimitRule, identifierArgumentsRule } from '../src/validation';
import { aliasShadowsKeyRule, entityKeyFields, requiresSelections } from '../src/aliasKeys';

const operations = (query: string) => parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

describe('example queries', () => {
  it.each(EXAMPLE_QUERIES.map((e) => [e.title, e] as const))('%s: one named operation whose variables are all declared', (_title, example) => {
    const [operation, ...others] = operations(example.query);
    expect(others).toEqual([]);
    expect(operation.name?.value).toMatch(/^[A-Z]\w+$/);
    const declared = (operation.variableDefinitions ?? []).map((v) => v.variable.name.value);
    for (const given of Object.keys(example.variables)) expect(declared).toContain(given);
    for (const v of operation.variableDefinitions ?? []) {
      if (v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue) expect(example.variables).toHaveProperty(v.variable.name.value);
    }
  });

  it('covers what the analysts ask for first', () => {
    const text = EXAMPLE_QUERIES.map((e) => e.query).join('\n');
    expect(text).toContain('region(code: "411002")');
    expect(text).toContain('enterprises(region: "411002", keyOnly: true, first: 1)');
    expect(text).toMatch(/enterprises\(region: \$region, first: \$first, after: \$after\)[\s\S]*pageInfo \{ hasNextPage endCursor \}/);
    expect(text).toContain('regions { code name level }');
    for (const department of ['industry', 'finance', 'energy', 'statistics', 'hr']) {
      expect(EXAMPLE_QUERIES[0].query).toContain(`${department}(month: $month)`);
      expect(EXAMPLE_QUERIES[1].query).toContain(`${department}(month: $month)`);
    }
  });

  // The committed supergraph is composed from the subgraphs; until it exists there is nothing to check against.
  const path = supergraphPath();
  (existsSync(path) ? it : it.skip)('validate against the committed supergraph, within the depth limit, without shadowing aliases', () => {
    const sdl = readFileSync(path, 'utf8');
    const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
    for (const example of EXAMPLE_QUERIES) {
      const errors = validate(schema, parse(example.query), [...specifiedRules, aliasShadowsKeyRule(entityKeyFields(sdl), requiresSelections(sdl)), identifierArgumentsRule, depthLimitRule(DEFAULT_MAX_QUERY_DEPTH)]);
      expect({ example: example.title, errors: errors.map((e) => e.message) }).toEqual({ example: example.title, errors: [] });
    }
  });
});
