/**
 * A small answer of the gateway to the meeting-pack document, built by hand: a city, three
 * districts, the eleven months before. Numbers are chosen so that a wrong field or a recomputed
 * rank shows (e.g. the ranking says 鄢陵县 is 2nd on growth although its growth is the highest).
 */
import type { PackMeta } from '../src/model';
import type { Department, DepartmentFigures, DistrictFigures, MeetingPackData, MonthFigures, Observation, RankEntry, TargetProgress } from '../src/types';
import { addMonths } from '../src/months';

export const MONTH = '2015-06';
export const CITY = '411000';
export const DISTRICTS = [
  { code: '411002', name: '魏都区', level: 'DISTRICT' as const },
  { code: '411024', name: '鄢陵县', level: 'COUNTY' as const },
  { code: '411071', name: '许昌经济技术开发区', level: 'ZONE' as const },
];

const NAMES: Record<string, [string, string]> = {
  STAT_VALUE_ADDED_GROWTH: ['规模以上工业增加值增速', '%'],
  STAT_GROSS_OUTPUT: ['规模以上工业总产值', '万元'],
  STAT_MAIN_REVENUE: ['主营业务收入', '万元'],
  STAT_TOTAL_PROFIT: ['利润总额', '万元'],
  STAT_SALES_RATIO: ['产品销售率', '%'],
  STAT_INDUSTRIAL_INVESTMENT: ['工业投资', '万元'],
  IND_KEY_ENTERPRISE_OUTPUT: ['百户重点企业工业总产值', '万元'],
  IND_PROJECT_INVESTMENT: ['亿元以上重点项目完成投资', '万元'],
  IND_NEW_PROJECT_OUTPUT: ['新投产项目新增产值', '万元'],
  EN_ELECTRICITY: ['工业用电量', '万千瓦时'],
  FIN_LOANS_OUTSTANDING: ['贷款余额', '万元'],
  FIN_NEW_LOANS: ['新增贷款', '万元'],
  FIN_INDUSTRIAL_VAT: ['工业增值税', '万元'],
  HR_EMPLOYEES: ['用工人数', '人'],
  HR_HIRES: ['招工人数', '人'],
};

const KINDS: Record<string, 'FLOW' | 'STOCK' | 'RATE'> = {
  STAT_VALUE_ADDED_GROWTH: 'RATE',
  STAT_SALES_RATIO: 'RATE',
  FIN_LOANS_OUTSTANDING: 'STOCK',
  HR_EMPLOYEES: 'STOCK',
};

const DEPARTMENT_OF: Record<string, Department> = {
  STAT: 'statistics',
  IND: 'industry',
  EN: 'energy',
  FIN: 'finance',
  HR: 'hr',
};

export function departmentOf(code: string): Department {
  return DEPARTMENT_OF[code.split('_')[0]];
}

export function obs(indicator: string, subjectCode: string, month: string, values: Partial<Observation>): Observation {
  const [name, unit] = NAMES[indicator];
  return {
    indicator,
    name,
    unit,
    subjectCode,
    month,
    value: null,
    ytdValue: null,
    yoyPct: null,
    ytdYoyPct: null,
    status: 'FINAL',
    derived: false,
    reportedBy: '市统计局',
    reportedAt: '2015-07-10T01:00:00.000Z',
    version: 1,
    ...values,
  };
}

/** Every indicator for one subject and month, scaled by `f` (month index and subject). */
function figures(subject: string, month: string, scale: number, overrides: Record<string, Partial<Observation>> = {}): Record<Department, DepartmentFigures> {
  const out: Record<Department, DepartmentFigures> = { industry: { indicators: [] }, statistics: { indicators: [] }, energy: { indicators: [] }, finance: { indicators: [] }, hr: { indicators: [] } };
  for (const code of Object.keys(NAMES)) {
    const kind = KINDS[code] ?? 'FLOW';
    const base =
      kind === 'RATE'
        ? { value: 10 + scale / 100, ytdValue: 9.5 + scale / 100 }
        : kind === 'STOCK'
          ? { value: 1000 * scale, yoyPct: 2.5 }
          : { value: 100 * scale, ytdValue: 600 * scale, yoyPct: 11, ytdYoyPct: 12 };
    out[departmentOf(code)].indicators.push(obs(code, subject, month, { ...base, ...overrides[code] }));
  }
  return out;
}

function progress(indicator: string, measure: TargetProgress['target']['measure'], target: number, actual: number, behind: boolean | null, scope: string | null = null): TargetProgress {
  const completion = measure === 'LEVEL' ? Math.round((actual / target) * 10000) / 100 : null;
  return {
    target: { indicator, measure, value: target, unit: measure === 'LEVEL' ? '万元' : '%', scope, description: `${indicator} 目标`, source: '许政[2015]39号' },
    actual: { indicator, status: 'FINAL', derived: false, reportedBy: '市工信委', reportedAt: '2015-07-10T01:00:00.000Z' },
    actualValue: actual,
    completionPct: completion,
    timeProgressPct: 50,
    gap: measure === 'LEVEL' ? completion! - 50 : actual - target,
    behind,
  };
}

const rank = (entries: [string, number, number][]): RankEntry[] => entries.map(([regionCode, r, value]) => ({ regionCode, rank: r, value }));

export function fixture(options: { quarterly?: boolean } = {}): MeetingPackData {
  const city = figures(CITY, MONTH, 30, {
    STAT_GROSS_OUTPUT: { value: 480606.28, ytdValue: 2482690.61, yoyPct: 11.8, ytdYoyPct: 11.7 },
    STAT_VALUE_ADDED_GROWTH: { value: 10, ytdValue: 9.9 },
    FIN_LOANS_OUTSTANDING: { value: 881724.58, yoyPct: -2 },
    HR_EMPLOYEES: { value: 56592, yoyPct: 8.1, status: 'PRELIMINARY' },
  });
  const districts: DistrictFigures[] = DISTRICTS.map((d, i) => {
    const f = figures(d.code, MONTH, 10 + i, {
      // 鄢陵县 has the highest gross-output growth, yet the ranking below (as delivered) says 2nd.
      STAT_GROSS_OUTPUT: { ytdValue: [223300, 216200, 187100][i], ytdYoyPct: [8.3, 19.2, 9.0][i] },
    });
    return { ...d, locallyAssigned: false, ...f } as DistrictFigures;
  });
  // Targets: 魏都区 behind on project investment, 鄢陵县 ahead, 开发区 behind on growth only.
  districts[0].industry.targets = [progress('IND_PROJECT_INVESTMENT', 'LEVEL', 450000, 180000, true), progress('IND_KEY_ENTERPRISE_OUTPUT', 'GROWTH_PCT', 13, 14.2, false)];
  districts[1].industry.targets = [progress('IND_PROJECT_INVESTMENT', 'LEVEL', 325000, 200000, false), progress('IND_KEY_ENTERPRISE_OUTPUT', 'GROWTH_PCT', 13, 13.5, false)];
  districts[2].industry.targets = [progress('IND_PROJECT_INVESTMENT', 'LEVEL', 325000, 170000, false), progress('IND_KEY_ENTERPRISE_OUTPUT', 'GROWTH_PCT', 13, 0.9, true)];
  for (const d of districts) for (const dep of ['statistics', 'energy', 'finance', 'hr'] as const) d[dep].targets = [];

  const cityTargets = {
    industry: [progress('IND_PROJECT_INVESTMENT', 'LEVEL', 3000000, 1418190.38, true), progress('IND_KEY_ENTERPRISE_OUTPUT', 'SHARE_PCT', 53, 0, null)],
    statistics: [progress('STAT_MAIN_REVENUE', 'LEVEL', 15000000, 0, null, '装备制造')],
  };
  cityTargets.industry[1].actualValue = null;
  cityTargets.industry[1].completionPct = null;
  cityTargets.industry[1].gap = null;
  cityTargets.statistics[0].actualValue = null;
  cityTargets.statistics[0].completionPct = null;
  cityTargets.statistics[0].gap = null;

  const trend = (i: number): MonthFigures => {
    const month = addMonths(MONTH, -i);
    const f = figures(CITY, month, 30 - i) as MonthFigures;
    if (month.endsWith('-01')) f.statistics.indicators = [];
    if (month.endsWith('-02')) for (const o of f.statistics.indicators) o.value = null;
    // The end of the previous quarter: year to date of gross output for the quarter-to-date.
    if (i === 3) f.statistics.indicators.find((o) => o.indicator === 'STAT_GROSS_OUTPUT')!.ytdValue = 1200000;
    if (i === 3) f.statistics.indicators.find((o) => o.indicator === 'STAT_GROSS_OUTPUT')!.ytdYoyPct = 10;
    if (i === 3) f.finance.indicators.find((o) => o.indicator === 'FIN_LOANS_OUTSTANDING')!.value = 880000;
    return f;
  };

  const data: MeetingPackData = {
    catalogue: {
      industry: [],
      finance: [],
      energy: [],
      statistics: [],
      hr: [],
    },
    city: {
      code: CITY,
      name: '许昌市',
      industry: {
        ...city.industry,
        targets: cityTargets.industry,
        keyOutputYtd: rank([['411002', 3, 1], ['411024', 2, 2], ['411071', 1, 3]]),
        keyOutputGrowth: rank([['411002', 1, 12], ['411024', 2, 11], ['411071', 3, 10]]),
        projectInvestmentYtd: rank([['411002', 1, 3], ['411024', 2, 2], ['411071', 3, 1]]),
        projectInvestmentGrowth: rank([['411002', 1, 12], ['411024', 1, 12], ['411071', 1, 12]]),
      },
      statistics: {
        ...city.statistics,
        targets: cityTargets.statistics,
        valueAddedGrowth: rank([['411071', 1, 9.6], ['411024', 2, 9.6], ['411002', 3, 9.5]]),
        grossOutputYtd: rank([['411002', 1, 223300], ['411024', 2, 216200], ['411071', 3, 187100]]),
        // As delivered (ties share a rank; the data service decides): carried, not recomputed.
        grossOutputGrowth: rank([['411071', 1, 9.0], ['411002', 1, 8.3], ['411024', 2, 19.2]]),
      },
      energy: { ...city.energy, targets: [], electricityYtd: rank([['411002', 1, 1]]), electricityGrowth: [] },
      finance: { ...city.finance, targets: [], loansLevel: rank([['411002', 3, 1], ['411024', 2, 2], ['411071', 1, 3]]), loansGrowth: rank([['411002', 1, 1], ['411024', 1, 1], ['411071', 1, 1]]) },
      hr: { ...city.hr, targets: [], employeesLevel: rank([['411071', 1, 1]]), employeesGrowth: rank([['411002', 2, 1]]) },
      districts,
      previousQuarter: options.quarterly
        ? districts.map((d) => ({
            code: d.code,
            ...(figures(d.code, addMonths(MONTH, -3), 5, { STAT_GROSS_OUTPUT: { ytdValue: 100000, ytdYoyPct: 5 } }) as Omit<DistrictFigures, 'code' | 'name' | 'level' | 'locallyAssigned'>),
          }))
        : null,
    },
    m01: trend(1),
    m02: trend(2),
    m03: trend(3),
    m04: trend(4),
    m05: trend(5),
    m06: trend(6),
    m07: trend(7),
    m08: trend(8),
    m09: trend(9),
    m10: null,
    m11: trend(11),
    keyEnterprises: {
      totalCount: 2,
      edges: [
        {
          node: {
            creditCode: '9141100270159UP1KM',
            name: '许昌远东电梯有限公司',
            industryCode: 'C3435',
            industryName: '电梯、自动扶梯及升降机制造',
            region: { code: '411002', name: '魏都区' },
            industry: { keyEnterpriseOutput: obs('IND_KEY_ENTERPRISE_OUTPUT', '9141100270159UP1KM', MONTH, { value: 7065.23, ytdValue: 36744.28, yoyPct: 6, ytdYoyPct: 11.8 }) },
            statistics: { grossOutput: null },
            energy: { electricity: obs('EN_ELECTRICITY', '9141100270159UP1KM', MONTH, { value: 70.33, yoyPct: -30 }) },
            finance: { loansOutstanding: obs('FIN_LOANS_OUTSTANDING', '9141100270159UP1KM', MONTH, { value: 12858.77 }) },
            hr: { employees: obs('HR_EMPLOYEES', '9141100270159UP1KM', MONTH, { value: 625, yoyPct: 8.3 }) },
          },
        },
        {
          node: {
            creditCode: '91411002BKU465848E',
            name: '许昌博远食品有限公司',
            industryCode: 'C1411',
            industryName: '饼干及其他焙烤食品制造',
            region: { code: '411002', name: '魏都区' },
            industry: { keyEnterpriseOutput: obs('IND_KEY_ENTERPRISE_OUTPUT', '91411002BKU465848E', MONTH, { value: 11424.37, ytdValue: 58114.02, yoyPct: 6, ytdYoyPct: 4.1 }) },
            statistics: { grossOutput: null },
            energy: { electricity: obs('EN_ELECTRICITY', '91411002BKU465848E', MONTH, { value: 163.09, yoyPct: 3 }) },
            finance: { loansOutstanding: null },
            hr: { employees: obs('HR_EMPLOYEES', '91411002BKU465848E', MONTH, { value: 1912, yoyPct: 5.4 }) },
          },
        },
      ],
    },
    warnings: {
      month: MONTH,
      keyEnterprises: [
        {
          creditCode: '9141100270159UP1KM',
          enterprise: { name: '许昌远东电梯有限公司', region: { code: '411002', name: '魏都区' } },
          powerDrop: {
            rule: 'POWER_DROP',
            title: '重点企业用电量大幅下降而产值未降',
            message: 'Electricity of key enterprise 9141100270159UP1KM fell 30% year on year while its reported output changed 6%.',
            subjectKind: 'ENTERPRISE',
            subjectCode: '9141100270159UP1KM',
            month: MONTH,
            evidence: [
              { department: 'energy', role: 'electricity', observation: obs('EN_ELECTRICITY', '9141100270159UP1KM', MONTH, { value: 70.33, yoyPct: -30, reportedBy: '国网许昌供电公司' }) },
              { department: 'industry', role: 'output', observation: obs('IND_KEY_ENTERPRISE_OUTPUT', '9141100270159UP1KM', MONTH, { value: 7065.23, yoyPct: 6, reportedBy: '市工信委' }) },
            ],
            thresholds: [{ name: 'powerDropPct', value: 20 }, { name: 'outputSteadyPct', value: 5 }],
          },
          employmentDrop: null,
        },
        { creditCode: '91411002BKU465848E', enterprise: { name: '许昌博远食品有限公司', region: { code: '411002', name: '魏都区' } }, powerDrop: null, employmentDrop: null },
      ],
      loanWithdrawals: [
        {
          rule: 'LOAN_WITHDRAWAL',
          title: '抽贷报告',
          message: 'Loan withdrawal (抽贷) of 1200万元 from 9141100209D8154Q4B.',
          subjectKind: 'ENTERPRISE',
          subjectCode: '9141100209D8154Q4B',
          month: MONTH,
          evidence: [
            { department: 'finance', role: 'withdrawal', observation: obs('FIN_LOANS_OUTSTANDING', '9141100209D8154Q4B', MONTH, { indicator: 'FIN_LOAN_WITHDRAWAL', name: '抽贷金额', value: 1200 }) },
            { department: 'finance', role: 'undue loans before the withdrawal', observation: obs('FIN_LOANS_OUTSTANDING', '9141100209D8154Q4B', '2015-05', { value: 6000 }) },
          ],
          thresholds: [{ name: 'loanWithdrawalAmount', value: 1000 }, { name: 'loanWithdrawalSharePct', value: 50 }],
        },
      ],
    },
  };
  return data;
}

export function meta(overrides: Partial<PackMeta> = {}): PackMeta {
  return {
    month: MONTH,
    quarterly: false,
    gateway: 'http://localhost:4000/graphql',
    generatedAt: '2015-07-12T02:30:00.000Z',
    documentSha256: 'a'.repeat(64),
    documentName: 'briefing/queries/meeting-pack.graphql',
    requestId: 'req-1',
    asOf: null,
    ...overrides,
  };
}
