import { buildSchema, graphql, type GraphQLScalarType } from 'graphql';
import { createFormatError, withoutAddresses } from '../src/errors';
import { readGatewayConfig } from '../src/config';

// The address filter runs on every message in every mode: it must take out what locates a machine
// and nothing else. Each kind of bracketed or dotted thing a message can hold, on both sides.
describe('withoutAddresses', () => {
  const addresses = [
    'connect ECONNREFUSED 127.0.0.1:4003',
    'request to http://energy:4003/graphql failed',
    'connect ECONNREFUSED [::1]:4003',
    'connect ECONNREFUSED ::1:4003',
    'host [fe80::1%25eth0] unreachable'.replace('%25eth0', ''),
    'at [2001:db8::7]:443',
    'at [::ffff:10.0.0.1]:80',
    'localhost:4701 refused',
  ];
  it.each(addresses)('takes the address out of %j', (message) => {
    const out = withoutAddresses(message);
    expect(out).toContain('<internal address>');
    expect(out).not.toMatch(/127\.0\.0\.1|energy:4003|::1|fe80|2001:db8|10\.0\.0\.1|localhost:4701/);
  });

  const kept = [
    'observations[0].ytdValue: a year-to-date value is required',
    'observations[12].value is negative',
    'rows[add] and rows[dead] and rows[cafe] and rows[0a]',
    'codes[1.5] is not an index',
    'a pair [a:b] is not an address',
    'the list [1, 2, 3] and an empty list []',
    'EN_ELECTRICITY[2016-02] and ["x"]',
  ];
  it.each(kept)('leaves %j as it is', (message) => {
    expect(withoutAddresses(message)).toBe(message);
  });
});

describe('stack traces', () => {
  it('are never in the gateway’s answers, whatever NODE_ENV says (issue 11: in any mode)', () => {
    for (const NODE_ENV of ['development', 'test', 'production', undefined]) {
      expect(readGatewayConfig({ NODE_ENV }).stacktraces).toBe(false);
    }
  });
});

// graphql-js 16 names where inside a variable the bad part is only in its message: the gateway
// reads it out as extensions.variablePath. Real graphql-js refusals of each kind, not hand-written messages.
describe('a bad part inside a variable (extensions.variablePath)', () => {
  const schema = buildSchema(`
    scalar Month
    input Row { indicator: String!, value: Float }
    input Batch { month: Month!, rows: [Row!]! }
    type Query { submit(batch: Batch!): Int, month(month: Month!): Int }
  `);
  (schema.getType('Month') as GraphQLScalarType).parseValue = (value: unknown) => {
    if (typeof value !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new TypeError(`${JSON.stringify(value)} is not a valid month (YYYY-MM)`);
    return value;
  };
  const formatError = createFormatError({ stacktraces: false });
  const refusal = async (query: string, variables: Record<string, unknown>) => {
    const result = await graphql({ schema, source: query, variableValues: variables });
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0];
    // Apollo Server codes variable refusals BAD_USER_INPUT before formatError sees them.
    return formatError({ ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } }, error).extensions;
  };
  const SUBMIT = 'query ($batch: Batch!) { submit(batch: $batch) }';

  it.each([
    ['a value deep in a list', { month: '2015-06', rows: [{ indicator: 'A', value: 1 }, { indicator: 'B', value: 'x' }] }, 'batch.rows[1].value'],
    ['a scalar field', { month: '2015-13', rows: [] }, 'batch.month'],
    ['a required field left out', { rows: [] }, 'batch.month'],
    ['a required field left out, in a list', { month: '2015-06', rows: [{ value: 1 }] }, 'batch.rows[0].indicator'],
    ['a field the type does not have', { month: '2015-06', rows: [], monht: 'x' }, 'batch.monht'],
  ])('%s: %j is at %s', async (_what, batch, path) => {
    expect(await refusal(SUBMIT, { batch })).toEqual({ code: 'BAD_USER_INPUT', variable: 'batch', variablePath: path });
  });

  it('is left out when the variable is wrong as a whole, and a value that prints `at "…"` does not fool it', async () => {
    expect(await refusal('query ($m: Month!) { month(month: $m) }', { m: '2015-13' })).toEqual({ code: 'BAD_USER_INPUT', variable: 'm' });
    expect(await refusal('query ($m: Month!) { month(month: $m) }', { m: 'x at "m.y"; ' })).toEqual({ code: 'BAD_USER_INPUT', variable: 'm' });
    expect(await refusal(SUBMIT, { batch: 'not an object' })).toEqual({ code: 'BAD_USER_INPUT', variable: 'batch' });
  });
});
