import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';

/**
 * The rule "a failure costs only what failed" (README, "Nullability designed for failure"), swept
 * over the whole committed supergraph rather than listed field by field:
 * - a field another subgraph adds to a shared entity (Region.energy, WarningReport.loanWithdrawals,
 *   KeyEnterpriseMonth.powerDrop, …) is nullable: that subgraph may be down while the entity's
 *   owner answers;
 * - in a department's figures type every figure is nullable (a figure can be denied by the sharing
 *   rules or missing), only `month` — known before any row is read — is not.
 */
const sdl = readFileSync(join(__dirname, '..', 'supergraph.graphql'), 'utf8');
const types = parse(sdl).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);

const argument = (directive: { arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[] }, name: string) =>
  directive.arguments?.find((a) => a.name.value === name)?.value;
const graphsOf = (field: FieldDefinitionNode): string[] =>
  (field.directives ?? [])
    .filter((d) => d.name.value === 'join__field' && (argument(d, 'external') as { value?: boolean } | undefined)?.value !== true)
    .map((d) => String((argument(d, 'graph') as { value: string }).value));
const keyedGraphs = (type: ObjectTypeDefinitionNode) =>
  (type.directives ?? []).filter((d) => d.name.value === 'join__type' && argument(d, 'key')).map((d) => String((argument(d, 'graph') as { value: string }).value));

const query = types.find((t) => t.name.value === 'Query')!;
const namedType = (field: FieldDefinitionNode): string => {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  return type.name.value;
};

/**
 * The subgraph a query reaches the entity through (a root field returning it: the register, for
 * Region and Enterprise), else the one that resolves most of its fields.
 */
function ownerOf(type: ObjectTypeDefinitionNode): string {
  const root = query.fields?.find((f) => namedType(f) === type.name.value && graphsOf(f).length === 1);
  if (root) return graphsOf(root)[0];
  const count = new Map<string, number>();
  for (const field of type.fields ?? []) for (const graph of graphsOf(field)) count.set(graph, (count.get(graph) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0][0];
}

describe('nullability designed for failure (swept over the supergraph)', () => {
  const entities = types.filter((t) => keyedGraphs(t).length >= 2 && t.name.value !== 'Query');
  const figures = types.filter((t) => t.fields?.some((f) => f.name.value === 'indicators') && t.fields.some((f) => f.name.value === 'month'));

  it('finds the shared entities and the department figures types', () => {
    expect(entities.map((t) => t.name.value)).toEqual(expect.arrayContaining(['Region', 'Enterprise', 'WarningReport', 'KeyEnterpriseMonth']));
    expect(figures.map((t) => t.name.value).sort()).toEqual(['EnergyFigures', 'FinanceFigures', 'HrFigures', 'IndustryFigures', 'StatisticsFigures']);
  });

  it('makes every field another subgraph adds to a shared entity nullable', () => {
    const violations: string[] = [];
    for (const type of entities) {
      const owner = ownerOf(type);
      for (const field of type.fields ?? []) {
        const graphs = graphsOf(field);
        if (graphs.length === 0 || graphs.includes(owner)) continue;
        if (field.type.kind === Kind.NON_NULL_TYPE) violations.push(`${type.name.value}.${field.name.value} (${graphs.join(', ')}; owner ${owner})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('makes every figure of a department figures type nullable, only month is not', () => {
    const violations: string[] = [];
    for (const type of figures) {
      for (const field of type.fields ?? []) {
        if (field.name.value !== 'month' && field.type.kind === Kind.NON_NULL_TYPE) violations.push(`${type.name.value}.${field.name.value}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
