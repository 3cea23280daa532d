import { buildSchema, parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { completeCreditCode, CREDIT_CODE_ALPHABET } from '@huishang/schema';
import { DEFAULT_MAX_QUERY_DEPTH, maxQueryDepth } from '../src/config';
import { depthLimitRule, identifierArgumentsRule } from '../src/validation';

const schema = buildSchema(`
  scalar CreditCode
  scalar RegionCode
  scalar Month
  scalar IndustryCode
  directive @asOf(month: Month!) on FIELD

  input EnterpriseFilter {
    region: RegionCode
    regions: [RegionCode!]
    industry: IndustryCode
    within: EnterpriseFilter
    label: String
  }

  type Region {
    code: RegionCode!
    name: String
    parent: Region
    enterprises(filter: EnterpriseFilter): [Enterprise!]!
  }

  type Enterprise {
    creditCode: CreditCode!
    name: String
    region: Region
    output(month: Month!): Float
  }

  type Query {
    enterprise(creditCode: CreditCode!): Enterprise
    region(code: RegionCode!): Region
    regions(codes: [RegionCode!]): [Region!]!
    enterprises(filter: EnterpriseFilter, industry: IndustryCode, name: String): [Enterprise!]!
    calendar(months: [[Month!]!]): Int
  }
`);

const GOOD_CODE = completeCreditCode('91411000MA3X1234K');
/** Same code with its 10th character replaced: the check character no longer matches. */
const ONE_CHARACTER_CHANGED = (() => {
  const i = 9;
  const replacement = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.indexOf(GOOD_CODE[i]) + 1) % CREDIT_CODE_ALPHABET.length];
  return GOOD_CODE.slice(0, i) + replacement + GOOD_CODE.slice(i + 1);
})();

function identifierErrors(query: string): readonly GraphQLError[] {
  return validate(schema, parse(query), [identifierArgumentsRule]);
}

describe('identifierArgumentsRule', () => {
  it('accepts good literals of every identifier scalar', () => {
    expect(
      identifierErrors(`{
        enterprise(creditCode: "${GOOD_CODE}") { creditCode output(month: "2015-06") }
        region(code: "411002") { code }
        regions(codes: ["411002", "411023", "411071"]) { code }
        enterprises(industry: "C3811", filter: { region: "411024", regions: ["411081"], industry: "C38", within: { industry: "C" } }) { name }
        calendar(months: [["2015-01", "2015-02"], ["2015-12"]])
      }`),
    ).toEqual([]);
  });

  it('refuses a credit code with one character changed, naming argument and field', () => {
    expect(ONE_CHARACTER_CHANGED).not.toBe(GOOD_CODE);
    const [error, ...rest] = identifierErrors(`{ enterprise(creditCode: "${ONE_CHARACTER_CHANGED}") { name } }`);
    expect(rest).toEqual([]);
    expect(error.message).toMatch(
      new RegExp(
        `^Invalid value for argument "creditCode" of field "Query.enterprise": "${ONE_CHARACTER_CHANGED}" is not a valid unified social credit code \\(统一社会信用代码\\): check character is ${GOOD_CODE[17]}, expected [${CREDIT_CODE_ALPHABET}]$`,
      ),
    );
    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'Query.enterprise',
      argument: 'creditCode',
      scalar: 'CreditCode',
      reason: expect.stringMatching(/^check character is /),
    });
  });

  it.each([
    ['RegionCode', `{ region(code: "4110") { code } }`, 'Query.region', 'code', /must be exactly 6 digits/],
    ['RegionCode (unknown region)', `{ region(code: "110101") { code } }`, 'Query.region', 'code', /is not a region of 许昌市/],
    ['Month', `{ enterprise(creditCode: "${GOOD_CODE}") { output(month: "2015-13") } }`, 'Enterprise.output', 'month', /month 13 does not exist/],
    ['Month (format)', `{ enterprise(creditCode: "${GOOD_CODE}") { output(month: "2015/06") } }`, 'Enterprise.output', 'month', /must look like "2015-06"/],
    ['IndustryCode', `{ enterprises(industry: "C05") { name } }`, 'Query.enterprises', 'industry', /division 05 is not in section C/],
    ['CreditCode (length)', `{ enterprise(creditCode: "91411000") { name } }`, 'Query.enterprise', 'creditCode', /must be 18 characters, got 8/],
  ])('refuses a bad %s literal', (_scalar, query, field, argument, reason) => {
    const errors = identifierErrors(query);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(new RegExp(`^Invalid value for argument "${argument}" of field "${field.replace('.', '\\.')}": `));
    expect(errors[0].message).toMatch(reason);
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, argument });
  });

  it('refuses identifiers not written as string literals', () => {
    const errors = identifierErrors(`{ region(code: 411002) { code } enterprises(industry: C3811) { name } }`);
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid value for argument "code" of field "Query.region": 411002 is not a valid region code (GB/T 2260 行政区划代码): must be written as a string literal, in double quotes',
      'Invalid value for argument "industry" of field "Query.enterprises": "C3811" is not a valid industry code (GB/T 4754-2017 国民经济行业分类): must be written as a string literal, in double quotes',
    ]);
  });

  it('checks every item of lists, nested lists and input objects, with the path', () => {
    const errors = identifierErrors(`{
      regions(codes: ["411002", "41100X", "411023"]) { code }
      calendar(months: [["2015-01"], ["2015-02", "15-03"]])
      enterprises(filter: { regions: ["411002", "999999"], within: { region: "0", label: "not checked" } }) { name }
    }`);
    expect(errors.map((e) => [e.extensions.argument, e.extensions.path])).toEqual([
      ['codes', 'codes[1]'],
      ['months', 'months[1][1]'],
      ['filter', 'filter.regions[1]'],
      ['filter', 'filter.within.region'],
    ]);
    expect(errors[2].message).toMatch(/^Invalid value for argument "filter\.regions\[1\]" of field "Query\.enterprises": "999999"/);
  });

  it('treats a single value where a list is expected as a one-item list', () => {
    expect(identifierErrors(`{ regions(codes: "411002") { code } }`)).toEqual([]);
    expect(identifierErrors(`{ regions(codes: "4110") { code } }`)).toHaveLength(1);
  });

  it('leaves variables and null to the other checks', () => {
    expect(identifierErrors(`query ($c: RegionCode!, $r: [RegionCode!]) { region(code: $c) { code } regions(codes: $r) { code } a: regions(codes: null) { code } }`)).toEqual([]);
  });

  it('checks literals inside fragments, directive arguments and variable defaults', () => {
    const errors = identifierErrors(`
      query ($month: Month = "2015-00") { enterprise(creditCode: "${GOOD_CODE}") { ...Figures name @asOf(month: "June") } }
      fragment Figures on Enterprise { output(month: $month) region { parent { enterprises(filter: { industry: "Z" }) { name } } } }
    `);
    expect(errors.map((e) => e.message.replace(/:.*$/s, ''))).toEqual([
      'Invalid value for default value of variable "$month"',
      'Invalid value for argument "month" of directive "@asOf"',
      'Invalid value for argument "filter.industry" of field "Region.enterprises"',
    ]);
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', variable: 'month' });
    expect(errors[1].extensions).toMatchObject({ code: 'BAD_USER_INPUT', directive: '@asOf', argument: 'month' });
  });

  it("adds nothing to graphql-js's own rules for good queries and reports a bad literal once", () => {
    const rules = [...specifiedRules, identifierArgumentsRule];
    expect(validate(schema, parse(`{ region(code: "411002") { code } }`), rules)).toEqual([]);
    expect(validate(schema, parse(`{ region(code: "4110") { code } }`), rules)).toHaveLength(1);
  });
});

function depthErrors(query: string, max: number): readonly GraphQLError[] {
  return validate(schema, parse(query), [depthLimitRule(max)]);
}

/** `region { parent { parent { … code } } }`: `depth` fields deep. */
function nested(depth: number): string {
  let selection = 'code';
  for (let level = 2; level < depth; level++) selection = `parent { ${selection} }`;
  return `query Deep { region(code: "411002") { ${selection} } }`;
}

describe('depthLimitRule', () => {
  it('counts fields deep', () => {
    expect(depthErrors(nested(5), 5)).toEqual([]);
    expect(depthErrors(nested(6), 5)).toHaveLength(1);
  });

  it('accepts a query just under or at the limit and refuses one just over it', () => {
    expect(depthErrors(nested(11), 12)).toEqual([]);
    expect(depthErrors(nested(12), 12)).toEqual([]);
    const [error, ...rest] = depthErrors(nested(13), 12);
    expect(rest).toEqual([]);
    expect(error.message).toBe('Operation "Deep" is nested 13 levels deep; the gateway accepts at most 12 (MAX_QUERY_DEPTH). Split it into several smaller queries.');
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', operation: 'Deep', limit: 'depth', actual: 13, max: 12, depth: 13, maxDepth: 12 });
  });

  it('follows fragment spreads and inline fragments', () => {
    const query = `
      { region(code: "411002") { ...A } }
      fragment A on Region { parent { ... on Region { ...B } } }
      fragment B on Region { parent { parent { code } } }
    `;
    // region > parent > parent > parent > code
    expect(depthErrors(query, 5)).toEqual([]);
    const [error] = depthErrors(query, 4);
    expect(error.message).toMatch(/^The anonymous query is nested 5 levels deep; the gateway accepts at most 4/);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', operation: null, depth: 5 });
  });

  it('survives fragment cycles (NoFragmentCyclesRule reports them)', () => {
    const query = `{ region(code: "411002") { ...A } } fragment A on Region { parent { ...B } } fragment B on Region { parent { ...A } }`;
    expect(depthErrors(query, 3)).toEqual([]);
    expect(depthErrors(query, 2)).toHaveLength(1);
  });

  it('judges each operation of a document on its own', () => {
    const errors = depthErrors(`query Shallow { region(code: "411002") { code } } ${nested(4).replace('Deep', 'Deeper')}`, 3);
    expect(errors.map((e) => e.extensions.operation)).toEqual(['Deeper']);
  });

  it('exempts the introspection subtree', () => {
    const introspection = `query IntrospectionQuery { __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } __type(name: "Region") { fields { type { ofType { ofType { ofType { name } } } } } } }`;
    expect(depthErrors(introspection, 2)).toEqual([]);
  });

  it('reads MAX_QUERY_DEPTH', () => {
    expect(maxQueryDepth({})).toBe(DEFAULT_MAX_QUERY_DEPTH);
    expect(DEFAULT_MAX_QUERY_DEPTH).toBe(12);
    expect(maxQueryDepth({ MAX_QUERY_DEPTH: '20' })).toBe(20);
    expect(() => maxQueryDepth({ MAX_QUERY_DEPTH: 'deep' })).toThrow(/MAX_QUERY_DEPTH must be a whole number/);
    expect(() => maxQueryDepth({ MAX_QUERY_DEPTH: '0' })).toThrow(/MAX_QUERY_DEPTH/);
  });
});
