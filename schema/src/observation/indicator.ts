/** How a figure accumulates over the year, which decides what may be derived from it. */
export type IndicatorKind =
  /** Summed over months: a year-to-date value (累计) is the sum (output, electricity, hires). */
  | 'FLOW'
  /** A level at month end: no year-to-date sum; year-to-date means the latest level (loans outstanding, employees). */
  | 'STOCK'
  /** A percentage or ratio reported as such (value-added growth, sales-to-output ratio): never derived. */
  | 'RATE';

/**
 * Units of counted things (户, 人, 次 …): their figures are exact whole numbers, never rounded, so a
 * difference of one is a difference — the year-to-date checks allow no rounding slack for them
 * (YTD_INCONSISTENT, 待重报), where 300万元 may stand for anything from 299.5 to 300.5.
 */
export const COUNT_UNITS: ReadonlySet<string> = new Set(['户', '人', '人次', '场', '次', '个', '家', '项']);

/** A region (地区), an enterprise (企业) or an industrial park (园区: its own ledger figures, e.g. infrastructure investment). */
export type SubjectType = 'REGION' | 'ENTERPRISE' | 'PARK';

/** Sharing category (共享类型) under 政务信息资源共享管理暂行办法 (2016). */
export type SharingCategory = 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';

/** One figure a department publishes. The catalogue is code: every subgraph declares its own. */
export interface IndicatorDefinition {
  /** Stable code, prefixed by department (its registry `indicatorPrefix`): `XX_OUTPUT`. */
  code: string;
  name: string;
  nameEn: string;
  /** Unit as printed in the bulletin: 万元, 万千瓦时, 人, 户, %. */
  unit: string;
  kind: IndicatorKind;
  /** Subjects the department reports it for. */
  subjects: readonly SubjectType[];
  sharing: SharingCategory;
  /** Reported only: year-to-date and growth come from the department, never computed (e.g. growth at comparable prices). */
  reportedOnly?: boolean;
  /**
   * Published for January and February together (1–2月合并, the national statistical convention):
   * no January row, and February's row carries the 1–2月 total as its year-to-date value.
   */
  publishedJanFeb?: boolean;
  /** Smallest value that makes sense (no negative kWh); undefined for growth rates. */
  minimum?: number;
  /** Largest value that makes sense (a percentage share cannot pass 100). */
  maximum?: number;
  /**
   * Computed on read, never reported: the ratio of two of the department's own indicators for the
   * same subject and month (an intensity: a quantity used ÷ the output it was used for).
   * value = numerator's value ÷ denominator's value, ytdValue likewise from the year-to-date values,
   * growth (%) = (1 + numerator's growth) ÷ (1 + denominator's growth) − 1 for the month and the
   * year to date; null where a source is missing or the denominator is not positive. Its sharing may
   * not be looser than its sources' (the catalogue refuses it), and reading it records its sources.
   */
  ratioOf?: { numerator: string; denominator: string; decimals: number };
  /**
   * A region's figure is the sum over a few listed enterprises (a list the department keeps, not a
   * census of every unit), so it discloses them: where one district has one listed enterprise, its
   * total is that enterprise's figure. Such a region figure is shared as the enterprise figures it
   * sums are (a CONDITIONAL indicator needs a grant at every level), not as a district aggregate.
   * Required (true or false) for a CONDITIONAL indicator reported for both enterprises and regions:
   * the catalogue refuses to be built without the decision. test/access/sweep.test.ts checks the
   * demo city: no region figure served as an aggregate equals one or two enterprises' figures.
   */
  regionSumsListedEnterprises?: boolean;
  /** Lower is better (an intensity): a target is a ceiling (下降5%以上: growth ≤ −5), and rankings put the lowest first. */
  lowerIsBetter?: boolean;
  description: string;
}
