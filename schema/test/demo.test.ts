import { demoCity, departmentDemos, DISTRICTS, isCreditCode, isIndustryCode, monthRange, seriesRows } from '../src';

describe('demo city (Xuchang 2013–2015)', () => {
  const city = demoCity({ seed: 2015, enterprises: 520 });

  it('is the same for the same seed and differs for another', () => {
    const again = demoCity({ seed: 2015, enterprises: 520 });
    const other = demoCity({ seed: 7, enterprises: 520 });
    expect(again.enterprises.map((e) => e.creditCode)).toEqual(city.enterprises.map((e) => e.creditCode));
    expect(other.enterprises.map((e) => e.creditCode)).not.toEqual(city.enterprises.map((e) => e.creditCode));
    // Not the cache: a fresh generation with the same inputs gives identical figures.
    const rows = (c: typeof city) => seriesRows(c, { indicator: 'X', kind: 'FLOW', enterprise: { value: (m) => m.output }, region: 'sum' }, 't');
    expect(rows(demoCity({ seed: 2015, enterprises: 521 })).length).toBeGreaterThan(rows(city).length);
  });

  it('has at least 500 enterprises with valid, unique credit codes registered in their district', () => {
    expect(city.enterprises.length).toBeGreaterThanOrEqual(500);
    expect(new Set(city.enterprises.map((e) => e.creditCode)).size).toBe(city.enterprises.length);
    expect(new Set(city.enterprises.map((e) => e.name)).size).toBe(city.enterprises.length);
    for (const e of city.enterprises) {
      expect(isCreditCode(e.creditCode)).toBe(true);
      expect(e.creditCode.slice(2, 8)).toBe(e.regionCode);
      expect(isIndustryCode(e.industry.code)).toBe(true);
    }
    for (const d of DISTRICTS) expect(city.enterprises.some((e) => e.regionCode === d.code)).toBe(true);
  });

  it('lists 100 key enterprises, all above designated size, producing over half of above-size output', () => {
    const key = city.enterprises.filter((e) => e.key);
    expect(key.length).toBe(100);
    expect(key.every((e) => e.aboveDesignatedSize)).toBe(true);
    const output2015 = (codes: string[]) =>
      codes.reduce((s, c) => s + monthRange('2015-01', '2015-12').reduce((t, m) => t + city.series.get(c)!.get(m)!.output, 0), 0);
    const keyShare = output2015(key.map((e) => e.creditCode)) / output2015(city.enterprises.filter((e) => e.aboveDesignatedSize).map((e) => e.creditCode));
    expect(keyShare).toBeGreaterThan(0.53);
  });

  it('links departments plausibly: power follows output, employment moves slowly', () => {
    const planted = new Set(Object.values(city.scenarios).flatMap((rule) => Object.values(rule).flat()));
    for (const e of city.enterprises.filter((x) => !planted.has(x.creditCode)).slice(0, 50)) {
      const months = [...city.series.get(e.creditCode)!.values()];
      const ratios = months.map((m) => m.electricity / m.output);
      const mean = ratios.reduce((s, r) => s + r, 0) / ratios.length;
      expect(Math.max(...ratios.map((r) => Math.abs(r / mean - 1)))).toBeLessThan(0.2);
      for (let i = 1; i < months.length; i++) {
        expect(Math.abs(months[i].employees - months[i - 1].employees)).toBeLessThanOrEqual(Math.max(8, months[i - 1].employees * 0.08));
      }
    }
  });

  it('plants warning cases that fire and near misses in June 2015', () => {
    const m = (code: string, month: string) => city.series.get(code)!.get(month)!;
    const growth = (code: string, field: 'electricity' | 'output' | 'employees') => (m(code, '2015-06')[field] / m(code, '2014-06')[field] - 1) * 100;
    for (const code of city.scenarios.powerDrop.fires) {
      expect(growth(code, 'electricity')).toBeLessThanOrEqual(-25);
      expect(growth(code, 'output')).toBeCloseTo(6, 5);
    }
    expect(growth(city.scenarios.powerDrop.nearMiss[0], 'electricity')).toBeCloseTo(-17, 5);
    expect(growth(city.scenarios.employmentDrop.fires[0], 'employees')).toBeLessThan(-20);
    const [byAmount] = city.scenarios.loanWithdrawal.firesByAmount;
    expect(m(byAmount, '2015-06').loanWithdrawal).toBe(1200);
    const [byShare] = city.scenarios.loanWithdrawal.firesByShare;
    expect(m(byShare, '2015-06').loanWithdrawal / m(byShare, '2015-05').loansOutstanding).toBeCloseTo(0.6, 5);
  });

  it('plants each department’s cases (its demo module, in registry order) on enterprises no other case takes', () => {
    const cases = departmentDemos().flatMap(({ demo }) => (demo.cases ?? []).map((c) => c.name));
    expect(Object.keys(city.scenarios).sort()).toEqual([...cases].sort());
    expect(new Set(cases).size).toBe(cases.length);
    const codes = Object.values(city.scenarios).flatMap((rule) => Object.values(rule).flat());
    expect(new Set(codes).size).toBe(codes.length);
    // A city too small for every case plants none (and lists each case's roles, empty).
    const tiny = demoCity({ seed: 2015, enterprises: 20 });
    expect(Object.values(tiny.scenarios).flatMap((rule) => Object.values(rule).flat())).toEqual([]);
    expect(Object.keys(tiny.scenarios).sort()).toEqual([...cases].sort());
  });

  it('covers 36 months, 2013-01 to 2015-12', () => {
    expect(city.months.length).toBe(36);
    expect(city.months[0]).toBe('2013-01');
    expect(city.months[35]).toBe('2015-12');
  });
});
