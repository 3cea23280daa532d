/**
 * Figures that stay true (issue 13), through the gateway: a 万/亿 slip is refused with both numbers
 * and its likely cause unless confirmed; a derived year-to-date follows a revision of a month it
 * depends on and says why; statistics' 1–2月 indicators refuse a January row.
 */
import { startSystem, type GraphQLResult, type SubgraphName, type System } from '../support/system';

let system: System;
let counter = 0;
const COUNTY = '411024'; // 鄢陵县

interface Row {
  indicator: string;
  subjectKind: 'REGION' | 'ENTERPRISE';
  subjectCode: string;
  unit: string;
  value?: number | null;
  ytdValue?: number | null;
  yoyPct?: number | null;
  ytdYoyPct?: number | null;
}

const SUBMIT = (department: string) => `submit${department[0].toUpperCase()}${department.slice(1)}Observations`;

function submit(department: SubgraphName, month: string, observations: Row[], extra: Record<string, unknown> = {}): Promise<GraphQLResult> {
  return system.query(
    `mutation($batch: ObservationBatchInput!) { result: ${SUBMIT(department)}(batch: $batch) { submissionId created updated revised unchanged recomputed staleObservations { month ytdValue impliedYtdValue staleFields } } }`,
    { batch: { idempotencyKey: `figures-${Date.now()}-${counter++}`, reportedBy: '测试员', status: 'FINAL', month, observations, ...extra } },
    undefined,
    { token: system.tokens[department] },
  );
}

const electricity = (value: number, more: Partial<Row> = {}): Row => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: COUNTY, unit: '万千瓦时', value, ...more });

function problems(result: GraphQLResult): Record<string, unknown>[] {
  expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  return result.errors![0].extensions!.problems as never;
}

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
});
afterAll(async () => {
  await system?.stop();
});

describe('a county’s electricity typed in 亿 where the unit is 万', () => {
  // The example: 9,904.11万千瓦时 a year earlier, then 1.17406 with the stated growth of 7.7 %.
  beforeAll(async () => {
    const base = await submit('energy', '2019-05', [electricity(9904.11)]);
    expect(base.errors).toBeUndefined();
  });

  it('is refused with SCALE_SLIP and, at once, GROWTH_CONTRADICTION, showing both numbers and the likely cause; nothing is written', async () => {
    const before = await system.sql('energy', "select count(*) as n from observation where month = '2020-05'");
    const result = await submit('energy', '2020-05', [electricity(1.17406, { yoyPct: 7.7 })]);
    const [problem, growth, ...others] = problems(result);
    expect(others).toEqual([]);
    // Every problem at once: the stated 7.7 % against the −99.99 % the values give.
    expect(growth).toMatchObject({ index: 0, field: 'yoyPct', code: 'GROWTH_CONTRADICTION', value: 7.7, compared: { month: '2019-05', value: 9904.11 } });
    expect(growth.computed).toBeCloseTo(-99.99, 2);
    expect(problem).toMatchObject({
      index: 0,
      field: 'value',
      code: 'SCALE_SLIP',
      value: 1.17406,
      compared: { month: '2019-05', field: 'value', value: 9904.11 },
      confirmable: true,
    });
    expect(problem.computed).toBeCloseTo(1.17406 / 9904.11, 8);
    expect(problem.likelyCause).toContain('typed in 亿千瓦时 where the unit is 万千瓦时');
    expect(problem.likelyCause).toContain('1.17406亿千瓦时 = 11,740.6万千瓦时');
    expect(problem.reason).toContain('9,904.11');
    expect(await system.sql('energy', "select count(*) as n from observation where month = '2020-05'")).toEqual(before);
  });

  it('goes in when the submitter confirms it with a reason, which the figure keeps', async () => {
    const result = await submit('energy', '2020-05', [electricity(1.17406, { yoyPct: 7.7 })], { acceptOutliers: { reason: '县供电公司核实: 新口径' } });
    expect(result.errors).toBeUndefined();
    const read = await system.query(`{ region(code: "${COUNTY}") { energy(month: "2020-05") { electricity { value yoyPct changeReason } } } }`, undefined, undefined, { token: system.tokens.energy });
    expect(read.errors).toBeUndefined();
    const figure = read.data.region.energy.electricity;
    expect(figure).toMatchObject({ value: 1.17406, yoyPct: 7.7 });
    expect(figure.changeReason).toContain('县供电公司核实: 新口径');
    expect(figure.changeReason).toContain('SCALE_SLIP');
  });

  it('a confirmed outlier is a reference only when there is no other, and the finding then says so', async () => {
    // June after the confirmed May (1.17406): with no June a year earlier, May is the only reference.
    const [alone, ...others] = problems(await submit('energy', '2020-06', [electricity(10100)]));
    expect(others).toEqual([]);
    expect(alone).toMatchObject({ code: 'SCALE_SLIP', compared: { month: '2020-05', value: 1.17406 } });
    expect(alone.reason).toContain('itself a figure confirmed as an outlier');
    expect(alone.reason).toContain('县供电公司核实: 新口径');
    // With June a year earlier on the usual scale, the outlier is not held against the usual scale.
    expect((await submit('energy', '2019-06', [electricity(9950)])).errors).toBeUndefined();
    expect((await submit('energy', '2020-06', [electricity(10100, { yoyPct: 1.5 })])).errors).toBeUndefined();
  });

  it('a stated growth that contradicts the figures is refused with GROWTH_CONTRADICTION and the computed growth', async () => {
    // 10,666.72 against 9,904.11 is +7.70 %; the stated 17.7 % contradicts it, 7.7 % does not.
    const [problem] = problems(await submit('energy', '2020-05', [electricity(10666.72, { yoyPct: 17.7 })]));
    expect(problem).toMatchObject({ field: 'yoyPct', code: 'GROWTH_CONTRADICTION', value: 17.7, compared: { month: '2019-05', value: 9904.11 }, computed: 7.7 });
    const accepted = await submit('energy', '2020-05', [electricity(10666.72, { yoyPct: 7.7 })]);
    expect(accepted.errors).toBeUndefined();
  });
});

describe('a derived year-to-date follows a revision of an earlier month', () => {
  const read = async (month: string) =>
    (
      await system.query(
        `{ region(code: "${COUNTY}") { energy(month: "${month}") { electricity { value ytdValue ytdYoyPct impliedYtdValue staleFields derived derivedFields version status changeReason history { version ytdValue changeReason } } } } }`,
        undefined,
        undefined,
        { token: system.tokens.energy },
      )
    ).data.region.energy.electricity;

  it('March is recomputed when February is revised, its history says why, and the year to date never falls', async () => {
    for (const [month, value] of [['2018-01', 1000], ['2018-02', 900], ['2018-03', 1100]] as const) {
      const r = await submit('energy', month, [electricity(value)]);
      expect(r.errors).toBeUndefined();
    }
    // What was computed is named: the year to date, not the month's value the department reported (no growth: no 2017 figures).
    expect(await read('2018-03')).toMatchObject({ ytdValue: 3000, derived: true, derivedFields: ['ytdValue'], version: 1 });
    // February revised from 900 to 950: February's and March's year to date follow.
    const revision = await submit('energy', '2018-02', [electricity(950)]);
    expect(revision.errors).toBeUndefined();
    expect(revision.data.result).toMatchObject({ revised: 1, recomputed: 1 });
    const march = await read('2018-03');
    expect(march).toMatchObject({ value: 1100, ytdValue: 3050, derived: true, version: 2, status: 'REVISED' });
    expect(march.changeReason).toBe(`recomputed ytdValue: EN_ELECTRICITY for 2018-02 changed (submission ${revision.data.result.submissionId})`);
    expect(march.history).toEqual([{ version: 1, ytdValue: 3000, changeReason: null }]);
    const ytd = await Promise.all(['2018-01', '2018-02', '2018-03'].map(async (m) => (await read(m)).ytdValue));
    expect(ytd).toEqual([1000, 1950, 3050]);
  });

  it('a year-to-date the department reported is never overwritten by a derivation: it awaits re-reporting (待重报)', async () => {
    // April's year to date as reported agrees with March's (3050 + 1000: YTD_INCONSISTENT refuses any other).
    const april = await submit('energy', '2018-04', [electricity(1000, { ytdValue: 4050 })]);
    expect(april.errors).toBeUndefined();
    const revision = await submit('energy', '2018-03', [electricity(1200)]);
    expect(revision.data.result).toMatchObject({ revised: 1, recomputed: 0, staleObservations: [{ month: '2018-04', ytdValue: 4050, impliedYtdValue: 4150, staleFields: ['ytdValue'] }] });
    // The figures the answer served (April's, of another month than the batch's) are in the write's audit record, as any read is.
    const [record] = await system.sql('access', "select indicators, months, submissions from audit_record where outcome = 'OK' and submissions like ? order by seq desc limit 1", [`%${revision.data.result.submissionId}%`]);
    expect(JSON.parse(record.submissions)).toContain(revision.data.result.submissionId);
    expect({ indicators: JSON.parse(record.indicators), months: JSON.parse(record.months) }).toEqual({ indicators: ['EN_ELECTRICITY'], months: ['2018-03', '2018-04'] });
    expect(await read('2018-04')).toMatchObject({ ytdValue: 4050, impliedYtdValue: 4150, staleFields: ['ytdValue'], derived: false, version: 2, status: 'FINAL' });
  });

  it('the same month a year later follows too: its derived growth is recomputed', async () => {
    const next = await submit('energy', '2019-03', [electricity(1320)]);
    expect(next.errors).toBeUndefined();
    // 2019-03's year to date is not derivable (no 2019-01, 2019-02), its growth is: 1320 / 1200 − 1 = 10 %.
    const before = await system.query(`{ region(code: "${COUNTY}") { energy(month: "2019-03") { electricity { yoyPct } } } }`, undefined, undefined, { token: system.tokens.energy });
    expect(before.data.region.energy.electricity.yoyPct).toBe(10);
    const revision = await submit('energy', '2018-03', [electricity(1250)]);
    expect(revision.data.result.recomputed).toBe(1);
    const after = await system.query(`{ region(code: "${COUNTY}") { energy(month: "2019-03") { electricity { yoyPct changeReason } } } }`, undefined, undefined, { token: system.tokens.energy });
    expect(after.data.region.energy.electricity.yoyPct).toBe(5.6);
    expect(after.data.region.energy.electricity.changeReason).toContain('yoyPct');
  });
});

describe('a correction leaves later months’ reported year-to-date awaiting re-reporting (待重报), and re-reporting clears it', () => {
  const OTHER = '411025'; // 襄城县, untouched by the other tests
  const row = (value: number, ytdValue?: number): Row => ({ ...electricity(value), subjectCode: OTHER, ...(ytdValue === undefined ? {} : { ytdValue }) });
  const read = async (month: string) =>
    (
      await system.query(
        `{ region(code: "${OTHER}") { energy(month: "${month}") { electricity { value ytdValue impliedYtdValue staleFields derived version status changeReason history { version ytdValue impliedYtdValue staleFields } } } } }`,
        undefined,
        undefined,
        { token: system.tokens.energy },
      )
    ).data.region.energy.electricity;
  const chain = async () => Object.fromEntries(await Promise.all(['2017-03', '2017-04', '2017-05', '2017-06'].map(async (m) => [m, (({ ytdValue, impliedYtdValue }) => [ytdValue, impliedYtdValue])(await read(m))])));
  let correction: GraphQLResult;

  beforeAll(async () => {
    // January to March and June as values only (year to date derived), April and May with the year to date reported.
    const months: [string, Row][] = [['2017-01', row(1000)], ['2017-02', row(1000)], ['2017-03', row(1000)], ['2017-04', row(1000, 4000)], ['2017-05', row(1000, 5000)], ['2017-06', row(1000)]];
    for (const [month, r] of months) expect((await submit('energy', month, [r])).errors).toBeUndefined();
    correction = await submit('energy', '2017-02', [row(1100)]);
  });

  it('February corrected: March and June are recomputed, April and May are marked with what the months before imply', async () => {
    expect(correction.errors).toBeUndefined();
    expect(correction.data.result).toMatchObject({
      revised: 1,
      recomputed: 2,
      staleObservations: [
        { month: '2017-04', ytdValue: 4000, impliedYtdValue: 4100, staleFields: ['ytdValue'] },
        { month: '2017-05', ytdValue: 5000, impliedYtdValue: 5100, staleFields: ['ytdValue'] },
      ],
    });
    // June's derived year to date builds on May's implied one, never on the stale figure.
    expect(await chain()).toEqual({ '2017-03': [3100, null], '2017-04': [4000, 4100], '2017-05': [5000, 5100], '2017-06': [6100, null] });
    const april = await read('2017-04');
    expect(april).toMatchObject({ value: 1000, derived: false, version: 2, status: 'FINAL', staleFields: ['ytdValue'] });
    expect(april.changeReason).toBe(`year-to-date awaits re-reporting (待重报): EN_ELECTRICITY for 2017-02 changed (submission ${correction.data.result.submissionId}), so the months before imply 4100, not the reported 4000; report 2017-04 again`);
    expect(april.history).toEqual([{ version: 1, ytdValue: 4000, impliedYtdValue: null, staleFields: [] }]);
  });

  it('a later month reported on the stale figure is refused, compared with the implied one', async () => {
    const refused = await submit('energy', '2017-05', [row(1000, 5000)]);
    const [problem] = problems(refused);
    expect(problem).toMatchObject({ code: 'YTD_INCONSISTENT', field: 'ytdValue', compared: { month: '2017-04', field: 'ytdValue', value: 4100 }, computed: 5100, confirmable: true });
    expect(problem.reason).toContain('待重报');
  });

  it('re-reporting April clears its mark; May stays marked until it is re-reported or confirmed', async () => {
    const april = await submit('energy', '2017-04', [row(1000, 4100)]);
    expect(april.errors).toBeUndefined();
    expect(april.data.result).toMatchObject({ revised: 1, recomputed: 0, staleObservations: [{ month: '2017-05', impliedYtdValue: 5100 }] });
    expect(await read('2017-04')).toMatchObject({ ytdValue: 4100, impliedYtdValue: null, staleFields: [], version: 3, status: 'REVISED' });
    // May's figures as they stood, confirmed with a reason (口径调整): the mark goes, June follows May's 5000.
    const may = await submit('energy', '2017-05', [row(1000, 5000)], { acceptOutliers: { reason: '口径调整: 5月累计按新口径' } });
    expect(may.errors).toBeUndefined();
    expect(may.data.result).toMatchObject({ revised: 1, recomputed: 1, staleObservations: [] });
    expect(await chain()).toEqual({ '2017-03': [3100, null], '2017-04': [4100, null], '2017-05': [5000, null], '2017-06': [6000, null] });
    expect((await read('2017-05')).changeReason).toContain('口径调整');
  });

  it('a correction that makes the chain add up again clears the mark without a re-report; a confirmation holds while the months before it stand', async () => {
    // March 1000 → 900 marks April (3000 + 1000 ≠ 4100, implied 4000), and May, confirmed against
    // April's 4100, with the same offset (5000 − 100) …
    const down = await submit('energy', '2017-03', [row(900)]);
    expect(down.data.result.staleObservations).toEqual([
      { month: '2017-04', ytdValue: 4100, impliedYtdValue: 4000, staleFields: ['ytdValue'] },
      { month: '2017-05', ytdValue: 5000, impliedYtdValue: 4900, staleFields: ['ytdValue'] },
    ]);
    // … and March back to 1000 clears both: the months before May are again what it was confirmed against.
    const back = await submit('energy', '2017-03', [row(1000)]);
    expect(back.data.result).toMatchObject({ revised: 1, staleObservations: [] });
    const april = await read('2017-04');
    expect(april).toMatchObject({ ytdValue: 4100, impliedYtdValue: null, staleFields: [] });
    expect(april.changeReason).toContain('agrees with the months before again');
    expect(await chain()).toEqual({ '2017-03': [3100, null], '2017-04': [4100, null], '2017-05': [5000, null], '2017-06': [6000, null] });
    // A correction that leaves every year-to-date as it was (February's growth only) marks nothing and writes no later version.
    const versions = async () => Promise.all(['2017-03', '2017-04', '2017-05', '2017-06'].map(async (m) => (await read(m)).version));
    const before = await versions();
    const growthOnly = await submit('energy', '2017-02', [{ ...row(1100), yoyPct: 4.5 }]);
    expect(growthOnly.data.result).toMatchObject({ revised: 1, recomputed: 0, staleObservations: [] });
    expect(await versions()).toEqual(before);
  });

  it('counts (户) are exact: a year-to-date one off is refused, and a correction by one marks the later months', async () => {
    const firms = (value: number, ytdValue: number): Row => ({ indicator: 'STAT_NEW_ABOVE_SIZE_ENTERPRISES', subjectKind: 'REGION', subjectCode: OTHER, unit: '户', value, ytdValue });
    expect((await submit('statistics', '2017-05', [firms(1, 5)])).errors).toBeUndefined();
    const [offByOne] = problems(await submit('statistics', '2017-06', [firms(2, 8)]));
    expect(offByOne).toMatchObject({ code: 'YTD_INCONSISTENT', computed: 7 });
    expect((await submit('statistics', '2017-06', [firms(2, 7)])).errors).toBeUndefined();
    const correction = await submit('statistics', '2017-05', [firms(1, 6)]);
    expect(correction.data.result.staleObservations).toEqual([{ month: '2017-06', ytdValue: 7, impliedYtdValue: 8, staleFields: ['ytdValue'] }]);
  });
});

describe('a third tester’s findings on 待重报', () => {
  const at = (code: string) => (value: number, more: Partial<Row> = {}): Row => ({ ...electricity(value), subjectCode: code, ...more });
  const readAt = async (code: string, month: string) =>
    (await system.query(`{ region(code: "${code}") { energy(month: "${month}") { electricity { value ytdValue impliedYtdValue derived } } } }`, undefined, undefined, { token: system.tokens.energy })).data.region.energy.electricity;

  it('a January with its year to date is not compared with December’s year to date', async () => {
    const r = at('411081');
    expect((await submit('energy', '2017-12', [r(1000, { ytdValue: 12000 })])).errors).toBeUndefined();
    expect((await submit('energy', '2018-01', [r(1010, { ytdValue: 1010 })])).errors).toBeUndefined();
  });

  it('a count confirmed off the chain is marked when the months before move by one, however large the count', async () => {
    const hires = (value: number, ytdValue: number): Row => ({ indicator: 'HR_HIRES', subjectKind: 'REGION', subjectCode: COUNTY, unit: '人', value, ytdValue });
    expect((await submit('hr', '2019-05', [hires(1_000_000, 5_000_000)])).errors).toBeUndefined();
    expect((await submit('hr', '2019-06', [hires(1_000_000, 6_000_000)])).errors).toBeUndefined();
    expect((await submit('hr', '2019-07', [hires(1_000_000, 7_000_005)], { acceptOutliers: { reason: '口径调整: 补录5人' } })).errors).toBeUndefined();
    const correction = await submit('hr', '2019-05', [hires(1_000_000, 5_000_001)]);
    expect(correction.data.result.staleObservations).toEqual([
      { month: '2019-06', ytdValue: 6_000_000, impliedYtdValue: 6_000_001, staleFields: ['ytdValue'] },
      { month: '2019-07', ytdValue: 7_000_005, impliedYtdValue: 7_000_006, staleFields: ['ytdValue'] },
    ]);
  });

  it('sums keep the decimals they are written with: a growth-only correction of January marks nothing', async () => {
    const r = at('411082');
    expect((await submit('energy', '2025-01', [r(1.17406, { ytdValue: 1.17406 })])).errors).toBeUndefined();
    expect((await submit('energy', '2025-02', [r(1.21107, { ytdValue: 2.38513 })])).errors).toBeUndefined();
    expect((await submit('energy', '2025-03', [r(1.10001)])).errors).toBeUndefined();
    expect((await readAt('411082', '2025-03')).ytdValue).toBe(3.48514);
    const growthOnly = await submit('energy', '2025-01', [r(1.17406, { ytdValue: 1.17406, yoyPct: 5 })]);
    expect(growthOnly.data.result).toMatchObject({ staleObservations: [] });
  });

  it('a year to date stated where it was derived before is the department’s now: never recomputed, marked instead', async () => {
    const r = at('411023');
    expect((await submit('energy', '2022-01', [r(100)])).errors).toBeUndefined();
    expect((await submit('energy', '2022-02', [r(100)])).errors).toBeUndefined();
    expect(await readAt('411023', '2022-02')).toMatchObject({ ytdValue: 200, derived: true });
    const stated = await submit('energy', '2022-02', [r(100, { ytdValue: 200 })]);
    expect(stated.data.result).toMatchObject({ unchanged: 0 });
    const january = await submit('energy', '2022-01', [r(150)]);
    expect(january.data.result).toMatchObject({ recomputed: 0, staleObservations: [{ month: '2022-02', ytdValue: 200, impliedYtdValue: 250 }] });
    expect(await readAt('411023', '2022-02')).toMatchObject({ ytdValue: 200, impliedYtdValue: 250 });
  });

  it('a replay names its own month too when a later correction of an earlier month left it awaiting re-reporting', async () => {
    const r = at('411002');
    expect((await submit('energy', '2024-02', [r(100, { ytdValue: 200 })])).errors).toBeUndefined();
    const key = `replay-own-${Date.now()}`;
    expect((await submit('energy', '2024-03', [r(100, { ytdValue: 300 })], { idempotencyKey: key })).errors).toBeUndefined();
    expect((await submit('energy', '2024-02', [r(150, { ytdValue: 250 })])).data.result.staleObservations).toHaveLength(1);
    const replay = await submit('energy', '2024-03', [r(100, { ytdValue: 300 })], { idempotencyKey: key });
    expect(replay.data.result.staleObservations).toEqual([{ month: '2024-03', ytdValue: 300, impliedYtdValue: 350, staleFields: ['ytdValue'] }]);
  });
});

describe('the 1–2月 convention at the door', () => {
  it('statistics refuses a January row of gross output with JAN_FEB_COMBINED, naming the convention', async () => {
    const row = { indicator: 'STAT_GROSS_OUTPUT', subjectKind: 'REGION' as const, subjectCode: COUNTY, unit: '万元', value: 120000 };
    const [problem] = problems(await submit('statistics', '2016-01', [row]));
    expect(problem).toMatchObject({ index: 0, field: 'month', code: 'JAN_FEB_COMBINED' });
    expect(problem.reason).toContain('1–2月');
    const [february] = problems(await submit('statistics', '2016-02', [row]));
    expect(february).toMatchObject({ field: 'ytdValue', code: 'JAN_FEB_COMBINED' });
  });
});

describe('抽贷 exactly as 许政[2015]39号 item 十五 words it', () => {
  // more than 1000万元 (超过: strict), or 50 % of undue loans or more (以上: inclusive); balances of the month before.
  const CASES = [
    { balance: 10000, withdrawal: 1000, fires: false, label: 'exactly 1000万元, 10 %' },
    { balance: 10000, withdrawal: 1000.01, fires: true, label: 'just over 1000万元' },
    { balance: 1000, withdrawal: 500, fires: true, label: 'exactly 50 %' },
    { balance: 1000, withdrawal: 499.9, fires: false, label: '49.99 %' },
    { balance: 2401.92, withdrawal: 1200, fires: true, label: 'over 1000万元 at 49.96 %' },
  ];
  let codes: string[];
  let warnings: { subjectCode: string; message: string }[];

  beforeAll(async () => {
    codes = (await system.sql('finance', 'select credit_code from enterprise_register order by credit_code limit 5')).map((r) => String(r.credit_code));
    const confirm = { acceptOutliers: { reason: 'bounds of the 抽贷 rule' } };
    const loans = (indicator: string, pick: (c: (typeof CASES)[number]) => number) =>
      CASES.map((c, i) => ({ indicator, subjectKind: 'ENTERPRISE' as const, subjectCode: codes[i], unit: '万元', value: pick(c) }));
    expect((await submit('finance', '2016-06', loans('FIN_LOANS_OUTSTANDING', (c) => c.balance), confirm)).errors).toBeUndefined();
    expect((await submit('finance', '2016-07', loans('FIN_LOAN_WITHDRAWAL', (c) => c.withdrawal), confirm)).errors).toBeUndefined();
    const result = await system.query('{ warnings(month: "2016-07") { loanWithdrawals { subjectCode message } } }');
    expect(result.errors).toBeUndefined();
    warnings = result.data.warnings.loanWithdrawals;
  });

  it.each(CASES.map((c, i) => [c.label, i, c.fires] as const))('%s: fires %s', (_label, i, fires) => {
    expect(warnings.some((w) => w.subjectCode === codes[i])).toBe(fires);
  });

  it('says 50 % or more at exactly half, and never rounds 49.96 % up to the threshold', () => {
    const half = warnings.find((w) => w.subjectCode === codes[2])!;
    expect(half.message).toContain('50% of undue loans is 50% or more (以上)');
    const under = warnings.find((w) => w.subjectCode === codes[4])!;
    expect(under.message).toContain('1200万元 is more than 1000万元 (超过)');
    expect(under.message).toContain('49.96% of undue loans is under 50%');
    expect(under.message).not.toMatch(/50\.0%/);
    expect(warnings.find((w) => w.subjectCode === codes[1])!.message).toContain('1000.01万元 is more than 1000万元');
  });
});

describe('rankings list every district; targets are judged against their period', () => {
  it('a ranking lists the unreported districts last, without a rank, marked as not reported, and says how many reported', async () => {
    const month = '2021-03';
    const districts = (await system.sql('industry', "select code from region where parent_code = '411000' order by code")).map((r) => String(r.code));
    const reporting = districts.slice(0, 3);
    const values = [300, 100, 200];
    const rows = reporting.map((code, i) => ({ ...electricity(values[i]), subjectCode: code }));
    expect((await submit('energy', month, rows)).errors).toBeUndefined();
    const result = await system.query(`{ region(code: "411000") { energy(month: "${month}") { ranking(indicator: "EN_ELECTRICITY", by: CURRENT_MONTH) { rank regionCode value reported rankedCount reportedCount observation { value } region { code } } } } }`, undefined, undefined, {
      token: system.tokens.energy,
    });
    expect(result.errors).toBeUndefined();
    const ranking = result.data.region.energy.ranking;
    expect(ranking).toHaveLength(districts.length);
    expect(ranking.slice(0, 3).map((r: { rank: number; regionCode: string; value: number }) => [r.rank, r.regionCode, r.value])).toEqual([
      [1, reporting[0], 300],
      [2, reporting[2], 200],
      [3, reporting[1], 100],
    ]);
    const unreported = ranking.slice(3);
    expect(unreported.map((r: { regionCode: string }) => r.regionCode)).toEqual(districts.slice(3));
    for (const r of unreported) expect(r).toMatchObject({ rank: null, value: null, reported: false, observation: null, region: { code: r.regionCode } });
    for (const r of ranking) expect([r.rankedCount, r.reportedCount]).toEqual([3, 3]);
  });

  it('June’s growth target is the first half’s 12.5 %, July’s the year’s 13 %; time progress only for cumulative quantities', async () => {
    const read = async (month: string) => {
      const result = await system.query(`{ region(code: "411000") { industry(month: "${month}") { targets { target { indicator measure value period } actualValue timeProgressPct gap behind } } } }`);
      expect(result.errors).toBeUndefined();
      return result.data.region.industry.targets as { target: { indicator: string; measure: string; value: number; period: string }; actualValue: number | null; timeProgressPct: number | null; gap: number | null }[];
    };
    for (const [month, value, period] of [['2015-06', 12.5, 'H1'], ['2015-07', 13, 'YEAR']] as const) {
      const targets = await read(month);
      const growth = targets.filter((t) => t.target.indicator === 'IND_KEY_ENTERPRISE_OUTPUT' && t.target.measure === 'GROWTH_PCT');
      expect(growth.map((t) => [t.target.value, t.target.period])).toEqual([[value, period]]);
      const [row] = await system.sql('industry', "select ytd_yoy_pct from observation where indicator = 'IND_KEY_ENTERPRISE_OUTPUT' and subject_code = '411000' and month = ?", [month]);
      expect(growth[0].actualValue).toBe(Number(row.ytd_yoy_pct));
      expect(growth[0].gap).toBe(Number((Number(row.ytd_yoy_pct) - value).toFixed(2)));
      expect(growth[0].timeProgressPct).toBeNull();
      const level = targets.find((t) => t.target.indicator === 'IND_PROJECT_INVESTMENT' && t.target.measure === 'LEVEL')!;
      expect(level.timeProgressPct).toBe(month === '2015-06' ? 50 : 58.33);
    }
  });

  it('a Q3 target is judged over July and August in August, not the year to date; time progress only for the level', async () => {
    // June 6000 year to date (+10 %), July 7100, August 8400 (+12 %): Q3 to date 2400, last year's 7500 − 6000/1.1.
    const month = (m: string, value: number, ytdValue: number, ytdYoyPct: number | null) => submit('energy', m, [electricity(value, { ytdValue, ytdYoyPct })]);
    for (const result of [await month('2023-06', 1000, 6000, 10), await month('2023-07', 1100, 7100, null), await month('2023-08', 1300, 8400, 12)]) expect(result.errors).toBeUndefined();
    for (const [measure, value, unit] of [['LEVEL', 3000, '万千瓦时'], ['GROWTH_PCT', 15, '%']] as const) {
      await system.sql(
        'energy',
        "insert into target (year, region_code, indicator, measure, value, unit, description, source, period) values (2023, ?, 'EN_ELECTRICITY', ?, ?, ?, 'Q3 test target', 'test', 'Q3')",
        [COUNTY, measure, value, unit],
      );
    }
    const read = async (m: string) => {
      const result = await system.query(
        `{ region(code: "${COUNTY}") { energy(month: "${m}") { targets { target { measure period value } actualValue completionPct timeProgressPct gap behind } } } }`,
        undefined,
        undefined,
        { token: system.tokens.energy },
      );
      expect(result.errors).toBeUndefined();
      return (result.data.region.energy.targets as { target: { period: string; measure: string } }[]).filter((t) => t.target.period === 'Q3');
    };
    const august = await read('2023-08');
    expect(august.find((t) => t.target.measure === 'LEVEL')).toEqual({ target: { measure: 'LEVEL', period: 'Q3', value: 3000 }, actualValue: 2400, completionPct: 80, timeProgressPct: 66.67, gap: 13.33, behind: false });
    expect(august.find((t) => t.target.measure === 'GROWTH_PCT')).toEqual({ target: { measure: 'GROWTH_PCT', period: 'Q3', value: 15 }, actualValue: 17.33, completionPct: null, timeProgressPct: null, gap: 2.33, behind: false });
    // June is not in Q3: the Q3 targets are not judged then.
    expect(await read('2023-06')).toEqual([]);
  });
});
