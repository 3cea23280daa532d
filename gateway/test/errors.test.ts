import { withoutAddresses } from '../src/errors';
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
