/**
 * Industrial parks (园区) end to end through the gateway: the park list and its enterprises, the
 * infrastructure-investment ledger (园区基础设施投资) against quarter and annual targets at
 * quarter-end months, reporting it through the kit's observation batch (subject kind PARK) with
 * its refusals, and every department's totals over a park's enterprises (the kit's group
 * mechanism) equal to the sums in that department's own database, with the disclosure rule for
 * small parks. Every expected value is read from the owning database here.
 */
import { E2E_TIMEOUT_MS, everyService, startSystem, type GraphQLResult, type Row, type System } from '../support/system';

const DEPARTMENTS = ['industry', 'statistics', 'finance', 'energy', 'hr'] as const;
let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 120, services: [...DEPARTMENTS] });
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  if (!system) return;
  const exitCodes = await system.stop();
  expect(exitCodes).toEqual({ ...everyService(null), ...Object.fromEntries(DEPARTMENTS.map((d) => [d, 0])), gateway: 0 });
}, E2E_TIMEOUT_MS);

function ok(result: GraphQLResult): any {
  if (result.errors?.length) throw new Error(`unexpected errors (HTTP ${result.status}): ${JSON.stringify(result.errors, null, 2)}`);
  return result.data;
}

const r2 = (v: number) => Number(v.toFixed(2));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

async function ledgerRow(park: string, indicator: string, month: string): Promise<Row | undefined> {
  const [row] = await system.sql('industry', 'select value, ytd_value, status from observation where indicator = ? and subject_type = ? and subject_code = ? and month = ?', [indicator, 'PARK', park, month]);
  return row;
}

describe('the park list and the register', () => {
  test('parks(region), park(code) and Enterprise.park agree with the industry database', async () => {
    const parks = await system.sql('industry', 'select code, name, region_code, kind from park order by code');
    expect(parks.length).toBeGreaterThanOrEqual(7);
    const members = await system.sql('industry', 'select credit_code, region_code, park_code from enterprise where park_code is not null order by credit_code');
    const data = ok(await system.query('{ parks { code name kind enterpriseCount region { code } enterprises { creditCode park { code } } } }'));
    expect(data.parks.map((p: Row) => [p.code, p.name, p.kind, p.region.code])).toEqual(parks.map((p) => [p.code, p.name, p.kind, p.region_code]));
    for (const p of data.parks) {
      const mine = members.filter((m) => m.park_code === p.code);
      expect(p.enterpriseCount).toBe(mine.length);
      expect(p.enterprises.map((e: Row) => e.creditCode)).toEqual(mine.map((m) => m.credit_code));
      for (const e of p.enterprises) expect(e.park.code).toBe(p.code);
      // A park's enterprises are registered in its district (the demo places them so).
      for (const m of mine) expect(m.region_code).toBe(p.region.code);
    }
    // Narrowed to a district: that district's parks only.
    const changge = ok(await system.query('{ parks(region: "411082") { code } park(code: "P41108201") { name region { name } } none: park(code: "P41108299") { code } }'));
    expect(changge.parks.map((p: Row) => p.code)).toEqual(parks.filter((p) => p.region_code === '411082').map((p) => p.code));
    expect(changge.park.region.name).toBe('长葛市');
    expect(changge.none).toBeNull();
    // The same under the region (the pack reads it under the city).
    const region = ok(await system.query('{ region(code: "411082") { parks { code } parkInfrastructure(month: "2015-06") { region parkCount parks { parkCode } targets { completionPct } } } }'));
    expect(region.region.parks).toEqual(changge.parks);
    expect(region.region.parkInfrastructure.region).toBe('411082');
    expect(region.region.parkInfrastructure.parks.map((p: Row) => p.parkCode).sort()).toEqual(changge.parks.map((p: Row) => p.code));
    // All-parks targets are the city's: none for a district.
    expect(region.region.parkInfrastructure.targets).toEqual([]);
  });

  test.each([
    ['P4110820', 'must be "P"'],
    ['P41000001', 'characters 2–7 must be a district'],
    ['P41108200', 'starts at 01'],
    ['41108201', 'must be "P"'],
  ])('a malformed park code %s is refused at the gateway, naming the argument', async (code, reason) => {
    const result = await system.query(`{ park(code: "${code}") { name } }`);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('code');
    expect(result.errors?.[0].message).toContain(reason);
  });
});

const LEDGER = `query Ledger($month: Month!) {
  parkInfrastructure(month: $month) {
    month parkCount reportedCount plannedToDate completedToDate
    targets { target { period value parkCode } actualValue completionPct timeProgressPct gap behind }
    parks { rank parkCode parkName region { code } planCompletionPct
      planned { value ytdValue unit } completed { value ytdValue unit status }
      targets { target { period value parkCode source } actualValue completionPct timeProgressPct gap behind } }
  }
}`;

const QUARTER_FIRST = { Q1: 1, Q2: 4, Q3: 7, Q4: 10 } as const;
type Quarter = keyof typeof QUARTER_FIRST;
const quarterOf = (month: string): Quarter => `Q${Math.ceil(Number(month.slice(5, 7)) / 3)}` as Quarter;

/**
 * 序时进度 expected from the database's targets: a quarter's by its months gone; the year's phased
 * by the same park's (or all parks', parkCode null) four quarter targets, the current quarter pro
 * rata (成办发〔2012〕1号), linear when a quarter target is missing.
 */
function expectedTimeProgress(targets: Row[], parkCode: string | null, period: string, month: string): number {
  const m = Number(month.slice(5, 7));
  if (period !== 'YEAR') return r2(((m - QUARTER_FIRST[period as Quarter] + 1) / 3) * 100);
  const quarters = (['Q1', 'Q2', 'Q3', 'Q4'] as const).map((q) => targets.find((t) => (t.park_code ?? null) === parkCode && t.period === q));
  if (quarters.some((q) => !q)) return r2((m / 12) * 100);
  const whole = quarters.reduce((a, q) => a + Number(q!.value), 0);
  const planned = quarters.reduce((a, q, i) => a + (Number(q!.value) * Math.min(Math.max(m - 3 * i, 0), 3)) / 3, 0);
  return r2((planned / whole) * 100);
}

/** The year to date at the month before a period starts (0 for Q1 and the year). */
async function periodBase(code: string, period: string, month: string): Promise<number> {
  if (period === 'YEAR' || period === 'Q1') return 0;
  const base = `${month.slice(0, 4)}-${String(QUARTER_FIRST[period as Quarter] - 1).padStart(2, '0')}`;
  return Number((await ledgerRow(code, 'IND_PARK_INFRA_INVESTMENT', base))!.ytd_value);
}

describe.each([
  // month, both sides of the quarter's target in the demo
  ['2015-03', true],
  ['2015-05', false],
  ['2015-06', true],
  ['2015-09', false],
  ['2015-12', false],
])('the infrastructure-investment ledger at %s', (month, bothSides) => {
  const periods = [quarterOf(month), 'YEAR'];
  test('each park: planned and completed equal the ledger rows, each target judged over its own months, the year phased by the quarters', async () => {
    const data = ok(await system.query(LEDGER, { month }));
    const report = data.parkInfrastructure;
    const targets = await system.sql('industry', 'select period, park_code, value from park_investment_target where year = ? order by id', [2015]);
    const parks = await system.sql('industry', 'select code from park order by code');
    expect(report.parkCount).toBe(parks.length);
    let completedSum = 0;
    let plannedSum = 0;
    let behind = 0;
    let ahead = 0;
    const scores = new Map<string, number>();
    for (const row of report.parks) {
      const code = row.parkCode;
      const completed = await ledgerRow(code, 'IND_PARK_INFRA_INVESTMENT', month);
      const planned = await ledgerRow(code, 'IND_PARK_INFRA_PLANNED', month);
      expect(row.completed).toEqual({ value: num(completed!.value), ytdValue: num(completed!.ytd_value), unit: '万元', status: completed!.status });
      expect(row.planned).toMatchObject({ value: num(planned!.value), ytdValue: num(planned!.ytd_value) });
      expect(row.planCompletionPct).toBe(r2((Number(completed!.ytd_value) / Number(planned!.ytd_value)) * 100));
      completedSum += Number(completed!.ytd_value);
      plannedSum += Number(planned!.ytd_value);
      // Shortest period first: the quarter, then the year.
      expect(row.targets.map((t: Row) => t.target.period)).toEqual(periods);
      for (const t of row.targets) {
        const target = targets.find((x) => x.park_code === code && x.period === t.target.period)!;
        expect(t.target.value).toBe(Number(target.value));
        // A quarter not starting in January: the year to date less the month before it (Q2 in June: April–June).
        const actual = Number((Number(completed!.ytd_value) - (await periodBase(code, t.target.period, month))).toFixed(4));
        const completion = r2((actual / Number(target.value)) * 100);
        const progress = expectedTimeProgress(targets, code, t.target.period, month);
        expect(t).toMatchObject({ actualValue: actual, completionPct: completion, timeProgressPct: progress, gap: r2(completion - progress), behind: completion < progress });
        // Ranked on the unrounded ratio: the quarter's, in December the year's.
        if (t.target.period === (month.endsWith('-12') ? 'YEAR' : periods[0])) scores.set(code, actual / Number(target.value));
      }
      // F1: a park whose year to date covers its quarter targets to date is not behind on the year
      // (where the year target is no more than the quarters' sum).
      const quarterTargets = (['Q1', 'Q2', 'Q3', 'Q4'] as const).map((q) => Number(targets.find((x) => x.park_code === code && x.period === q)!.value));
      const year = Number(targets.find((x) => x.park_code === code && x.period === 'YEAR')!.value);
      const m = Number(month.slice(5, 7));
      const onPlan = quarterTargets.reduce((a, v, i) => a + (v * Math.min(Math.max(m - 3 * i, 0), 3)) / 3, 0);
      if (Number(completed!.ytd_value) >= onPlan && year <= quarterTargets.reduce((a, b) => a + b, 0)) expect(row.targets[1].behind).toBe(false);
      if (row.targets[0].behind) behind++;
      else ahead++;
    }
    if (bothSides) {
      // The demo has parks on both sides of the quarter's target.
      expect(behind).toBeGreaterThan(0);
      expect(ahead).toBeGreaterThan(0);
    }
    expect(report.reportedCount).toBe(parks.length);
    expect(report.completedToDate).toBeCloseTo(completedSum, 4);
    expect(report.plannedToDate).toBeCloseTo(plannedSum, 4);
    // Ranked by the unrounded completion (the quarter's; the year's in December), largest first;
    // a rank is 1 + the number of parks strictly ahead (ties only when equal).
    const order = report.parks.map((p: Row) => scores.get(p.parkCode)!);
    expect(order).toEqual([...order].sort((a: number, b: number) => b - a));
    expect(report.parks.map((p: Row) => p.rank)).toEqual(order.map((v: number) => order.filter((x: number) => x > v).length + 1));
    // In the scale the seeds show: a few hundred million 元 a park a quarter.
    const quarter = report.parks.map((p: Row) => p.targets[0].actualValue);
    for (const q of quarter) expect(q).toBeGreaterThan(month.endsWith('-03') || month.endsWith('-06') || month.endsWith('-12') ? 5_000 : 1_000);
    for (const q of quarter) expect(q).toBeLessThan(60_000);
  });

  test('all parks together against the all-parks targets (全市园区)', async () => {
    const report = ok(await system.query(LEDGER, { month })).parkInfrastructure;
    const targets = await system.sql('industry', 'select period, value from park_investment_target where year = ? and park_code is null order by id', [2015]);
    expect(report.targets.map((t: Row) => t.target.period)).toEqual(periods);
    for (const t of report.targets) {
      const target = targets.find((x) => x.period === t.target.period)!;
      const first = t.target.period === 'YEAR' ? 1 : QUARTER_FIRST[t.target.period as Quarter];
      const base = first > 1
        ? (await system.sql('industry', "select sum(ytd_value) as s from observation where indicator = 'IND_PARK_INFRA_INVESTMENT' and subject_type = 'PARK' and month = ?", [`${month.slice(0, 4)}-${String(first - 1).padStart(2, '0')}`]))[0].s
        : 0;
      const actual = report.completedToDate - Number(base);
      expect(t.target.parkCode).toBeNull();
      expect(t.actualValue).toBeCloseTo(actual, 3);
      expect(t.completionPct).toBe(r2((t.actualValue / Number(target.value)) * 100));
      expect(t.timeProgressPct).toBe(expectedTimeProgress(targets.map((x) => ({ ...x, park_code: null })), null, t.target.period, month));
    }
  });
});

const SUBMIT = `mutation Report($batch: ObservationBatchInput!) {
  submitIndustryObservations(batch: $batch) { submissionId created revised }
}`;
const row = (park: string, extra: Record<string, unknown> = {}) => ({ indicator: 'IND_PARK_INFRA_INVESTMENT', subjectKind: 'PARK', subjectCode: park, unit: '万元', value: 2345.6, ...extra });

describe('reporting the ledger through the gateway (submitIndustryObservations, subject kind PARK)', () => {
  test('a park’s month is recorded, read back through Park.infrastructure, and as of before it was not there', async () => {
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const result = ok(await system.query(SUBMIT, { batch: { idempotencyKey: 'parks-2016-01', month: '2016-01', reportedBy: '市工信委', status: 'PRELIMINARY', observations: [row('P41102401'), row('P41102401', { indicator: 'IND_PARK_INFRA_PLANNED', value: 3000 })] } }));
    expect(result.submitIndustryObservations.created).toBe(2);
    const read = ok(await system.query(`query($asOf: DateTimeISO) { park(code: "P41102401") { now: infrastructure(month: "2016-01") { completed { value ytdValue derived status } planCompletionPct }
      then: infrastructure(month: "2016-01", asOf: $asOf) { completed { value } } } }`, { asOf: before }));
    expect(read.park.now.completed).toEqual({ value: 2345.6, ytdValue: 2345.6, derived: true, status: 'PRELIMINARY' });
    expect(read.park.now.planCompletionPct).toBe(r2((2345.6 / 3000) * 100));
    expect(read.park.then.completed).toBeNull();
    const [stored] = await system.sql('industry', "select value from observation where indicator = 'IND_PARK_INFRA_INVESTMENT' and subject_type = 'PARK' and subject_code = 'P41102401' and month = '2016-01'");
    expect(Number(stored.value)).toBe(2345.6);
  });

  test.each([
    ['an unknown park', row('P41102409'), 'subjectCode', 'UNKNOWN_SUBJECT', '2016-02'],
    ['a malformed park code', row('P4110240'), 'subjectCode', 'BAD_IDENTIFIER', '2016-02'],
    ['亿元 where the ledger is in 万元', row('P41102401', { unit: '亿元', value: 0.23 }), 'unit', 'UNIT_MISMATCH', '2016-02'],
    ['a future month', row('P41102401'), 'month', 'FUTURE_MONTH', '2099-01'],
    ['a negative investment', row('P41102401', { value: -5 }), 'value', 'OUT_OF_RANGE', '2016-02'],
  ])('%s is refused with its stable code and nothing is written', async (_case, bad, field, code, month) => {
    const count = async () => Number((await system.sql('industry', "select count(*) as n from observation where subject_type = 'PARK'"))[0].n);
    const n = await count();
    const result = await system.query(SUBMIT, { batch: { idempotencyKey: `parks-bad-${code}`, month, reportedBy: '市工信委', status: 'PRELIMINARY', observations: [row('P41107101', { value: 1000 }), bad] } });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const problems = result.errors![0].extensions!.problems as Row[];
    expect(problems.some((p) => p.field === field && p.code === code)).toBe(true);
    expect(await count()).toBe(n);
  });

  test('another department may not report a park’s ledger (FORBIDDEN), nothing written', async () => {
    const result = await system.query(SUBMIT, { batch: { idempotencyKey: 'parks-energy', month: '2016-03', reportedBy: 'x', status: 'PRELIMINARY', observations: [row('P41107101')] } }, undefined, { token: system.tokens.energy });
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

/** The sums a department's database gives over some enterprises for a month: value and year to date per indicator. */
async function sums(department: string, codes: string[], month: string): Promise<Map<string, { value: number | null; ytdValue: number | null; n: number }>> {
  const result = new Map<string, { value: number | null; ytdValue: number | null; n: number }>();
  if (codes.length === 0) return result;
  const rows = await system.sql(department, `select indicator, value, ytd_value from observation where subject_type = 'ENTERPRISE' and month = ? and subject_code in (${codes.map(() => '?').join(', ')})`, [month, ...codes]);
  for (const r of rows) {
    const s = result.get(r.indicator) ?? { value: null, ytdValue: null, n: 0 };
    if (r.value !== null) s.value = (s.value ?? 0) + Number(r.value);
    if (r.ytd_value !== null) s.ytdValue = (s.ytdValue ?? 0) + Number(r.ytd_value);
    s.n++;
    result.set(r.indicator, s);
  }
  return result;
}

describe('every department’s figures per park (the kit’s group totals over Park.members)', () => {
  test('each park’s totals equal the sums of its enterprises’ figures in each department’s database (the owner asking)', async () => {
    const month = '2015-06';
    const members = await system.sql('industry', 'select credit_code, park_code from enterprise where park_code is not null order by credit_code');
    for (const department of DEPARTMENTS) {
      const data = ok(await system.query(`{ parks { code ${department}(month: "${month}") { enterpriseCount indicators { indicator value ytdValue reportedCount summed } } } }`, {}, undefined, { token: system.tokens[department] }));
      let compared = 0;
      for (const park of data.parks) {
        const codes = members.filter((m) => m.park_code === park.code).map((m) => m.credit_code);
        expect(park[department].enterpriseCount).toBe(codes.length);
        const expected = await sums(department, codes, month);
        expect(park[department].indicators.map((t: Row) => t.indicator).sort()).toEqual([...expected.keys()].sort());
        for (const t of park[department].indicators) {
          const e = expected.get(t.indicator)!;
          expect(t.reportedCount).toBe(e.n);
          if (!t.summed) continue;
          if (e.value === null) expect(t.value).toBeNull();
          else expect(t.value).toBeCloseTo(e.value, 2);
          if (e.ytdValue !== null && t.ytdValue !== null) expect(t.ytdValue).toBeCloseTo(e.ytdValue, 2);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    }
  });

  test('a park’s conditionally shared total is withheld from a department without a grant, a one-enterprise park’s above all; its owner reads it', async () => {
    const month = '2015-06';
    // Make one park small (one enterprise) and keep another large: the disclosure rule is judged on contributors.
    const [one] = await system.sql('industry', "select credit_code from enterprise where park_code = 'P41107101' order by credit_code limit 1");
    const moved = await system.sql('industry', "select credit_code, park_code from enterprise where park_code = 'P41107201' order by credit_code");
    await system.sql('industry', "update enterprise set park_code = null where park_code = 'P41107201'");
    await system.sql('industry', "update enterprise set park_code = 'P41107201' where credit_code = ?", [one.credit_code]);
    // The large park: of the others, the one with the most enterprises that reported the indicator (the rule counts contributors).
    const contributors = await system.sql('industry', "select credit_code, park_code from enterprise where park_code is not null and park_code not in ('P41107101', 'P41107201')");
    const reported = new Set((await system.sql('finance', "select subject_code from observation where indicator = 'FIN_LOANS_OUTSTANDING' and subject_type = 'ENTERPRISE' and month = ?", [month])).map((r) => r.subject_code));
    const counts = new Map<string, number>();
    for (const c of contributors) if (reported.has(c.credit_code)) counts.set(c.park_code, (counts.get(c.park_code) ?? 0) + 1);
    const [large, largeCount] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    expect(largeCount).toBeGreaterThanOrEqual(3);
    try {
      const q = `{ small: park(code: "P41107201") { enterpriseCount finance(month: "${month}") { indicators(codes: ["FIN_LOANS_OUTSTANDING"]) { value } } }
                   all: park(code: "P41107201") { finance(month: "${month}") { indicators { indicator } } }
                   large: park(code: "${large}") { enterpriseCount finance(month: "${month}") { indicators(codes: ["FIN_LOANS_OUTSTANDING"]) { value reportedCount } } } }`;
      const energy = await system.query(q, {}, undefined, { token: system.tokens.energy });
      const data = energy.data!;
      expect(data.small.enterpriseCount).toBe(1);
      const denied = energy.errors!.find((e) => e.path?.join('.') === 'small.finance.indicators');
      expect(denied?.extensions?.code).toBe('FORBIDDEN');
      expect(data.all.finance.indicators.map((t: Row) => t.indicator)).not.toContain('FIN_LOANS_OUTSTANDING');
      // Whatever the park's size: a conditionally shared total is its enterprises' figures (nested groups differ by single enterprises).
      expect(data.large.enterpriseCount).toBeGreaterThanOrEqual(3);
      expect(energy.errors!.find((e) => e.path?.join('.') === 'large.finance.indicators')?.extensions?.code).toBe('FORBIDDEN');
      const ownLarge = ok(await system.query(q, {}, undefined, { token: system.tokens.finance }));
      const codes = (await system.sql('industry', 'select credit_code from enterprise where park_code = ?', [large])).map((r) => r.credit_code);
      const expected = await sums('finance', codes, month);
      expect(ownLarge.large.finance.indicators[0].reportedCount).toBe(largeCount);
      expect(ownLarge.large.finance.indicators[0].value).toBeCloseTo(expected.get('FIN_LOANS_OUTSTANDING')!.value!, 2);
      // Finance's own analysts read the small park's total: it is their figure.
      const own = ok(await system.query(q, {}, undefined, { token: system.tokens.finance }));
      const single = await sums('finance', [one.credit_code], month);
      expect(own.small.finance.indicators[0].value).toBeCloseTo(single.get('FIN_LOANS_OUTSTANDING')!.value!, 2);
    } finally {
      await system.sql('industry', "update enterprise set park_code = 'P41107101' where credit_code = ?", [one.credit_code]);
      for (const m of moved) await system.sql('industry', 'update enterprise set park_code = ? where credit_code = ?', [m.park_code, m.credit_code]);
    }
  });
});

describe('parks ranked on every department’s indicators (园区排名, parkRankings)', () => {
  const month = '2015-06';

  /** Competition ranks (1, 2, 2, 4) of the parks by value, highest first, ties by code; parks without a value after, by code. */
  function expectedRanking(values: Map<string, number | null>): [string, number | null, number | null][] {
    const valued = [...values].filter((e): e is [string, number] => e[1] !== null).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const ranks = valued.map(([code, v], i) => [code, valued.findIndex((x) => x[1] === v) + 1, v] as [string, number, number]);
    return [...ranks, ...[...values].filter((e) => e[1] === null).map(([code]) => [code, null, null] as [string, null, null]).sort((a, b) => a[0].localeCompare(b[0]))];
  }

  test.each([...DEPARTMENTS])('%s ranks the parks on its most reported flow from its own database, in the city and in one district', async (department) => {
    const members = await system.sql('industry', 'select credit_code, region_code, park_code from enterprise where park_code is not null order by credit_code');
    const parks = (await system.sql('industry', 'select code from park order by code')).map((p) => p.code as string);
    // The department's flow indicator most enterprises reported for the month.
    const [top] = await system.sql(department, "select indicator, count(*) as n from observation where subject_type = 'ENTERPRISE' and month = ? and ytd_value is not null group by indicator order by count(*) desc, indicator limit 1", [month]);
    expect(top).toBeDefined();
    for (const region of [null, '411082']) {
      const values = new Map<string, number | null>();
      for (const park of parks) {
        const codes = members.filter((m) => m.park_code === park && (region === null || m.region_code === region)).map((m) => m.credit_code);
        // In a district: only its parks (those with enterprises there) are ranked or listed.
        if (region !== null && codes.length === 0) continue;
        values.set(park, (await sums(department, codes, month)).get(top.indicator)?.ytdValue ?? null);
      }
      if (region !== null) expect(values.size).toBeLessThan(parks.length);
      const data = ok(await system.query(`{ parkRankings { typeName ${department}(month: "${month}", indicator: "${top.indicator}"${region ? `, region: "${region}"` : ''}) { rank groupCode value withheld } } }`, {}, undefined, { token: system.tokens[department] }));
      expect(data.parkRankings.typeName).toBe('Park');
      const got = data.parkRankings[department].map((r: Row) => [r.groupCode, r.rank, r.value === null ? null : r2(r.value)]);
      expect(got).toEqual(expectedRanking(values).map(([c, rank, v]) => [c, rank, v === null ? null : r2(v)]));
      expect(data.parkRankings[department].some((r: Row) => r.withheld)).toBe(false);
      expect(got.filter((g: unknown[]) => g[1] !== null).length).toBeGreaterThan(0);
    }
  });

  test('a conditionally shared indicator is ranked for its owner and withheld from a department without a grant: every park listed, no value, no rank', async () => {
    const query = `{ parkRankings { finance(month: "${month}", indicator: "FIN_LOANS_OUTSTANDING") { rank groupCode value withheld } } }`;
    const own = ok(await system.query(query, {}, undefined, { token: system.tokens.finance }));
    expect(own.parkRankings.finance.filter((r: Row) => r.rank !== null).length).toBeGreaterThan(0);
    const requestId = `park-ranking-withheld-${Date.now()}`;
    const other = await system.query(query, {}, undefined, { token: system.tokens.energy, headers: { 'x-request-id': requestId } });
    const rows = other.data!.parkRankings.finance as Row[];
    expect(rows.map((r) => r.groupCode).sort()).toEqual(own.parkRankings.finance.map((r: Row) => r.groupCode).sort());
    expect(rows.every((r) => r.withheld && r.value === null && r.rank === null)).toBe(true);
    // The attempt is in the audit trail as refused, findable by the indicator like a FORBIDDEN read.
    const [record] = await system.sql('access', 'select indicators, refused_indicators, months from audit_record where request_id = ?', [requestId]);
    expect({ indicators: JSON.parse(record.indicators), refused: JSON.parse(record.refused_indicators), months: JSON.parse(record.months) }).toEqual({ indicators: [], refused: ['FIN_LOANS_OUTSTANDING'], months: [month] });
  });

  test('an indicator reported for regions only, or a rate, has no park total to rank on: BAD_USER_INPUT naming what can be ranked', async () => {
    for (const [department, indicator, reason] of [['statistics', 'STAT_VALUE_ADDED', 'not for enterprises'], ['statistics', 'STAT_ENERGY_INTENSITY', 'is a rate'], ['industry', 'IND_MATCHING_EVENTS', 'not for enterprises']]) {
      const result = await system.query(`{ parkRankings { ${department}(month: "${month}", indicator: "${indicator}") { rank } } }`);
      expect({ indicator, code: result.errors?.[0]?.extensions?.code }).toEqual({ indicator, code: 'BAD_USER_INPUT' });
      expect(result.errors![0].message).toContain(reason);
      expect(result.errors![0].message).not.toContain('STAT_VALUE_ADDED,');
    }
  });
});
