import { completeCreditCode, CREDIT_CODE_ALPHABET } from '../identifiers/creditCode';
import { addMonths, monthParts, monthRange } from '../identifiers/month';
import { DISTRICTS, REGIONS, type RegionRecord } from '../identifiers/regionCode';
import { DEMO_CLUSTER_SCALE, DEMO_INDUSTRIES, REGION_CLUSTERS, REGION_WEIGHTS, type DemoIndustry } from './industries';
import { departmentDemos } from './plan';
import { Random, streamSeed } from './random';

/** The months the demo data covers: three years up to the year of 许政[2015]39号. */
export const DEMO_FIRST_MONTH = '2013-01';
export const DEMO_LAST_MONTH = '2015-12';
/** One earlier year is simulated so that 2013 has year-on-year growth. */
const SIMULATION_START = '2012-01';

export interface DemoEnterprise {
  creditCode: string;
  name: string;
  regionCode: string;
  industry: DemoIndustry;
  /** Above designated size (规模以上): main-business revenue ≥ 2000万元 a year. */
  aboveDesignatedSize: boolean;
  /** On the list of 100 key enterprises (百户重点企业). */
  key: boolean;
}

/** One enterprise's month, as every department would see it. Money in 万元. */
export interface EnterpriseMonth {
  month: string;
  output: number;
  revenue: number;
  profit: number;
  valueAdded: number;
  /** Sales-to-output ratio (产销率), %. */
  salesRatio: number;
  /** 万千瓦时. */
  electricity: number;
  /** 万立方米. */
  gas: number;
  employees: number;
  hiringDemand: number;
  loansOutstanding: number;
  newLoans: number;
  /** Loans called in early by banks (抽贷), 万元. */
  loanWithdrawal: number;
  vat: number;
}

export interface DemoCity {
  seed: number;
  regions: readonly RegionRecord[];
  districts: readonly RegionRecord[];
  enterprises: readonly DemoEnterprise[];
  /** 2013-01 … 2015-12. */
  months: readonly string[];
  /** Every simulated month of an enterprise, 2012-01 … 2015-12, keyed by month. */
  series: ReadonlyMap<string, ReadonlyMap<string, EnterpriseMonth>>;
  /** The enterprises planted in the meeting month to fire each warning rule, or to just miss it. */
  scenarios: DemoScenarios;
}

/** The month the planted warning cases happen in: the June 2015 meeting. */
export const WARNING_MONTH = '2015-06';

/**
 * Credit codes of the planted cases, per case (its `name`) and role: `fires` must trigger the rule
 * with its default threshold, `nearMiss` comes close and must not. The cases are the departments'
 * (their demo modules, demo/plan.ts).
 */
export type DemoScenarios = Readonly<Record<string, Readonly<Record<string, string[]>>>>;

const SEASON = [0.86, 0.72, 1.0, 1.0, 1.02, 1.08, 0.97, 0.98, 1.05, 1.03, 1.08, 1.21];
const NAME_PREFIXES: Record<string, string> = {
  '411002': '许昌', '411023': '许昌', '411024': '鄢陵', '411025': '襄城', '411081': '禹州',
  '411082': '长葛', '411071': '许昌', '411072': '许昌', '411073': '许昌',
};
const BRANDS = [
  '瑞祥', '恒达', '众品', '森源', '黄河', '远东', '宏业', '金汇', '华信', '中原', '鼎盛', '永丰', '天诚', '泰和', '新源',
  '德润', '昌盛', '隆兴', '嘉禾', '汇通', '华锐', '方正', '东方', '长城', '启明', '博远', '精诚', '安泰', '荣华', '万通',
  '宇航', '金穗', '丰源', '瑞丰', '华夏', '中兴', '佳和', '盛世', '银河', '润泽',
];

export interface DemoOptions {
  seed?: number;
  enterprises?: number;
}

export function demoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<DemoOptions> {
  return {
    seed: Number(env.HUISHANG_DEMO_SEED ?? 2015),
    enterprises: Number(env.HUISHANG_DEMO_ENTERPRISES ?? 520),
  };
}

const cache = new Map<string, DemoCity>();

/**
 * The demo city, Xuchang 2013–2015: the same seed gives the same enterprises and figures, so every
 * subgraph (each in its own process, on SQLite or PostgreSQL) seeds a consistent slice of one city.
 */
export function demoCity(options: DemoOptions = demoOptionsFromEnv()): DemoCity {
  const seed = options.seed ?? 2015;
  const count = options.enterprises ?? 520;
  const cacheKey = `${seed}/${count}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const register = new Random(streamSeed(seed, 'register'));
  const drafts: (DemoEnterprise & { base: number; growth: number })[] = [];
  const codes = new Set<string>();
  const names = new Set<string>();
  const regionChoices = DISTRICTS.map((d) => ({ item: d.code, weight: REGION_WEIGHTS[d.code] ?? 0.05 }));
  while (drafts.length < count) {
    const regionCode = register.weighted(regionChoices);
    const clusters = REGION_CLUSTERS[regionCode] ?? [];
    const local = DEMO_INDUSTRIES.filter((i) => clusters.includes(i.cluster));
    const industry = local.length && register.next() < 0.7 ? register.pick(local) : register.pick(DEMO_INDUSTRIES);
    let body = `91${regionCode}`;
    // The 9-character organisation code: digits mostly, letters sometimes, as issued.
    for (let i = 0; i < 9; i++) body += register.next() < 0.8 ? String(register.int(0, 9)) : CREDIT_CODE_ALPHABET[register.int(10, 30)];
    const creditCode = completeCreditCode(body);
    if (codes.has(creditCode)) continue;
    const prefix = NAME_PREFIXES[regionCode] ?? '许昌';
    let name = `${prefix}${register.pick(BRANDS)}${industry.nameWord}有限公司`;
    // Two-word brands when one word is taken: names stay unique and plausible.
    while (names.has(name)) name = `${prefix}${register.pick(BRANDS)}${register.pick(BRANDS)}${industry.nameWord}有限公司`;
    codes.add(creditCode);
    names.add(name);
    // Monthly output in 2012, 万元: log-normal, a few large groups and many small firms.
    const base = Math.exp(register.normal(Math.log(1200), 1.05));
    const growth = register.normal(0.125, 0.07);
    drafts.push({ creditCode, name, regionCode, industry, aboveDesignatedSize: false, key: false, base, growth });
  }

  scaleToClusters(drafts, seed);
  const series = new Map<string, Map<string, EnterpriseMonth>>();
  for (const draft of drafts) series.set(draft.creditCode, simulate(draft, draft.base, draft.growth, new Random(streamSeed(seed, draft.creditCode))));

  // Size and key status are judged on 2014 (the list the 2015 meeting works from).
  const revenue2014 = (code: string) => [...series.get(code)!.values()].filter((m) => m.month.startsWith('2014')).reduce((s, m) => s + m.revenue, 0);
  const byRevenue = [...drafts].sort((a, b) => revenue2014(b.creditCode) - revenue2014(a.creditCode));
  const keyCodes = new Set(byRevenue.slice(0, Math.min(100, Math.floor(count / 5))).map((d) => d.creditCode));
  const enterprises: DemoEnterprise[] = drafts
    .map(({ base: _b, growth: _g, ...e }) => ({
      ...e,
      aboveDesignatedSize: revenue2014(e.creditCode) >= 2000,
      key: keyCodes.has(e.creditCode),
    }))
    .sort((a, b) => (a.creditCode < b.creditCode ? -1 : 1));

  const city: DemoCity = {
    seed,
    regions: REGIONS,
    districts: DISTRICTS,
    enterprises,
    months: monthRange(DEMO_FIRST_MONTH, DEMO_LAST_MONTH),
    series,
    scenarios: plantScenarios(enterprises, series),
  };
  cache.set(cacheKey, city);
  return city;
}

/**
 * Sizes each lean cluster (DEMO_CLUSTER_SCALE): one factor on the 2012 output of all its enterprises,
 * so the first half of 2015 of its above-size ones (规模以上, judged on 2014 as below) comes to
 * `revenue2015 × ½ × pace`. A simulated month is linear in the base (its random draws do not depend
 * on it), so one trial run per enterprise gives the factor; the above-size set moves with the factor,
 * hence a few rounds. Deterministic: same seed, same factors.
 */
function scaleToClusters(drafts: { creditCode: string; industry: DemoIndustry; base: number; growth: number }[], seed: number): void {
  const trial = drafts.map((d) => {
    const months = [...simulate(d, d.base, d.growth, new Random(streamSeed(seed, d.creditCode))).values()];
    const sum = (prefix: string) => months.filter((m) => m.month.startsWith(prefix)).reduce((s, m) => s + m.revenue, 0);
    const firstHalf = months.filter((m) => m.month >= '2015-01' && m.month <= '2015-06').reduce((s, m) => s + m.revenue, 0);
    return { draft: d, revenue2014: sum('2014'), firstHalf };
  });
  for (const [cluster, { revenue2015, pace }] of Object.entries(DEMO_CLUSTER_SCALE)) {
    const members = trial.filter((t) => t.draft.industry.cluster === cluster);
    if (!members.length) continue;
    const wanted = revenue2015 * 0.5 * pace;
    let factor = 1;
    for (let round = 0; round < 8; round++) {
      const above = members.filter((t) => t.revenue2014 * factor >= 2000).reduce((s, t) => s + t.firstHalf, 0);
      if (above <= 0) break;
      factor = wanted / above;
    }
    for (const t of members) t.draft.base *= factor;
  }
}

/**
 * Rewrites the meeting month of a few enterprises so the warning rules have cases that fire and
 * cases just under each threshold: each department's cases (departmentDemos, registry order) take
 * the next key and other enterprises in credit-code order, so the same seed plants the same. A
 * city too small for all of them plants none.
 */
function plantScenarios(enterprises: readonly DemoEnterprise[], series: Map<string, Map<string, EnterpriseMonth>>): DemoScenarios {
  const key = enterprises.filter((e) => e.key).map((e) => e.creditCode);
  const others = enterprises.filter((e) => !e.key).map((e) => e.creditCode);
  const cases = departmentDemos().flatMap(({ demo }) => demo.cases ?? []);
  const scenarios: Record<string, Record<string, string[]>> = Object.fromEntries(cases.map((c) => [c.name, Object.fromEntries(c.roles.map((role) => [role, []]))]));
  const needed = cases.reduce((n, c) => ({ key: n.key + (c.key ?? 0), others: n.others + (c.others ?? 0) }), { key: 0, others: 0 });
  if (key.length < needed.key || others.length < needed.others) return scenarios;
  const context = { month: (code: string, m: string) => series.get(code)!.get(m)!, warningMonth: WARNING_MONTH, lastYear: addMonths(WARNING_MONTH, -12), previous: addMonths(WARNING_MONTH, -1) };
  let k = 0;
  let o = 0;
  for (const c of cases) {
    const taken = { key: key.slice(k, (k += c.key ?? 0)), others: others.slice(o, (o += c.others ?? 0)) };
    scenarios[c.name] = { ...scenarios[c.name], ...c.plant({ ...context, ...taken }) };
  }
  return scenarios;
}

function simulate(e: { industry: DemoIndustry }, base: number, growth: number, random: Random): Map<string, EnterpriseMonth> {
  const months = new Map<string, EnterpriseMonth>();
  let employees = Math.max(12, Math.round((base / e.industry.productivity) * random.between(0.8, 1.2)));
  let loans = base * 12 * random.between(0.08, 0.45);
  const salesBias = random.between(-1.2, 1.2);
  for (const month of monthRange(SIMULATION_START, DEMO_LAST_MONTH)) {
    const { year, month: m } = monthParts(month);
    const t = year - 2012 + (m - 1) / 12;
    const output = base * Math.pow(1 + growth, t) * SEASON[m - 1] * (1 + random.normal(0, 0.035));
    const salesRatio = Math.min(100, Math.max(88, 97.5 + salesBias + random.normal(0, 0.8)));
    const revenue = output * (salesRatio / 100) * 1.02;
    // Employment moves slowly: towards what output needs, a little each month.
    const needed = (output / SEASON[m - 1]) / e.industry.productivity;
    employees = Math.max(10, Math.round(employees + (needed - employees) * 0.04 + random.normal(0, Math.max(1, employees * 0.004))));
    const newLoans = Math.max(0, loans * random.between(0.0, 0.09));
    loans = Math.max(0, loans + newLoans - loans * random.between(0.02, 0.07));
    months.set(month, {
      month,
      output,
      revenue,
      profit: revenue * e.industry.margin * (1 + random.normal(0, 0.25)),
      valueAdded: output * e.industry.valueAddedRatio * (1 + random.normal(0, 0.02)),
      salesRatio,
      electricity: output * e.industry.electricityIntensity * (1 + random.normal(0, 0.03)),
      gas: output * e.industry.gasIntensity * (1 + random.normal(0, 0.05)),
      employees,
      hiringDemand: Math.max(0, Math.round(employees * random.between(0, 0.06) + (m <= 3 ? employees * 0.05 : 0))),
      loansOutstanding: loans,
      newLoans,
      loanWithdrawal: 0,
      vat: output * e.industry.valueAddedRatio * 0.17 * random.between(0.5, 0.8),
    });
  }
  return months;
}

/** The enterprise's month, or the same month a year before. */
export function enterpriseMonth(city: DemoCity, creditCode: string, month: string): EnterpriseMonth | undefined {
  return city.series.get(creditCode)?.get(month);
}

export function previousYear(month: string): string {
  return addMonths(month, -12);
}
