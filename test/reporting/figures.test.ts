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
    `mutation($batch: ObservationBatchInput!) { result: ${SUBMIT(department)}(batch: $batch) { submissionId created updated revised unchanged recomputed } }`,
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
}, 600_000); // six processes starting on a shared machine
afterAll(async () => {
  await system?.stop();
});

describe('a county’s electricity typed in 亿 where the unit is 万', () => {
  // The example: 9,904.11万千瓦时 a year earlier, then 1.17406 with the stated growth of 7.7 %.
  beforeAll(async () => {
    const base = await submit('energy', '2019-05', [electricity(9904.11)]);
    expect(base.errors).toBeUndefined();
  });

  it('is refused with SCALE_SLIP, showing both numbers and the likely cause; nothing is written', async () => {
    const before = await system.sql('energy', "select count(*) as n from observation where month = '2020-05'");
    const result = await submit('energy', '2020-05', [electricity(1.17406, { yoyPct: 7.7 })]);
    const [problem, ...others] = problems(result);
    expect(others).toEqual([]);
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
        `{ region(code: "${COUNTY}") { energy(month: "${month}") { electricity { value ytdValue ytdYoyPct derived version status changeReason history { version ytdValue changeReason } } } } }`,
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
    expect(await read('2018-03')).toMatchObject({ ytdValue: 3000, derived: true, version: 1 });
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

  it('a year-to-date the department reported is never overwritten by a derivation', async () => {
    const april = await submit('energy', '2018-04', [electricity(1000, { ytdValue: 4100 })]);
    expect(april.errors).toBeUndefined();
    const revision = await submit('energy', '2018-03', [electricity(1200)]);
    expect(revision.data.result).toMatchObject({ revised: 1, recomputed: 0 });
    expect(await read('2018-04')).toMatchObject({ ytdValue: 4100, derived: false, version: 1 });
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
