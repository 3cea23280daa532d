import 'reflect-metadata';
import { cityDay, cityMonth, cityTimeZone } from '../src/identifiers/cityTime';
import { IndicatorCatalogue } from '../src/observation/catalogue';
import { validateBatchShape } from '../src/reporting/submit';

/**
 * "This month" and "today" are the city's (UTC+8), judged with an injected clock at the boundaries
 * rather than by waiting for midnight. The tester's case: at 2026-12-01 00:47 in the city
 * (2026-11-30T16:47Z) December's figures were refused as FUTURE_MONTH, "this is 2026-11".
 */
const department = { name: 'test', catalogue: new IndicatorCatalogue('test', []), knownEnterprises: async () => new Set<string>() };
const futureMonth = (month: string, now: Date) =>
  validateBatchShape(department, { idempotencyKey: 'k', month, reportedBy: 't', status: 'FINAL', observations: [] } as never, now).filter((p) => p.code === 'FUTURE_MONTH');

describe('the city’s calendar', () => {
  it.each([
    ['2026-11-30T15:59:59.999Z', '2026-11-30'],
    ['2026-11-30T16:00:00.000Z', '2026-12-01'],
    ['2026-11-30T16:47:00.000Z', '2026-12-01'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
    ['2028-02-28T16:00:00.000Z', '2028-02-29'],
    ['2026-12-01T15:59:59.999Z', '2026-12-01'],
  ])('at %s it is %s in the city', (instant, day) => {
    expect(cityDay(new Date(instant))).toBe(day);
    expect(cityMonth(new Date(instant))).toBe(day.slice(0, 7));
  });

  it('is Asia/Shanghai unless HUISHANG_CITY_TIME_ZONE says otherwise; a wrong zone names the setting', () => {
    expect(cityTimeZone({})).toBe('Asia/Shanghai');
    expect(cityTimeZone({ HUISHANG_CITY_TIME_ZONE: 'Asia/Urumqi' })).toBe('Asia/Urumqi');
    expect(cityDay(new Date('2026-11-30T16:47:00Z'), 'UTC')).toBe('2026-11-30');
    expect(() => cityDay(new Date(), 'Mars/Olympus')).toThrow(/HUISHANG_CITY_TIME_ZONE="Mars\/Olympus"/);
  });
});

describe('FUTURE_MONTH at the city’s month boundary', () => {
  it('accepts the new month from the city’s midnight (16:00Z), though UTC is still in the old one', () => {
    expect(futureMonth('2026-12', new Date('2026-11-30T16:47:00Z'))).toEqual([]);
    expect(futureMonth('2026-12', new Date('2026-11-30T16:00:00Z'))).toEqual([]);
    expect(futureMonth('2027-01', new Date('2026-12-31T16:00:00Z'))).toEqual([]);
  });

  it('refuses it a millisecond before, naming the city’s current month', () => {
    const [problem] = futureMonth('2026-12', new Date('2026-11-30T15:59:59.999Z'));
    expect(problem).toMatchObject({ field: 'month', value: '2026-12', code: 'FUTURE_MONTH' });
    expect(problem.reason).toContain('this is 2026-11');
    expect(futureMonth('2027-01', new Date('2026-11-30T16:47:00Z'))[0].reason).toContain('this is 2026-12');
  });
});
