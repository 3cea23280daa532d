import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { CreditCodeScalar, DateScalar, IndustryCodeScalar, MonthScalar, RegionCodeScalar } from '../src';

/** A schema with one field per scalar, echoing its argument: the scalars as a client meets them. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: Object.fromEntries(
      [CreditCodeScalar, RegionCodeScalar, MonthScalar, IndustryCodeScalar, DateScalar].map((scalar) => [
        scalar.name.toLowerCase(),
        { type: GraphQLString, args: { value: { type: scalar } }, resolve: (_: unknown, args: { value: string }) => args.value },
      ]),
    ),
  }),
});

const cases: [string, string, string][] = [
  ['creditcode', '91350100M000100Y43', '91350100M000100Y44'],
  ['regioncode', '411002', '411099'],
  ['month', '2015-06', '2015-13'],
  ['industrycode', 'C3811', 'C05'],
  ['date', '2015-06-30', '2015-02-30'],
];

describe.each(cases)('%s scalar', (field, good, bad) => {
  it('passes a valid literal and variable through', async () => {
    const literal = await graphql({ schema, source: `{ ${field}(value: "${good}") }` });
    expect(literal).toEqual({ data: { [field]: good } });
    const variable = await graphql({ schema, source: `query($v: String) { ${field}(value: $v) }`.replace('String', schemaTypeName(field)), variableValues: { v: good } });
    expect(variable).toEqual({ data: { [field]: good } });
  });

  it('refuses an invalid literal with BAD_USER_INPUT and the reason', async () => {
    const result = await graphql({ schema, source: `{ ${field}(value: "${bad}") }` });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain(bad);
    expect(result.errors?.[0].extensions?.reason).toEqual(expect.any(String));
  });

  it('refuses an invalid variable with BAD_USER_INPUT', async () => {
    const result = await graphql({ schema, source: `query($v: ${schemaTypeName(field)}) { ${field}(value: $v) }`, variableValues: { v: bad } });
    expect(result.errors?.[0].message).toMatch(/Variable "\$v" got invalid value/);
    expect(result.errors?.[0].message).toContain(bad);
  });

  it('refuses a non-string literal', async () => {
    const result = await graphql({ schema, source: `{ ${field}(value: 411002) }` });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

function schemaTypeName(field: string): string {
  return { creditcode: 'CreditCode', regioncode: 'RegionCode', month: 'Month', industrycode: 'IndustryCode', date: 'Date' }[field]!;
}
