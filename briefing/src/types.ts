/**
 * The shape of the gateway's answer to queries/meeting-pack.graphql (only what the pack reads).
 * Kept by hand next to the document: a field added there and read here is added in both.
 */

export const DEPARTMENTS = ['industry', 'statistics', 'energy', 'finance', 'hr'] as const;
export type Department = (typeof DEPARTMENTS)[number];
/**
 * The department whose register the pack reads its lists from (key enterprises and projects, the
 * parks' ledger, the problem list, the clusters): with it down those parts are 暂缺, not empty.
 */
export const REGISTER_DEPARTMENT: Department = 'industry';

export type ObservationStatus = 'PRELIMINARY' | 'FINAL' | 'REVISED';

export interface Observation {
  indicator: string;
  name: string;
  unit: string;
  subjectCode: string;
  month: string;
  value: number | null;
  ytdValue: number | null;
  yoyPct: number | null;
  ytdYoyPct: number | null;
  status: ObservationStatus;
  derived: boolean;
  /** Which of value, ytdValue, yoyPct, ytdYoyPct the system computed (推算); absent in older documents (then `derived` marks them all). */
  derivedFields?: string[];
  reportedBy: string;
  reportedAt: string;
  /** Not asked by the pack's documents (the pack prints no version; its cost is kept under the gateway's limit). */
  version?: number;
  /** Fields awaiting re-reporting (待重报) after an earlier month's correction; absent in older documents. */
  staleFields?: string[];
  /** The year-to-date the earlier months imply while ytdValue awaits re-reporting; null otherwise. */
  impliedYtdValue?: number | null;
}

export interface CatalogueIndicator {
  code: string;
  name: string;
  unit: string;
  department: string;
  kind: 'FLOW' | 'STOCK' | 'RATE';
  derivation: 'DERIVED_ALLOWED' | 'REPORTED_ONLY';
  /** Sharing category (共享类型): UNCONDITIONAL, CONDITIONAL, NOT_SHARED (absent in older documents). */
  sharing?: 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';
  /** What it is reported for (REGION, ENTERPRISE, PARK; absent in older documents): the appendix lists the city's, so an indicator reported for parks only is not a city figure 未报送. */
  subjects?: string[];
  /** Published for January and February together (1–2月, the statistics bureau): no January figure, by rule. */
  publishedJanFeb?: boolean;
}

export interface RankEntry {
  /** Null for a district listed without a rank (not reported, or no value on the basis). */
  rank: number | null;
  regionCode: string;
  value: number | null;
}

export type TargetMeasure = 'LEVEL' | 'GROWTH_PCT' | 'SHARE_PCT' | 'POINTS';

export interface TargetProgress {
  target: {
    indicator: string;
    measure: TargetMeasure;
    value: number;
    unit: string;
    scope: string | null;
    description: string;
    source: string;
  };
  /** The department's figure the target is measured on (its provenance). */
  actual?: Pick<Observation, 'indicator' | 'status' | 'derived' | 'reportedBy' | 'reportedAt'> | null;
  actualValue: number | null;
  completionPct: number | null;
  /** Null for growth, share and points targets: time progress applies to cumulative quantities only. */
  timeProgressPct: number | null;
  gap: number | null;
  behind: boolean | null;
}

export interface DepartmentFigures {
  indicators: Observation[];
  targets?: TargetProgress[];
}

/** A department's city figures: indicators, targets and the ranking aliases of the document. */
export type CityDepartmentFigures = DepartmentFigures & { targets: TargetProgress[] } & Record<string, RankEntry[] | unknown>;

export interface DistrictFigures {
  code: string;
  name: string;
  level: 'CITY' | 'DISTRICT' | 'COUNTY' | 'ZONE';
  locallyAssigned: boolean;
  industry: DepartmentFigures;
  statistics: DepartmentFigures;
  energy: DepartmentFigures;
  finance: DepartmentFigures;
  hr: DepartmentFigures;
}

export interface PreviousQuarterFigures {
  code: string;
  industry: DepartmentFigures;
  statistics: DepartmentFigures;
  energy: DepartmentFigures;
  finance: DepartmentFigures;
  hr: DepartmentFigures;
}

export type MonthFigures = Record<Department, DepartmentFigures>;

/** An entry of a ledger a rule used (key projects, problem list, targets), not a reported figure. */
export interface LedgerFact {
  ledger: string;
  entry: string;
  item: string;
  month: string | null;
  value: number | null;
  text: string | null;
  unit: string | null;
}

export interface Evidence {
  department: string;
  role: string;
  /** Null when the evidence is a ledger entry (`fact`). */
  observation: Observation | null;
  fact?: LedgerFact | null;
}

export interface Warning {
  rule: string;
  title: string;
  message: string;
  subjectKind: 'REGION' | 'ENTERPRISE' | 'KEY_PROJECT' | 'PROBLEM';
  subjectCode: string;
  month: string;
  /** Whom the warning is about, with the name from the register (absent in older documents). */
  enterprise?: { creditCode: string; name: string } | null;
  region?: { code: string; name: string } | null;
  evidence: Evidence[];
  thresholds: { name: string; value: number }[];
}

export interface KeyEnterpriseNode {
  creditCode: string;
  name: string;
  industryCode: string;
  industryName: string;
  region: { code: string; name: string };
  industry: { keyEnterpriseOutput: Observation | null };
  statistics: { grossOutput: Observation | null };
  energy: { electricity: Observation | null };
  finance: { loansOutstanding: Observation | null };
  hr: { employees: Observation | null };
}

/** The industry bureau's key-project ledger (重点项目台账), as the document asks for it. */
export interface KeyProjectEntry {
  code: string;
  name: string;
  stage: string;
  startMonth: string;
  endMonth: string;
  /** Investment planned for the ledger year, 万元. */
  plannedYearInvestment: number;
  region: { code: string; name: string };
  enterprise: { creditCode: string; name: string } | null;
  progress: {
    month: string;
    plannedToDate: number;
    completedToDate: number | null;
    completionPct: number | null;
    behindSchedule: boolean | null;
    thresholdPct: number;
  } | null;
}

export interface ProblemStatusChange {
  from: string | null;
  to: string;
  at: string;
  by: string;
  note: string | null;
}

/** An entry of the meeting's problem list (问题清单). */
export interface ProblemEntry {
  code: string;
  category: string;
  description: string;
  raisedBy: string;
  raisedOn: string;
  owner: string;
  ownerName: string;
  deadline: string;
  /** Status now. */
  status: string;
  region: { code: string; name: string };
  enterprise: { creditCode: string; name: string } | null;
  /** Overdue at the end of the month's last day, as the industry subgraph judges it. */
  overdue: boolean;
  history: ProblemStatusChange[];
}

export interface MeetingPackData {
  /** Who asks: a figure the caller's department does not own and may not read is left out of `indicators` lists. */
  viewer?: { department: string } | null;
  catalogue: Record<Department, CatalogueIndicator[]>;
  city: {
    code: string;
    name: string;
    /** The parks' infrastructure-investment ledger (园区基础设施投资, `Region.parkInfrastructure`); absent or null leaves a marked place in the pack. */
    parkInfrastructure?: ParkInfrastructureData | null;
    industry: CityDepartmentFigures;
    statistics: CityDepartmentFigures;
    energy: CityDepartmentFigures;
    finance: CityDepartmentFigures;
    hr: CityDepartmentFigures;
    districts: DistrictFigures[];
    previousQuarter?: PreviousQuarterFigures[] | null;
  } | null;
  m01: MonthFigures | null;
  m02: MonthFigures | null;
  m03: MonthFigures | null;
  m04: MonthFigures | null;
  m05: MonthFigures | null;
  m06: MonthFigures | null;
  m07: MonthFigures | null;
  m08: MonthFigures | null;
  m09: MonthFigures | null;
  m10: MonthFigures | null;
  m11: MonthFigures | null;
  keyEnterprises: { totalCount: number; edges: { node: KeyEnterpriseNode }[] };
  warnings: {
    month: string;
    keyEnterprises: {
      creditCode: string;
      enterprise: { name: string; region: { code: string; name: string } };
      powerDrop: Warning | null;
      employmentDrop: Warning | null;
    }[];
    loanWithdrawals: Warning[];
    /** The secretariat's ledgers and every department's targets (absent in older documents). */
    projectsBehindSchedule?: Warning[];
    overdueProblems?: Warning[];
    industryTargetsBehind?: Warning[];
    statisticsTargetsBehind?: Warning[];
    energyTargetsBehind?: Warning[];
    financeTargetsBehind?: Warning[];
    hrTargetsBehind?: Warning[];
  };
  /** The key-project ledger; absent (older document) leaves a marked place in the pack. */
  keyProjects?: KeyProjectEntry[] | null;
  /** The city's clusters with the statistics bureau's totals and targets (absent in older documents). */
  clusters?: ClusterEntry[] | null;
  clusterRankings?: { statistics: ClusterRankEntry[] | null } | null;
  /** The problem list; absent (older document) leaves a marked place in the pack. */
  problems?: ProblemEntry[] | null;
}

/** Progress towards a park investment target (ParkTargetProgress). */
export interface ParkTargetData {
  target: { period: string; value: number; description: string; source: string };
  actualValue: number | null;
  completionPct: number | null;
  timeProgressPct: number;
  gap: number | null;
  behind: boolean | null;
}

/** `parkInfrastructure(month)`: every park's ledger, ranked, and the all-parks total. */
export interface ParkInfrastructureData {
  month: string;
  parkCount: number;
  reportedCount: number;
  plannedToDate: number | null;
  completedToDate: number | null;
  targets: ParkTargetData[];
  parks: {
    rank: number | null;
    parkCode: string;
    parkName: string;
    region: { name: string };
    planCompletionPct: number | null;
    planned: Observation | null;
    completed: Observation | null;
    targets: ParkTargetData[];
  }[];
}

/** A cluster's total of one indicator (GroupFigure). */
export interface GroupTotal {
  indicator: string;
  unit: string;
  value: number | null;
  ytdValue: number | null;
  yoyPct: number | null;
  ytdYoyPct: number | null;
  enterpriseCount: number;
  reportedCount: number;
}

export interface ClusterEntry {
  code: string;
  name: string;
  enterpriseCount: number;
  statistics: { indicators: GroupTotal[] | null; targets: TargetProgress[] | null } | null;
}

export interface ClusterRankEntry {
  rank: number | null;
  groupCode: string;
  value: number | null;
  withheld: boolean;
}
