import {
  addMonths,
  DEMO_INDUSTRIES,
  DISTRICTS,
  monthRange,
  Random,
  REGION_CLUSTERS,
  REGION_WEIGHTS,
  streamSeed,
  type DemoCity,
  type DemoEnterprise,
} from '@huishang/schema';
import { ProjectStage } from '../entities/KeyProject';

/**
 * The demo key-project ledger (亿元以上重点项目): the 2015 list of 许政[2015]39号 — 120 projects of
 * 1亿元 (10,000万元) and more, planning ≥ 300亿元 in 2015 — and a handful from the 2013 and 2014
 * lists. Projects come from their own random stream, so codes, names, investment and schedules are
 * the same whatever the size of the demo city; only the link to an enterprise of the register
 * depends on which enterprises the city has.
 */

export interface DemoProjectMonth {
  month: string;
  plannedCumulative: number;
  completedCumulative: number | null;
}

export interface DemoKeyProject {
  code: string;
  name: string;
  year: number;
  regionCode: string;
  enterpriseCode: string | null;
  industryCode: string;
  plannedTotalInvestment: number;
  plannedYearInvestment: number;
  startMonth: string;
  endMonth: string;
  stage: ProjectStage;
  schedule: DemoProjectMonth[];
}

/** 2015's list: 120 projects planning at least 300亿元 for the year (许政[2015]39号). */
export const KEY_PROJECTS_2015 = 120;
/** What the 2015 list plans for the year in all, 万元: 315亿元, above the 300亿元 target. */
export const KEY_PROJECTS_2015_PLANNED = 3_150_000;
/** The ledger as it stands: the end of the demo period. */
const LEDGER_NOW = '2015-12';

/**
 * Projects behind their schedule at the end of June 2015 by design, with completed ÷ planned to
 * date: four clearly (below 70%) and one mildly (81%), so a warning rule has cases that fire.
 */
export const BEHIND_AT_2015_06: Readonly<Record<string, number>> = {
  'XC2015-007': 0.52,
  'XC2015-023': 0.64,
  'XC2015-041': 0.58,
  'XC2015-054': 0.81,
  'XC2015-066': 0.69,
};
/** Just above the default 85% threshold at the end of June 2015: near misses that must not be flagged. */
export const NEAR_MISS_AT_2015_06: Readonly<Record<string, number>> = {
  'XC2015-015': 0.872,
  'XC2015-088': 0.861,
};
/** The designated project still in preliminary work (its land is not approved: see the problem list). */
const STUCK_IN_PRELIMINARY_WORK = 'XC2015-041';

/** Share of a year's investment done in each month: little around the Spring Festival, most at year end. */
const PHASE = [0.04, 0.05, 0.08, 0.09, 0.09, 0.1, 0.08, 0.08, 0.09, 0.09, 0.1, 0.11];

interface Template {
  industry: string;
  name: string;
}

/** Typical projects of each cluster the districts lean to (see REGION_CLUSTERS). */
const CLUSTER_PROJECTS: Readonly<Record<string, readonly Template[]>> = {
  'power-equipment': [
    { industry: 'C3823', name: '智能配电开关设备产业化项目' },
    { industry: 'C3821', name: '特高压变压器生产线项目' },
    { industry: 'C3823', name: '智能电网装备产业园项目' },
    { industry: 'C3823', name: '新能源汽车充电设备生产基地项目' },
    { industry: 'C3821', name: '非晶合金变压器扩能项目' },
    { industry: 'C3823', name: '高压开关柜智能化改造项目' },
  ],
  equipment: [
    { industry: 'C3511', name: '大型煤矿综采设备制造项目' },
    { industry: 'C3441', name: '节能泵阀生产基地项目' },
    { industry: 'C3511', name: '高端矿山机械再制造项目' },
    { industry: 'C3441', name: '真空设备精密加工项目' },
    { industry: 'C3511', name: '液压支架智能制造项目' },
    { industry: 'C3491', name: '工业机器人及智能装备产业化项目' },
    { industry: 'C3982', name: '高密度印制电路板生产线项目' },
  ],
  'recycled-metal': [
    { industry: 'C3240', name: '年产20万吨再生铝合金项目' },
    { industry: 'C4210', name: '废旧金属回收加工园区项目' },
    { industry: 'C3240', name: '再生铜精深加工项目' },
    { industry: 'C4210', name: '报废汽车拆解及资源化利用项目' },
    { industry: 'C3240', name: '铝合金轮毂生产线项目' },
    { industry: 'C4210', name: '废钢加工配送中心项目' },
  ],
  food: [
    { industry: 'C1351', name: '生猪屠宰及冷链物流项目' },
    { industry: 'C1431', name: '休闲焙烤食品生产线项目' },
    { industry: 'C1351', name: '年产10万吨肉制品精深加工项目' },
    { industry: 'C1431', name: '速冻米面食品产业园项目' },
    { industry: 'C1351', name: '禽类屠宰分割及熟食加工项目' },
  ],
  'hair-products': [
    { industry: 'C2439', name: '发制品产业园项目' },
    { industry: 'C2439', name: '高档假发生产线扩建项目' },
    { industry: 'C2439', name: '发制品电子商务及仓储物流基地项目' },
    { industry: 'C2439', name: '化纤发丝生产线项目' },
  ],
  'coal-coking': [
    { industry: 'C2521', name: '焦炉煤气综合利用项目' },
    { industry: 'C2521', name: '焦化升级改造项目' },
    { industry: 'C2521', name: '干熄焦余热发电项目' },
    { industry: 'C2521', name: '煤焦油深加工项目' },
  ],
  autos: [
    { industry: 'C3670', name: '汽车零部件产业园项目' },
    { industry: 'C3670', name: '汽车制动系统生产线项目' },
    { industry: 'C3670', name: '汽车转向器扩能项目' },
    { industry: 'C3670', name: '新能源汽车电机控制器项目' },
    { industry: 'C3612', name: '新能源汽车整车生产基地项目' },
  ],
  textiles: [
    { industry: 'C1711', name: '高档紧密纺生产线项目' },
    { industry: 'C1922', name: '箱包产业园项目' },
    { industry: 'C1711', name: '年产5万锭气流纺项目' },
    { industry: 'C1922', name: '拉杆箱智能生产线项目' },
  ],
  biomedicine: [
    { industry: 'C2710', name: '原料药生产基地项目' },
    { industry: 'C2740', name: '中药饮片及中成药生产线项目' },
    { industry: 'C2740', name: '中药材GAP种植及提取项目' },
    { industry: 'C2710', name: '医药中间体扩建项目' },
  ],
  elevators: [
    { industry: 'C3435', name: '电梯整机及关键部件生产基地项目' },
    { industry: 'C3435', name: '电梯导轨及曳引机项目' },
  ],
  tobacco: [
    { industry: 'C1620', name: '卷烟厂易地技术改造项目' },
    { industry: 'C1620', name: '卷烟物流配送中心项目' },
  ],
  'building-materials': [
    { industry: 'C3011', name: '新型干法水泥生产线技改项目' },
    { industry: 'C3011', name: '装配式建筑构件生产基地项目' },
    { industry: 'C3011', name: '水泥窑协同处置固废项目' },
  ],
};

/** Public projects of a district or park, built by no enterprise of the register. */
const PUBLIC_PROJECTS: readonly Template[] = [
  { industry: 'E4710', name: '产业集聚区标准化厂房建设项目' },
  { industry: 'E4813', name: '产业集聚区道路及管网配套工程' },
  { industry: 'D4420', name: '220千伏输变电工程' },
];

const CLUSTER_OF = new Map(DEMO_INDUSTRIES.map((i) => [i.code, i.cluster]));
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const round1 = (value: number) => Math.round(value * 10) / 10;
const round100 = (value: number) => Math.round(value / 100) * 100;

/** How many of `total` projects each district gets: by its weight, largest remainders first. */
function allocate(total: number): { code: string; count: number }[] {
  const shares = DISTRICTS.map((d) => ({ code: d.code, exact: total * (REGION_WEIGHTS[d.code] ?? 0.05) }));
  const sum = shares.reduce((s, d) => s + d.exact, 0);
  const rows = shares.map((d) => ({ code: d.code, exact: (d.exact * total) / sum, count: Math.floor((d.exact * total) / sum) }));
  const missing = total - rows.reduce((s, r) => s + r.count, 0);
  [...rows].sort((a, b) => b.exact - b.count - (a.exact - a.count) || (a.code < b.code ? -1 : 1)).slice(0, missing).forEach((r) => r.count++);
  return rows.map(({ code, count }) => ({ code, count }));
}

/** The stage the ledger shows at the end of 2015, from the planned start and end. */
function stageAt(start: string, end: string, isPublic: boolean, now = LEDGER_NOW): ProjectStage {
  if (monthIndex(start) > monthIndex(now) - 2) return ProjectStage.PRELIMINARY_WORK;
  if (end > now) return ProjectStage.UNDER_CONSTRUCTION;
  if (isPublic) return ProjectStage.COMPLETED;
  const sinceEnd = monthIndex(now) - monthIndex(end);
  if (sinceEnd >= 9) return ProjectStage.AT_CAPACITY;
  if (sinceEnd >= 3) return ProjectStage.IN_PRODUCTION;
  return ProjectStage.COMPLETED;
}

interface Draft extends Omit<DemoKeyProject, 'schedule' | 'enterpriseCode'> {
  isPublic: boolean;
  /** Completed ÷ planned to date, drifting month by month, for projects on schedule. */
  pace: number[];
}

function draft(random: Random, code: string, year: number, regionCode: string, template: Template, name: string, isPublic: boolean): Draft {
  // Log-normal: most projects a few 亿元, a few large ones; never below the list's 1亿元.
  const total = Math.min(800_000, Math.max(10_000, Math.exp(random.normal(Math.log(32_000), 0.75))));
  let start = addMonths(`${year}-01`, -random.int(0, 26));
  if (random.next() < 0.2) start = addMonths(`${year}-01`, random.int(0, 10)); // starting this year
  const duration = random.int(12, 36);
  let end = addMonths(start, duration);
  if (monthIndex(end) < monthIndex(`${year}-04`)) end = addMonths(`${year}-04`, random.int(0, 8));
  const activeInYear = monthRange(start > `${year}-01` ? start : `${year}-01`, end < `${year}-12` ? end : `${year}-12`).length;
  const yearShare = Math.min(0.9, (activeInYear / (monthIndex(end) - monthIndex(start) + 1)) * random.between(0.9, 1.25));
  const pace: number[] = [];
  let ratio = random.between(0.96, 1.04);
  for (let m = 0; m < 12; m++) {
    ratio = Math.min(1.1, Math.max(0.93, ratio + random.normal(0, 0.025)));
    pace.push(ratio);
  }
  return {
    code,
    name,
    year,
    regionCode,
    industryCode: template.industry,
    plannedTotalInvestment: total,
    plannedYearInvestment: total * yearShare,
    startMonth: start,
    endMonth: end,
    stage: stageAt(start, end, isPublic),
    isPublic,
    pace,
  };
}

/** Planned and completed investment, year to date, for each month of the ledger year from the start. */
function schedule(project: Draft): DemoProjectMonth[] {
  const { year } = project;
  const first = project.startMonth > `${year}-01` ? project.startMonth : `${year}-01`;
  const months = monthRange(first, `${year}-12`);
  const active = months.filter((m) => m <= project.endMonth);
  const weight = (m: string) => PHASE[Number(m.slice(5, 7)) - 1];
  const activeWeight = active.reduce((s, m) => s + weight(m), 0);
  let plannedSoFar = 0;
  const planned = months.map((m) => {
    if (m <= project.endMonth) plannedSoFar += weight(m);
    return m >= active[active.length - 1] ? project.plannedYearInvestment : round1((project.plannedYearInvestment * plannedSoFar) / activeWeight);
  });

  const june = `${year}-06`;
  const target = BEHIND_AT_2015_06[project.code] ?? NEAR_MISS_AT_2015_06[project.code];
  const completed = months.map((m, i) => planned[i] * project.pace[Number(m.slice(5, 7)) - 1]);
  if (target !== undefined && year === 2015) {
    const juneIndex = months.indexOf(june);
    const recovery = target < 0.85 ? 0.01 : 0.02;
    months.forEach((m, i) => {
      const month = Number(m.slice(5, 7));
      if (i <= juneIndex) {
        // Slipping from a near-normal pace at the start to the designed ratio at the end of June.
        const from = Math.min(0.95, target + 0.3);
        const t = juneIndex === 0 ? 1 : i / juneIndex;
        completed[i] = planned[i] * (from + (target - from) * t);
      } else {
        completed[i] = planned[i] * Math.min(1, target + recovery * (month - 6));
      }
    });
    completed[juneIndex] = round1(planned[juneIndex] * target);
    // Cumulative values never fall: earlier months at most June's, later ones at least the month before.
    for (let i = juneIndex - 1; i >= 0; i--) completed[i] = Math.min(completed[i], completed[i + 1]);
  }
  for (let i = 1; i < completed.length; i++) completed[i] = Math.max(completed[i], completed[i - 1]);
  return months.map((month, i) => ({ month, plannedCumulative: planned[i], completedCumulative: round1(completed[i]) }));
}

/** An enterprise of the register in the project's district and industry (or cluster); preferably above designated size. */
function builder(city: DemoCity, project: Draft): string | null {
  if (project.isPublic) return null;
  const random = new Random(streamSeed(city.seed, `key-project-enterprise:${project.code}`));
  const local = city.enterprises.filter((e) => e.regionCode === project.regionCode);
  const sameClass = local.filter((e) => e.industry.code === project.industryCode);
  const sameCluster = local.filter((e) => e.industry.cluster === CLUSTER_OF.get(project.industryCode));
  const candidates: readonly DemoEnterprise[] = sameClass.length ? sameClass : sameCluster;
  if (!candidates.length) return null;
  const large = candidates.filter((e) => e.aboveDesignatedSize);
  return random.pick(large.length ? large : candidates).creditCode;
}

/** `names`: every name given so far, on any year's list; a name is never given twice. */
function listOfYear(random: Random, year: number, counts: { code: string; count: number }[], names: Set<string>): Draft[] {
  const drafts: Draft[] = [];
  let number = 0;
  for (const { code: regionCode, count } of counts) {
    const district = DISTRICTS.find((d) => d.code === regionCode)!;
    const clusters = REGION_CLUSTERS[regionCode] ?? [];
    const local = clusters.flatMap((c) => CLUSTER_PROJECTS[c] ?? []);
    const other = Object.values(CLUSTER_PROJECTS).flat();
    // Templates not used yet in the district first; a second phase (二期) only when all are taken.
    const fresh = (pool: readonly Template[]) => {
      const unused = pool.filter((t) => !names.has(`${district.name}${t.name}`));
      return unused.length ? unused : pool;
    };
    // Zones and larger districts build a public project too (standard factory buildings, roads, grid).
    const publicCount = count >= 10 || district.level === 'ZONE' ? 1 : 0;
    for (let i = 0; i < count; i++) {
      const isPublic = i >= count - publicCount;
      const template = random.pick(fresh(isPublic ? PUBLIC_PROJECTS : random.next() < 0.75 && local.length ? local : other));
      let name = `${district.name}${template.name}`;
      for (let phase = 2; names.has(name); phase++) name = `${district.name}${template.name.replace(/(项目|工程)$/, '')}（${'二三四五六七八九'[phase - 2]}期）${template.name.endsWith('工程') ? '工程' : '项目'}`;
      names.add(name);
      number++;
      drafts.push(draft(random, `XC${year}-${String(number).padStart(3, '0')}`, year, regionCode, template, name, isPublic));
    }
  }
  return drafts;
}

/** The designated cases need a schedule that makes them plausible: started before the year, building. */
function designate(project: Draft): void {
  if (!(project.code in BEHIND_AT_2015_06) && !(project.code in NEAR_MISS_AT_2015_06)) return;
  if (project.code === STUCK_IN_PRELIMINARY_WORK) {
    // Planned to break ground in March; the land is still not approved, so it is still in 前期.
    project.startMonth = '2015-03';
    project.endMonth = addMonths('2015-03', 24);
    project.stage = ProjectStage.PRELIMINARY_WORK;
    return;
  }
  if (project.startMonth > '2014-12') project.startMonth = '2014-09';
  if (project.endMonth < '2016-06') project.endMonth = '2016-06';
  project.stage = ProjectStage.UNDER_CONSTRUCTION;
}

export function demoKeyProjects(city: DemoCity): DemoKeyProject[] {
  const random = new Random(streamSeed(city.seed, 'key-projects'));
  const names = new Set<string>();
  const list2015 = listOfYear(random, 2015, allocate(KEY_PROJECTS_2015), names);
  list2015.forEach(designate);
  // The year's plan adds up to the list's total: scale, then round to 100万元.
  const factor = KEY_PROJECTS_2015_PLANNED / list2015.reduce((s, p) => s + p.plannedYearInvestment, 0);
  for (const p of list2015) {
    p.plannedYearInvestment = Math.max(100, round100(p.plannedYearInvestment * factor));
    p.plannedTotalInvestment = Math.max(10_000, round100(p.plannedTotalInvestment * factor), p.plannedYearInvestment);
  }
  // A handful from the earlier lists, long finished by the end of 2015.
  const earlier = [
    ...listOfYear(random, 2013, [{ code: '411082', count: 2 }, { code: '411081', count: 1 }, { code: '411071', count: 1 }], names),
    ...listOfYear(random, 2014, [{ code: '411023', count: 2 }, { code: '411082', count: 1 }, { code: '411002', count: 1 }, { code: '411073', count: 1 }], names),
  ];
  for (const p of earlier) {
    // Finished within a year and a half of their list: by 2015 they produce (and are on no later list).
    const latest = `${p.year + 1}-06`;
    if (p.endMonth > latest) {
      p.endMonth = latest;
      if (p.startMonth > addMonths(latest, -12)) p.startMonth = addMonths(latest, -12);
      p.stage = stageAt(p.startMonth, p.endMonth, p.isPublic);
    }
    p.plannedYearInvestment = round100(p.plannedYearInvestment);
    p.plannedTotalInvestment = Math.max(10_000, round100(p.plannedTotalInvestment), p.plannedYearInvestment);
  }
  return [...earlier, ...list2015].map((p) => {
    const { isPublic: _public, pace: _pace, ...project } = p;
    return { ...project, enterpriseCode: builder(city, p), schedule: schedule(p) };
  });
}
