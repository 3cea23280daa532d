/**
 * The persisted document: one operation, valid against the committed supergraph, its hash
 * recorded, the trend aliases consistent, and every variable the CLI sends declared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, specifiedRules, TypeInfo, validate, visit, visitWithTypeInfo, type FieldNode, type ObjectTypeDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { loadDocument, packageRoot, packVariables, recordedSha256, sha256, WITHOUT_REGISTER_FILE, WITHOUT_REGISTER_OPERATION } from '../src/query';

const SUPERGRAPH = join(__dirname, '..', '..', 'schema', 'supergraph.graphql');
const document = loadDocument();
const ast = parse(document.text);
const operations = ast.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

describe('queries/meeting-pack.graphql', () => {
  it('is one named operation, a query', () => {
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ operation: 'query', name: { value: 'MeetingPack' } });
  });

  it('has its sha256 recorded next to it (for the safelist)', () => {
    expect(recordedSha256()).toBe(document.sha256);
    expect(document.sha256).toBe(sha256(readFileSync(document.path, 'utf8')));
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('declares exactly the variables the CLI sends', () => {
    const declared = (operations[0].variableDefinitions ?? []).map((v) => v.variable.name.value).sort();
    expect(declared).toEqual(Object.keys(packVariables('2015-06')).sort());
    expect(packVariables('2015-01')).toMatchObject({ month: '2015-01', m01: '2014-12', m03: '2014-10', m11: '2014-02', city: '411000', quarterly: false, asOf: null });
  });

  it('asks for each trend month under its own alias and variable, in every department', () => {
    for (let i = 1; i <= 11; i++) {
      const alias = `m${String(i).padStart(2, '0')}`;
      const field = operations[0].selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.alias?.value === alias);
      expect(field?.name.value).toBe('region');
      const departments = (field!.selectionSet!.selections as FieldNode[]).map((s) => [s.name.value, (s.arguments ?? []).find((a) => a.name.value === 'month')?.value]);
      expect(departments.map(([name]) => name)).toEqual(['industry', 'statistics', 'energy', 'finance', 'hr']);
      for (const [, value] of departments) expect(value).toMatchObject({ kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: alias } });
    }
  });

  it('reads every month-dependent field at $asOf too (one time for the whole pack)', () => {
    let withMonth = 0;
    visit(ast, {
      Field(node) {
        const names = (node.arguments ?? []).map((a) => a.name.value);
        if (names.includes('month') && node.name.value !== 'warnings' && node.name.value !== 'progress') {
          withMonth++;
          expect({ field: node.alias?.value ?? node.name.value, asOf: names.includes('asOf') }).toEqual({ field: node.alias?.value ?? node.name.value, asOf: true });
        }
      },
    });
    expect(withMonth).toBeGreaterThan(60);
  });

  (existsSync(SUPERGRAPH) ? it : it.skip)('validates against the committed supergraph', () => {
    const schema = Supergraph.build(readFileSync(SUPERGRAPH, 'utf8')).apiSchema().toGraphQLJSSchema();
    const errors = validate(schema, ast, specifiedRules).map((e) => e.message);
    expect(errors).toEqual([]);
    // The secretariat's ledgers are asked for in the same request.
    const root = operations[0].selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((s) => s.name.value);
    expect(root).toEqual(expect.arrayContaining(['keyProjects', 'problems', 'warnings', 'enterprises', 'region', 'indicatorCatalogue']));
  });
});

describe('queries/meeting-pack-without-register.graphql (the pack while the register is down)', () => {
  const fallback = loadDocument(undefined, WITHOUT_REGISTER_FILE, WITHOUT_REGISTER_OPERATION);
  const fallbackAst = parse(fallback.text);
  const fallbackOperations = fallbackAst.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  it('is one named operation, a query, with its sha256 recorded next to it', () => {
    expect(fallbackOperations).toHaveLength(1);
    expect(fallbackOperations[0]).toMatchObject({ operation: 'query', name: { value: 'MeetingPackWithoutRegister' } });
    expect(recordedSha256(packageRoot(), WITHOUT_REGISTER_FILE)).toBe(fallback.sha256);
  });

  it('declares the CLI’s variables but the ledgers’ ($year, $monthEnd)', () => {
    const declared = (fallbackOperations[0].variableDefinitions ?? []).map((v) => v.variable.name.value).sort();
    const { year: _year, monthEnd: _monthEnd, ...sent } = packVariables('2015-06');
    expect(declared).toEqual(Object.keys(sent).sort());
  });

  (existsSync(SUPERGRAPH) ? it : it.skip)('validates against the committed supergraph and selects no field only the register’s department serves', () => {
    const text = readFileSync(SUPERGRAPH, 'utf8');
    const schema = Supergraph.build(text).apiSchema().toGraphQLJSSchema();
    expect(validate(schema, fallbackAst, specifiedRules).map((e) => e.message)).toEqual([]);
    // Which subgraphs serve each field: its join__field graphs, else every graph of its type.
    const graphs = new Map<string, string[]>();
    const graphArg = (d: { arguments?: readonly { name: { value: string }; value: unknown }[] }) => String((d.arguments?.find((a) => a.name.value === 'graph')?.value as { value: string }).value);
    for (const type of parse(text).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION)) {
      const ofType = (type.directives ?? []).filter((d) => d.name.value === 'join__type').map(graphArg);
      for (const field of type.fields ?? []) {
        const own = (field.directives ?? []).filter((d) => d.name.value === 'join__field' && !d.arguments?.some((a) => a.name.value === 'external')).map(graphArg);
        graphs.set(`${type.name.value}.${field.name.value}`, own.length ? own : ofType);
      }
    }
    const registerOnly: string[] = [];
    const typeInfo = new TypeInfo(schema);
    visit(
      fallbackAst,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType()?.name;
          if (!parent || node.name.value.startsWith('__')) return;
          const served = graphs.get(`${parent}.${node.name.value}`) ?? [];
          if (served.length && served.every((g) => g === 'INDUSTRY')) registerOnly.push(`${parent}.${node.name.value}`);
        },
      }),
    );
    expect(registerOnly).toEqual([]);
    const root = fallbackOperations[0].selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((s) => s.name.value);
    // `viewer` is the gateway's own (who asks, for the withheld figures), not the register's.
    expect(root).toEqual(['viewer', 'withoutRegister']);
  });
});
