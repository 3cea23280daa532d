import {
  addMonths,
  completeCreditCode,
  CREDIT_CODE_ALPHABET,
  creditCodeCheckCharacter,
  IdentifierError,
  isCreditCode,
  monthRange,
  monthsToDate,
  parseCreditCode,
  parseDate,
  parseDateTime,
  parseIndustryCode,
  parseMonth,
  parseRegionCode,
} from '../src';

/** The example code printed in GB 32100-2015 itself. */
const PUBLISHED = ['91350100M000100Y43'];

describe('CreditCode (GB 32100-2015)', () => {
  it.each(PUBLISHED)("accepts the standard's example %s", (code) => {
    expect(parseCreditCode(code)).toBe(code);
  });

  it('computes the check character with the standard weights', () => {
    // Independent computation of 91350100M000100Y4 → 3 with the standard's formula.
    const body = '91350100M000100Y4';
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = [...body].reduce((s, ch, i) => s + CREDIT_CODE_ALPHABET.indexOf(ch) * weights[i], 0);
    const c = 31 - (sum % 31);
    expect(creditCodeCheckCharacter(body)).toBe(CREDIT_CODE_ALPHABET[c === 31 ? 0 : c]);
  });

  it('refuses every code with one character changed', () => {
    const code = PUBLISHED[0];
    let refused = 0;
    for (let i = 0; i < 18; i++) {
      for (const ch of CREDIT_CODE_ALPHABET) {
        if (ch === code[i]) continue;
        const altered = code.slice(0, i) + ch + code.slice(i + 1);
        if (i >= 2 && i < 8 && !/\d/.test(ch)) continue; // region part must be digits: refused for another reason
        expect(isCreditCode(altered)).toBe(false);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(400);
  });

  it('says what is wrong', () => {
    expect(() => parseCreditCode('91350100M000100Y44')).toThrow(/check character is 4, expected 3/);
    expect(() => parseCreditCode('91350100M000100Y4')).toThrow(/must be 18 characters, got 17/);
    expect(() => parseCreditCode('91350100M0001O0Y43')).toThrow(/character 14 \("O"\) is not allowed/);
    expect(() => parseCreditCode('9135A100M000100Y43')).toThrow(/characters 3–8 must be the 6-digit region code/);
    expect(() => parseCreditCode(42)).toThrow(IdentifierError);
    // Whitespace around a code is refused with its reason, as the other identifier scalars refuse it (it was trimmed here only).
    expect(() => parseCreditCode(' 91350100M000100Y43')).toThrow(/has spaces \(or other whitespace\) around it/);
    expect(() => parseCreditCode('91350100M000100Y43\t')).toThrow(/has spaces \(or other whitespace\) around it/);
  });

  it('completes a body into a valid code', () => {
    expect(isCreditCode(completeCreditCode('91411002MA3X12345'))).toBe(true);
  });
});

describe('RegionCode (GB/T 2260)', () => {
  it.each(['411000', '411002', '411023', '411071', '411072'])('accepts %s', (code) => {
    expect(parseRegionCode(code)).toBe(code);
  });
  it.each([
    ['41100', /exactly 6 digits/],
    ['4110022', /exactly 6 digits/],
    ['41100A', /exactly 6 digits/],
    ['410000', /province code/],
    ['411099', /is not a region of 许昌市/],
    ['411003', /is not a region/], // 建安区 exists only from 2016
  ])('refuses %s', (code, reason) => {
    expect(() => parseRegionCode(code)).toThrow(reason);
  });
});

describe('Month', () => {
  it.each(['2015-06', '2013-01', '2015-12'])('accepts %s', (m) => expect(parseMonth(m)).toBe(m));
  it.each([
    ['2015-13', /month 13 does not exist/],
    ['2015-00', /month 00 does not exist/],
    ['2015-6', /must look like "2015-06"/],
    ['June', /must look like/],
    ['1900-01', /outside 1949–2100/],
  ])('refuses %s', (m, reason) => expect(() => parseMonth(m)).toThrow(reason));

  it('does calendar arithmetic', () => {
    expect(addMonths('2015-01', -1)).toBe('2014-12');
    expect(addMonths('2014-12', 13)).toBe('2016-01');
    expect(monthRange('2014-11', '2015-02')).toEqual(['2014-11', '2014-12', '2015-01', '2015-02']);
    expect(monthsToDate('2015-03')).toEqual(['2015-01', '2015-02', '2015-03']);
  });
});

describe('IndustryCode (GB/T 4754-2017)', () => {
  it.each(['C', 'C38', 'C381', 'C3811', 'A01', 'D4411', 'T97'])('accepts %s', (c) => expect(parseIndustryCode(c)).toBe(c));
  it.each([
    ['C05', /division 05 is not in section C/],
    ['A13', /division 13 is not in section A/],
    ['U', /section U does not exist/],
    ['c38', /section letter/],
    ['C3', /section letter optionally followed by 2, 3 or 4 digits/],
    ['C38111', /section letter/],
  ])('refuses %s', (c, reason) => expect(() => parseIndustryCode(c)).toThrow(reason));
});

describe('Date (YYYY-MM-DD, a day that exists)', () => {
  it.each(['2016-02-29', '2015-02-28', '2015-12-31', '2015-01-01'])('accepts %s', (day) => {
    expect(parseDate(day)).toBe(day);
  });
  it.each([
    ['2015-02-29', 'that day does not exist: 2015-02 has days 01 to 28'],
    ['2015-02-30', 'that day does not exist: 2015-02 has days 01 to 28'],
    ['2016-02-30', 'that day does not exist: 2016-02 has days 01 to 29'],
    ['2015-04-31', 'that day does not exist: 2015-04 has days 01 to 30'],
    ['2015-06-00', 'that day does not exist: 2015-06 has days 01 to 30'],
    ['2015-13-01', 'month 13 does not exist; use 01 to 12'],
    ['2015-00-10', 'month 00 does not exist; use 01 to 12'],
  ])('refuses %s: %s', (day, reason) => {
    expect(() => parseDate(day)).toThrow(`"${day}" is not a valid date (YYYY-MM-DD): ${reason}`);
  });
});

describe('DateTimeISO (a moment, as graphql-scalars accepts it): a refusal says what is wrong', () => {
  it.each(['2015-07-20T00:00:00Z', '2016-02-29T08:00:00+08:00', '2015-07-20T08:00:00.123Z'])('accepts %s', (moment) => {
    expect(parseDateTime(moment)).toBe(moment);
  });
  it.each([
    ['2015-02-30T00:00:00Z', 'that day does not exist: 2015-02 has days 01 to 28'],
    ['2015-13-01T00:00:00Z', 'month 13 does not exist; use 01 to 12'],
    ['2015-07-20T25:00:00Z', 'the time 25:00:00 does not exist; hours are 00 to 23, minutes and seconds 00 to 59'],
    ['2015-07-20', 'must be a date, a time and a time zone, like "2016-03-01T08:00:00+08:00" (a day alone such as "2016-03-01" is not a moment)'],
    ['yesterday', 'must be a date, a time and a time zone, like "2016-03-01T08:00:00+08:00" (a day alone such as "2016-03-01" is not a moment)'],
  ])('refuses %s: %s', (moment, reason) => {
    expect(() => parseDateTime(moment)).toThrow(`: ${reason}`);
  });
});
