/**
 * The federation end to end: five subgraph processes and the gateway over real HTTP, on SQLite by
 * default or on PostgreSQL when DATABASE_URL=postgres://… is set. Every expected value is read
 * from the owning subgraph's own database in the test, never copied from an earlier answer.
 *
 * One system for the whole file, on a demo city of 120 enterprises (the size the meeting pack's
 * tests use: one seeded template serves both), so a page of 100 enterprises of the city exists for
 * the SQL-statement count at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { getNamedType, isEnumType, isInputObjectType, isLeafType, isNonNullType, isObjectType, type GraphQLField, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import { ALL_NAMESPACES, expectFiguresMatchRows, HEADLINES, observationRows, OBSERVATION_FRAGMENT } from '../support/figures';
import { E2E_TIMEOUT_MS, everyService, REPO_ROOT, startSystem, SUBGRAPHS, type GraphQLResult, type Row, type SubgraphName, type System } from '../support/system';

const MONTH = '2015-06';
const CITY = '411000';
const DISTRICT = '411002'; // 魏都区
const COUNTY = '411082'; // 长葛市, for pagination

let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 120 });
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  if (!system) return;
  const exitCodes = await system.stop();
  // Every process stops cleanly on SIGTERM: exit code 0, not the 10 s force-exit's 1.
  expect(exitCodes).toEqual(everyService(0));
}, E2E_TIMEOUT_MS);

/** Fails with the whole response when the gateway reported errors. */
function expectNoErrors(result: GraphQLResult): void {
  if (result.errors?.length) throw new Error(`unexpected errors (HTTP ${result.status}): ${JSON.stringify(result.errors, null, 2)}`);
  expect(result.status).toBe(200);
}

const one = async (name: SubgraphName, text: string, params: unknown[] = []): Promise<Row> => {
  const rows = await system.sql(name, text, params);
  expect(rows).toHaveLength(1);
  return rows[0];
};

describe('a district with all five departments', () => {
  test('the headline fields the tests read are every headline the API has (no field escapes the comparison)', async () => {
    const typeName = (name: string) => `${name[0].toUpperCase()}${name.slice(1)}Figures`;
    const result = await system.query(
      `{ ${SUBGRAPHS.map((name) => `${name}: __type(name: "${typeName(name)}") { fields { name type { kind name } } }`).join(' ')} }`,
    );
    expectNoErrors(result);
    for (const name of SUBGRAPHS) {
      const headlines = result.data[name].fields
        .filter((f: { type: { kind: string; name: string } }) => f.type.kind === 'OBJECT' && f.type.name === 'Observation')
        .map((f: { name: string }) => f.name);
      expect({ [name]: headlines }).toEqual({ [name]: Object.keys(HEADLINES[name]) });
    }
  });

  test(`${DISTRICT} for ${MONTH}: every headline and every indicator equals the departments' own rows`, async () => {
    const result = await system.query(
      `query District($code: RegionCode!, $month: Month!) {
        region(code: $code) { code name level ${ALL_NAMESPACES()} }
      }
      ${OBSERVATION_FRAGMENT}`,
      { code: DISTRICT, month: MONTH },
    );
    expectNoErrors(result);
    const region = result.data.region;
    const registered = await one('industry', 'select code, name, level from region where code = ?', [DISTRICT]);
    expect({ code: region.code, name: region.name, level: region.level }).toEqual(registered);
    for (const name of SUBGRAPHS) {
      const rows = await observationRows(system, name, 'REGION', DISTRICT, MONTH);
      // Every department reports on the district that month: the comparison is never vacuous.
      expect({ [name]: rows.length > 0 }).toEqual({ [name]: true });
      expectFiguresMatchRows(name, region[name], rows, MONTH);
    }
  });
});

describe('an enterprise with all five departments', () => {
  test('a key enterprise from the register: register fields and every department figure equal the databases', async () => {
    const enterprise = await one(
      'industry',
      `select e.credit_code, e.name, e.region_code, e.industry_code, e.key_enterprise, e.above_designated_size, r.name as region_name
         from enterprise e join region r on r.code = e.region_code
        where e.key_enterprise = ? and e.above_designated_size = ?
        order by e.credit_code limit 1`,
      [true, true],
    );
    const code: string = enterprise.credit_code;
    const result = await system.query(
      `query Enterprise($code: CreditCode!, $month: Month!) {
        enterprise(creditCode: $code) {
          creditCode name industryCode keyEnterprise aboveDesignatedSize region { code name }
          ${ALL_NAMESPACES()}
        }
      }
      ${OBSERVATION_FRAGMENT}`,
      { code, month: MONTH },
    );
    expectNoErrors(result);
    const e = result.data.enterprise;
    expect({
      creditCode: e.creditCode,
      name: e.name,
      industryCode: e.industryCode,
      keyEnterprise: e.keyEnterprise,
      aboveDesignatedSize: e.aboveDesignatedSize,
      region: e.region,
    }).toEqual({
      creditCode: code,
      name: enterprise.name,
      industryCode: enterprise.industry_code,
      keyEnterprise: Boolean(enterprise.key_enterprise),
      aboveDesignatedSize: Boolean(enterprise.above_designated_size),
      region: { code: enterprise.region_code, name: enterprise.region_name },
    });
    for (const name of SUBGRAPHS) {
      const rows = await observationRows(system, name, 'ENTERPRISE', code, MONTH);
      expect({ [name]: rows.length > 0 }).toEqual({ [name]: true });
      expectFiguresMatchRows(name, e[name], rows, MONTH);
    }
  });
});

describe('the region tree', () => {
  test(`the city ${CITY} and its children`, async () => {
    const result = await system.query(`{ region(code: "${CITY}") { code name level parent { code } children { code } } }`);
    expectNoErrors(result);
    const city = await one('industry', 'select code, name, level from region where code = ?', [CITY]);
    const children = await system.sql('industry', 'select code from region where parent_code = ? order by code', [CITY]);
    expect(children.length).toBeGreaterThan(0);
    expect(result.data.region).toEqual({ ...city, parent: null, children: children.map((r) => ({ code: r.code })) });
  });

  test('regions(level: DISTRICT)', async () => {
    const result = await system.query('{ regions(level: DISTRICT) { code name level } }');
    expectNoErrors(result);
    const districts = await system.sql('industry', "select code, name, level from region where level = 'DISTRICT' order by code");
    expect(districts.length).toBeGreaterThan(0);
    expect(result.data.regions).toEqual(districts);
  });
});

describe('pagination of enterprises', () => {
  const PAGE = `query Page($after: String) {
    enterprises(region: "${COUNTY}", first: 7, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { creditCode region { code } } }
    }
  }`;

  test(`walks ${COUNTY} 7 at a time: every enterprise once, in credit-code order, as many as the register holds`, async () => {
    const registered = (await system.sql('industry', 'select credit_code from enterprise where region_code = ?', [COUNTY])).map((r) => r.credit_code as string);
    // Code-point order, as the API promises ("ordered by credit code"), whatever the database's collation.
    registered.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(registered.length).toBeGreaterThan(14); // at least three pages

    const seen: string[] = [];
    const cursors = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: GraphQLResult = await system.query(PAGE, { after });
      expectNoErrors(result);
      const { totalCount, pageInfo, edges } = result.data.enterprises;
      pages++;
      expect(totalCount).toBe(registered.length);
      expect(edges.length).toBeGreaterThan(0);
      expect(edges.length).toBeLessThanOrEqual(7);
      for (const edge of edges) {
        expect(edge.node.region.code).toBe(COUNTY);
        cursors.add(edge.cursor);
        seen.push(edge.node.creditCode);
      }
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
      if (!pageInfo.hasNextPage) break;
      expect(edges).toHaveLength(7); // only the last page is short
      after = pageInfo.endCursor;
      if (pages > registered.length) throw new Error('pagination does not end');
    }
    expect(pages).toBe(Math.ceil(registered.length / 7));
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    expect(cursors.size).toBe(seen.length);
    expect(seen).toEqual(registered); // no gaps, in order, total = totalCount = the database's count
  });

  test.each([
    ['first: 0', 'first: 0', 'first', /between 1 and 500, got 0/],
    ['first: 501', 'first: 501', 'first', /between 1 and 500, got 501/],
    ['a garbage cursor', 'first: 7, after: "garbage"', 'after', /not a cursor this API issued/],
  ])('%s → BAD_USER_INPUT naming the argument', async (_label, args, argument, reason) => {
    const result = await system.query(`{ enterprises(region: "${COUNTY}", ${args}) { totalCount edges { node { creditCode } } } }`);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.field).toBe(argument);
    expect(error.message).toContain(`"${argument}"`);
    expect(error.message).toMatch(reason);
    expect(error.path).toEqual(['enterprises']);
    expect(result.data?.enterprises ?? null).toBeNull();
  });
});

describe('statistics publishes January and February together (1–2月)', () => {
  const QUERY = `query($month: Month!) { region(code: "${DISTRICT}") { statistics(month: $month) { month grossOutput { ...obs } indicators { ...obs } } } }
    ${OBSERVATION_FRAGMENT}`;
  const grossOutputRows = (month: string) =>
    system.sql('statistics', "select value, ytd_value from observation where indicator = 'STAT_GROSS_OUTPUT' and subject_type = 'REGION' and subject_code = ? and month = ?", [
      DISTRICT,
      month,
    ]);

  test('2015-01 has no gross-output row', async () => {
    expect(await grossOutputRows('2015-01')).toEqual([]);
    const result = await system.query(QUERY, { month: '2015-01' });
    expectNoErrors(result);
    const statistics = result.data.region.statistics;
    expect(statistics.grossOutput).toBeNull();
    expect(statistics.indicators.map((o: { indicator: string }) => o.indicator)).not.toContain('STAT_GROSS_OUTPUT');
  });

  test('2015-02 has no current-month value, only the year to date', async () => {
    const [row] = await grossOutputRows('2015-02');
    expect(row.value).toBeNull();
    expect(row.ytd_value).not.toBeNull();
    const result = await system.query(QUERY, { month: '2015-02' });
    expectNoErrors(result);
    const { grossOutput } = result.data.region.statistics;
    expect(grossOutput.value).toBeNull();
    expect(grossOutput.ytdValue).toBe(Number(row.ytd_value));
    expect(grossOutput.ytdValue).toBeGreaterThan(0);
  });
});

describe('unknown indicator codes', () => {
  test('indicators(codes: ["NOPE"]) → UNKNOWN_INDICATOR naming the field; the rest of the query answers', async () => {
    // `indicators` is nullable (README, "Nullability designed for failure"), so the error nulls that
    // list only: the region and its name still answer, and so do the sibling root field, another
    // department and the same department under another alias.
    const result = await system.query(
      `{
        bad: region(code: "${DISTRICT}") { name energy(month: "${MONTH}") { indicators(codes: ["NOPE"]) { indicator } } }
        good: region(code: "${DISTRICT}") {
          name
          energy(month: "${MONTH}") { electricity { value } indicators(codes: ["EN_GAS"]) { indicator value } }
          finance(month: "${MONTH}") { newLoans { value } }
        }
      }`,
    );
    expect(result.status).toBe(200);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error.extensions?.code).toBe('UNKNOWN_INDICATOR');
    expect(error.extensions?.field).toBe('indicators.codes');
    expect(error.extensions?.indicator).toBe('NOPE');
    expect(error.message).toContain('"indicators.codes"');
    expect(error.message).toContain('"NOPE"');
    expect(error.path).toEqual(['bad', 'energy', 'indicators']);

    const [region] = await system.sql('industry', 'select name from region where code = ?', [DISTRICT]);
    expect(result.data.bad).toEqual({ name: region.name, energy: { indicators: null } });
    const energy = await observationRows(system, 'energy', 'REGION', DISTRICT, MONTH);
    const [newLoans] = await system.sql(
      'finance',
      "select value from observation where indicator = 'FIN_NEW_LOANS' and subject_type = 'REGION' and subject_code = ? and month = ?",
      [DISTRICT, MONTH],
    );
    const value = (code: string) => Number(energy.find((r) => r.indicator === code)!.value);
    expect(result.data.good).toEqual({
      name: region.name,
      energy: { electricity: { value: value('EN_ELECTRICITY') }, indicators: [{ indicator: 'EN_GAS', value: value('EN_GAS') }] },
      finance: { newLoans: { value: Number(newLoans.value) } },
    });
  });
});

describe('bad identifiers are refused at the gateway with BAD_USER_INPUT', () => {
  interface BadCase {
    label: string;
    /** The argument's type in the schema, for the variable form. */
    type: string;
    argument: string;
    /** The operation's selection with `ARG` where the identifier goes (a literal or `$value`). */
    selection: string;
    /** The root field that must have no data. */
    field: string;
    value: string;
    reason: RegExp;
  }
  const cases: BadCase[] = [];
  let realCode = '';

  beforeAll(async () => {
    const [row] = await system.sql('industry', 'select credit_code from enterprise order by credit_code limit 1');
    realCode = row.credit_code;
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const other = (c: string) => alphabet[(alphabet.indexOf(c) + 1) % alphabet.length];
    const enterprise = (label: string, value: string, reason: RegExp) =>
      cases.push({ label, type: 'CreditCode!', argument: 'creditCode', selection: 'enterprise(creditCode: ARG) { name }', field: 'enterprise', value, reason });
    // A wrong check character is bad input, not another enterprise.
    enterprise('credit code with its check character changed', realCode.slice(0, 17) + other(realCode[17]), /check character is .*, expected /);
    // One body character changed: the check character no longer fits (any single change shows, the weights are prime to 31).
    enterprise('credit code with a body character changed', realCode.slice(0, 12) + other(realCode[12]) + realCode.slice(13), /check character is .*, expected /);
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      enterprise(`credit code with the forbidden letter ${letter}`, realCode.slice(0, 10) + letter + realCode.slice(11), new RegExp(`character 11 \\("${letter}"\\) is not allowed`));
    }
    enterprise('credit code of 17 characters', realCode.slice(0, 17), /must be 18 characters, got 17/);
    enterprise('credit code of 19 characters', `${realCode}0`, /must be 18 characters, got 19/);
    // Padding is refused as every identifier scalar refuses it (CreditCode alone trimmed it).
    enterprise('credit code with a space before it', ` ${realCode}`, /has spaces \(or other whitespace\) around it/);
    const region = (label: string, value: string, reason: RegExp) =>
      cases.push({ label, type: 'RegionCode!', argument: 'code', selection: 'region(code: ARG) { name }', field: 'region', value, reason });
    region('unknown region 411099', '411099', /is not a region of 许昌市/);
    region('region code of 5 digits', '41100', /must be exactly 6 digits/);
    const month = (label: string, value: string, reason: RegExp) =>
      cases.push({ label, type: 'Month!', argument: 'month', selection: `region(code: "${DISTRICT}") { name energy(month: ARG) { month } }`, field: 'region', value, reason });
    month('month 2015-13', '2015-13', /month 13 does not exist/);
    month('month 2015-6', '2015-6', /must look like "2015-06"/);
    month('month June', 'June', /must look like "2015-06"/);
    cases.push({
      label: 'industry C05 (division 05 is in section A)',
      type: 'IndustryCode',
      argument: 'industry',
      selection: 'enterprises(industry: ARG, first: 5) { totalCount }',
      field: 'enterprises',
      value: 'C05',
      reason: /division 05 is not in section C/,
    });
    expect(cases).toHaveLength(16);
  });

  function expectRefused(result: GraphQLResult, c: BadCase, names: string): void {
    expect(result.errors?.length).toBeGreaterThanOrEqual(1);
    const [error] = result.errors!;
    expect({ case: c.label, code: error.extensions?.code }).toEqual({ case: c.label, code: 'BAD_USER_INPUT' });
    expect(error.message).toContain(names);
    expect(error.message).toContain(JSON.stringify(c.value));
    expect(error.message).toMatch(c.reason);
    expect(String(error.extensions?.reason)).toMatch(c.reason);
    // Refused before execution: no data at all, so certainly none for the field.
    expect(result.data?.[c.field] ?? null).toBeNull();
  }

  test('as literals: the message names the argument and the reason', async () => {
    for (const c of cases) {
      const result = await system.query(`{ ${c.selection.replace('ARG', JSON.stringify(c.value))} }`);
      expectRefused(result, c, `argument "${c.argument}"`);
      expect(result.errors![0].extensions?.argument).toBe(c.argument);
    }
  });

  test('as variables: the message names the variable and the reason', async () => {
    for (const c of cases) {
      const result = await system.query(`query Bad($suspect: ${c.type}) { ${c.selection.replace('ARG', '$suspect')} }`, { suspect: c.value });
      expectRefused(result, c, 'Variable "$suspect"');
      expect(result.errors![0].extensions?.variable).toBe('suspect');
    }
  });

  test('the real code next to them is accepted (the refusals are about the changes)', async () => {
    const result = await system.query('query($c: CreditCode!) { enterprise(creditCode: $c) { creditCode } }', { c: realCode });
    expectNoErrors(result);
    expect(result.data.enterprise).toEqual({ creditCode: realCode });
  });
});

/**
 * A nullable variable may fill a non-null argument that has a default, and an explicit `null` for it
 * then failed inside the subgraph (INTERNAL_SERVER_ERROR, or DOWNSTREAM_SERVICE_ERROR with no data):
 * a tester's generated client sent `{"k": null}`. Every such argument of the composed supergraph,
 * wherever it is, is tried: the gateway refuses it with BAD_USER_INPUT naming the variable and the
 * argument, and leaving the variable out uses the default.
 */
describe('an explicit null for a non-null argument with a default', () => {
  const api = Supergraph.build(readFileSync(join(REPO_ROOT, 'schema', 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();
  /** Literals for the required arguments met on the way to a field (valid, so only the null is refused). */
  const LITERALS: Record<string, string> = { RegionCode: '"411002"', Month: `"${MONTH}"`, Int: '1', String: '"X"', Boolean: 'false', ID: '"1"', Date: '"2015-06-30"', DateTimeISO: '"2015-07-01T00:00:00Z"', Float: '1' };
  const literal = (type: GraphQLNamedType): string | null => (isEnumType(type) ? type.getValues()[0].name : LITERALS[type.name] ?? null);
  const requiredArgs = (field: GraphQLField<unknown, unknown>, except?: string): string | null => {
    const parts: string[] = [];
    for (const arg of field.args) {
      if (arg.name === except || !isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
      const value = literal(getNamedType(arg.type));
      if (value === null) return null;
      parts.push(`${arg.name}: ${value}`);
    }
    return parts.join(', ');
  };
  /** Shortest path of selections from Query to each object type, through fields whose required arguments have literals. */
  const paths = new Map<string, string[]>([['Query', []]]);
  for (let frontier = ['Query']; frontier.length; ) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const field of Object.values((api.getType(name) as GraphQLObjectType).getFields())) {
        const target = getNamedType(field.type);
        const args = requiredArgs(field);
        if (!isObjectType(target) || paths.has(target.name) || args === null) continue;
        paths.set(target.name, [...paths.get(name)!, `${field.name}${args ? `(${args})` : ''}`]);
        next.push(target.name);
      }
    }
    frontier = next;
  }
  const targets = Object.values(api.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__') && t.name !== 'Mutation')
    .flatMap((type) => Object.values(type.getFields()).flatMap((field) => field.args.filter((a) => isNonNullType(a.type) && a.defaultValue !== undefined).map((arg) => ({ type, field, arg }))));

  test('every such argument is reached by a document', () => {
    expect(targets.length).toBeGreaterThan(20);
    expect(targets.filter((t) => !paths.has(t.type.name) || requiredArgs(t.field, t.arg.name) === null).map((t) => `${t.type.name}.${t.field.name}(${t.arg.name})`)).toEqual([]);
  });

  test('is refused at the gateway with BAD_USER_INPUT naming the variable and the argument, for every one', async () => {
    const refusals: unknown[] = [];
    for (const { type, field, arg } of targets) {
      const others = requiredArgs(field, arg.name)!;
      const named = getNamedType(field.type);
      const leaf = isLeafType(named) ? '' : ' { __typename }';
      const inner = `${field.name}(${[others, `${arg.name}: $v`].filter(Boolean).join(', ')})${leaf}`;
      const text = `query NullArgument($v: ${getNamedType(arg.type).name}) { ${paths.get(type.name)!.reduceRight((selection, hop) => `${hop} { ${selection} }`, inner)} }`;
      const result = await system.query(text, { v: null });
      refusals.push({ at: `${type.name}.${field.name}(${arg.name})`, status: result.status, data: result.data ?? null, errors: result.errors?.map((e) => ({ code: e.extensions?.code, variable: e.extensions?.variable, argument: e.extensions?.argument, fix: /leave "v" out/.test(e.message) })) });
    }
    expect(refusals).toEqual(targets.map(({ type, field, arg }) => ({ at: `${type.name}.${field.name}(${arg.name})`, status: 400, data: null, errors: [{ code: 'BAD_USER_INPUT', variable: 'v', argument: arg.name, fix: true }] })));
  });

  test('the same variable left out uses the default, and a value is used as given', async () => {
    const query = 'query Page($k: Boolean, $f: Int) { enterprises(keyOnly: $k, first: $f) { totalCount edges { node { creditCode } } } }';
    const omitted = await system.query(query, {});
    expectNoErrors(omitted);
    expect(omitted.data.enterprises.edges).toHaveLength(50);
    const given = await system.query(query, { k: true, f: 3 });
    expectNoErrors(given);
    expect(given.data.enterprises.edges).toHaveLength(3);
    const [{ n }] = await system.sql('industry', 'select count(*) as n from enterprise where key_enterprise = ?', [true]);
    expect(given.data.enterprises.totalCount).toBe(Number(n));
  });
});

describe('the depth limit', () => {
  // region → parent → parent …: the gateway's default MAX_QUERY_DEPTH is 12 fields.
  const chain = (parents: number) => `{ region(code: "${DISTRICT}") { ${'parent { '.repeat(parents)}code${' }'.repeat(parents)} } }`;

  test('a query 12 fields deep answers', async () => {
    const result = await system.query(chain(10)); // region + 10 × parent + code = 12
    expectNoErrors(result);
    // The district's parent is the city, whose parent is null: the chain ends there.
    expect(result.data.region).toEqual({ parent: { parent: null } });
  });

  test('one level deeper → QUERY_TOO_COMPLEX, nothing executed', async () => {
    const result = await system.query(chain(11));
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', actual: 13, max: 12, depth: 13, maxDepth: 12 });
    expect(result.data ?? null).toBeNull();
  });
});

describe('SQL statements per request do not grow with the page', () => {
  const PAGE = `query Meeting($region: RegionCode!, $first: Int!, $month: Month!) {
    enterprises(region: $region, first: $first) {
      edges {
        node {
          creditCode
          industry(month: $month) { keyEnterpriseOutput { value } indicators { indicator value } }
          finance(month: $month) { loansOutstanding { value } newLoans { value } }
          energy(month: $month) { electricity { value ytdValue } }
          statistics(month: $month) { grossOutput { value } salesRatio { value } }
          hr(month: $month) { employees { value } }
          region { name }
        }
      }
    }
  }`;

  async function statementsFor(first: number): Promise<Record<SubgraphName, number>> {
    const before = await Promise.all(SUBGRAPHS.map((name) => system.sqlStatements(name)));
    const result = await system.query(PAGE, { region: CITY, first, month: MONTH });
    const after = await Promise.all(SUBGRAPHS.map((name) => system.sqlStatements(name)));
    expectNoErrors(result);
    const edges = result.data.enterprises.edges;
    expect(edges).toHaveLength(first);
    // The answers are real: every enterprise has its register region and its HR figures.
    for (const { node } of edges) {
      expect(node.region.name).toEqual(expect.any(String));
      expect(node.hr.employees.value).toEqual(expect.any(Number));
    }
    return Object.fromEntries(SUBGRAPHS.map((name, i) => [name, after[i] - before[i]])) as Record<SubgraphName, number>;
  }

  test('10 and 100 enterprises of the city, with all five departments: the same few statements per subgraph', async () => {
    await statementsFor(10); // warm-up: anything a first request does once (connections, metadata) is not counted
    const small = await statementsFor(10);
    const large = await statementsFor(100);
    console.log(
      [
        `SQL statements per request (${system.database.kind}), enterprises(region: "${CITY}", first: N) with all five departments:`,
        `  subgraph     N=10  N=100`,
        ...SUBGRAPHS.map((name) => `  ${name.padEnd(11)}  ${String(small[name]).padStart(4)}  ${String(large[name]).padStart(5)}`),
      ].join('\n'),
    );
    // Constant, not proportional to the page: DataLoaders batch each kind of lookup into one statement.
    expect(large).toEqual(small);
    // industry = 3: the page `select … limit N+1` + one region-loader `select … where code in (…)`
    //   for `region { name }` + one observation-loader `select … where subject_code in (…)` for
    //   `industry(month)`. (No `count(*)`: totalCount is not selected, so it is not computed.)
    // finance, energy, statistics, hr = 2 each: the gateway sends one `_entities` request with the
    //   N enterprise references; their reference resolvers check the N keys against the
    //   department's copy of the register in one statement (an unknown key answers null), and the
    //   N namespace fields share one observation-loader statement.
    expect(small).toEqual({ industry: 3, finance: 2, energy: 2, statistics: 2, hr: 2 });
  });
});

describe('a wrong enum value names the values to use (an analyst got only "does not exist in RankingBasis enum")', () => {
  const VALUES = /The values of RankingBasis: YEAR_TO_DATE, GROWTH, CURRENT_MONTH\./;

  it('as a literal: GRAPHQL_VALIDATION_FAILED with the enum’s values', async () => {
    const result = await system.query(`{ region(code: "411000") { statistics(month: "${MONTH}") { ranking(indicator: "STAT_GROSS_OUTPUT", by: YTD) { rank } } } }`);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors![0].message).toMatch(/Value "YTD" does not exist in "RankingBasis" enum\./);
    expect(result.errors![0].message).toMatch(VALUES);
  });

  it('as a variable: its refusal with the enum’s values', async () => {
    const result = await system.query(`query($by: RankingBasis!) { region(code: "411000") { statistics(month: "${MONTH}") { ranking(indicator: "STAT_GROSS_OUTPUT", by: $by) { rank } } } }`, { by: 'YTD' });
    expect(result.status).toBe(400);
    expect(result.errors![0].message).toMatch(/Variable "\$by" got invalid value "YTD"; Value "YTD" does not exist in "RankingBasis" enum\./);
    expect(result.errors![0].message).toMatch(VALUES);
  });
});
