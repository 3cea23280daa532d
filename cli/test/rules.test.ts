/**
 * Every rule a submission is checked against (SUBMISSION_RULES, issue 13): one refused and one
 * accepted example per problem code, through `submitBatch` (the only way figures come in), on the
 * energy and statistics subgraphs' own databases (SQLite; PostgreSQL with DATABASE_URL). The sweep
 * fails when a rule has no example, so a new rule cannot come without its test. Then the bounds of
 * the plausibility thresholds, both sides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchRejectedError, CONFIRMABLE, completeCreditCode, DEFAULT_PLAUSIBILITY, roundingSlack, SUBMISSION_RULES, submitBatch, type BatchInput, type ObservationInputRow, type ProblemCode, type SubgraphDefinition } from '@huishang/schema';
import { openTestbed, type Testbed } from '@huishang/schema/testing';
import { energy } from '../../subgraphs/energy/src/subgraph';
import { finance } from '../../subgraphs/finance/src/subgraph';
import { statistics } from '../../subgraphs/statistics/src/subgraph';

process.env.HUISHANG_DEMO_ENTERPRISES ??= '40';

type Department = 'energy' | 'statistics' | 'finance';
let beds: Record<Department, Testbed>;
let enterprise: string;
let counter = 0;
const REGION = '411024';

beforeAll(async () => {
  beds = { energy: await openTestbed(energy), statistics: await openTestbed(statistics), finance: await openTestbed(finance) };
  [{ credit_code: enterprise }] = await beds.energy.sql<{ credit_code: string }>('select credit_code from enterprise_register order by credit_code limit 1');
});
afterAll(async () => {
  await beds?.energy.close();
  await beds?.statistics.close();
  await beds?.finance.close();
});

const definitions: Record<Department, SubgraphDefinition> = { energy, statistics, finance };
/** A valid credit code no register holds. */
const STRANGER = completeCreditCode('91411002MA0000000');
const power = (value: number | null, more: Partial<ObservationInputRow> = {}): ObservationInputRow => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: REGION, unit: '万千瓦时', value, ...more });

/** Three districts' electricity of one month (COPIED_MONTH's example). */
const COPIED: ObservationInputRow[] = [
  { ...power(9904.11), subjectCode: '411002' },
  { ...power(1250.5), subjectCode: '411023' },
  { ...power(9861.2), subjectCode: '411024' },
];

interface Example {
  department: Department;
  month: string;
  batch?: Partial<BatchInput>;
  rows: ObservationInputRow[];
  /** Figures put in first, as FINAL, with their months. */
  before?: { month: string; rows: ObservationInputRow[] }[];
}

function submit(e: Pick<Example, 'department' | 'month' | 'batch' | 'rows'>, status: 'PRELIMINARY' | 'FINAL' = 'FINAL') {
  const batch: BatchInput = { idempotencyKey: `rules-${counter++}`, month: e.month, reportedBy: '测试员', status, observations: e.rows, ...e.batch };
  return submitBatch(beds[e.department].orm.em, definitions[e.department].reporting, batch);
}

async function refusal(e: Example): Promise<ProblemCode[]> {
  for (const b of e.before ?? []) await submit({ department: e.department, month: b.month, rows: b.rows });
  try {
    await submit(e, e.batch?.status ?? 'FINAL');
  } catch (error) {
    if (error instanceof BatchRejectedError) return error.problems.map((p) => p.code);
    throw error;
  }
  return [];
}

/** Per code: a batch that breaks only that rule, and the same batch put right. */
const EXAMPLES: Record<ProblemCode, { bad: Example; good: Example }> = {
  BAD_BATCH: { bad: { department: 'energy', month: '2020-01', batch: { reportedBy: ' ' }, rows: [power(10)] }, good: { department: 'energy', month: '2020-01', rows: [power(10)] } },
  BAD_MONTH: { bad: { department: 'energy', month: '2016-13', rows: [power(10)] }, good: { department: 'energy', month: '2020-12', rows: [power(10)] } },
  FUTURE_MONTH: { bad: { department: 'energy', month: `${new Date().getFullYear() + 1}-01`, rows: [power(10)] }, good: { department: 'energy', month: '2017-01', rows: [power(10)] } },
  UNKNOWN_INDICATOR: { bad: { department: 'energy', month: '2017-02', rows: [power(10, { indicator: 'EN_NOPE' })] }, good: { department: 'energy', month: '2017-02', rows: [power(10)] } },
  COMPUTED_INDICATOR: {
    bad: { department: 'statistics', month: '2017-05', rows: [{ indicator: 'STAT_ENERGY_INTENSITY', subjectKind: 'REGION', subjectCode: REGION, unit: '吨标准煤/万元', value: 0.8 }] },
    good: { department: 'statistics', month: '2017-05', rows: [{ indicator: 'STAT_ENERGY_CONSUMPTION', subjectKind: 'REGION', subjectCode: REGION, unit: '吨标准煤', value: 8000 }, { indicator: 'STAT_VALUE_ADDED', subjectKind: 'REGION', subjectCode: REGION, unit: '万元', value: 10000 }] },
  },
  UNIT_MISMATCH: { bad: { department: 'energy', month: '2017-03', rows: [power(10, { unit: '亿千瓦时' })] }, good: { department: 'energy', month: '2017-03', rows: [power(10)] } },
  SUBJECT_NOT_REPORTED: {
    bad: { department: 'statistics', month: '2017-04', rows: [{ indicator: 'STAT_INDUSTRIAL_INVESTMENT', subjectKind: 'ENTERPRISE', subjectCode: STRANGER, unit: '万元', value: 1 }] },
    good: { department: 'statistics', month: '2017-04', rows: [{ indicator: 'STAT_INDUSTRIAL_INVESTMENT', subjectKind: 'REGION', subjectCode: REGION, unit: '万元', value: 1 }] },
  },
  BAD_IDENTIFIER: { bad: { department: 'energy', month: '2017-05', rows: [power(10, { subjectCode: '419999' })] }, good: { department: 'energy', month: '2017-05', rows: [power(10)] } },
  NOT_A_NUMBER: { bad: { department: 'energy', month: '2017-06', rows: [power(10, { yoyPct: Number.NaN })] }, good: { department: 'energy', month: '2017-06', rows: [power(10)] } },
  MISSING_VALUE: { bad: { department: 'energy', month: '2017-07', rows: [power(null)] }, good: { department: 'energy', month: '2017-07', rows: [power(null, { ytdValue: 70 })] } },
  NOT_APPLICABLE: {
    bad: { department: 'finance', month: '2017-08', rows: [{ indicator: 'FIN_LOANS_OUTSTANDING', subjectKind: 'REGION', subjectCode: REGION, unit: '万元', value: 3000, ytdValue: 3000 }] },
    good: { department: 'finance', month: '2017-08', rows: [{ indicator: 'FIN_LOANS_OUTSTANDING', subjectKind: 'REGION', subjectCode: REGION, unit: '万元', value: 3000 }] },
  },
  OUT_OF_RANGE: { bad: { department: 'energy', month: '2017-09', rows: [power(-1)] }, good: { department: 'energy', month: '2017-09', rows: [power(0)] } },
  DUPLICATE_ROW: { bad: { department: 'energy', month: '2017-10', rows: [power(10), power(11)] }, good: { department: 'energy', month: '2017-10', rows: [power(11)] } },
  JAN_FEB_COMBINED: {
    bad: { department: 'statistics', month: '2017-01', rows: [{ indicator: 'STAT_GROSS_OUTPUT', subjectKind: 'REGION', subjectCode: REGION, unit: '万元', value: 5000 }] },
    good: { department: 'statistics', month: '2017-02', rows: [{ indicator: 'STAT_GROSS_OUTPUT', subjectKind: 'REGION', subjectCode: REGION, unit: '万元', value: null, ytdValue: 9000 }] },
  },
  YTD_INCONSISTENT: {
    bad: { department: 'energy', month: '2019-01', rows: [power(300, { ytdValue: 900 })] },
    good: { department: 'energy', month: '2019-01', rows: [power(300, { ytdValue: 300 })] },
  },
  UNKNOWN_SUBJECT: { bad: { department: 'energy', month: '2017-11', rows: [power(10, { subjectKind: 'ENTERPRISE', subjectCode: STRANGER })] }, good: { department: 'energy', month: '2017-11', rows: [power(10)] } },
  STATUS_REGRESSION: {
    bad: { department: 'energy', month: '2017-12', batch: { status: 'PRELIMINARY' }, rows: [power(12)], before: [{ month: '2017-12', rows: [power(10)] }] },
    good: { department: 'energy', month: '2017-12', batch: { status: 'FINAL' }, rows: [power(12)] },
  },
  SCALE_SLIP: {
    bad: { department: 'energy', month: '2018-06', rows: [power(0.0012)], before: [{ month: '2018-05', rows: [power(12)] }] },
    good: { department: 'energy', month: '2018-06', rows: [power(12.5)] },
  },
  IMPLAUSIBLE_JUMP: {
    bad: { department: 'energy', month: '2018-08', rows: [power(1300)], before: [{ month: '2018-07', rows: [power(100)] }] },
    good: { department: 'energy', month: '2018-08', rows: [power(130)] },
  },
  GROWTH_CONTRADICTION: {
    bad: { department: 'energy', month: '2019-09', rows: [power(110, { yoyPct: 1 })], before: [{ month: '2018-09', rows: [power(100)] }] },
    good: { department: 'energy', month: '2019-09', rows: [power(110, { yoyPct: 10 })] },
  },
  // May's sheet sent again as June's: three districts' electricity to the last digit.
  COPIED_MONTH: {
    bad: { department: 'energy', month: '2020-06', rows: COPIED, before: [{ month: '2020-05', rows: COPIED }] },
    good: { department: 'energy', month: '2020-06', rows: [...COPIED.slice(0, 2), { ...COPIED[2], value: 9861.37 }] },
  },
};

describe('every submission rule refuses what breaks it, with its code, and lets the corrected batch through', () => {
  it('has an example for every rule, and no example without a rule', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(Object.keys(SUBMISSION_RULES).sort());
  });

  // The page puts a confirmable problem right with a reason; it must say so for every such code.
  it('the reporting page has a fix (修改方法) for every confirmable problem', () => {
    const page = readFileSync(join(__dirname, '..', 'page', 'report-page.ts'), 'utf8');
    const fixes = /const FIXES: Record<string, string> = \{([\s\S]*?)\n\};/.exec(page)![1];
    const keys = [...fixes.matchAll(/^\s+([A-Z_]+):/gm)].map((m) => m[1]);
    expect([...CONFIRMABLE].filter((code) => !keys.includes(code))).toEqual([]);
  });

  it.each(Object.keys(SUBMISSION_RULES) as ProblemCode[])('%s', async (code) => {
    const { bad, good } = EXAMPLES[code];
    // One code, on every row that breaks it (a copied month is found on each of its rows).
    expect([...new Set(await refusal(bad))]).toEqual([code]);
    expect(await refusal(good)).toEqual([]);
  });
});

/** Months for one comparison each: last year's figure, then this year's; no two adjacent, none near another test's. */
const SLOTS = [2022, 2025].flatMap((year) => ['01', '03', '05', '07', '09', '11'].map((mm) => ({ before: `${year}-${mm}`, month: `${year + 1}-${mm}` })));
let slot = 0;
const nextSlot = () => SLOTS[slot++];

describe('plausibility thresholds at their bounds (defaults; settings HUISHANG_PLAUSIBILITY_*)', () => {
  const { jumpRatio, scaleRatio, growthPoints } = DEFAULT_PLAUSIBILITY;
  // Each case: last year's value, then this year's; refused (true) or not.
  const ratioCases: [string, number, ProblemCode[]][] = [
    ['just under the jump ratio', jumpRatio * 0.999, []],
    ['at the jump ratio', jumpRatio, ['IMPLAUSIBLE_JUMP']],
    ['just under the scale ratio', scaleRatio * 0.999, ['IMPLAUSIBLE_JUMP']],
    ['at the scale ratio', scaleRatio, ['SCALE_SLIP']],
    ['÷ the jump ratio', 1 / jumpRatio, ['IMPLAUSIBLE_JUMP']],
    ['just above ÷ the jump ratio', 1.001 / jumpRatio, []],
    ['÷ 10,000 (the 万/亿 slip)', 1e-4, ['SCALE_SLIP']],
  ];
  it.each(ratioCases)('a value %s times last year’s', async (_label, ratio, expected) => {
    const { before, month } = nextSlot();
    const codes = await refusal({ department: 'energy', month, rows: [power(1000 * ratio)], before: [{ month: before, rows: [power(1000)] }] });
    expect(codes).toEqual(expected);
  });

  const growthCases: [string, number, ProblemCode[]][] = [
    ['exactly at the tolerance', 10 + growthPoints, []],
    ['just beyond the tolerance', 10 + growthPoints + 0.01, ['GROWTH_CONTRADICTION']],
    ['just beyond the tolerance below', 10 - growthPoints - 0.01, ['GROWTH_CONTRADICTION']],
  ];
  it.each(growthCases)('a stated growth %s of the computed 10 %%', async (_label, stated, expected) => {
    const { before, month } = nextSlot();
    const codes = await refusal({ department: 'energy', month, rows: [power(1100, { yoyPct: stated })], before: [{ month: before, rows: [power(1000)] }] });
    expect(codes).toEqual(expected);
  });

  it(`a copied month: found with HUISHANG_PLAUSIBILITY_COPIED_ROWS (${DEFAULT_PLAUSIBILITY.copiedRows}) flow figures equal to the month before, not with fewer; counts and stocks are not compared; confirmed, it goes in`, async () => {
    const rows = (n: number) => COPIED.concat({ ...power(77.7), subjectCode: '411025' }).slice(0, n);
    const min = DEFAULT_PLAUSIBILITY.copiedRows;
    expect(await refusal({ department: 'energy', month: '2021-04', rows: rows(min), before: [{ month: '2021-03', rows: rows(min) }] })).toEqual(Array(min).fill('COPIED_MONTH'));
    expect(await refusal({ department: 'energy', month: '2021-08', rows: rows(min - 1), before: [{ month: '2021-07', rows: rows(min - 1) }] })).toEqual([]);
    // Counts (户) and stocks beside the copied flows are neither compared nor counted.
    const new户 = (code: string, value: number) => ({ indicator: 'STAT_NEW_ABOVE_SIZE_ENTERPRISES', subjectKind: 'REGION' as const, subjectCode: code, unit: '户', value });
    const counts = ['411002', '411023', '411024', '411025'].map((code) => new户(code, 2));
    expect(await refusal({ department: 'statistics', month: '2021-06', rows: counts, before: [{ month: '2021-05', rows: counts }] })).toEqual([]);
    // Confirmed with a reason, it goes in, the reason kept.
    const e = { department: 'energy' as const, month: '2021-10', rows: rows(min), before: [{ month: '2021-09', rows: rows(min) }] };
    expect(await refusal(e)).toEqual(Array(min).fill('COPIED_MONTH'));
    await submit({ ...e, batch: { acceptOutliers: { reason: '三县区用电与上月持平，已电话核实' } } });
    const [row] = await beds.energy.sql<{ change_reason: string }>("select change_reason from observation where indicator = 'EN_ELECTRICITY' and subject_code = '411002' and month = '2021-10'");
    expect(row.change_reason).toMatch(/三县区用电与上月持平.*COPIED_MONTH value/);
  });

  it('growth at comparable prices (reported only) is not compared with nominal values', async () => {
    const rate = (value: number, ytd: number) => ({ indicator: 'STAT_VALUE_ADDED_GROWTH', subjectKind: 'REGION' as const, subjectCode: REGION, unit: '%', value, ytdValue: ytd });
    expect(await refusal({ department: 'statistics', month: '2023-05', rows: [rate(80, 8)], before: [{ month: '2022-05', rows: [rate(2, 2)] }] })).toEqual([]);
  });

  it('a confirmed outlier goes in, its reason kept with the figure and in its history after a later revision', async () => {
    const { before, month } = nextSlot();
    const e: Example = { department: 'energy', month, rows: [power(0.1)], before: [{ month: before, rows: [power(1000)] }] };
    expect(await refusal(e)).toEqual(['SCALE_SLIP']);
    await submit({ ...e, batch: { acceptOutliers: { reason: '企业停产检修' } } });
    await submit({ ...e, rows: [power(900)] });
    const [history] = await beds.energy.sql<{ change_reason: string; value: number }>("select change_reason, value from observation_history where month = ? and indicator = 'EN_ELECTRICITY'", [month]);
    expect(Number(history.value)).toBe(0.1);
    expect(history.change_reason).toBe(`confirmed by 测试员 (acceptOutliers): 企业停产检修 [SCALE_SLIP value 0.1 vs 1000 in ${before}]`);
  });
});

describe('a flow’s year-to-date against its month (YTD_INCONSISTENT) at the bounds of rounding, both sides', () => {
  // Years no other test uses: nothing on record but what each case puts there.
  const gas = (value: number, ytdValue: number, subjectCode = REGION) => ({ indicator: 'EN_GAS', subjectKind: 'REGION' as const, subjectCode, unit: '万立方米', value, ytdValue });
  const cases: [string, Example, ProblemCode[]][] = [
    ['January: year-to-date within half a unit of the last digits of the value', { department: 'energy', month: '2011-01', rows: [gas(296.28, 296.285)] }, []],
    ['January: year-to-date just beyond the rounding', { department: 'energy', month: '2011-01', rows: [gas(296.28, 296.2856)] }, ['YTD_INCONSISTENT']],
    ['January: year-to-date three times the value', { department: 'energy', month: '2011-01', rows: [gas(300, 900)] }, ['YTD_INCONSISTENT']],
    ['below the month’s value by the rounding only', { department: 'energy', month: '2012-02', rows: [gas(300, 299.5)] }, []],
    ['below the month’s value beyond the rounding', { department: 'energy', month: '2012-02', rows: [gas(300, 299.4)] }, ['YTD_INCONSISTENT']],
    ['a value of 300 with a year-to-date of 100 (the tester’s example)', { department: 'energy', month: '2012-02', rows: [gas(300, 100)] }, ['YTD_INCONSISTENT']],
    [
      'previous year-to-date plus the value, within rounding',
      { department: 'energy', month: '2008-03', rows: [gas(310.5, 906.83, '411002')], before: [{ month: '2008-02', rows: [gas(300, 596.28, '411002')] }] },
      [],
    ],
    [
      'previous year-to-date plus the value, beyond rounding',
      { department: 'energy', month: '2009-03', rows: [gas(310.5, 906.85, '411023')], before: [{ month: '2009-02', rows: [gas(300, 596.28, '411023')] }] },
      ['YTD_INCONSISTENT'],
    ],
  ];
  it.each(cases)('%s', async (_label, example, expected) => {
    expect(await refusal(example)).toEqual(expected);
  });

  it('a year-to-date off the chain is confirmable, and goes in with the reason kept', async () => {
    const e: Example = { department: 'energy', month: '2010-03', rows: [gas(310.5, 1000, '411081')], before: [{ month: '2010-02', rows: [gas(300, 596.28, '411081')] }] };
    expect(await refusal(e)).toEqual(['YTD_INCONSISTENT']);
    expect(await refusal({ ...e, before: [], batch: { acceptOutliers: { reason: '统计局调整1-2月口径' } } })).toEqual([]);
    const [row] = await beds.energy.sql<{ change_reason: string }>("select change_reason from observation where month = '2010-03' and indicator = 'EN_GAS' and subject_code = '411081'");
    expect(row.change_reason).toMatch(/统计局调整1-2月口径 \[YTD_INCONSISTENT ytdValue 1000 vs 2010-02 ytdValue 596.28/);
  });
});

describe('the demo data passes the year-to-date rule it enforces', () => {
  it.each(['energy', 'statistics', 'finance'] as Department[])('%s: January’s year-to-date is its value, later months add up within rounding', async (department) => {
    const flows = new Set(definitions[department].reporting.catalogue.definitions.filter((d) => d.kind === 'FLOW').map((d) => d.code));
    const rows = await beds[department].sql<{ indicator: string; subject_code: string; month: string; value: unknown; ytd_value: unknown }>(
      // The demo's months (2013–2015, schema/src/demo/city.ts): the other tests write theirs elsewhere.
      "select indicator, subject_code, month, value, ytd_value from observation where value is not null and ytd_value is not null and month between '2013-01' and '2015-12'",
    );
    const ytd = new Map(rows.map((r) => [`${r.indicator}|${r.subject_code}|${r.month}`, Number(r.ytd_value)]));
    let checked = 0;
    for (const r of rows.filter((x) => flows.has(x.indicator))) {
      const [value, ytdValue] = [Number(r.value), Number(r.ytd_value)];
      const m = Number(r.month.slice(5));
      const previous = m === 1 ? undefined : ytd.get(`${r.indicator}|${r.subject_code}|${r.month.slice(0, 5)}${String(m - 1).padStart(2, '0')}`);
      const expected = m === 1 ? value : previous === undefined ? undefined : previous + value;
      if (expected === undefined) continue;
      checked++;
      expect({ at: `${r.indicator} ${r.subject_code} ${r.month}`, off: Math.abs(ytdValue - expected) <= roundingSlack(value, ytdValue, ...(previous === undefined ? [] : [previous])) }).toEqual({
        at: `${r.indicator} ${r.subject_code} ${r.month}`,
        off: true,
      });
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('the demo data follows the 1–2月 convention it enforces', () => {
  it('no January row, and a year-to-date value in every February row, for each indicator published as 1–2月', async () => {
    const combined = statistics.reporting.catalogue.definitions.filter((d) => d.publishedJanFeb).map((d) => d.code);
    expect(combined.length).toBeGreaterThan(0);
    for (const code of combined) {
      const january = await beds.statistics.sql<{ n: unknown }>("select count(*) as n from observation where indicator = ? and month like '%-01'", [code]);
      expect(Number(january[0].n)).toBe(0);
      const february = await beds.statistics.sql<{ ytd_value: unknown }>("select ytd_value from observation where indicator = ? and month like '%-02'", [code]);
      expect(february.length).toBeGreaterThan(0);
      expect(february.every((r) => r.ytd_value !== null)).toBe(true);
    }
  });
});
