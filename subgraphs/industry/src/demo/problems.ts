import { DISTRICTS, Random, streamSeed, type DemoCity } from '@huishang/schema';
import { ownerName, type OwnerKey } from '../departments';
import { ProblemCategory, ProblemStatus } from '../entities/Problem';
import type { DemoKeyProject } from './keyProjects';

/**
 * The demo problem list (问题清单) of 2015: thirty problems the departments raised at the monthly
 * meetings — financing, power and gas, labour, land, permits, markets — each with an owner and a
 * deadline, and how each was handled. Chosen so that on 2015-06-30 seven are overdue (some resolved
 * later, some still open at the end of the year), one is due that very day (not overdue), and
 * several are open but due later; at the end of 2015 six are open and overdue and four are due in
 * 2016 or on the last day of the year.
 */

export interface DemoStatusChange {
  fromStatus: ProblemStatus | null;
  toStatus: ProblemStatus;
  changedAt: Date;
  changedBy: string;
  note: string | null;
}

export interface DemoProblem {
  code: string;
  enterpriseCode: string | null;
  regionCode: string;
  category: ProblemCategory;
  description: string;
  raisedBy: string;
  raisedOn: string;
  owner: OwnerKey;
  deadline: string;
  status: ProblemStatus;
  history: DemoStatusChange[];
}

interface Spec {
  category: ProblemCategory;
  description: string;
  /** A city department, or `district`: the bureau of the problem's region (长葛市工信局, …管委会). */
  raisedBy: string;
  /** The region concerned, or the key project the problem holds up (its region and enterprise). */
  region?: string;
  project?: string;
  /** A problem of the district or park itself, not of one enterprise. */
  noEnterprise?: boolean;
  owner: OwnerKey;
  raisedOn: string;
  deadline: string;
  steps: [ProblemStatus, string, string][];
}

const { OPEN, IN_PROGRESS, RESOLVED } = ProblemStatus;
const C = ProblemCategory;

const SPECS: Spec[] = [
  { category: C.FINANCING, description: '银行到期贷款续贷困难，流动资金缺口约3000万元，影响原材料采购。', raisedBy: '市工信委', region: '411082', owner: 'finance', raisedOn: '2015-01-20', deadline: '2015-03-31',
    steps: [[IN_PROGRESS, '2015-02-05', '已协调建设银行办理续贷手续'], [RESOLVED, '2015-03-20', '续贷3000万元已到位']] },
  { category: C.ENERGY_SUPPLY, description: '新上生产线需增容至8000千伏安，供电线路改造尚未完成。', raisedBy: 'district', region: '411081', owner: 'energy', raisedOn: '2015-01-26', deadline: '2015-04-30',
    steps: [[IN_PROGRESS, '2015-02-10', '线路改造方案已批复，正在施工'], [RESOLVED, '2015-05-15', '增容工程已送电']] },
  { category: C.LABOUR, description: '春节后返岗率低，一线操作工缺口约200人。', raisedBy: 'district', region: '411023', owner: 'hr', raisedOn: '2015-02-28', deadline: '2015-03-31',
    steps: [[IN_PROGRESS, '2015-03-05', '组织春风行动专场招聘会'], [RESOLVED, '2015-04-10', '已招工186人，缺口基本补齐']] },
  { category: C.LAND, description: '重点项目用地指标未落实，土地报批滞后，项目无法开工。', raisedBy: '市发改委', project: 'XC2015-041', owner: 'industry', raisedOn: '2015-02-15', deadline: '2015-05-31',
    steps: [[IN_PROGRESS, '2015-03-10', '已报省国土资源厅，等待用地指标']] },
  { category: C.PERMITS, description: '重点项目环评批复未下达，主体工程不能开工建设。', raisedBy: '市发改委', project: 'XC2015-007', owner: 'industry', raisedOn: '2015-03-10', deadline: '2015-04-30',
    steps: [[IN_PROGRESS, '2015-03-20', '已协调环保部门加快审批'], [RESOLVED, '2015-08-20', '环评批复已下达，主体工程开工']] },
  { category: C.FINANCING, description: '担保公司代偿后暂停担保业务，企业新增贷款无法落实担保。', raisedBy: 'district', region: '411081', owner: 'finance', raisedOn: '2015-03-18', deadline: '2015-06-15', steps: [] },
  { category: C.ENERGY_SUPPLY, description: '冬季天然气限供，窑炉无法满负荷生产。', raisedBy: 'district', region: '411025', owner: 'energy', raisedOn: '2015-01-12', deadline: '2015-02-28',
    steps: [[RESOLVED, '2015-02-25', '燃气公司调增供气计划']] },
  { category: C.MARKET, description: '产品库存积压，产销率降至90%以下，申请协助对接下游客户。', raisedBy: '市统计局', region: '411002', owner: 'industry', raisedOn: '2015-03-25', deadline: '2015-06-30',
    steps: [[IN_PROGRESS, '2015-04-15', '已组织产销对接会'], [RESOLVED, '2015-07-10', '签订供货合同，库存下降']] },
  { category: C.LABOUR, description: '技术工人流失严重，需开展定向技能培训。', raisedBy: 'district', region: '411024', owner: 'hr', raisedOn: '2015-04-08', deadline: '2015-06-30',
    steps: [[IN_PROGRESS, '2015-04-20', '已安排定向培训班'], [RESOLVED, '2015-06-28', '培训120人次，已上岗']] },
  { category: C.FINANCING, description: '银行抽贷1500万元，企业资金链紧张（抽贷超过1000万元，已按规定报告）。', raisedBy: 'district', region: '411082', owner: 'finance', raisedOn: '2015-04-16', deadline: '2015-05-15',
    steps: [[IN_PROGRESS, '2015-04-20', '金融办已约谈相关银行'], [RESOLVED, '2015-09-30', '互助资金调贷1500万元，银行恢复授信']] },
  { category: C.PERMITS, description: '新建厂房消防验收未通过，生产线无法投产。', raisedBy: 'district', region: '411071', owner: 'industry', raisedOn: '2015-04-22', deadline: '2015-06-20',
    steps: [[IN_PROGRESS, '2015-05-06', '已督促企业整改并协调复验'], [RESOLVED, '2015-07-15', '复验合格，生产线投产']] },
  { category: C.ENERGY_SUPPLY, description: '专线频繁停电检修，影响连续生产。', raisedBy: 'district', region: '411002', owner: 'energy', raisedOn: '2015-05-06', deadline: '2015-06-10',
    steps: [[RESOLVED, '2015-07-02', '检修计划已调整，避开生产高峰']] },
  { category: C.LAND, description: '园区标准化厂房建设用地尚未完成征收。', raisedBy: 'district', region: '411072', noEnterprise: true, owner: 'industry', raisedOn: '2015-05-12', deadline: '2015-09-30',
    steps: [[IN_PROGRESS, '2015-06-01', '征收补偿方案已公示'], [RESOLVED, '2015-10-20', '征收完成，厂房开工']] },
  { category: C.OTHER, description: '企业统计报表产值与用电量变化差异较大，需联合核实。', raisedBy: '市工信委', region: '411025', owner: 'statistics', raisedOn: '2015-05-20', deadline: '2015-06-25',
    steps: [[IN_PROGRESS, '2015-06-05', '统计局已会同供电公司核查'], [RESOLVED, '2015-07-08', '已核实，企业更正报表']] },
  { category: C.LABOUR, description: '新建项目投产需招工300人，本地招工困难。', raisedBy: 'district', region: '411082', owner: 'hr', raisedOn: '2015-05-28', deadline: '2015-08-31',
    steps: [[IN_PROGRESS, '2015-06-10', '已发布招聘信息并联系职业院校'], [RESOLVED, '2015-08-25', '招工312人']] },
  { category: C.FINANCING, description: '应收账款占用资金大，申请使用工业企业互助资金调贷。', raisedBy: 'district', region: '411023', owner: 'finance', raisedOn: '2015-06-03', deadline: '2015-06-30',
    steps: [[RESOLVED, '2015-06-24', '调贷800万元已发放']] },
  { category: C.ENERGY_SUPPLY, description: '重点项目配套110千伏变电站建设滞后，影响项目进度。', raisedBy: '市发改委', project: 'XC2015-023', owner: 'energy', raisedOn: '2015-06-08', deadline: '2015-09-30',
    steps: [[IN_PROGRESS, '2015-06-20', '变电站已开工，预计年底投运']] },
  { category: C.MARKET, description: '主要客户订单下降，开工率不足60%。', raisedBy: 'district', region: '411025', owner: 'industry', raisedOn: '2015-06-15', deadline: '2015-08-15',
    steps: [[RESOLVED, '2015-09-10', '新开拓两家客户，开工率回升至80%']] },
  { category: C.PERMITS, description: '技术改造项目备案手续办理慢。', raisedBy: 'district', region: '411024', owner: 'industry', raisedOn: '2015-06-18', deadline: '2015-07-31',
    steps: [[RESOLVED, '2015-07-20', '备案已办结']] },
  { category: C.FINANCING, description: '出口退税迟迟未到位，占用流动资金约600万元。', raisedBy: 'district', region: '411081', owner: 'finance', raisedOn: '2015-07-02', deadline: '2015-08-31',
    steps: [[IN_PROGRESS, '2015-07-15', '国税局已加快审核'], [RESOLVED, '2015-08-28', '退税已到账']] },
  { category: C.LABOUR, description: '社保缴费负担重，申请阶段性缓缴社会保险费。', raisedBy: '市工信委', region: '411071', owner: 'hr', raisedOn: '2015-07-10', deadline: '2015-09-30', steps: [] },
  { category: C.ENERGY_SUPPLY, description: '电价偏高，申请参加大用户直供电试点。', raisedBy: 'district', region: '411082', owner: 'energy', raisedOn: '2015-07-22', deadline: '2015-10-31',
    steps: [[IN_PROGRESS, '2015-08-05', '已上报省发改委试点名单']] },
  { category: C.LAND, description: '重点项目二期用地规划调整未获批复。', raisedBy: '市发改委', project: 'XC2015-066', owner: 'industry', raisedOn: '2015-08-06', deadline: '2015-11-30',
    steps: [[IN_PROGRESS, '2015-08-20', '规划调整方案已报市规委会']] },
  { category: C.FINANCING, description: '小微企业贷款利率上浮过高，融资成本重。', raisedBy: 'district', region: '411002', owner: 'finance', raisedOn: '2015-08-19', deadline: '2015-10-31',
    steps: [[RESOLVED, '2015-10-25', '协调银行执行优惠利率']] },
  { category: C.OTHER, description: '新投产企业入库资料不全，影响规模以上工业新入库。', raisedBy: '市统计局', region: '411073', owner: 'statistics', raisedOn: '2015-09-08', deadline: '2015-10-15',
    steps: [[RESOLVED, '2015-10-12', '资料已补齐，企业已入库']] },
  { category: C.LABOUR, description: '用工缺口约120人，需组织专场招聘会。', raisedBy: 'district', region: '411071', owner: 'hr', raisedOn: '2015-09-21', deadline: '2015-11-15',
    steps: [[IN_PROGRESS, '2015-10-10', '已举办专场招聘会'], [RESOLVED, '2015-11-12', '招工126人']] },
  { category: C.ENERGY_SUPPLY, description: '有序用电方案对企业限电过多，影响订单交付。', raisedBy: 'district', region: '411025', owner: 'energy', raisedOn: '2015-10-14', deadline: '2015-12-31',
    steps: [[IN_PROGRESS, '2015-11-02', '正在调整有序用电方案']] },
  { category: C.FINANCING, description: '银行抽贷占企业未到期贷款60%，超过50%，已按规定报告。', raisedBy: 'district', region: '411024', owner: 'finance', raisedOn: '2015-11-05', deadline: '2016-01-31', steps: [] },
  { category: C.PERMITS, description: '新建厂房规划许可证办理进度慢。', raisedBy: 'district', region: '411081', owner: 'industry', raisedOn: '2015-11-23', deadline: '2016-02-29', steps: [] },
  { category: C.MARKET, description: '原材料价格波动大，申请协调集中采购以降低成本。', raisedBy: 'district', region: '411082', owner: 'industry', raisedOn: '2015-12-08', deadline: '2016-03-31', steps: [] },
];

/** The bureau of a region as a raiser: 长葛市工信局, 东城区管委会. */
function bureauOf(regionCode: string): string {
  const region = DISTRICTS.find((d) => d.code === regionCode)!;
  return region.level === 'ZONE' ? `${region.name}管委会` : `${region.name}工信局`;
}

/** An enterprise of the region, a key one where there is one; null when the region has none in this city. */
function enterpriseIn(city: DemoCity, code: string, regionCode: string): string | null {
  const local = city.enterprises.filter((e) => e.regionCode === regionCode);
  if (!local.length) return null;
  const key = local.filter((e) => e.key);
  return new Random(streamSeed(city.seed, `problem-enterprise:${code}`)).pick(key.length ? key : local).creditCode;
}

export function demoProblems(city: DemoCity, projects: readonly DemoKeyProject[]): DemoProblem[] {
  return SPECS.map((spec, i) => {
    const code = `WT2015-${String(i + 1).padStart(3, '0')}`;
    const project = spec.project ? projects.find((p) => p.code === spec.project) : undefined;
    if (spec.project && !project) throw new Error(`problem ${code} names key project ${spec.project}, which the demo ledger does not have`);
    const regionCode = project?.regionCode ?? spec.region!;
    const enterpriseCode = project ? project.enterpriseCode : spec.noEnterprise ? null : enterpriseIn(city, code, regionCode);
    const raisedBy = spec.raisedBy === 'district' ? bureauOf(regionCode) : spec.raisedBy;
    const description = project ? `${project.code} ${project.name}：${spec.description}` : spec.description;
    const history: DemoStatusChange[] = [
      { fromStatus: null, toStatus: OPEN, changedAt: new Date(`${spec.raisedOn}T09:00:00+08:00`), changedBy: raisedBy, note: '列入问题清单' },
    ];
    for (const [to, day, note] of spec.steps) {
      history.push({ fromStatus: history[history.length - 1].toStatus, toStatus: to, changedAt: new Date(`${day}T16:30:00+08:00`), changedBy: ownerName(spec.owner), note });
    }
    return {
      code,
      enterpriseCode,
      regionCode,
      category: spec.category,
      description,
      raisedBy,
      raisedOn: spec.raisedOn,
      owner: spec.owner,
      deadline: spec.deadline,
      status: history[history.length - 1].toStatus,
      history,
    };
  });
}
