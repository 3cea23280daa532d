import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { Kind, parse, visit, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';

/**
 * "As the meeting saw it" (issue 13), swept over the whole committed supergraph rather than listed
 * field by field: a field that reads a month's figures can be asked as of a moment, and an entity a
 * month's rules hang on carries that moment in its key, so another department's part of it is read
 * at the same moment (a field added to `WarningReport` by finance judges the figures as they stood
 * at the report's `asOf`, not now). Without that, a pack made with `--as-of` showed warnings whose
 * evidence was submitted after the meeting.
 */
const sdl = readFileSync(join(__dirname, '..', 'supergraph.graphql'), 'utf8');
const types = parse(sdl).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION);

/**
 * Fields taking `month` that are documented exceptions: ledgers that are not reported figures and
 * have no versions to read at a moment (a department's batches are listed by the month they report;
 * a key project's schedule is the project ledger's).
 */
const EXCEPTIONS = new Set(['Query.energySubmissions', 'Query.financeSubmissions', 'Query.hrSubmissions', 'Query.industrySubmissions', 'Query.statisticsSubmissions', 'KeyProject.progress']);

const withMonth: { name: string; field: FieldDefinitionNode }[] = [];
for (const type of types) {
  // Reads only: a write's `month` names the month it reports (a staged part's, for the audit trail), and a write is always now.
  if (type.name.value === 'Mutation') continue;
  for (const field of type.fields ?? []) {
    if (field.arguments?.some((a) => a.name.value === 'month')) withMonth.push({ name: `${type.name.value}.${field.name.value}`, field });
  }
}

describe('every field that reads a month can be read as of a moment', () => {
  it('finds the fields (the sweep is not empty)', () => {
    expect(withMonth.map((f) => f.name)).toEqual(expect.arrayContaining(['Query.warnings', 'Region.energy', 'Enterprise.finance', 'WithoutRegister.warnings']));
  });

  it.each(withMonth.filter((f) => !EXCEPTIONS.has(f.name)).map((f) => [f.name, f.field] as const))('%s takes asOf: DateTimeISO', (_name, field) => {
    const asOf = field.arguments!.find((a) => a.name.value === 'asOf');
    expect(asOf?.type).toMatchObject({ kind: Kind.NAMED_TYPE, name: { value: 'DateTimeISO' } });
  });

  it('the exceptions exist (a renamed field is not silently exempt)', () => {
    for (const name of EXCEPTIONS) expect(withMonth.map((f) => f.name)).toContain(name);
  });
});

describe('an entity keyed by a month carries the moment in its key', () => {
  const keyed = types
    .map((type) => ({ type, keys: (type.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => d.arguments?.find((a) => a.name.value === 'key')?.value).filter(Boolean) }))
    .filter(({ keys }) => keys.some((k) => String((k as { value: string }).value).split(/\s+/).includes('month')));

  it('finds them', () => {
    expect(keyed.map((k) => k.type.name.value)).toEqual(expect.arrayContaining(['WarningReport', 'KeyEnterpriseMonth']));
  });

  it.each(keyed.map((k) => [k.type.name.value, k.keys] as const))('%s: every key with month has asOf', (_name, keys) => {
    for (const key of keys) {
      const fields = String((key as { value: string }).value).split(/\s+/);
      if (fields.includes('month')) expect(fields).toContain('asOf');
    }
  });
});

describe('the meeting pack asks every month-reading field as of its $asOf', () => {
  // The pack made with --as-of showed warnings as they are now because `warnings(month: $month)` had no asOf.
  const dir = join(__dirname, '..', '..', 'briefing', 'queries');
  const documents = readdirSync(dir).filter((f) => f.endsWith('.graphql'));
  const exempt = new Set([...EXCEPTIONS].map((name) => name.split('.')[1]));

  it.each(documents.map((f) => [f]))('%s', (file) => {
    const missing: string[] = [];
    let checked = 0;
    visit(parse(readFileSync(join(dir, file), 'utf8')), {
      Field(node) {
        const names = (node.arguments ?? []).map((a) => a.name.value);
        if (!names.includes('month') || exempt.has(node.name.value)) return;
        checked++;
        const asOf = node.arguments!.find((a) => a.name.value === 'asOf');
        if (asOf?.value.kind !== Kind.VARIABLE || asOf.value.name.value !== 'asOf') missing.push(`${node.alias?.value ?? node.name.value} (line ${node.loc?.startToken.line})`);
      },
    });
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
