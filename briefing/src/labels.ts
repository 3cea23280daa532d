/** Chinese labels the pack prints for the API's codes. */
import type { Department, ObservationStatus } from './types';

export const DEPARTMENT_LABELS: Record<Department, string> = {
  industry: '工信委',
  statistics: '统计局',
  energy: '供电公司',
  finance: '金融办',
  hr: '人社局',
};

/** The departments behind each subgraph, as the meeting knows them (for the sources note). */
export const DEPARTMENT_BODIES: Record<Department, string> = {
  industry: '工信委、发改委',
  statistics: '统计局',
  energy: '供电公司、燃气公司',
  finance: '金融办、人行、银监、国税/地税',
  hr: '人社局',
};

export function departmentLabel(name: string): string {
  return (DEPARTMENT_LABELS as Record<string, string>)[name] ?? name;
}

export const STATUS_LABELS: Record<ObservationStatus, string> = {
  PRELIMINARY: '初步',
  FINAL: '最终',
  REVISED: '修订',
};

/** The one-character marker printed next to a figure that is not final. */
export const STATUS_MARKS: Record<ObservationStatus, string> = {
  PRELIMINARY: '初',
  FINAL: '',
  REVISED: '修',
};

export const LEVEL_LABELS: Record<string, string> = {
  CITY: '市',
  DISTRICT: '区',
  COUNTY: '县（市）',
  ZONE: '功能区',
};

/** What a figure is in a warning rule (Evidence.role). */
export const ROLE_LABELS: Record<string, string> = {
  electricity: '工业用电量',
  output: '百户重点企业产值',
  employees: '用工人数',
  withdrawal: '抽贷金额',
  'undue loans before the withdrawal': '抽贷前未到期贷款余额',
  'planned to date': '年度计划累计投资',
  'completed to date': '年度完成累计投资',
  deadline: '办结时限',
  'status at the end of the day': '月末状态',
  'days past the deadline': '逾期天数',
  'year to date': '累计完成',
  'year-to-date growth': '累计增速',
  target: '全年目标',
};

export const THRESHOLD_LABELS: Record<string, { label: string; unit: string }> = {
  powerDropPct: { label: '用电量同比降幅达到', unit: '%' },
  outputSteadyPct: { label: '同期产值降幅不超过', unit: '%' },
  employmentDropPct: { label: '用工人数同比降幅达到', unit: '%' },
  loanWithdrawalAmount: { label: '抽贷金额超过', unit: '万元' },
  loanWithdrawalSharePct: { label: '或占未到期贷款', unit: '%以上' },
  projectLagPct: { label: '完成投资低于计划累计的', unit: '%' },
  targetGapPoints: { label: '落后超过', unit: '个百分点' },
  timeProgressPct: { label: '序时进度', unit: '%' },
  targetGrowthPct: { label: '目标增速', unit: '%' },
};

/** What the meeting is asked to do about each rule. */
export const RULE_ACTIONS: Record<string, string> = {
  POWER_DROP: '用电量大幅下降而产值未降，请工信委会同供电公司核实企业生产经营实际情况。',
  EMPLOYMENT_DROP: '用工大幅减少，请人社局会同属地核实企业生产和稳岗情况。',
  LOAN_WITHDRAWAL: '按许政〔2015〕39号第十五条，须向金融办、人行、银监报告。',
  PROJECT_BEHIND_SCHEDULE: '投资进度滞后，请发改委、工信委会同属地督促项目单位加快建设。',
  PROBLEM_OVERDUE: '已过办结时限，请责任单位限期办结并说明逾期原因。',
  TARGET_BEHIND: '落后序时进度，请相关县（市、区）和部门分析原因、采取措施，确保完成全年目标任务。',
};

export const TARGET_MEASURE_LABELS: Record<string, string> = {
  LEVEL: '总量',
  GROWTH_PCT: '增速',
  SHARE_PCT: '占比',
  POINTS: '百分点',
};

export const STAGE_LABELS: Record<string, string> = {
  PRELIMINARY_WORK: '前期',
  UNDER_CONSTRUCTION: '在建',
  COMPLETED: '竣工',
  IN_PRODUCTION: '投产',
  AT_CAPACITY: '达产',
};

export const PROBLEM_STATUS_LABELS: Record<string, string> = {
  OPEN: '待办',
  IN_PROGRESS: '办理中',
  RESOLVED: '已办结',
};

export const PROBLEM_CATEGORY_LABELS: Record<string, string> = {
  FINANCING: '融资',
  ENERGY_SUPPLY: '用电用气',
  LABOUR: '用工',
  LAND: '用地',
  PERMITS: '审批',
  MARKET: '市场',
  OTHER: '其他',
};
