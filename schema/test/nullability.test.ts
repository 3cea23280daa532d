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
 *   rules or missing), only `month` — known before any row is read — is not; in its group figures
 *   type (totals over an industry class, cluster or park) also `enterpriseCount`, counted from the
 *   group's members before any figure is read;
 * - every root Query field a department's subgraph serves is nullable: a department that is down
 *   nulls its own root fields, never the whole answer (`data: null` would cost `viewer` and every
 *   other department's root fields of the same request). Only the gateway's own subgraph (audit,
 *   executed in the gateway's process) may declare non-null root fields;
 * - likewise every Mutation field: a document with two writes, one refused, answered `data: null`
 *   while the other had been written (a tester's finding); a refused write now nulls only itself.
 */
const sdl = readFileSync(join(__dirname, '..', 'supergraph.graphql'), 'utf8');
const registry = JSON.parse(readFileSync(join(__dirname, '..', '..', 'subgraphs', 'departments.json'), 'utf8')) as { departments: { name: string }[] };
/** The supergraph's graph names (join__Graph values) of the departments: INDUSTRY, FINANCE, … */
const DEPARTMENT_GRAPHS = new Set(registry.departments.map((d) => d.name.toUpperCase()));
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

/** Root Query (or Mutation) fields a department serves that are declared non-null, as `Query.field (GRAPH)`. */
function nonNullDepartmentRootFields(supergraph: string, rootType: 'Query' | 'Mutation' = 'Query'): string[] {
  const root = parse(supergraph).definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === rootType)!;
  return (root.fields ?? [])
    .filter((f) => f.type.kind === Kind.NON_NULL_TYPE && graphsOf(f).some((g) => DEPARTMENT_GRAPHS.has(g)))
    .map((f) => `${rootType}.${f.name.value} (${graphsOf(f).join(', ')})`);
}

describe('nullability designed for failure (swept over the supergraph)', () => {
  const entities = types.filter((t) => keyedGraphs(t).length >= 2 && t.name.value !== 'Query');
  const figures = types.filter((t) => t.fields?.some((f) => f.name.value === 'indicators') && t.fields.some((f) => f.name.value === 'month'));

  it('finds the shared entities and the department figures types', () => {
    expect(entities.map((t) => t.name.value)).toEqual(expect.arrayContaining(['Region', 'Enterprise', 'WarningReport', 'KeyEnterpriseMonth']));
    expect(figures.map((t) => t.name.value).sort()).toEqual(
      ['Energy', 'Finance', 'Hr', 'Industry', 'Statistics'].flatMap((d) => [`${d}Figures`, `${d}GroupFigures`]).sort(),
    );
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
        const known = field.name.value === 'month' || (type.name.value.endsWith('GroupFigures') && field.name.value === 'enterpriseCount');
        if (!known && field.type.kind === Kind.NON_NULL_TYPE) violations.push(`${type.name.value}.${field.name.value}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('makes every root Query field a department serves nullable (its outage nulls that field, not the answer)', () => {
    const departmentRoots = query.fields!.filter((f) => graphsOf(f).some((g) => DEPARTMENT_GRAPHS.has(g)));
    // The sweep sees the register's, the grants' of every department and the register-free entry points.
    expect(departmentRoots.map((f) => f.name.value)).toEqual(expect.arrayContaining(['region', 'regions', 'enterprises', 'warnings', 'indicatorCatalogue', 'financeGrants', 'withoutRegister']));
    expect(nonNullDepartmentRootFields(sdl)).toEqual([]);
  });

  it('makes every Mutation field a department serves nullable (a refused or failed write nulls itself, and the others’ results are answered)', () => {
    const mutation = types.find((t) => t.name.value === 'Mutation')!;
    const departmentWrites = mutation.fields!.filter((f) => graphsOf(f).some((g) => DEPARTMENT_GRAPHS.has(g)));
    expect(departmentWrites.map((f) => f.name.value)).toEqual(expect.arrayContaining(['submitEnergyObservations', 'stageFinanceObservations', 'commitHrUpload', 'grantFinanceAccess', 'revokeIndustryGrant']));
    expect(nonNullDepartmentRootFields(sdl, 'Mutation')).toEqual([]);
    const tampered = sdl.replace('): SubmissionResult @join__field(graph: ENERGY)', '): SubmissionResult! @join__field(graph: ENERGY)');
    expect(tampered).not.toBe(sdl);
    expect(nonNullDepartmentRootFields(tampered, 'Mutation')).toEqual(['Mutation.submitEnergyObservations (ENERGY)']);
  });

  it('would catch a department root field declared non-null (the sweep is not vacuous)', () => {
    const tampered = sdl.replace(/^(\s*regions\(level: RegionLevel\): \[Region!\])( @join__field\(graph: INDUSTRY\))/m, '$1!$2');
    expect(tampered).not.toBe(sdl);
    expect(nonNullDepartmentRootFields(tampered)).toEqual(['Query.regions (INDUSTRY)']);
    // The gateway's own subgraph (audit) keeps its non-null root fields: they fail only with the gateway.
    expect(query.fields!.find((f) => f.name.value === 'viewer')!.type.kind).toBe(Kind.NON_NULL_TYPE);
  });
});
