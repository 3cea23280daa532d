/**
 * The sweeping test (issue 12): not a list of fields but a walk of the composed supergraph
 * (schema/supergraph.graphql, its API schema). Every field that can carry a figure (reaches
 * `Observation` or `ObservationVersion`) is selected, with every scalar beside it (ranks, shares,
 * messages, ledger values), from each root field of Query, filling arguments from the table below;
 * `indicator` and `codes` arguments are tried with every indicator of the department whose figures
 * they are on. For each caller and each NOT_SHARED and CONDITIONAL indicator the caller does not own:
 *
 * - no figure of it is served where the sharing rules deny it (an `Observation` of it, a ranking
 *   over it, or any number derived from one of its denied values appearing anywhere else);
 * - a grant for one indicator opens that indicator, at enterprise level, and no other;
 * - every figure served is in the request's audit record (indicators, enterprises).
 *
 * A new field the walk cannot exercise (a required argument it has no value for) or a
 * figure-carrying coordinate no query selected fails the test: add its argument to ARGUMENTS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  isEnumType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { catalogue, type CatalogueEntry } from '../support/figures';
import { REPO_ROOT, startSystem, SUBGRAPHS, type GraphQLResult, type SubgraphName, type System } from '../support/system';

jest.setTimeout(900_000);

const MONTH = '2015-06';
const YEAR = 2015;
/** Types that hold a reported figure: a field reaching one of them can carry a figure. */
const FIGURE_TYPES = ['Observation', 'ObservationVersion', 'GroupFigure'];
/** Shared entities: expanded in full where a root field returns them, elsewhere by their key and scalars (see buildDocument). */
const HUBS = new Set(['Region', 'Enterprise']);

const apiSchema: GraphQLSchema = Supergraph.build(readFileSync(join(REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();

/** Object types from which a figure can be reached. */
function figureCarrying(schema: GraphQLSchema): Set<string> {
  const carrying = new Set(FIGURE_TYPES);
  const types = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of types) {
      if (carrying.has(type.name)) continue;
      if (Object.values(type.getFields()).some((f) => carrying.has(getNamedType(f.type).name))) {
        carrying.add(type.name);
        changed = true;
      }
    }
  }
  return carrying;
}
const CARRYING = figureCarrying(apiSchema);

/**
 * Every schema coordinate that can carry a figure or a number derived from one (writes aside:
 * SubmissionResult, and UploadCommit around it, answer the writer's own figures to the owner's
 * clients only, as @Writes(OWNER) declares and test/access/writes.test.ts checks).
 */
const FIGURE_COORDINATES = new Set(
  [...CARRYING]
    .filter((name) => name !== 'Mutation' && name !== 'SubmissionResult' && name !== 'UploadCommit')
    .flatMap((name) => {
      const type = apiSchema.getType(name) as GraphQLObjectType;
      // In a type holding figures every field counts; elsewhere the fields leading to one.
      const whole = !HUBS.has(name) && name !== 'Query';
      return Object.values(type.getFields())
        .filter((f) => whole || CARRYING.has(getNamedType(f.type).name))
        .map((f) => `${name}.${f.name}`);
    }),
);

interface Catalogues {
  byDepartment: Record<SubgraphName, CatalogueEntry[]>;
  owner: Map<string, SubgraphName>;
  sharing: Map<string, CatalogueEntry['sharing']>;
  /** Indicators whose region figure sums a few listed enterprises: shared as an enterprise figure is. */
  regionAsEnterprise: Set<string>;
}

interface Fixture {
  enterprise: string;
  keyProject: string;
  problem: string;
  /** The park with the fewest enterprises (at least one): its totals are enterprise-level under the disclosure rule. */
  park: string;
}

/** The figures type each department's namespace field returns (`Region.finance` → FinanceFigures). */
const FIGURES_DEPARTMENT = new Map<string, SubgraphName>(
  Object.values((apiSchema.getType('Region') as GraphQLObjectType).getFields())
    .filter((f) => (SUBGRAPHS as readonly string[]).includes(f.name))
    .map((f) => [getNamedType(f.type).name, f.name as SubgraphName]),
);
// The group figures types (totals over a cluster's or an industry class's enterprises): `Cluster.finance` → FinanceGroupFigures.
for (const f of Object.values((apiSchema.getType('Cluster') as GraphQLObjectType).getFields())) {
  if ((SUBGRAPHS as readonly string[]).includes(f.name)) FIGURES_DEPARTMENT.set(getNamedType(f.type).name, f.name as SubgraphName);
}


/** The one field and indicator a document tries by name (`FinanceFigures.ranking`, `FIN_NON_PERFORMING_LOANS`). */
interface Focus {
  coordinate: string;
  indicator: string;
}

interface Built {
  /** The document used the focus indicator (its variants are in it). */
  focused: boolean;
  /** Types with a fragment in the document: a focus on a field of any other type cannot be used in it. */
  types: Set<string>;
  text: string;
  selected: Set<string>;
  unknown: string[];
}

/**
 * The document for one root field: every field below it, with arguments, as one fragment per
 * type (`F_Observation`). A hub (Region, Enterprise) is expanded in full (`H_Region`) where the
 * root returns it, elsewhere by its key and scalars (`K_Region`): its fields resolve the same
 * wherever it is reached, and other documents expand it. Aliases name the variant
 * (`ranking_FIN_LOANS_OUTSTANDING`, `finance_asOf`).
 */
function buildDocument(root: GraphQLField<unknown, unknown>, fixture: Fixture, catalogues: Catalogues, name: string, first: string, focus: Focus | null): Built {
  const selected = new Set<string>();
  let focused = false;
  const unknown = new Set<string>();
  const fragments = new Map<string, string>();
  /** Fragments the focused field is in (directly or below). */
  const focusIn = new Set<string>();
  /** What each fragment selects and spreads: a document holds the fragments its root reaches (a path's dead ends are left out). */
  const fragmentParts = new Map<string, { coordinates: Set<string>; spreads: Set<string> }>();
  const literal = (value: unknown) => JSON.stringify(value);

  /** Argument variants of a field: one list of `name: value` per alias. */
  const variants = (parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): { alias: string; args: string[] }[] => {
    // A department's ranking of the groups (`clusterRankings { finance(indicator:) }`) takes the department's indicators too.
    const department = FIGURES_DEPARTMENT.get(parent.name) ?? (parent.name === 'EnterpriseGroupList' && (SUBGRAPHS as readonly string[]).includes(field.name) ? (field.name as SubgraphName) : undefined);
    const indicators = department ? catalogues.byDepartment[department].map((c) => c.code) : [];
    let out: { alias: string; args: string[] }[] = [{ alias: field.name, args: [] }];
    for (const arg of field.args) {
      const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
      const named = getNamedType(arg.type).name;
      const fixed = (value: unknown) => out.forEach((v) => v.args.push(`${arg.name}: ${literal(value)}`));
      if (arg.name === 'month' && named === 'Month') fixed(MONTH);
      else if (arg.name === 'year' && named === 'Int') fixed(YEAR);
      else if (named === 'Date' && required) fixed(`${MONTH}-30`);
      else if (arg.name === 'first' && named === 'Int') fixed(3);
      else if (arg.name === 'code' && named === 'RegionCode') fixed('411000');
      else if (arg.name === 'creditCode') fixed(fixture.enterprise);
      else if (arg.name === 'code' && parent.name === 'Query' && field.name === 'keyProject') fixed(fixture.keyProject);
      else if (arg.name === 'code' && parent.name === 'Query' && field.name === 'problem') fixed(fixture.problem);
      // A cluster and an industry class of the 40-enterprise city.
      else if (arg.name === 'code' && parent.name === 'Query' && field.name === 'cluster') fixed('tobacco');
      else if (arg.name === 'code' && named === 'IndustryCode') fixed('C16');
      else if (arg.name === 'code' && named === 'ParkCode') fixed(fixture.park);
      else if (arg.name === 'indicator' && indicators.length) {
        // Only in the focus's own document: a refusal of a non-null list nulls its parent, and would hide what sits beside it.
        const chosen = indicators.filter((code) => focus?.coordinate === `${parent.name}.${field.name}` && code === focus.indicator);
        focused ||= chosen.length > 0;
        out = out.flatMap((v) => chosen.map((code) => ({ alias: `${v.alias}_${code}`, args: [...v.args, `indicator: ${literal(code)}`] })));
      } else if (arg.name === 'codes' && indicators.length) {
        // All (no argument), and the focus indicator by name in the focus's own document.
        const chosen = indicators.filter((code) => focus?.coordinate === `${parent.name}.${field.name}` && code === focus.indicator);
        focused ||= chosen.length > 0;
        out = out.flatMap((v) => [v, ...chosen.map((code) => ({ alias: `${v.alias}_${code}`, args: [...v.args, `codes: [${literal(code)}]`] }))]);
      } else if (arg.name === 'asOf' && named === 'DateTimeISO') {
        // Current figures, and the figures as they stood now (the versioned read).
        out = out.flatMap((v) => [v, { alias: `${v.alias}_asOf`, args: [...v.args, `asOf: ${literal(new Date().toISOString())}`] }]);
      } else if (required) unknown.add(`${parent.name}.${field.name}(${arg.name}:)`);
    }
    return out;
  };

  const call = (field: GraphQLField<unknown, unknown>, v: { alias: string; args: string[] }) => `${v.alias}: ${field.name}${v.args.length ? `(${v.args.join(', ')})` : ''}`;

  /**
   * The fragment's name for a type in a role (F: every field, H: a hub in full, K: a hub's key and
   * scalars, T: the root's type), built on first use, and whether the focus is in it.
   *
   * `path` (a document trying one indicator by name): P fragments keep a type's scalars but only
   * the object fields that lead to the focused field, whose own selection is in full. The rest of
   * the document is the unfocused document's, which is asked on its own: asking it again with
   * every focus made the sweep about five times the work (853 documents).
   */
  const fragment = (type: GraphQLObjectType, role: 'F' | 'H' | 'K' | 'T' | 'P', path = false): { name: string; focused: boolean } => {
    const fragmentName = `${role}_${type.name}`;
    if (fragments.has(fragmentName)) return { name: fragmentName, focused: focusIn.has(fragmentName) };
    fragments.set(fragmentName, ''); // placeholder: a type reached again inside itself is a cycle the schema does not have
    const parts = ['__typename'];
    const own = new Set<string>();
    const spreads = new Set<string>();
    let holds = false;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const coordinate = `${type.name}.${field.name}`;
      // The root's type (T): one object field per document, so one refusal nulls no other.
      if (role === 'T' && isObjectType(named) && field.name !== first) continue;
      if (isScalarType(named) || isEnumType(named)) {
        for (const v of variants(type, field)) parts.push(call(field, v));
        own.add(coordinate);
        holds ||= focus?.coordinate === coordinate;
        continue;
      }
      if (!isObjectType(named) || role === 'K') continue;
      // A document trying one indicator by name selects a figure's own fields only: a refused
      // `history` (non-null) would null the list beside it and hide what that list served.
      if (focus && FIGURE_TYPES.includes(type.name)) continue;
      const chosen = variants(type, field);
      if (chosen.length === 0) continue;
      const isFocus = focus?.coordinate === coordinate;
      const inner = HUBS.has(named.name) ? fragment(named, 'K') : path && !isFocus ? fragment(named, 'P', true) : fragment(named, 'F');
      if (path && !isFocus && !inner.focused) continue;
      holds ||= isFocus || inner.focused;
      for (const v of chosen) parts.push(`${call(field, v)} { ...${inner.name} }`);
      own.add(coordinate);
      spreads.add(inner.name);
    }
    fragments.set(fragmentName, `fragment ${fragmentName} on ${type.name} { ${parts.join(' ')} }`);
    fragmentParts.set(fragmentName, { coordinates: own, spreads });
    if (holds) focusIn.add(fragmentName);
    return { name: fragmentName, focused: holds };
  };

  const query = apiSchema.getQueryType()!;
  const namedRoot = getNamedType(root.type) as GraphQLObjectType;
  const top = fragment(namedRoot, 'T', focus !== null).name;
  selected.add(`Query.${root.name}`);
  const used = new Set<string>();
  const use = (fragmentName: string) => {
    if (used.has(fragmentName)) return;
    used.add(fragmentName);
    const parts = fragmentParts.get(fragmentName)!;
    parts.coordinates.forEach((c) => selected.add(c));
    parts.spreads.forEach(use);
  };
  use(top);
  const text = `query ${name} { ${variants(query, root).map((v) => `${call(root, v)} { ...${top} }`).join(' ')} }\n${[...used].map((f) => fragments.get(f)).join('\n')}`;
  return { text, selected, unknown: [...unknown], focused, types: new Set([...used].map((f) => f.slice(2))) };
}

interface Served {
  /** `indicator|KIND|subject` of every Observation in the answer (and of each ObservationVersion's observation). */
  figures: { indicator: string; kind: string; subject: string; numbers: number[] }[];
  /**
   * Every number, and every number written in a string, outside a served Observation (ranks,
   * shares, messages, ledger values), with the subjects (region and credit codes) of the object
   * holding it and its ancestors: a number derived from a denied figure is that subject's.
   */
  derived: { value: number; subjects: string[] }[];
  /** ranking(indicator: X) lists that came back non-empty, by indicator. */
  rankings: string[];
  /** Every group total (GroupFigure) in the answer: its indicator and how many enterprises it sums. */
  groupFigures: { indicator: string }[];
}

const SUBJECT_KEYS = new Set(['subjectCode', 'regionCode', 'creditCode', 'enterpriseCode', 'code']);
const isSubjectCode = (value: unknown): value is string => typeof value === 'string' && (/^\d{6}$/.test(value) || /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(value));

function walk(data: unknown): Served {
  const served: Served = { figures: [], derived: [], rankings: [], groupFigures: [] };
  const visit = (value: unknown, key: string | null, inObservation: boolean, subjects: string[]) => {
    if (Array.isArray(value)) {
      const m = key && /^ranking(?:_asOf)?_(.+)$/.exec(key);
      if (m && value.length) served.rankings.push(m[1]);
      value.forEach((v) => visit(v, key, inObservation, subjects));
      return;
    }
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const observation = record.__typename === 'Observation';
      if (observation) {
        const numbers = [record.value, record.ytdValue].filter((v): v is number => typeof v === 'number');
        served.figures.push({ indicator: String(record.indicator), kind: String(record.subjectKind), subject: String(record.subjectCode), numbers });
      }
      // A group total is a figure of its own kind, judged by the group disclosure rule below (its numbers are not "derived").
      const group = record.__typename === 'GroupFigure';
      if (group) served.groupFigures.push({ indicator: String(record.indicator) });
      const own = Object.entries(record).filter(([k, v]) => SUBJECT_KEYS.has(k) && isSubjectCode(v)).map(([, v]) => v as string);
      const inner = own.length ? [...subjects, ...own] : subjects;
      for (const [k, v] of Object.entries(record)) visit(v, k, inObservation || observation || group, inner);
      return;
    }
    if (inObservation) return;
    if (typeof value === 'number') served.derived.push({ value, subjects });
    if (typeof value === 'string') for (const m of value.matchAll(/-?\d+(?:\.\d+)?/g)) served.derived.push({ value: Number(m[0]), subjects });
  };
  visit(data, null, false, []);
  return served;
}

let system: System;
let fixture: Fixture;
let catalogues: Catalogues;
let documents: { root: string; text: string }[];
const sweptCoordinates = new Set<string>();
let cases = 0;
let requests = 0;
/** Denied values per indicator, by subject: numbers that must not appear in a derived position about that subject. */
const deniedNumbers = new Map<string, Map<string, Set<number>>>();
/**
 * Region figures that are one or two enterprises' figures in disguise: per CONDITIONAL indicator, by
 * region, the month's and year-to-date values that equal the sum of the region's only one or two
 * enterprises with a figure. Served to a caller who may not read those enterprises' figures, such a
 * region figure discloses them (a tester read one enterprise's new guarantees as its district's total).
 */
const disclosingRegions = new Map<string, Map<string, Set<number>>>();
const REGISTER_TABLES = Object.fromEntries(
  (JSON.parse(readFileSync(join(REPO_ROOT, 'subgraphs', 'departments.json'), 'utf8')) as { departments: { name: string; registerTable: string }[] }).departments.map((d) => [d.name, d.registerTable]),
) as Record<SubgraphName, string>;
const round = (n: number) => Math.round(n * 100) / 100;
/** Enterprises on each department's register, by region: read once per department. */
const registers = new Map<SubgraphName, Promise<Map<string, number>>>();
function registeredOf(department: SubgraphName): Promise<Map<string, number>> {
  let counts = registers.get(department);
  if (!counts) {
    counts = system.sql(department, `select region_code, count(*) as n from ${REGISTER_TABLES[department]} group by region_code`).then((rows) => new Map(rows.map((r) => [r.region_code as string, Number(r.n)])));
    registers.set(department, counts);
  }
  return counts;
}

/** The sharing rules as the issue states them: NOT_SHARED is the owner's alone; CONDITIONAL needs a grant at enterprise level (and at region level where a region's figure sums a few listed enterprises). */
function allowed(caller: SubgraphName, grants: ReadonlySet<string>, indicator: string, kind: string): boolean {
  if (catalogues.owner.get(indicator) === caller) return true;
  const sharing = catalogues.sharing.get(indicator)!;
  if (sharing === 'UNCONDITIONAL') return true;
  if (sharing === 'NOT_SHARED') return false;
  return (kind === 'REGION' && !catalogues.regionAsEnterprise.has(indicator)) || grants.has(indicator);
}

const restricted = () => [...catalogues.sharing].filter(([, s]) => s !== 'UNCONDITIONAL').map(([code]) => code);

async function ask(text: string, token: string): Promise<{ result: GraphQLResult; requestId: string }> {
  const requestId = `sweep-${randomUUID()}`;
  const result = await system.query(text, undefined, undefined, { token, headers: { 'x-request-id': requestId } });
  requests++;
  return { result, requestId };
}

/**
 * The highest audit `seq` read so far: a request sent after it was read has its record above it.
 * Looking a record up above it reads a few rows by the primary key instead of the whole trail
 * (request_id has no index; the scan cost ~19 s of a run).
 */
let auditSeen = 0;

async function auditOf(requestId: string, after: number): Promise<{ indicators: string[]; enterprises: string[] }> {
  const rows = await system.sql('access', 'select seq, indicators, enterprises from audit_record where seq > ? and request_id = ?', [after, requestId]);
  expect(rows).toHaveLength(1);
  auditSeen = Math.max(auditSeen, Number(rows[0].seq));
  return { indicators: JSON.parse(rows[0].indicators), enterprises: JSON.parse(rows[0].enterprises) };
}

/** Documents where a grant can change the answer: something refused, or enterprise figures served (a list leaves out what it may not show). */
const grantRelevant = new Set<string>();

/**
 * Documents in flight at once (E2E_SWEEP_CONCURRENCY, default 3): one at a time left the gateway
 * idle while a subgraph worked and the reverse. Each document's checks are its own, so the order
 * they finish in changes nothing.
 */
const SWEEP_CONCURRENCY = Math.max(1, Number(process.env.E2E_SWEEP_CONCURRENCY || 3));

/** Runs every document as `caller` holding `grants`; returns what was served in all. */
async function sweep(caller: SubgraphName, grants: ReadonlySet<string>, only?: ReadonlySet<string>): Promise<Served[]> {
  const all: Served[] = [];
  const queue = documents.filter((doc) => !only?.size || only.has(doc.root));
  const worker = async () => {
    for (let doc = queue.shift(); doc; doc = queue.shift()) all.push(await check(caller, grants, doc));
  };
  await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker));
  return all;
}

/** Asks one document as `caller` holding `grants` and checks what it served against the rules and the audit. */
async function check(caller: SubgraphName, grants: ReadonlySet<string>, doc: (typeof documents)[number]): Promise<Served> {
  const token = system.tokens[caller];
  const after = auditSeen;
  const { result, requestId } = await ask(doc.text, token);
  expect({ root: doc.root, status: result.status, error: result.status === 200 ? null : result.errors?.[0]?.message }).toEqual({ root: doc.root, status: 200, error: null });
  // Only refusals and the subject's own absences may fail a field; nothing internal.
  const codes = new Set((result.errors ?? []).map((e) => e.extensions?.code));
  for (const code of codes) expect({ root: doc.root, code }).toEqual({ root: doc.root, code: expect.stringMatching(/^(FORBIDDEN|BAD_USER_INPUT|NOT_FOUND)$/) });
  const served = walk(result.data);
  if (codes.has('FORBIDDEN') || served.figures.some((f) => f.kind === 'ENTERPRISE')) grantRelevant.add(doc.root);
  const audit = await auditOf(requestId, after);
  // Every case of this document is judged, then the violations are checked at once (one expect per
  // document, not four per case: jest records a stack for each, which cost ~25 s of a run).
  const violations: Record<string, unknown>[] = [];
  for (const indicator of restricted()) {
    if (catalogues.owner.get(indicator) === caller) continue;
    cases++;
    const leaks = served.figures.filter((f) => f.indicator === indicator && !allowed(caller, grants, indicator, f.kind));
    if (leaks.length) violations.push({ root: doc.root, caller, indicator, leaks });
    if (!allowed(caller, grants, indicator, 'REGION') && served.rankings.includes(indicator)) violations.push({ root: doc.root, caller, indicator, ranked: true });
    // A group total is read as its enterprises' figures are, at any size (nested groups' totals differ by single enterprises).
    const groupLeaks = served.groupFigures.filter((g) => g.indicator === indicator && !allowed(caller, grants, indicator, 'ENTERPRISE'));
    if (groupLeaks.length) violations.push({ root: doc.root, caller, indicator, groupLeaks });
    // A region figure served as a district aggregate must not be one or two enterprises' figures the caller may not read.
    if (!allowed(caller, grants, indicator, 'ENTERPRISE')) {
      const disclosing = disclosingRegions.get(indicator);
      const disguised = served.figures.filter((f) => f.indicator === indicator && f.kind === 'REGION' && f.numbers.some((n) => disclosing?.get(f.subject)?.has(round(n))));
      if (disguised.length) violations.push({ root: doc.root, caller, indicator, regionDisclosesEnterprises: disguised });
    }
    const denied = grants.has(indicator) ? new Map<string, Set<number>>() : deniedNumbers.get(indicator)!;
    const derivedLeaks = served.derived.filter((n) => n.subjects.some((subject) => denied.get(subject)?.has(n.value)));
    if (derivedLeaks.length) violations.push({ root: doc.root, caller, indicator, derivedLeaks });
  }
  expect(violations).toEqual([]);
  // Every figure served is in the audit record of the request.
  const missing = served.figures.filter((f) => !audit.indicators.includes(f.indicator) || (f.kind === 'ENTERPRISE' && !audit.enterprises.includes(f.subject)));
  expect({ root: doc.root, caller, unaudited: missing.map((f) => `${f.indicator} ${f.subject}`) }).toEqual({ root: doc.root, caller, unaudited: [] });
  const unauditedTotals = served.groupFigures.filter((g) => !audit.indicators.includes(g.indicator)).map((g) => g.indicator);
  expect({ root: doc.root, caller, unauditedTotals }).toEqual({ root: doc.root, caller, unauditedTotals: [] });
  for (const ranked of served.rankings) expect({ root: doc.root, ranked, audited: audit.indicators.includes(ranked) }).toEqual({ root: doc.root, ranked, audited: true });
  return served;
}

beforeAll(async () => {
  system = await startSystem({
    enterprises: 40,
    // The walk asks for everything at once: the query limits are not what this test is about.
    env: { MAX_QUERY_DEPTH: '40', MAX_QUERY_ALIASES: '100000', MAX_ROOT_FIELDS: '1000', MAX_QUERY_COST: '1000000000', MAX_QUERY_TOKENS: '1000000', MAX_REQUEST_BYTES: '4000000', HUISHANG_RATE_LIMIT_PER_MINUTE: '100000' },
  });
  const byDepartment = Object.fromEntries(SUBGRAPHS.map((name) => [name, catalogue(name)])) as Record<SubgraphName, CatalogueEntry[]>;
  catalogues = {
    byDepartment,
    owner: new Map(SUBGRAPHS.flatMap((name) => byDepartment[name].map((c) => [c.code, name] as [string, SubgraphName]))),
    sharing: new Map(SUBGRAPHS.flatMap((name) => byDepartment[name].map((c) => [c.code, c.sharing] as [string, CatalogueEntry['sharing']]))),
    regionAsEnterprise: new Set(SUBGRAPHS.flatMap((name) => byDepartment[name].filter((c) => c.regionSumsListedEnterprises).map((c) => c.code))),
  };
  // An enterprise with a loan withdrawal in the month: finance's warning rule has something to say about it.
  const [withdrawal] = await system.sql('finance', "select subject_code from observation where indicator = 'FIN_LOAN_WITHDRAWAL' and subject_type = 'ENTERPRISE' and month = ? and value > 0 order by subject_code limit 1", [MONTH]);
  const [project] = await system.sql('industry', 'select code from key_project order by code limit 1');
  const [problem] = await system.sql('industry', 'select code from problem order by code limit 1');
  const [park] = await system.sql('industry', 'select park_code from enterprise where park_code is not null group by park_code order by count(*), park_code limit 1');
  fixture = { enterprise: withdrawal.subject_code, keyProject: project.code, problem: problem.code, park: park.park_code };
  // The denied values of each restricted indicator, by subject (small and whole-hundred numbers are too
  // common to tell a leak from a coincidence: a key project's 63800 is not the city's guarantees).
  for (const indicator of restricted()) {
    const owner = catalogues.owner.get(indicator)!;
    const rows = await system.sql(owner, 'select subject_type, subject_code, value, ytd_value from observation where indicator = ? and month = ?', [indicator, MONTH]);
    const bySubject = new Map<string, Set<number>>();
    for (const row of rows) {
      if (catalogues.sharing.get(indicator) === 'CONDITIONAL' && row.subject_type === 'REGION' && !catalogues.regionAsEnterprise.has(indicator)) continue;
      const numbers = bySubject.get(row.subject_code) ?? new Set<number>();
      for (const v of [row.value, row.ytd_value]) if (v !== null && Math.abs(Number(v)) >= 100 && Number(v) % 100 !== 0) numbers.add(Number(v));
      bySubject.set(row.subject_code, numbers);
    }
    deniedNumbers.set(indicator, bySubject);
    if (catalogues.sharing.get(indicator) !== 'CONDITIONAL') continue;
    const contributions = await system.sql(
      owner,
      `select r.region_code, o.value, o.ytd_value from observation o join ${REGISTER_TABLES[owner]} r on r.credit_code = o.subject_code where o.indicator = ? and o.month = ? and o.subject_type = 'ENTERPRISE' and o.value is not null`,
      [indicator, MONTH],
    );
    const byRegion = new Map<string, { value: number; ytd: number | null }[]>();
    for (const row of contributions) byRegion.set(row.region_code, [...(byRegion.get(row.region_code) ?? []), { value: Number(row.value), ytd: row.ytd_value === null ? null : Number(row.ytd_value) }]);
    // A list's sum, not a census: one or two enterprises report the figure (a zero counts as
    // reported) where the district has three or more on the register. A census total over a
    // district's one or two units is the small-cell case the sharing rules do not cover yet (README
    // "Sharing categories"); the tiny demo cities of the tests have such districts.
    const registered = await registeredOf(owner);
    const disclosing = new Map<string, Set<number>>();
    for (const [region, enterprises] of byRegion) {
      if (enterprises.length > 2 || (registered.get(region) ?? 0) < 3) continue;
      const sums = [round(enterprises.reduce((s, e) => s + e.value, 0))];
      if (enterprises.every((e) => e.ytd !== null)) sums.push(round(enterprises.reduce((s, e) => s + e.ytd!, 0)));
      disclosing.set(region, new Set(sums));
    }
    disclosingRegions.set(indicator, disclosing);
  }
  const query = apiSchema.getQueryType()!;
  let unknown: string[] = [];
  documents = [];
  const allIndicators = [...catalogues.owner.keys()];
  // Fields taking an indicator by name: each (field, indicator) is tried in a document of its own.
  const byName = Object.values(apiSchema.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'))
    .flatMap((t) => Object.values(t.getFields()).filter((f) => f.args.some((a) => a.name === 'indicator' || a.name === 'codes')).map((f) => `${t.name}.${f.name}`));
  const focuses: (Focus | null)[] = [null, ...byName.flatMap((coordinate) => allIndicators.map((indicator) => ({ coordinate, indicator })))];
  for (const root of Object.values(query.getFields())) {
    const rootType = getNamedType(root.type);
    if (!CARRYING.has(rootType.name) || !isObjectType(rootType)) continue;
    // One document per object field under the root, and per field and indicator tried by name in it.
    for (const first of Object.values(rootType.getFields()).filter((f) => isObjectType(getNamedType(f.type)))) {
      // A focus on a field of a type the unfocused document does not reach cannot be used (a focus
      // only adds the focused field below its type): skipping those builds saves ~20 s of a run.
      let reached: Set<string> | null = null;
      for (const focus of focuses) {
        if (focus && !reached!.has(focus.coordinate.split('.')[0])) continue;
        const label = focus ? `_${focus.coordinate.replace('.', '_')}_${focus.indicator}` : '';
        const built = buildDocument(root, fixture, catalogues, `Sweep_${root.name}_${first.name}${label}`, first.name, focus);
        if (!focus) reached = built.types;
        if (focus && !built.focused) continue;
        unknown.push(...built.unknown);
        built.selected.forEach((c) => sweptCoordinates.add(c));
        documents.push({ root: `${root.name}.${first.name}${focus ? ` (${focus.coordinate} ${focus.indicator})` : ''}`, text: built.text });
      }
    }
  }
  unknown = [...new Set(unknown)];
  // A field the walk cannot exercise is a failure, not a gap: give its argument a value above.
  expect(unknown).toEqual([]);
});

afterAll(async () => {
  await system?.stop();
  console.log(`sweep: ${FIGURE_COORDINATES.size} figure-carrying schema coordinates, ${sweptCoordinates.size} coordinates selected, ${documents?.length ?? 0} documents, ${requests} requests, ${cases} (document × caller × indicator) cases`);
});

it('every figure-carrying coordinate of the composed supergraph is exercised', () => {
  const missed = [...FIGURE_COORDINATES].filter((c) => !sweptCoordinates.has(c)).sort();
  expect(missed).toEqual([]);
  expect(FIGURE_COORDINATES.size).toBeGreaterThan(50);
  // The walk reaches a figure of every department from some root.
  expect(documents.map((d) => d.root)).toEqual(expect.arrayContaining(['region.finance', 'regions.finance', 'enterprise.finance', 'enterprises.edges', 'warnings.loanWithdrawals', 'region.finance (FinanceFigures.ranking FIN_NON_PERFORMING_LOANS)']));
});

it('without a grant: no NOT_SHARED or CONDITIONAL figure the caller may not read, nor anything derived from one, through any field; every read audited', async () => {
  // energy checks everyone else's indicators; hr checks energy's.
  const energy = await sweep('energy', new Set());
  const hr = await sweep('hr', new Set());
  // The walk did serve figures (it is not vacuous): region-level conditional figures, the caller's own enterprise figures.
  const served = [...energy, ...hr].flatMap((s) => s.figures);
  expect(served.some((f) => f.kind === 'ENTERPRISE' && f.indicator === 'EN_ELECTRICITY')).toBe(true);
  expect(served.some((f) => f.kind === 'REGION' && f.indicator === 'FIN_LOANS_OUTSTANDING')).toBe(true);
  // Group totals were served too (clusters, industry classes, their rankings).
  expect([...energy, ...hr].some((s) => s.groupFigures.length > 0)).toBe(true);
});

it('a grant for one indicator opens that indicator only', async () => {
  const grantable = restricted().filter((code) => catalogues.sharing.get(code) === 'CONDITIONAL' && catalogues.owner.get(code) !== 'energy');
  // One conditional indicator of each other department, granted to energy one at a time.
  const chosen = [...new Map(grantable.map((code) => [catalogues.owner.get(code)!, code])).values()];
  expect(chosen.length).toBeGreaterThanOrEqual(3);
  for (const indicator of chosen) {
    const owner = catalogues.owner.get(indicator)!;
    const admin = await system.addClient({ department: owner, role: 'ADMINISTRATOR' });
    const mutation = `grant${owner[0].toUpperCase()}${owner.slice(1)}Access`;
    const granted = await system.query(
      `mutation($input: AccessGrantInput!) { ${mutation}(input: $input) { id } }`,
      { input: { grantee: 'energy', indicators: [indicator], purpose: 'sweep test', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
      undefined,
      { token: admin.token },
    );
    expect(granted.errors).toBeUndefined();
    const served = (await sweep('energy', new Set([indicator]), grantRelevant)).flatMap((s) => s.figures);
    // Opened: at enterprise level, where the grant is what decides.
    expect({ indicator, opened: served.some((f) => f.indicator === indicator && f.kind === 'ENTERPRISE') }).toEqual({ indicator, opened: true });
    const revoke = `revoke${owner[0].toUpperCase()}${owner.slice(1)}Grant`;
    const revoked = await system.query(`mutation { ${revoke}(id: ${granted.data[mutation].id}) { id } }`, undefined, undefined, { token: admin.token });
    expect(revoked.errors).toBeUndefined();
  }
});
