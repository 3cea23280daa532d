/**
 * The kit (`@huishang/schema`: schema/src, schema/scripts) and `npm start` (scripts/start.js) name
 * no department and no department's indicator: a department is its folder plus one registry entry
 * (issue 15). What is searched for is derived, not listed by hand: from the registry
 * (subgraphs/departments.json) each department's name, its Chinese and English names and its
 * indicator prefix; from each department's catalogue (its definition's `reporting.catalogue`)
 * every indicator code and Chinese indicator name.
 *
 * A name is a department's in a comment or a string (a GraphQL description, a message): the
 * registry name as a word (`energy`, `hr`), a part of its Chinese or English name. Identifiers in
 * code are not searched (the kit cannot import a department), except indicator codes, which are
 * searched everywhere. One homonym is allowed: the registry name followed by code/class/
 * classification/cluster is the enterprise's industry (行业, GB/T 4754), not a department.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { chineseNameParts, departmentDemos, departmentRegistry, type IndicatorCatalogue } from '@huishang/schema';

const ROOT = resolve(__dirname, '../..');
const KIT = ['schema/src', 'schema/scripts', 'scripts/start.js'];

const files = (path: string): string[] =>
  statSync(join(ROOT, path)).isDirectory() ? readdirSync(join(ROOT, path)).flatMap((name) => files(join(path, name))) : /\.(ts|js)$/.test(path) ? [path] : [];

/** Comments and the text of string and template literals, with their line numbers. */
function prose(text: string): { line: number; text: string }[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const found: { line: number; text: string }[] = [];
  const add = () => found.push({ line: text.slice(0, scanner.getTokenStart()).split('\n').length, text: scanner.getTokenText() });
  // Open braces inside each `${…}` of the templates being scanned: a `}` at depth 0 resumes the template.
  const templates: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken && templates.length) templates[templates.length - 1]++;
    else if (kind === ts.SyntaxKind.CloseBraceToken && templates.length) {
      if (templates[templates.length - 1] > 0) templates[templates.length - 1]--;
      else if (scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateTail) {
        add();
        templates.pop();
      } else add();
    } else if (kind === ts.SyntaxKind.TemplateHead) {
      add();
      templates.push(0);
    } else if (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia || kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) add();
    else if (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) {
      // A regular expression where an expression may start; division elsewhere (the scanner cannot tell).
      const before = text.slice(0, scanner.getTokenStart()).trimEnd().slice(-1);
      if (!before || /[(,=:[!&|?{};]/.test(before)) scanner.reScanSlashToken();
    }
  }
  return found;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const registry = departmentRegistry();
const catalogues = registry.departments.map((d) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require(join(ROOT, d.folder, 'src', 'subgraph.ts')) as Record<string, { reporting: { catalogue: IndicatorCatalogue } }>)[d.name];
  return { department: d.name, catalogue: definition.reporting.catalogue };
});

interface Term { what: string; pattern: RegExp; everywhere: boolean }
const TERMS: Term[] = registry.departments.flatMap((d) => [
  { what: `department ${d.name}`, pattern: new RegExp(`(?<![\\w-])${escape(d.name)}(?![\\w-])(?!\\s+(?:code|class|classes|classification|cluster)s?\\b)`), everywhere: false },
  ...[...chineseNameParts(d), ...(d.ownerName ? [d.ownerName] : []), ...(d.aliases ?? [])].map((part) => ({ what: `${d.name}'s Chinese name ${part}`, pattern: new RegExp(escape(part)), everywhere: false })),
  ...d.nameEn.split(/;\s*/).filter(Boolean).map((part) => ({ what: `${d.name}'s English name "${part}"`, pattern: new RegExp(`\\b${escape(part)}\\b`, 'i'), everywhere: false })),
  ...(d.indicatorPrefix ? [{ what: `${d.name}'s indicator prefix ${d.indicatorPrefix}`, pattern: new RegExp(`\\b${escape(d.indicatorPrefix)}[A-Z0-9]`), everywhere: true }] : []),
]).concat(
  catalogues.flatMap(({ department, catalogue }) =>
    catalogue.definitions.flatMap((i) => [
      { what: `${department}'s indicator ${i.code}`, pattern: new RegExp(`\\b${escape(i.code)}\\b`), everywhere: true },
      { what: `${department}'s indicator ${i.name} (${i.code})`, pattern: new RegExp(escape(i.name)), everywhere: false },
    ]),
  ),
);

test('the terms searched for come from the registry and every catalogue', () => {
  expect(registry.departments.length).toBeGreaterThan(0);
  for (const { department, catalogue } of catalogues) expect({ [department]: catalogue.definitions.length > 0 }).toEqual({ [department]: true });
  // The search finds what it looks for (a test that can fail).
  const sample = `const x = '${registry.departments[0].name}'; // ${catalogues[0].catalogue.definitions[0].code}`;
  const hits = TERMS.filter((t) => t.pattern.test(t.everywhere ? sample : prose(sample).map((p) => p.text).join('\n')));
  expect(hits.length).toBeGreaterThanOrEqual(2);
});

test.each(KIT.flatMap(files).map((f) => relative(ROOT, join(ROOT, f))))('%s names no department or indicator', (file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const parts = prose(text);
  const hits: string[] = [];
  for (const term of TERMS) {
    if (term.everywhere) {
      text.split('\n').forEach((l, i) => term.pattern.test(l) && hits.push(`${file}:${i + 1}: ${term.what}`));
    } else {
      for (const p of parts) if (term.pattern.test(p.text)) hits.push(`${file}:${p.line}: ${term.what}`);
    }
  }
  expect(hits).toEqual([]);
});

describe('each figure has one owner', () => {
  // The fixtures too (test/fixtures/department, schema/test/fixtures/tax): no test department takes another's figure.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fixture = (require('../fixtures/department/src/indicators') as { safetyIndicators: IndicatorCatalogue }).safetyIndicators;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kitFixture = (require('../../schema/test/fixtures/tax') as { taxIndicators: IndicatorCatalogue }).taxIndicators;
  const all = [...catalogues, { department: 'fixture safety', catalogue: fixture }, { department: 'kit fixture tax', catalogue: kitFixture }];

  test('no two departments publish an indicator of the same code or Chinese name (工业增值税 is finance’s: 国税/地税 report through it, domain.md)', () => {
    for (const key of ['code', 'name'] as const) {
      const owners = new Map<string, string[]>();
      for (const { department, catalogue } of all) for (const i of catalogue.definitions) owners.set(i[key], [...(owners.get(i[key]) ?? []), department]);
      expect([...owners].filter(([, o]) => o.length > 1)).toEqual([]);
    }
  });

  test('a department’s indicator codes carry its registry prefix, and its demo targets are on its own indicators', () => {
    for (const d of registry.departments) {
      const { catalogue } = catalogues.find((c) => c.department === d.name)!;
      if (d.indicatorPrefix) expect({ [d.name]: catalogue.codes().filter((c) => !c.startsWith(d.indicatorPrefix!)) }).toEqual({ [d.name]: [] });
      const demo = departmentDemos().find((x) => x.department === d.name)?.demo;
      expect({ [d.name]: (demo?.targets?.city ?? []).map((t) => t.indicator).filter((code) => !catalogue.has(code)) }).toEqual({ [d.name]: [] });
    }
  });
});
