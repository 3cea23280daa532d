/**
 * The gateway's answer → the pack's view model. Pure functions: no I/O, no clock (the generation
 * time comes in with the meta). Every number the pack prints is a `Figure` that keeps where it
 * came from (indicator code, department, subject, month, field, status, reporter), so the render
 * can put it in a title attribute and a footnote. Ranks, target progress and behind-flags are
 * carried from the departments' answers, never recomputed here; the only numbers computed here are
 * quarter-to-date figures of the quarterly variant, marked derived (推算) with their formula.
 */
import {
  DEPARTMENT_LABELS,
  departmentLabel,
  PROBLEM_CATEGORY_LABELS,
  PROBLEM_STATUS_LABELS,
  ROLE_LABELS,
  RULE_ACTIONS,
  STAGE_LABELS,
  THRESHOLD_LABELS,
} from './labels';
import { Absences, type Absence, type Withheld } from './absence';
import { displayUnit, formatNumber, formatPct, formatValue, growthWords, type Scale } from './format';
import { addMonths, lastDay, monthLabel, parseMonth, qtdLabel, quarterLabel, quarterOf, trailingMonths, ytdLabel } from './months';
import {
  DEPARTMENTS,
  REGISTER_DEPARTMENT,
  type CatalogueIndicator,
  type Department,
  type DepartmentFigures,
  type DistrictFigures,
  type KeyEnterpriseNode,
  type MeetingPackData,
  type MonthFigures,
  type Observation,
  type ObservationStatus,
  type ParkInfrastructureData,
  type ProblemEntry,
  type RankEntry,
  type TargetProgress,
  type Warning,
} from './types';

// ---------------------------------------------------------------------------------------------
// Figures

export type FigureField =
  | 'value'
  | 'ytdValue'
  | 'yoyPct'
  | 'ytdYoyPct'
  | 'actualValue'
  | 'completionPct'
  | 'gap'
  | 'targetValue'
  | 'timeProgressPct'
  | 'qtdValue'
  | 'qtdYoyPct'
  | 'change';

/** A number as printed, with everything needed to trace it back to the department that holds it. */
export interface Figure {
  /** The value as the department reported it (or as derived), in `unit`. */
  value: number | null;
  unit: string;
  /** The printed text, in `displayUnit` (no unit appended). */
  text: string;
  displayUnit: string;
  indicator: string;
  indicatorName: string;
  department: Department;
  field: FigureField;
  subjectCode: string;
  month: string;
  status: ObservationStatus | null;
  /** Computed by the system (the department's derived flag, or the pack's quarter-to-date). */
  derived: boolean;
  reportedBy: string | null;
  reportedAt: string | null;
  /** How a derived figure was computed, or another remark for the footnote. */
  note?: string;
  /** Why there is no observation behind the figure (不予共享, 未获授权, 未报送, 暂缺; absence.ts); null when there is one. */
  absence?: Absence | null;
  /**
   * The department's figure awaits re-reporting (待重报): an earlier month was corrected after it
   * was reported and its year-to-date no longer adds up (Observation.staleFields). `implied` is
   * what the earlier months imply for the year-to-date.
   */
  stale?: { implied: number | null };
}

export interface RankedFigure extends Figure {
  /** The district's place in the department's ranking (排名通报); null when unranked. */
  rank: number | null;
  /** How many districts the ranking has. */
  rankOf: number;
  rankBasis: 'YEAR_TO_DATE' | 'GROWTH' | null;
}

const PCT_FIELDS = new Set<FigureField>(['yoyPct', 'ytdYoyPct', 'completionPct', 'gap', 'timeProgressPct', 'qtdYoyPct']);

/** The department that owns an indicator, by its code's prefix (IND_, STAT_, EN_, FIN_, HR_). */
export function departmentOfIndicator(code: string): Department {
  const prefix: Record<string, Department> = { IND: 'industry', STAT: 'statistics', EN: 'energy', FIN: 'finance', HR: 'hr' };
  return prefix[code.split('_')[0]] ?? 'industry';
}

function isDepartment(name: string): name is Department {
  return (DEPARTMENTS as readonly string[]).includes(name);
}

/** A figure read from an observation's field. */
export function observationFigure(
  department: Department,
  observation: Observation | null | undefined,
  field: 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct',
  fallback: { indicator: string; name?: string; unit?: string; subjectCode: string; month: string; absence?: Absence },
  scale: Scale = 'region',
): Figure {
  const unit = observation?.unit ?? fallback.unit ?? '';
  const value = observation ? observation[field] : null;
  const pct = field === 'yoyPct' || field === 'ytdYoyPct';
  const shown = pct ? '%' : displayUnit(unit, scale).unit;
  return {
    value,
    unit: pct ? '%' : unit,
    text: pct ? formatPct(value) : formatValue(value, unit, scale),
    displayUnit: shown,
    indicator: observation?.indicator ?? fallback.indicator,
    indicatorName: observation?.name ?? fallback.name ?? fallback.indicator,
    department,
    field,
    subjectCode: observation?.subjectCode ?? fallback.subjectCode,
    month: observation?.month ?? fallback.month,
    status: observation?.status ?? null,
    // 推 on the field the system computed, not on a balance reported beside a derived growth (a tester's finding).
    derived: observation ? (observation.derivedFields ? observation.derivedFields.includes(field) : observation.derived) : false,
    reportedBy: observation?.reportedBy ?? null,
    reportedAt: observation?.reportedAt ?? null,
    absence: observation ? null : (fallback.absence ?? 'NOT_REPORTED'),
    // The implied number is a year-to-date: shown on the year-to-date, never beside a growth rate.
    stale: observation?.staleFields?.includes(field) ? { implied: field === 'ytdValue' ? (observation.impliedYtdValue ?? null) : null } : undefined,
  };
}

/** A figure that is not an observation's field (target progress, derived quarter figures). */
export function plainFigure(input: {
  value: number | null;
  unit: string;
  indicator: string;
  indicatorName: string;
  department: Department;
  field: FigureField;
  subjectCode: string;
  month: string;
  status?: ObservationStatus | null;
  derived?: boolean;
  reportedBy?: string | null;
  reportedAt?: string | null;
  note?: string;
  scale?: Scale;
}): Figure {
  const pct = PCT_FIELDS.has(input.field) || input.unit === '%';
  return {
    value: input.value,
    unit: pct && input.field !== 'gap' ? '%' : input.unit,
    text: pct ? formatPct(input.value) : formatValue(input.value, input.unit, input.scale ?? 'region'),
    displayUnit: pct ? (input.field === 'gap' ? '百分点' : '%') : displayUnit(input.unit, input.scale ?? 'region').unit,
    indicator: input.indicator,
    indicatorName: input.indicatorName,
    department: input.department,
    field: input.field,
    subjectCode: input.subjectCode,
    month: input.month,
    status: input.status ?? null,
    derived: input.derived ?? false,
    reportedBy: input.reportedBy ?? null,
    reportedAt: input.reportedAt ?? null,
    note: input.note,
  };
}

// ---------------------------------------------------------------------------------------------
// The model

export interface PackMeta {
  month: string;
  quarterly: boolean;
  gateway: string;
  /** When the pack was generated (ISO). */
  generatedAt: string;
  documentSha256: string;
  documentName: string;
  requestId: string | null;
  asOf: string | null;
  /** Departments whose service could not answer: their figures are marked 暂缺 (degraded.ts). */
  unavailable?: Department[];
  /** The answer's FORBIDDEN errors: figures their owners withheld (不予共享 / 未获授权; absence.ts). */
  withheld?: Withheld[];
}

export interface HeadlineFigure {
  indicator: string;
  label: string;
  department: Department;
  kind: 'FLOW' | 'STOCK' | 'RATE';
  /** 1–6月累计, 6月末余额, 1–6月累计增速. */
  primaryLabel: string;
  primary: Figure;
  growthLabel: string | null;
  growth: Figure | null;
  /** The month alone: 当月 value and its growth. */
  monthLabel: string;
  month: Figure | null;
  monthGrowth: Figure | null;
}

export interface DistrictColumn {
  indicator: string;
  label: string;
  department: Department;
  kind: 'FLOW' | 'STOCK' | 'RATE';
  levelHeader: string;
  levelUnit: string;
  growthHeader: string | null;
}

export interface DistrictCell {
  level: RankedFigure;
  growth: RankedFigure | null;
}

export interface DistrictRow {
  code: string;
  name: string;
  level: string;
  locallyAssigned: boolean;
  cells: DistrictCell[];
}

export interface DistrictTable {
  id: string;
  title: string;
  departments: Department[];
  columns: DistrictColumn[];
  rows: DistrictRow[];
  /** The city's own figures, unranked. */
  cityRow: DistrictRow;
}

export interface TargetRow {
  code: string;
  name: string;
  isCity: boolean;
  targetValue: Figure;
  actual: Figure;
  completion: Figure | null;
  gap: Figure | null;
  /** As the department judged it (TargetProgress.behind); null when it cannot tell. */
  behind: boolean | null;
}

export interface TargetGroup {
  id: string;
  indicator: string;
  name: string;
  department: Department;
  measure: 'LEVEL' | 'GROWTH_PCT';
  unit: string;
  /** 许政[2015]39号 … as the target's source says. */
  source: string;
  description: string;
  /** Null for growth targets: time progress applies to cumulative quantities only. */
  timeProgressPct: number | null;
  rows: TargetRow[];
}

export interface TargetsModel {
  timeProgressPct: number | null;
  groups: TargetGroup[];
  /** Districts with at least one target behind time progress, most behind first. */
  behindDistricts: { code: string; name: string; behind: string[] }[];
  /** Targets whose progress the departments' figures cannot tell (shares, points, one cluster). */
  unjudged: { regions: string[]; description: string; source: string; department: Department }[];
}

export interface TrendSeries {
  name: string;
  type: 'bar' | 'line';
  axis: 0 | 1;
  field: 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct';
  points: Figure[];
}

export interface TrendChart {
  id: string;
  title: string;
  indicator: string;
  department: Department;
  months: string[];
  /** Axis units: left, and right when a series uses axis 1. */
  units: [string, string | null];
  series: TrendSeries[];
  /** First and last month of the quarter to mark (quarterly variant). */
  highlight: [string, string] | null;
}

export interface QuarterFigure {
  indicator: string;
  label: string;
  department: Department;
  kind: 'FLOW' | 'STOCK' | 'RATE';
  /** Quarter to date (flows), quarter-end level (stocks), or the rate's year-to-date value. */
  main: Figure;
  mainLabel: string;
  growth: Figure | null;
  growthLabel: string | null;
  /** The three months of the quarter, as reported (当月). */
  months: Figure[];
}

export interface QuarterDistrictRow {
  code: string;
  name: string;
  cells: { qtd: Figure; growth: Figure | null }[];
}

export interface QuarterModel {
  label: string;
  period: string;
  previousQuarterEnd: string;
  /** First quarter: the quarter to date is the year to date. */
  firstQuarter: boolean;
  city: QuarterFigure[];
  districtColumns: { indicator: string; label: string; department: Department; unit: string }[];
  districts: QuarterDistrictRow[];
}

export interface AttentionEnterprise {
  creditCode: string;
  name: string;
  region: string;
  industry: string;
  output: Figure;
  outputGrowth: Figure;
  outputYtdGrowth: Figure;
  electricityGrowth: Figure;
  employees: Figure;
  employeesGrowth: Figure;
  loans: Figure;
  reasons: string[];
  warned: boolean;
}

export interface EvidenceView {
  department: string;
  departmentLabel: string;
  role: string;
  roleLabel: string;
  value: Figure;
  growth: Figure;
}

export interface WarningView {
  rule: string;
  title: string;
  subjectCode: string;
  subjectName: string | null;
  regionName: string | null;
  summary: string;
  action: string | null;
  message: string;
  evidence: EvidenceView[];
  thresholds: string[];
}

export interface KeyProjectView {
  code: string;
  name: string;
  region: string;
  stage: string;
  enterprise: string | null;
  startMonth: string;
  planned: Figure;
  completed: Figure;
  completionPct: Figure;
  /** As the ledger judged it (ProjectProgress.behindSchedule). */
  behindSchedule: boolean | null;
  reasons: string[];
}

export interface KeyProjectsModel {
  year: number;
  total: number;
  /** Projects the ledger judges behind schedule at the month's end. */
  behind: number;
  thresholdPct: number | null;
  attention: KeyProjectView[];
}

/** One park's line of the parks table (园区基础设施投资), or the all-parks line. */
export interface ParkRowView {
  code: string | null;
  name: string;
  region: string;
  rank: number | null;
  /** The period of the first (shortest) target, as the meeting says it: 二季度, 全年. */
  periodLabel: string | null;
  periodTarget: Figure;
  periodActual: Figure;
  periodCompletionPct: Figure;
  timeProgressPct: Figure;
  ytdCompleted: Figure;
  yearTarget: Figure;
  yearCompletionPct: Figure;
  /** The YEAR target's time progress at the month, phased by the quarter targets (the ledger's). */
  yearTimeProgressPct: Figure;
  /** Behind time progress on the first target, as the ledger judged it. */
  behind: boolean | null;
  /** Behind the YEAR target's time progress (phased by the quarter targets, as the ledger judges it). */
  yearBehind: boolean | null;
  /** The park's ledger has no figure for the month (未报送); null for the all-parks line. */
  reported: boolean | null;
}

export interface ParksModel {
  parkCount: number;
  reportedCount: number;
  /** Parks behind on the period's or the year's target. */
  behind: number;
  /** Whether any target holds the month (none: 目标未下达, nothing judged). */
  hasTargets: boolean;
  /** The target the ledger ranks on: the year in December, else the period's. */
  rankedOnYear: boolean;
  rows: ParkRowView[];
  total: ParkRowView;
  sources: string[];
}

export interface ProblemView {
  code: string;
  category: string;
  description: string;
  subject: string;
  raisedBy: string;
  raisedOn: string;
  owner: string;
  deadline: string;
  /** Status at the end of the month's last day, from the problem's history. */
  statusAtMonthEnd: string;
  /** Status now, when it changed since. */
  statusNow: string | null;
  /** As the industry subgraph judges it for the month's last day. */
  overdue: boolean;
  /** The latest recorded progress (办理情况). */
  latest: string | null;
}

export interface ProblemsModel {
  monthEnd: string;
  /** Open or in progress at the month's end, overdue first. */
  open: ProblemView[];
  overdueCount: number;
  /** Raised by the month's end (all statuses). */
  raised: number;
}

export interface SourceRow {
  department: Department;
  departmentLabel: string;
  code: string;
  name: string;
  unit: string;
  kind: string;
  figure: Observation | null;
  /** Why `figure` is null. */
  absence: Absence | null;
}

export interface PackModel {
  meta: PackMeta & {
    title: string;
    subtitle: string;
    monthLabel: string;
    ytdLabel: string;
    cityCode: string;
    cityName: string;
    /** Figures in the pack that are not final (status counts). */
    statusCounts: Record<ObservationStatus, number>;
  };
  headline: HeadlineFigure[];
  districtTables: DistrictTable[];
  targets: TargetsModel;
  trends: TrendChart[];
  quarter: QuarterModel | null;
  /** `reported`: listed key enterprises with any of their four figures for the month (none: nothing could be judged). */
  /** `unavailable`: the register did not answer (its department down): no list, not an empty one. */
  keyEnterprises: { total: number; listed: number; reported: number; attention: AttentionEnterprise[]; criteria: string; unavailable?: boolean };
  warnings: WarningView[];
  keyProjects: KeyProjectsModel | null;
  parks: ParksModel | null;
  problems: ProblemsModel | null;
  /** The clusters' revenue against item 七's targets and the emerging industries' growth (item 九); null: an older document. */
  clusters: ClustersModel | null;
  sources: SourceRow[];
}

/** One cluster's line in the pack: its main-business revenue (主营业务收入) year to date, summed by the statistics bureau, against its target. */
export interface ClusterRow {
  code: string;
  name: string;
  enterpriseCount: number;
  /** Enterprises with a revenue figure for the month (the total sums these). */
  reportedCount: number | null;
  revenueYtd: number | null;
  revenueGrowth: number | null;
  unit: string;
  targetValue: number | null;
  targetDescription: string | null;
  completionPct: number | null;
  timeProgressPct: number | null;
  gap: number | null;
  behind: boolean | null;
  rank: number | null;
  /** The caller may not read the total (conditionally shared, no grant): 未获授权. */
  withheld: boolean;
  /** The statistics bureau did not answer for this cluster. */
  unavailable: boolean;
}

export interface ClustersModel {
  rows: ClusterRow[];
  /** Item 九: the emerging industries' output growth against its target. */
  emerging: { name: string; growth: number | null; target: number; description: string; source: string; behind: boolean | null; withheld: boolean } | null;
  timeProgressPct: number | null;
  source: string | null;
}

export class PackDataError extends Error {}

// ---------------------------------------------------------------------------------------------
// What the pack shows (the document asks for these; the catalogue says their kind and unit)

interface HeadlineSpec {
  department: Department;
  indicator: string;
  label: string;
}

export const HEADLINES: readonly HeadlineSpec[] = [
  { department: 'statistics', indicator: 'STAT_VALUE_ADDED_GROWTH', label: '规上工业增加值增速' },
  { department: 'statistics', indicator: 'STAT_GROSS_OUTPUT', label: '规上工业总产值' },
  { department: 'statistics', indicator: 'STAT_MAIN_REVENUE', label: '主营业务收入' },
  { department: 'statistics', indicator: 'STAT_TOTAL_PROFIT', label: '利润总额' },
  { department: 'statistics', indicator: 'STAT_SALES_RATIO', label: '产品销售率' },
  { department: 'statistics', indicator: 'STAT_INDUSTRIAL_INVESTMENT', label: '工业投资' },
  { department: 'industry', indicator: 'IND_KEY_ENTERPRISE_OUTPUT', label: '百户重点企业产值' },
  { department: 'industry', indicator: 'IND_PROJECT_INVESTMENT', label: '亿元以上重点项目投资' },
  { department: 'energy', indicator: 'EN_ELECTRICITY', label: '工业用电量' },
  { department: 'finance', indicator: 'FIN_LOANS_OUTSTANDING', label: '贷款余额' },
  { department: 'finance', indicator: 'FIN_INDUSTRIAL_VAT', label: '工业增值税' },
  { department: 'hr', indicator: 'HR_EMPLOYEES', label: '用工人数' },
];

interface ColumnSpec {
  department: Department;
  indicator: string;
  label: string;
  /** Alias of the level ranking in the document (city.<department>.<alias>). */
  levelRank: string | null;
  growthRank: string | null;
}

interface TableSpec {
  id: string;
  title: string;
  columns: ColumnSpec[];
}

export const DISTRICT_TABLES: readonly TableSpec[] = [
  {
    id: 'districts-statistics',
    title: '规模以上工业主要指标',
    columns: [
      { department: 'statistics', indicator: 'STAT_VALUE_ADDED_GROWTH', label: '增加值增速', levelRank: 'valueAddedGrowth', growthRank: null },
      { department: 'statistics', indicator: 'STAT_GROSS_OUTPUT', label: '规上工业总产值', levelRank: 'grossOutputYtd', growthRank: 'grossOutputGrowth' },
      { department: 'statistics', indicator: 'STAT_MAIN_REVENUE', label: '主营业务收入', levelRank: 'mainRevenueYtd', growthRank: 'mainRevenueGrowth' },
      { department: 'statistics', indicator: 'STAT_TOTAL_PROFIT', label: '利润总额', levelRank: 'totalProfitYtd', growthRank: 'totalProfitGrowth' },
      { department: 'statistics', indicator: 'STAT_INDUSTRIAL_INVESTMENT', label: '工业投资', levelRank: 'investmentYtd', growthRank: 'investmentGrowth' },
    ],
  },
  {
    id: 'districts-industry-energy',
    title: '重点企业、重点项目与工业用电',
    columns: [
      { department: 'industry', indicator: 'IND_KEY_ENTERPRISE_OUTPUT', label: '百户重点企业产值', levelRank: 'keyOutputYtd', growthRank: 'keyOutputGrowth' },
      { department: 'industry', indicator: 'IND_PROJECT_INVESTMENT', label: '重点项目完成投资', levelRank: 'projectInvestmentYtd', growthRank: 'projectInvestmentGrowth' },
      { department: 'energy', indicator: 'EN_ELECTRICITY', label: '工业用电量', levelRank: 'electricityYtd', growthRank: 'electricityGrowth' },
    ],
  },
  {
    id: 'districts-finance-hr',
    title: '金融、税收与用工',
    columns: [
      { department: 'finance', indicator: 'FIN_LOANS_OUTSTANDING', label: '贷款余额', levelRank: 'loansLevel', growthRank: 'loansGrowth' },
      { department: 'finance', indicator: 'FIN_INDUSTRIAL_VAT', label: '工业增值税', levelRank: 'vatYtd', growthRank: 'vatGrowth' },
      { department: 'hr', indicator: 'HR_EMPLOYEES', label: '用工人数', levelRank: 'employeesLevel', growthRank: 'employeesGrowth' },
    ],
  },
];

interface TrendSpec {
  id: string;
  title: string;
  department: Department;
  indicator: string;
  series: { name: string; type: 'bar' | 'line'; axis: 0 | 1; field: TrendSeries['field'] }[];
}

export const TRENDS: readonly TrendSpec[] = [
  {
    id: 'trend-value-added',
    title: '规上工业增加值增速',
    department: 'statistics',
    indicator: 'STAT_VALUE_ADDED_GROWTH',
    series: [
      { name: '当月增速', type: 'line', axis: 0, field: 'value' },
      { name: '累计增速', type: 'line', axis: 0, field: 'ytdValue' },
    ],
  },
  {
    id: 'trend-gross-output',
    title: '规上工业总产值',
    department: 'statistics',
    indicator: 'STAT_GROSS_OUTPUT',
    series: [
      { name: '当月产值', type: 'bar', axis: 0, field: 'value' },
      { name: '当月同比', type: 'line', axis: 1, field: 'yoyPct' },
    ],
  },
  {
    id: 'trend-electricity',
    title: '工业用电量',
    department: 'energy',
    indicator: 'EN_ELECTRICITY',
    series: [
      { name: '当月用电量', type: 'bar', axis: 0, field: 'value' },
      { name: '当月同比', type: 'line', axis: 1, field: 'yoyPct' },
    ],
  },
  {
    id: 'trend-loans',
    title: '贷款余额',
    department: 'finance',
    indicator: 'FIN_LOANS_OUTSTANDING',
    series: [
      { name: '月末余额', type: 'bar', axis: 0, field: 'value' },
      { name: '同比', type: 'line', axis: 1, field: 'yoyPct' },
    ],
  },
];

/** Quarter-to-date figures of the quarterly variant (季调度), city and districts. */
export const QUARTER_INDICATORS: readonly HeadlineSpec[] = [
  { department: 'statistics', indicator: 'STAT_VALUE_ADDED_GROWTH', label: '规上工业增加值增速' },
  { department: 'statistics', indicator: 'STAT_GROSS_OUTPUT', label: '规上工业总产值' },
  { department: 'statistics', indicator: 'STAT_MAIN_REVENUE', label: '主营业务收入' },
  { department: 'statistics', indicator: 'STAT_TOTAL_PROFIT', label: '利润总额' },
  { department: 'industry', indicator: 'IND_KEY_ENTERPRISE_OUTPUT', label: '百户重点企业产值' },
  { department: 'industry', indicator: 'IND_PROJECT_INVESTMENT', label: '重点项目完成投资' },
  { department: 'energy', indicator: 'EN_ELECTRICITY', label: '工业用电量' },
  { department: 'finance', indicator: 'FIN_NEW_LOANS', label: '新增贷款' },
  { department: 'finance', indicator: 'FIN_LOANS_OUTSTANDING', label: '贷款余额' },
  { department: 'finance', indicator: 'FIN_INDUSTRIAL_VAT', label: '工业增值税' },
  { department: 'hr', indicator: 'HR_HIRES', label: '招工人数' },
  { department: 'hr', indicator: 'HR_EMPLOYEES', label: '用工人数' },
];

const QUARTER_DISTRICT_INDICATORS: readonly HeadlineSpec[] = [
  { department: 'statistics', indicator: 'STAT_GROSS_OUTPUT', label: '规上工业总产值' },
  { department: 'industry', indicator: 'IND_PROJECT_INVESTMENT', label: '重点项目完成投资' },
  { department: 'energy', indicator: 'EN_ELECTRICITY', label: '工业用电量' },
  { department: 'finance', indicator: 'FIN_INDUSTRIAL_VAT', label: '工业增值税' },
];

const TREND_ALIASES = ['m11', 'm10', 'm09', 'm08', 'm07', 'm06', 'm05', 'm04', 'm03', 'm02', 'm01'] as const;

// ---------------------------------------------------------------------------------------------
// Helpers

type Kind = 'FLOW' | 'STOCK' | 'RATE';

/**
 * The pack's own names for the indicators it lays out (its headline, table and quarter labels): a
 * department down sends no catalogue, and its notes printed the bare code (人社局（HR_EMPLOYEES）, a
 * tester's finding) where the pack knows 用工人数.
 */
// The trends first: where a chart's title and a table's label differ, the table's label wins.
const LAYOUT: readonly { department: Department; indicator: string; label: string }[] = [...TRENDS.map((t) => ({ ...t, label: t.title })), ...HEADLINES, ...DISTRICT_TABLES.flatMap((t) => t.columns), ...QUARTER_INDICATORS, ...QUARTER_DISTRICT_INDICATORS];
const LAYOUT_NAMES = new Map<string, string>(LAYOUT.map((spec) => [spec.indicator, spec.label]));
/**
 * What the pack needs of the departments' catalogues for the indicators it lays out, when a
 * department is down and sent none: units and kinds (testers' packs printed 当月用电量（）, headers
 * without 亿元, and the loans card as 1–6月累计). `briefing/test/layout.test.ts` checks it against
 * the departments' own catalogues, so it cannot drift.
 */
export const LAYOUT_CATALOGUE: Readonly<Record<string, { unit: string; kind: Kind }>> = {
  STAT_VALUE_ADDED_GROWTH: { unit: '%', kind: 'RATE' },
  STAT_GROSS_OUTPUT: { unit: '万元', kind: 'FLOW' },
  STAT_MAIN_REVENUE: { unit: '万元', kind: 'FLOW' },
  STAT_TOTAL_PROFIT: { unit: '万元', kind: 'FLOW' },
  STAT_SALES_RATIO: { unit: '%', kind: 'RATE' },
  STAT_INDUSTRIAL_INVESTMENT: { unit: '万元', kind: 'FLOW' },
  IND_KEY_ENTERPRISE_OUTPUT: { unit: '万元', kind: 'FLOW' },
  IND_PROJECT_INVESTMENT: { unit: '万元', kind: 'FLOW' },
  EN_ELECTRICITY: { unit: '万千瓦时', kind: 'FLOW' },
  FIN_LOANS_OUTSTANDING: { unit: '万元', kind: 'STOCK' },
  FIN_NEW_LOANS: { unit: '万元', kind: 'FLOW' },
  FIN_INDUSTRIAL_VAT: { unit: '万元', kind: 'FLOW' },
  HR_EMPLOYEES: { unit: '人', kind: 'STOCK' },
  HR_HIRES: { unit: '人', kind: 'FLOW' },
};
/** Every indicator the pack lays out (headlines, tables, charts, the quarter's), once. */
export const LAYOUT_INDICATORS: readonly string[] = [...new Set(LAYOUT.map((spec) => spec.indicator))];
/**
 * A department's indicators as the pack lays them out, once each: what the appendix can still list
 * (暂缺) of a department down, whose catalogue did not answer.
 */
export function layoutIndicators(department: Department): { code: string; name: string }[] {
  const codes = [...new Set(LAYOUT.filter((spec) => spec.department === department).map((spec) => spec.indicator))];
  return codes.map((code) => ({ code, name: LAYOUT_NAMES.get(code)! }));
}

class Catalogue {
  private readonly byCode = new Map<string, CatalogueIndicator & { dept: Department }>();
  constructor(data: MeetingPackData['catalogue'] | null | undefined) {
    for (const department of DEPARTMENTS) for (const indicator of data?.[department] ?? []) this.byCode.set(indicator.code, { ...indicator, dept: department });
  }
  get(code: string) {
    return this.byCode.get(code);
  }
  /** The catalogue's kind; without a catalogue entry: a stock has no year-to-date value. */
  kind(code: string, observation?: Observation | null): Kind {
    const entry = this.byCode.get(code);
    if (entry) return entry.kind;
    if (observation && observation.unit === '%') return 'RATE';
    // A department down sent no catalogue: the pack's own layout knows its stocks and rates (a
    // tester's loans card read 1–6月累计 instead of 6月末 with finance down).
    if (!observation && LAYOUT_CATALOGUE[code]) return LAYOUT_CATALOGUE[code].kind;
    return observation && observation.ytdValue === null && observation.value !== null ? 'STOCK' : 'FLOW';
  }
  name(code: string, observation?: Observation | null): string {
    return this.byCode.get(code)?.name ?? observation?.name ?? LAYOUT_NAMES.get(code) ?? code;
  }
  unit(code: string, observation?: Observation | null): string {
    return this.byCode.get(code)?.unit ?? observation?.unit ?? LAYOUT_CATALOGUE[code]?.unit ?? '';
  }
  all() {
    return [...this.byCode.values()];
  }
}

function find(figures: DepartmentFigures | null | undefined, indicator: string): Observation | null {
  return figures?.indicators?.find((o) => o.indicator === indicator) ?? null;
}

function levelField(kind: Kind): 'value' | 'ytdValue' {
  return kind === 'STOCK' ? 'value' : 'ytdValue';
}

function growthField(kind: Kind): 'yoyPct' | 'ytdYoyPct' | null {
  if (kind === 'RATE') return null;
  return kind === 'STOCK' ? 'yoyPct' : 'ytdYoyPct';
}

/** The ranking list of a document alias, as delivered. */
function rankingOf(city: NonNullable<MeetingPackData['city']>, department: Department, alias: string | null): RankEntry[] | null {
  if (!alias) return null;
  const list = (city[department] as Record<string, unknown>)[alias];
  return Array.isArray(list) ? (list as RankEntry[]) : null;
}

function ranked(figure: Figure, ranking: RankEntry[] | null, code: string, basis: RankedFigure['rankBasis']): RankedFigure {
  const entry = ranking?.find((r) => r.regionCode === code);
  // Unranked districts are listed too (not reported, or no value on the basis): "of" counts the ranked.
  return { ...figure, rank: entry ? entry.rank : null, rankOf: ranking?.filter((r) => r.rank !== null).length ?? 0, rankBasis: ranking ? basis : null };
}

function unranked(figure: Figure): RankedFigure {
  return { ...figure, rank: null, rankOf: 0, rankBasis: null };
}

// ---------------------------------------------------------------------------------------------
// Sections

function headline(data: MeetingPackData, catalogue: Catalogue, month: string, absences: Absences): HeadlineFigure[] {
  const city = data.city!;
  const out: HeadlineFigure[] = [];
  const m = parseMonth(month).month;
  for (const spec of HEADLINES) {
    const observation = find(city[spec.department], spec.indicator);
    const kind = catalogue.kind(spec.indicator, observation);
    const base = { indicator: spec.indicator, name: catalogue.name(spec.indicator, observation), unit: catalogue.unit(spec.indicator, observation), subjectCode: city.code, month, absence: absences.of(spec.department, spec.indicator) };
    const fig = (field: 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct') => observationFigure(spec.department, observation, field, base);
    if (kind === 'RATE') {
      out.push({
        indicator: spec.indicator, label: spec.label, department: spec.department, kind,
        primaryLabel: `${ytdLabel(month)}累计`, primary: fig('ytdValue'),
        growthLabel: null, growth: null,
        monthLabel: `${m}月当月`, month: fig('value'), monthGrowth: null,
      });
    } else if (kind === 'STOCK') {
      out.push({
        indicator: spec.indicator, label: spec.label, department: spec.department, kind,
        primaryLabel: `${m}月末`, primary: fig('value'),
        growthLabel: '同比', growth: fig('yoyPct'),
        monthLabel: '', month: null, monthGrowth: null,
      });
    } else {
      out.push({
        indicator: spec.indicator, label: spec.label, department: spec.department, kind,
        primaryLabel: `${ytdLabel(month)}累计`, primary: fig('ytdValue'),
        growthLabel: '同比', growth: fig('ytdYoyPct'),
        monthLabel: `${m}月当月`, month: fig('value'), monthGrowth: fig('yoyPct'),
      });
    }
  }
  return out;
}

function districtTables(data: MeetingPackData, catalogue: Catalogue, month: string, absences: Absences): DistrictTable[] {
  const city = data.city!;
  const districts = city.districts ?? [];
  return DISTRICT_TABLES.map((spec) => {
    const columns: DistrictColumn[] = spec.columns.map((c) => {
      const sample = find(city[c.department], c.indicator);
      const kind = catalogue.kind(c.indicator, sample);
      const unit = catalogue.unit(c.indicator, sample);
      return {
        indicator: c.indicator,
        label: c.label,
        department: c.department,
        kind,
        levelHeader: kind === 'RATE' ? '累计' : kind === 'STOCK' ? '月末' : '累计',
        levelUnit: kind === 'RATE' ? '%' : displayUnit(unit).unit,
        growthHeader: kind === 'RATE' ? null : '同比%',
      };
    });
    const row = (region: { code: string; name: string; level: string; locallyAssigned: boolean } & Record<Department, DepartmentFigures>, rank: boolean): DistrictRow => ({
      code: region.code,
      name: region.name,
      level: region.level,
      locallyAssigned: region.locallyAssigned,
      cells: spec.columns.map((c, i) => {
        const observation = find(region[c.department], c.indicator);
        const kind = columns[i].kind;
        const base = { indicator: c.indicator, name: catalogue.name(c.indicator, observation), unit: catalogue.unit(c.indicator, observation), subjectCode: region.code, month, absence: absences.of(c.department, c.indicator) };
        const level = observationFigure(c.department, observation, levelField(kind), base);
        const g = growthField(kind);
        const growth = g ? observationFigure(c.department, observation, g, base) : null;
        const levelBasis = kind === 'RATE' ? 'GROWTH' : 'YEAR_TO_DATE';
        return {
          level: rank ? ranked(level, rankingOf(city, c.department, c.levelRank), region.code, levelBasis) : unranked(level),
          growth: growth ? (rank ? ranked(growth, rankingOf(city, c.department, c.growthRank), region.code, 'GROWTH') : unranked(growth)) : null,
        };
      }),
    });
    return {
      id: spec.id,
      title: spec.title,
      departments: [...new Set(spec.columns.map((c) => c.department))],
      columns,
      rows: districts.map((d) => row(d, true)),
      cityRow: row({ ...city, level: 'CITY', locallyAssigned: false }, false),
    };
  });
}

/** An amount as a region's table prints it, with its display unit: (500000, 万元) → 50.00亿元. */
export function amount(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined ? '—' : `${formatValue(value, unit, 'region')}${displayUnit(unit, 'region').unit}`;
}

function targets(data: MeetingPackData, catalogue: Catalogue, month: string, absences: Absences): TargetsModel {
  // The register's department down: no cluster list, and the clusters' section says 暂缺 for their targets too.
  const clustersSection = !!data.clusters || absences.isUnavailable(REGISTER_DEPARTMENT);
  const city = data.city!;
  const regions: { code: string; name: string; isCity: boolean; figures: Record<Department, DepartmentFigures> }[] = [
    { code: city.code, name: city.name, isCity: true, figures: city },
    ...(city.districts ?? []).map((d) => ({ code: d.code, name: d.name, isCity: false, figures: d })),
  ];
  const groups = new Map<string, TargetGroup>();
  const unjudged = new Map<string, TargetsModel['unjudged'][number]>();
  let timeProgressPct: number | null = null;
  for (const region of regions) {
    for (const department of DEPARTMENTS) {
      for (const progress of region.figures[department]?.targets ?? []) {
        timeProgressPct ??= progress.timeProgressPct;
        const t = progress.target;
        const judged = (t.measure === 'LEVEL' || t.measure === 'GROWTH_PCT') && !t.scope && progress.behind !== null && progress.behind !== undefined;
        // A cluster's target is judged in the clusters' section, from the cluster's own total.
        if (!judged && t.scope && clustersSection) continue;
        if (!judged) {
          const entry = unjudged.get(t.description) ?? { regions: [], description: t.description, source: t.source, department };
          entry.regions.push(region.name);
          unjudged.set(t.description, entry);
          continue;
        }
        const key = `${t.indicator}|${t.measure}`;
        let group = groups.get(key);
        const name = catalogue.name(t.indicator, find(region.figures[department], t.indicator));
        if (!group) {
          group = {
            id: `target-${t.indicator.toLowerCase().replace(/_/g, '-')}-${t.measure === 'LEVEL' ? 'level' : 'growth'}`,
            indicator: t.indicator,
            name,
            department,
            measure: t.measure as 'LEVEL' | 'GROWTH_PCT',
            unit: t.unit,
            source: t.source,
            description: t.description,
            timeProgressPct: progress.timeProgressPct,
            rows: [],
          };
          groups.set(key, group);
        }
        const a = progress.actual ?? null;
        const provenance = { status: a?.status ?? null, derived: a?.derived ?? false, reportedBy: a?.reportedBy ?? null, reportedAt: a?.reportedAt ?? null };
        const common = { indicator: t.indicator, indicatorName: name, department, subjectCode: region.code, month };
        const actualUnit = t.measure === 'LEVEL' ? t.unit : '%';
        group.rows.push({
          code: region.code,
          name: region.name,
          isCity: region.isCity,
          targetValue: plainFigure({ ...common, value: t.value, unit: t.unit, field: 'targetValue', note: `${t.description}（${t.source}）` }),
          actual: plainFigure({ ...common, ...provenance, value: progress.actualValue, unit: actualUnit, field: 'actualValue' }),
          completion:
            t.measure === 'LEVEL'
              ? plainFigure({ ...common, ...provenance, derived: false, value: progress.completionPct, unit: '%', field: 'completionPct', note: `完成全年目标 = 累计 ${amount(progress.actualValue, t.unit)} ÷ 全年目标 ${amount(t.value, t.unit)}（${t.description}，${t.source}），由${DEPARTMENT_LABELS[department]}数据服务计算` })
              : null,
          gap: plainFigure({ ...common, ...provenance, derived: false, value: progress.gap, unit: '百分点', field: 'gap' }),
          behind: progress.behind,
        });
      }
    }
  }
  const ordered = [...groups.values()].sort((a, b) => (a.measure === b.measure ? 0 : a.measure === 'LEVEL' ? -1 : 1));
  const behindByDistrict = new Map<string, { code: string; name: string; behind: string[] }>();
  for (const group of ordered) {
    for (const row of group.rows) {
      if (row.isCity || row.behind !== true) continue;
      const entry = behindByDistrict.get(row.code) ?? { code: row.code, name: row.name, behind: [] };
      entry.behind.push(group.measure === 'LEVEL' ? group.name : `${group.name}增速`);
      behindByDistrict.set(row.code, entry);
    }
  }
  return {
    timeProgressPct,
    groups: ordered,
    behindDistricts: [...behindByDistrict.values()].sort((a, b) => b.behind.length - a.behind.length || a.code.localeCompare(b.code)),
    unjudged: [...unjudged.values()],
  };
}

/** The city's figures for each of the twelve months (oldest first); null where the answer lacks one. */
function trendMonths(data: MeetingPackData, month: string): { month: string; figures: MonthFigures | null }[] {
  const months = trailingMonths(month, 12);
  const city = data.city;
  const current: MonthFigures | null = city ? { industry: city.industry, statistics: city.statistics, energy: city.energy, finance: city.finance, hr: city.hr } : null;
  return months.map((m, i) => ({ month: m, figures: i === 11 ? current : (data[TREND_ALIASES[i]] ?? null) }));
}

function trends(data: MeetingPackData, catalogue: Catalogue, month: string, quarterly: boolean, absences: Absences): TrendChart[] {
  const months = trendMonths(data, month);
  const cityCode = data.city!.code;
  const q = quarterOf(month);
  const year = parseMonth(month).year;
  const quarterStart = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}`;
  return TRENDS.map((spec) => {
    const unit = catalogue.unit(spec.indicator);
    const series = spec.series.map((s) => ({
      ...s,
      points: months.map(({ month: m, figures }) =>
        observationFigure(spec.department, find(figures?.[spec.department], spec.indicator), s.field, {
          indicator: spec.indicator,
          name: catalogue.name(spec.indicator),
          unit,
          subjectCode: cityCode,
          month: m,
          // 暂缺 for a department down, not 未报送 (a tester's charts said 数据状态：均未报送).
          absence: absences.of(spec.department, spec.indicator),
        }),
      ),
    }));
    const leftUnit = series.find((s) => s.axis === 0)!.points[0].displayUnit || displayUnit(unit).unit;
    const right = series.find((s) => s.axis === 1);
    return {
      id: spec.id,
      title: spec.title,
      indicator: spec.indicator,
      department: spec.department,
      months: months.map((m) => m.month),
      units: [leftUnit, right ? '%' : null],
      series,
      highlight: quarterly ? [quarterStart, month] : null,
    };
  });
}

/**
 * Quarter to date of a flow from two year-to-date values: ytd(month) − ytd(previous quarter end),
 * growth from the two years' implied year-to-date levels (ytd ÷ (1 + growth)). In the first
 * quarter the quarter to date is the year to date, as reported.
 */
export function quarterToDate(
  now: Observation | null,
  before: Observation | null,
  firstQuarter: boolean,
): { value: number | null; growth: number | null; derived: boolean; note: string } {
  if (!now || now.ytdValue === null) return { value: null, growth: null, derived: false, note: '本期无累计值' };
  if (firstQuarter) return { value: now.ytdValue, growth: now.ytdYoyPct, derived: now.derived, note: '一季度：季度累计即年度累计（报告值）' };
  if (!before || before.ytdValue === null) return { value: null, growth: null, derived: true, note: '缺少上季末累计值，无法推算' };
  const value = round(now.ytdValue - before.ytdValue, 4);
  let growth: number | null = null;
  if (now.ytdYoyPct !== null && before.ytdYoyPct !== null && now.ytdYoyPct > -100 && before.ytdYoyPct > -100) {
    const lastYear = now.ytdValue / (1 + now.ytdYoyPct / 100) - before.ytdValue / (1 + before.ytdYoyPct / 100);
    if (lastYear > 0) growth = round((value / lastYear - 1) * 100, 1);
  }
  return {
    value,
    growth,
    derived: true,
    note: `推算：${now.month}累计 ${now.ytdValue} − ${before.month}累计 ${before.ytdValue}；增速按两期累计同比还原上年同期值推算`,
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function quarter(data: MeetingPackData, catalogue: Catalogue, month: string): QuarterModel {
  const city = data.city!;
  const firstQuarter = quarterOf(month) === 1;
  const previousQuarterEnd = addMonths(month, -3);
  const previous = data.m03;
  const months = trendMonths(data, month).slice(-3);
  const cityFigures: QuarterFigure[] = QUARTER_INDICATORS.map((spec) => {
    const now = find(city[spec.department], spec.indicator);
    const kind = catalogue.kind(spec.indicator, now);
    const name = catalogue.name(spec.indicator, now);
    const unit = catalogue.unit(spec.indicator, now);
    const base = { indicator: spec.indicator, name, unit, subjectCode: city.code, month };
    const monthly = months.map(({ month: m, figures }) =>
      observationFigure(spec.department, find(figures?.[spec.department], spec.indicator), 'value', { ...base, month: m }),
    );
    if (kind === 'RATE') {
      return {
        indicator: spec.indicator, label: spec.label, department: spec.department, kind,
        main: observationFigure(spec.department, now, 'ytdValue', base), mainLabel: `${ytdLabel(month)}累计`,
        growth: null, growthLabel: null, months: monthly,
      };
    }
    if (kind === 'STOCK') {
      const before = find(previous?.[spec.department], spec.indicator);
      const change = now?.value !== null && now?.value !== undefined && before?.value !== null && before?.value !== undefined ? round(now.value - before.value, 4) : null;
      return {
        indicator: spec.indicator, label: spec.label, department: spec.department, kind,
        main: observationFigure(spec.department, now, 'value', base), mainLabel: '季末',
        growth: plainFigure({
          value: change, unit, indicator: spec.indicator, indicatorName: name, department: spec.department, field: 'change', subjectCode: city.code, month,
          derived: true, status: now?.status ?? null, note: `推算：${month}月末 − ${previousQuarterEnd}月末`,
        }),
        growthLabel: '比上季末增减', months: monthly,
      };
    }
    const before = find(previous?.[spec.department], spec.indicator);
    const qtd = quarterToDate(now, before, firstQuarter);
    const common = { indicator: spec.indicator, indicatorName: name, department: spec.department, subjectCode: city.code, month, status: now?.status ?? null, derived: qtd.derived, note: qtd.note };
    return {
      indicator: spec.indicator, label: spec.label, department: spec.department, kind,
      main: plainFigure({ ...common, value: qtd.value, unit, field: 'qtdValue' }), mainLabel: `${qtdLabel(month)}累计`,
      growth: plainFigure({ ...common, value: qtd.growth, unit: '%', field: 'qtdYoyPct' }), growthLabel: '同比',
      months: monthly,
    };
  });
  const previousByCode = new Map((city.previousQuarter ?? []).map((p) => [p.code, p]));
  const districts: QuarterDistrictRow[] = (city.districts ?? []).map((d) => ({
    code: d.code,
    name: d.name,
    cells: QUARTER_DISTRICT_INDICATORS.map((spec) => {
      const now = find(d[spec.department], spec.indicator);
      const before = find(previousByCode.get(d.code)?.[spec.department], spec.indicator);
      const qtd = quarterToDate(now, before, firstQuarter);
      const name = catalogue.name(spec.indicator, now);
      const common = { indicator: spec.indicator, indicatorName: name, department: spec.department, subjectCode: d.code, month, status: now?.status ?? null, derived: qtd.derived, note: qtd.note };
      return {
        qtd: plainFigure({ ...common, value: qtd.value, unit: catalogue.unit(spec.indicator, now), field: 'qtdValue' }),
        growth: plainFigure({ ...common, value: qtd.growth, unit: '%', field: 'qtdYoyPct' }),
      };
    }),
  }));
  return {
    label: quarterLabel(month),
    period: qtdLabel(month),
    previousQuarterEnd,
    firstQuarter,
    city: cityFigures,
    districtColumns: QUARTER_DISTRICT_INDICATORS.map((s) => ({ indicator: s.indicator, label: s.label, department: s.department, unit: displayUnit(catalogue.unit(s.indicator)).unit })),
    districts,
  };
}

function warningSubjects(data: MeetingPackData): Map<string, { name: string; region: string }> {
  const subjects = new Map<string, { name: string; region: string }>();
  for (const edge of data.keyEnterprises?.edges ?? []) subjects.set(edge.node.creditCode, { name: edge.node.name, region: edge.node.region.name });
  for (const k of data.warnings?.keyEnterprises ?? []) if (k.enterprise) subjects.set(k.creditCode, { name: k.enterprise.name, region: k.enterprise.region.name });
  return subjects;
}

/** Region of an enterprise from its credit code (characters 3–8, the registering authority's region). */
function regionFromCreditCode(code: string, regions: Map<string, string>): string | null {
  return code.length === 18 ? (regions.get(code.slice(2, 8)) ?? null) : null;
}

/** Year-to-date roles (a district's target) show the year-to-date value and growth, others the month's. */
const YTD_ROLES = new Set(['year to date', 'year-to-date growth']);

/** The ledgers a rule's facts come from, as the meeting names them, and who keeps them. */
export const LEDGER_LABELS: Record<string, { name: string; keeper: string }> = {
  KEY_PROJECTS: { name: '重点项目台账', keeper: '市发改委、工信委' },
  PROBLEMS: { name: '问题清单', keeper: '会商办公室（市工信委）' },
  TARGETS: { name: '目标任务', keeper: '市政府（许政[2015]39号）' },
};

/**
 * One warning's evidence in one unit scale (a card never mixes 亿元 and 万元): a region's figures
 * and the ledger amounts beside them at city scale (亿元), an enterprise's or a project's in 万元.
 */
function evidenceView(e: Warning['evidence'][number], month: string, subjectCode: string, scale: Scale): EvidenceView {
  const department: Department = isDepartment(e.department) ? e.department : 'industry';
  const head = { department: e.department, departmentLabel: departmentLabel(e.department), role: e.role, roleLabel: ROLE_LABELS[e.role] ?? e.role };
  if (!e.observation) {
    // A ledger entry (key projects, problem list, targets): a value or a text, no growth.
    const fact = e.fact ?? { ledger: '', entry: subjectCode, item: e.role, month: null, value: null, text: null, unit: null };
    const ledger = LEDGER_LABELS[fact.ledger];
    const figure = (field: 'value' | 'yoyPct', value: number | null) => ({
      ...plainFigure({ value, unit: field === 'yoyPct' ? '%' : (fact.unit ?? ''), indicator: fact.item, indicatorName: ledger?.name ?? head.roleLabel, department, field, subjectCode: fact.entry, month: fact.month ?? month, scale }),
      reportedBy: ledger?.keeper ?? departmentLabel(e.department),
    });
    const value = figure('value', fact.value);
    if (fact.value === null) Object.assign(value, { text: PROBLEM_STATUS_LABELS[fact.text ?? ''] ?? fact.text ?? '—', displayUnit: '' });
    else if (fact.unit === '天') Object.assign(value, { text: formatNumber(fact.value, 0), displayUnit: '天' });
    return { ...head, value, growth: figure('yoyPct', null) };
  }
  const base = { indicator: e.observation.indicator, name: e.observation.name, unit: e.observation.unit, subjectCode: e.observation.subjectCode, month: e.observation.month ?? month };
  const ytd = YTD_ROLES.has(e.role);
  return {
    ...head,
    value: observationFigure(department, e.observation, ytd ? 'ytdValue' : 'value', base, scale),
    growth: observationFigure(department, e.observation, ytd ? 'ytdYoyPct' : 'yoyPct', base, scale),
  };
}

function thresholdText(t: { name: string; value: number }): string {
  const label = THRESHOLD_LABELS[t.name];
  return label ? `${label.label}${formatNumber(t.value, 2, true)}${label.unit}` : `${t.name} = ${t.value}`;
}

/** One sentence in Chinese from the evidence: what each department reported. */
export function warningSummary(warning: Warning, evidence: EvidenceView[]): string {
  const parts = evidence.map((e) => {
    const growth = e.growth.value !== null ? `，同比${growthWords(e.growth.value)}` : '';
    const period = e.value.month !== warning.month ? `（${monthLabel(e.value.month)}）` : '';
    return `${e.roleLabel}${period}${e.value.text}${e.value.displayUnit}${growth}（${e.departmentLabel}报）`;
  });
  if (warning.rule === 'LOAN_WITHDRAWAL') {
    const withdrawal = evidence.find((e) => e.role === 'withdrawal')?.value.value;
    const before = evidence.find((e) => e.role === 'undue loans before the withdrawal')?.value.value;
    if (withdrawal != null && before) parts.push(`抽贷额占抽贷前未到期贷款的${formatPct((withdrawal / before) * 100)}%`);
  }
  if (warning.rule === 'PROJECT_BEHIND_SCHEDULE') {
    const planned = evidence.find((e) => e.role === 'planned to date')?.value.value;
    const completed = evidence.find((e) => e.role === 'completed to date')?.value.value;
    if (completed != null && planned) parts.push(`完成计划累计的${formatPct((completed / planned) * 100)}%`);
  }
  if (warning.rule === 'TARGET_BEHIND') {
    const actual = evidence[0]?.value.value;
    const target = evidence.find((e) => e.role === 'target')?.value.value;
    const time = warning.thresholds.find((t) => t.name === 'timeProgressPct')?.value;
    if (actual != null && target && time != null) parts.push(`完成全年目标的${formatPct((actual / target) * 100)}%，序时进度${formatPct(time)}%`);
    const growth = evidence[0]?.growth.value;
    if (evidence[0]?.role === 'year-to-date growth' && growth != null && target != null) parts.push(`累计增速${formatPct(growth)}%，目标${formatPct(target)}%`);
  }
  return `${parts.join('；')}。`;
}

/** What the warning is about, by name: the project, the enterprise (from the register, through the gateway) or the region. */
function warningSubjectName(w: Warning, subjects: Map<string, { name: string; region: string }>, projects: Map<string, string>, regionNames: Map<string, string>): string | null {
  if (w.subjectKind === 'KEY_PROJECT') return projects.get(w.subjectCode) ?? null;
  if (w.subjectKind === 'PROBLEM') return w.enterprise?.name ?? (w.region ? `${w.region.name}（区域问题）` : null);
  if (w.subjectKind === 'REGION') return w.region?.name ?? regionNames.get(w.subjectCode) ?? null;
  return w.enterprise?.name ?? subjects.get(w.subjectCode)?.name ?? null;
}

function warnings(data: MeetingPackData, month: string, regionNames: Map<string, string>): WarningView[] {
  const subjects = warningSubjects(data);
  const projects = new Map((data.keyProjects ?? []).map((p) => [p.code, p.name]));
  const all: Warning[] = [];
  for (const k of data.warnings?.keyEnterprises ?? []) {
    if (k.powerDrop) all.push(k.powerDrop);
    if (k.employmentDrop) all.push(k.employmentDrop);
  }
  all.push(...(data.warnings?.loanWithdrawals ?? []));
  // The secretariat's ledgers, then every department's districts behind on their targets.
  all.push(...(data.warnings?.projectsBehindSchedule ?? []), ...(data.warnings?.overdueProblems ?? []));
  for (const department of DEPARTMENTS) all.push(...(data.warnings?.[`${department}TargetsBehind`] ?? []));
  return all.map((w) => {
    const scale: Scale = w.subjectKind === 'REGION' ? 'region' : 'enterprise';
    const evidence = w.evidence.map((e) => evidenceView(e, month, w.subjectCode, scale));
    const subject = subjects.get(w.subjectCode);
    return {
      rule: w.rule,
      title: w.title,
      subjectCode: w.subjectCode,
      subjectName: warningSubjectName(w, subjects, projects, regionNames),
      regionName:
        w.subjectKind === 'REGION'
          ? null
          : (subject?.region ?? w.region?.name ?? (w.subjectKind === 'ENTERPRISE' ? regionFromCreditCode(w.subjectCode, regionNames) : null)),
      summary: warningSummary(w, evidence),
      action: RULE_ACTIONS[w.rule] ?? null,
      message: w.message,
      evidence,
      thresholds: w.thresholds.map(thresholdText),
    };
  });
}

export const ATTENTION_CRITERIA = '列入条件：触发预警，或百户重点企业产值当月、累计同比下降，或用电量、用工人数当月同比下降。';

function keyEnterprises(data: MeetingPackData, month: string, absences: Absences, catalogue: Catalogue): PackModel['keyEnterprises'] {
  const warned = new Map<string, string[]>();
  for (const k of data.warnings?.keyEnterprises ?? []) {
    const titles = [k.powerDrop?.title, k.employmentDrop?.title].filter((t): t is string => !!t);
    if (titles.length) warned.set(k.creditCode, titles);
  }
  for (const w of data.warnings?.loanWithdrawals ?? []) warned.set(w.subjectCode, [...(warned.get(w.subjectCode) ?? []), w.title]);
  const nodes: KeyEnterpriseNode[] = (data.keyEnterprises?.edges ?? []).map((e) => e.node);
  const attention: AttentionEnterprise[] = [];
  let reported = 0;
  for (const [index, n] of nodes.entries()) {
    // Asked for by name: a withheld figure is a FORBIDDEN error at its path (absence.ts).
    const field: Record<string, string> = { IND_KEY_ENTERPRISE_OUTPUT: 'industry.keyEnterpriseOutput', EN_ELECTRICITY: 'energy.electricity', HR_EMPLOYEES: 'hr.employees', FIN_LOANS_OUTSTANDING: 'finance.loansOutstanding' };
    const base = (indicator: string, o: Observation | null) => ({
      // A withheld figure still has its Chinese name and unit, from the catalogue.
      indicator, name: o?.name ?? catalogue.name(indicator), unit: o?.unit ?? catalogue.unit(indicator), subjectCode: n.creditCode, month,
      absence: absences.of(departmentOfIndicator(indicator), indicator, `keyEnterprises.edges.${index}.node.${field[indicator]}`),
    });
    const output = n.industry?.keyEnterpriseOutput ?? null;
    const electricity = n.energy?.electricity ?? null;
    const employees = n.hr?.employees ?? null;
    const loans = n.finance?.loansOutstanding ?? null;
    if (output || electricity || employees || loans) reported++;
    const reasons = [...(warned.get(n.creditCode) ?? []).map((t) => `预警：${t}`)];
    if (output?.yoyPct != null && output.yoyPct < 0) reasons.push(`产值当月同比${growthWords(output.yoyPct)}`);
    if (output?.ytdYoyPct != null && output.ytdYoyPct < 0) reasons.push(`产值累计同比${growthWords(output.ytdYoyPct)}`);
    if (electricity?.yoyPct != null && electricity.yoyPct < 0) reasons.push(`用电量当月同比${growthWords(electricity.yoyPct)}`);
    if (employees?.yoyPct != null && employees.yoyPct < 0) reasons.push(`用工人数同比${growthWords(employees.yoyPct)}`);
    if (!reasons.length) continue;
    attention.push({
      creditCode: n.creditCode,
      name: n.name,
      region: n.region.name,
      industry: n.industryName,
      output: observationFigure('industry', output, 'ytdValue', base('IND_KEY_ENTERPRISE_OUTPUT', output), 'enterprise'),
      outputGrowth: observationFigure('industry', output, 'yoyPct', base('IND_KEY_ENTERPRISE_OUTPUT', output), 'enterprise'),
      outputYtdGrowth: observationFigure('industry', output, 'ytdYoyPct', base('IND_KEY_ENTERPRISE_OUTPUT', output), 'enterprise'),
      electricityGrowth: observationFigure('energy', electricity, 'yoyPct', base('EN_ELECTRICITY', electricity), 'enterprise'),
      employees: observationFigure('hr', employees, 'value', base('HR_EMPLOYEES', employees), 'enterprise'),
      employeesGrowth: observationFigure('hr', employees, 'yoyPct', base('HR_EMPLOYEES', employees), 'enterprise'),
      loans: observationFigure('finance', loans, 'value', base('FIN_LOANS_OUTSTANDING', loans), 'enterprise'),
      reasons,
      warned: warned.has(n.creditCode),
    });
  }
  attention.sort((a, b) => Number(b.warned) - Number(a.warned) || b.reasons.length - a.reasons.length || a.creditCode.localeCompare(b.creditCode));
  return { total: data.keyEnterprises?.totalCount ?? nodes.length, listed: nodes.length, reported, attention, criteria: ATTENTION_CRITERIA, ...(data.keyEnterprises ? {} : { unavailable: true }) };
}

function keyProjects(data: MeetingPackData, month: string): KeyProjectsModel | null {
  if (!data.keyProjects) return null;
  const attention: KeyProjectView[] = [];
  for (const p of data.keyProjects) {
    const reasons: string[] = [];
    if (p.progress?.behindSchedule === true) reasons.push(`完成投资为计划的${formatPct(p.progress.completionPct)}%，低于${formatNumber(p.progress.thresholdPct, 1, true)}%`);
    if (p.stage === 'PRELIMINARY_WORK' && p.startMonth <= month) reasons.push(`计划${monthLabel(p.startMonth)}开工，仍处前期`);
    if (!reasons.length) continue;
    const common = { indicator: 'KEY_PROJECT', indicatorName: `重点项目 ${p.code} ${p.name}`, department: 'industry' as const, subjectCode: p.code, month: p.progress?.month ?? month, note: '工信委重点项目台账（keyProjects）' };
    attention.push({
      code: p.code,
      name: p.name,
      region: p.region.name,
      stage: STAGE_LABELS[p.stage] ?? p.stage,
      enterprise: p.enterprise?.name ?? null,
      startMonth: p.startMonth,
      planned: plainFigure({ ...common, value: p.progress?.plannedToDate ?? null, unit: '万元', field: 'ytdValue', scale: 'enterprise', note: `${common.note}：计划累计投资` }),
      completed: plainFigure({ ...common, value: p.progress?.completedToDate ?? null, unit: '万元', field: 'ytdValue', scale: 'enterprise', note: `${common.note}：完成累计投资` }),
      completionPct: plainFigure({ ...common, value: p.progress?.completionPct ?? null, unit: '%', field: 'completionPct', note: `${common.note}：完成 ÷ 计划` }),
      behindSchedule: p.progress?.behindSchedule ?? null,
      reasons,
    });
  }
  attention.sort((a, b) => Number(b.behindSchedule === true) - Number(a.behindSchedule === true) || (a.completionPct.value ?? Infinity) - (b.completionPct.value ?? Infinity) || a.code.localeCompare(b.code));
  return {
    year: parseMonth(month).year,
    total: data.keyProjects.length,
    behind: data.keyProjects.filter((p) => p.progress?.behindSchedule === true).length,
    thresholdPct: data.keyProjects.find((p) => p.progress)?.progress?.thresholdPct ?? null,
    attention,
  };
}

const PERIOD_LABELS: Record<string, string> = { Q1: '一季度', Q2: '二季度', Q3: '三季度', Q4: '四季度', H1: '上半年', H2: '下半年', YEAR: '全年' };

/**
 * The parks table: each park's investment over the period of its shortest target holding the month
 * (the quarter) and over the year, in 亿元, ranked as the ledger ranks them, behind rows marked.
 */
function parks(data: MeetingPackData, month: string): ParksModel | null {
  const ledger = data.city?.parkInfrastructure;
  if (!ledger) return null;
  const note = '工信委园区基础设施投资台账（parkInfrastructure）';
  const row = (code: string | null, name: string, region: string, rank: number | null, targets: ParkInfrastructureData['targets'], completed: Observation | null, ytd: number | null): ParkRowView => {
    const first = targets[0] ?? null;
    const year = targets.find((t) => t.target.period === 'YEAR') ?? null;
    const common = { indicator: 'IND_PARK_INFRA_INVESTMENT', indicatorName: `园区基础设施投资 ${name}`, department: 'industry' as const, subjectCode: code ?? 'ALL', month };
    const label = first ? PERIOD_LABELS[first.target.period] ?? first.target.period : null;
    const provenance = completed ? { status: completed.status, reportedBy: completed.reportedBy, reportedAt: completed.reportedAt } : {};
    return {
      code, name, region, rank, periodLabel: label, behind: first?.behind ?? null, yearBehind: year?.behind ?? null, reported: code === null ? null : completed !== null,
      periodTarget: plainFigure({ ...common, value: first?.target.value ?? null, unit: '万元', field: 'targetValue', note: first ? `${first.target.description}（${first.target.source}）` : `${note}：无目标` }),
      periodActual: plainFigure({ ...common, ...provenance, value: first ? first.actualValue : completed?.value ?? null, unit: '万元', field: first ? 'actualValue' : 'value', note: `${note}：${label ?? ''}完成投资` }),
      periodCompletionPct: plainFigure({ ...common, value: first?.completionPct ?? null, unit: '%', field: 'completionPct', note: `${note}：完成${label ?? ''}目标` }),
      timeProgressPct: plainFigure({ ...common, value: first?.timeProgressPct ?? null, unit: '%', field: 'timeProgressPct', note: `${note}：${label ?? ''}序时进度` }),
      ytdCompleted: plainFigure({ ...common, ...provenance, value: ytd, unit: '万元', field: 'ytdValue', note: `${note}：本年累计完成投资` }),
      yearTarget: plainFigure({ ...common, value: year?.target.value ?? null, unit: '万元', field: 'targetValue', note: year ? `${year.target.description}（${year.target.source}）` : `${note}：无全年目标` }),
      yearCompletionPct: plainFigure({ ...common, value: year?.completionPct ?? null, unit: '%', field: 'completionPct', note: `${note}：完成全年目标` }),
      yearTimeProgressPct: plainFigure({ ...common, value: year?.timeProgressPct ?? null, unit: '%', field: 'timeProgressPct', note: `${note}：全年序时进度（按各季度目标累计分解）` }),
    };
  };
  const rows = ledger.parks.map((p) => row(p.parkCode, p.parkName, p.region.name, p.rank, p.targets, p.completed, p.completed?.ytdValue ?? null));
  const sources = [...new Set([...ledger.targets, ...ledger.parks.flatMap((p) => p.targets)].map((t) => t.target.source))];
  return {
    parkCount: ledger.parkCount,
    reportedCount: ledger.reportedCount,
    behind: rows.filter((r) => r.behind === true || r.yearBehind === true).length,
    hasTargets: [...ledger.targets, ...ledger.parks.flatMap((p) => p.targets)].length > 0,
    rankedOnYear: month.endsWith('-12') && ledger.parks.some((p) => p.targets.some((t) => t.target.period === 'YEAR')),
    rows,
    total: row(null, '全市园区', '—', null, ledger.targets, null, ledger.completedToDate),
    sources,
  };
}

/** The first instant after `day` in the city (UTC+8), as the problem list judges "the end of that day". */
function endOfDay(day: string): number {
  return new Date(`${day}T00:00:00+08:00`).getTime() + 24 * 60 * 60 * 1000;
}

/** A problem's status at the end of `day`, from its history: the last change recorded by then. */
export function statusAtEndOf(problem: ProblemEntry, day: string): string | null {
  if (problem.raisedOn.slice(0, 10) > day) return null;
  const until = endOfDay(day);
  const recorded = problem.history.filter((h) => new Date(h.at).getTime() < until);
  return recorded.length ? recorded[recorded.length - 1].to : 'OPEN';
}

function problems(data: MeetingPackData, month: string): ProblemsModel | null {
  if (!data.problems) return null;
  const monthEnd = lastDay(month);
  const raised = data.problems.filter((p) => p.raisedOn.slice(0, 10) <= monthEnd);
  const open = raised
    .map((p) => ({ p, status: statusAtEndOf(p, monthEnd) }))
    .filter(({ status }) => status === 'OPEN' || status === 'IN_PROGRESS')
    .map(({ p, status }) => {
      const until = endOfDay(monthEnd);
      const latest = [...p.history].reverse().find((h) => h.note && h.from !== null && new Date(h.at).getTime() < until);
      return {
        code: p.code,
        category: PROBLEM_CATEGORY_LABELS[p.category] ?? p.category,
        description: p.description,
        subject: p.enterprise?.name ? `${p.enterprise.name}（${p.region.name}）` : p.region.name,
        raisedBy: p.raisedBy,
        raisedOn: p.raisedOn.slice(0, 10),
        owner: p.ownerName,
        deadline: p.deadline.slice(0, 10),
        statusAtMonthEnd: PROBLEM_STATUS_LABELS[status!] ?? status!,
        statusNow: p.status !== status ? (PROBLEM_STATUS_LABELS[p.status] ?? p.status) : null,
        overdue: p.overdue,
        latest: latest ? `${beijingDay(latest.at)} ${latest.note}` : null,
      };
    })
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline) || a.code.localeCompare(b.code));
  return { monthEnd, open, overdueCount: open.filter((p) => p.overdue).length, raised: raised.length };
}

/** `2015-07-10T01:00:00Z` → 2015-07-10 (the day in the city, UTC+8). */
function beijingDay(iso: string): string {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? iso : new Date(t + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * Departments with no city figure at all for the month, though their service answered and they may
 * be read (every one of their appendix rows 未报送): a pack made before they report says so up
 * front, not only cell by cell (a tester's January pack led with electricity and never said that
 * industry and finance had not reported). Indicators published with February (1—2月) do not count.
 */
export function unreportedDepartments(model: Pick<PackModel, 'sources'>): Department[] {
  return DEPARTMENTS.filter((d) => {
    // What the reader may not see (不予共享, 未获授权) says nothing of whether it was reported: a
    // department with every readable figure missing is named even if some are withheld (finance
    // was left out of a January pack for its non-performing loans, which it shares with nobody).
    const rows = model.sources.filter((s) => s.department === d && s.absence !== 'NOT_SHARED' && s.absence !== 'NOT_GRANTED');
    return rows.length > 0 && rows.every((s) => !s.figure && (s.absence === 'NOT_REPORTED' || s.absence === 'JANUARY_MERGED')) && rows.some((s) => s.absence === 'NOT_REPORTED');
  });
}

function sources(data: MeetingPackData, catalogue: Catalogue, absences: Absences): SourceRow[] {
  const city = data.city!;
  const rows: SourceRow[] = [];
  for (const department of DEPARTMENTS) {
    const seen = new Set<string>();
    // A city figure exists only for indicators reported for regions (a park's ledger is in its own section).
    const entries = (data.catalogue?.[department] ?? []).filter((c) => !c.subjects || c.subjects.includes('REGION')).map((c) => ({ code: c.code, name: c.name, unit: c.unit, kind: c.kind }));
    // A department down sent no catalogue: its rows are the indicators the pack lays out, each 暂缺
    // (a tester's appendix had no row of it at all, as if it published nothing).
    if (!entries.length && absences.isUnavailable(department)) {
      for (const l of layoutIndicators(department)) entries.push({ code: l.code, name: l.name, unit: catalogue.unit(l.code), kind: catalogue.kind(l.code) });
    }
    for (const o of city[department]?.indicators ?? []) if (!entries.some((e) => e.code === o.indicator)) entries.push({ code: o.indicator, name: o.name, unit: o.unit, kind: catalogue.kind(o.indicator, o) });
    for (const e of entries) {
      if (seen.has(e.code)) continue;
      seen.add(e.code);
      const figure = find(city[department], e.code);
      rows.push({ department, departmentLabel: DEPARTMENT_LABELS[department], code: e.code, name: e.name, unit: e.unit, kind: e.kind, figure, absence: figure ? null : absences.of(department, e.code) });
    }
  }
  return rows;
}

/** The clusters' section: each cluster's summed revenue against its target (item 七), ranked, and the emerging industries' growth (item 九). */
function clusters(data: MeetingPackData, unavailable: readonly Department[], month: string): ClustersModel | null {
  if (!data.clusters) return null;
  // The statistics bureau down: its fields come back filled as empty figures (degraded.ts), not a ranking list.
  const ranking = data.clusterRankings?.statistics;
  const ranks = new Map((Array.isArray(ranking) ? ranking : []).map((r) => [r.groupCode, r]));
  const statisticsDown = unavailable.includes('statistics');
  let timeProgressPct: number | null = null;
  let source: string | null = null;
  let emerging: ClustersModel['emerging'] = null;
  const rows: ClusterRow[] = [];
  for (const c of data.clusters) {
    const revenue = c.statistics?.indicators?.find((i) => i.indicator === 'STAT_MAIN_REVENUE') ?? null;
    const level = c.statistics?.targets?.find((t) => t.target.measure === 'LEVEL' && t.target.indicator === 'STAT_MAIN_REVENUE') ?? null;
    const growth = c.statistics?.targets?.find((t) => t.target.measure === 'GROWTH_PCT') ?? null;
    // Left out of `indicators` while the cluster has figures: the caller may not read the total (conditionally shared, no grant).
    const withheld = !!c.statistics && !revenue && (ranks.get(c.code)?.withheld ?? false);
    if (growth) {
      const output = c.statistics?.indicators?.find((i) => i.indicator === growth.target.indicator) ?? null;
      emerging = { name: c.name, growth: growth.actualValue, target: growth.target.value, description: growth.target.description, source: growth.target.source, behind: growth.behind, withheld: !output };
      source ??= growth.target.source;
    }
    // The emerging industries (a growth target, item 九) keep their row and rank in the revenue ranking; their target is judged below the table.
    if (level) {
      timeProgressPct ??= level.timeProgressPct;
      source ??= level.target.source;
    }
    rows.push({
      code: c.code,
      name: c.name,
      enterpriseCount: c.enterpriseCount,
      reportedCount: revenue?.reportedCount ?? null,
      revenueYtd: revenue?.ytdValue ?? null,
      revenueGrowth: revenue?.ytdYoyPct ?? null,
      unit: revenue?.unit ?? level?.target.unit ?? '万元',
      targetValue: level?.target.value ?? null,
      targetDescription: level?.target.description ?? null,
      completionPct: level?.completionPct ?? null,
      timeProgressPct: level?.timeProgressPct ?? null,
      gap: level?.gap ?? null,
      behind: level?.behind ?? null,
      rank: ranks.get(c.code)?.rank ?? null,
      withheld,
      unavailable: statisticsDown || !c.statistics,
    });
  }
  // Time progress is the calendar's (a year target: months gone of twelve), printed even when no target's progress could be read.
  timeProgressPct ??= Math.round((Number(month.slice(5, 7)) / 12) * 10000) / 100;
  return { rows, emerging, timeProgressPct, source };
}

/** Walks the model for every figure (status counts, tests). */
export function allFigures(model: Omit<PackModel, 'meta'> & { meta?: unknown }): Figure[] {
  const out: Figure[] = [];
  const visit = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const record = value as Record<string, unknown>;
    if (typeof record.text === 'string' && 'field' in record && 'indicator' in record && 'department' in record) {
      out.push(record as unknown as Figure);
      return;
    }
    for (const v of Object.values(record)) visit(v);
  };
  visit({ ...model, meta: undefined });
  return out;
}

export function buildPack(data: MeetingPackData, meta: PackMeta): PackModel {
  if (!data || !data.city) throw new PackDataError('the gateway answered without the city (region) the pack is for');
  const catalogue = new Catalogue(data.catalogue);
  const month = meta.month;
  const regionNames = new Map<string, string>([[data.city.code, data.city.name], ...(data.city.districts ?? []).map((d) => [d.code, d.name] as [string, string])]);
  const sharing = new Map(catalogue.all().filter((c) => c.sharing).map((c) => [c.code, c.sharing!] as [string, string]));
  const januaryMerged = new Set(month.endsWith('-01') ? catalogue.all().filter((c) => c.publishedJanFeb).map((c) => c.code) : []);
  const absences = new Absences(meta.withheld ?? [], sharing, data.viewer?.department ?? null, meta.unavailable ?? [], januaryMerged);
  const body = {
    headline: headline(data, catalogue, month, absences),
    districtTables: districtTables(data, catalogue, month, absences),
    targets: targets(data, catalogue, month, absences),
    trends: trends(data, catalogue, month, meta.quarterly, absences),
    quarter: meta.quarterly ? quarter(data, catalogue, month) : null,
    keyEnterprises: keyEnterprises(data, month, absences, catalogue),
    warnings: warnings(data, month, regionNames),
    keyProjects: keyProjects(data, month),
    parks: parks(data, month),
    problems: problems(data, month),
    clusters: clusters(data, meta.unavailable ?? [], month),
    sources: sources(data, catalogue, absences),
  };
  const statusCounts: Record<ObservationStatus, number> = { PRELIMINARY: 0, FINAL: 0, REVISED: 0 };
  for (const f of allFigures(body)) if (f.status && f.value !== null) statusCounts[f.status]++;
  const { year } = parseMonth(month);
  const title = meta.quarterly
    ? `${data.city.name}${year}年${quarterLabel(month)}工业经济运行调度会材料`
    : `${data.city.name}${monthLabel(month)}工业经济运行会商材料`;
  return {
    meta: {
      ...meta,
      title,
      subtitle: meta.quarterly ? `季调度 · ${ytdLabel(month)}及${qtdLabel(month)}` : `月度会商 · ${ytdLabel(month)}`,
      monthLabel: monthLabel(month),
      ytdLabel: ytdLabel(month),
      cityCode: data.city.code,
      cityName: data.city.name,
      statusCounts,
    },
    ...body,
  };
}
