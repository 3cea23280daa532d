import { Directive, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { monthParts } from '../identifiers/month';
import type { IndicatorDefinition } from '../observation/indicator';
import { Observation } from '../observation/Observation';
import { RegionCodeScalar } from '../scalars';
import type { TargetPeriodValue, TargetRecord } from './TargetRecord';
import { rankBy } from '../kit/ranking';

export enum TargetPeriod {
  YEAR = 'YEAR',
  H1 = 'H1',
  H2 = 'H2',
  Q1 = 'Q1',
  Q2 = 'Q2',
  Q3 = 'Q3',
  Q4 = 'Q4',
}
registerEnumType(TargetPeriod, {
  name: 'TargetPeriod',
  valuesConfig: {
    YEAR: { description: 'The year (全年).' },
    H1: { description: 'The first half year (上半年), January to June.' },
    H2: { description: 'The second half year (下半年), July to December.' },
    Q1: { description: 'The first quarter (一季度).' },
    Q2: { description: 'The second quarter (二季度).' },
    Q3: { description: 'The third quarter (三季度).' },
    Q4: { description: 'The fourth quarter (四季度).' },
  },
  description: 'The period a target is set for (目标期间): the year (全年), a half year (上半年 H1, 下半年 H2) or a quarter (一季度 Q1 … Q4). 许政[2015]39号 item 一 sets 12.5 % for H1 and 13 % for the year.',
});

/** First and last month (1–12) of each period. */
export const PERIOD_MONTHS: Record<TargetPeriodValue, [number, number]> = {
  YEAR: [1, 12],
  H1: [1, 6],
  H2: [7, 12],
  Q1: [1, 3],
  Q2: [4, 6],
  Q3: [7, 9],
  Q4: [10, 12],
};

const periodLength = (p: TargetPeriodValue) => PERIOD_MONTHS[p][1] - PERIOD_MONTHS[p][0] + 1;
const periodHolds = (p: TargetPeriodValue, month: string) => {
  const m = monthParts(month).month;
  return PERIOD_MONTHS[p][0] <= m && m <= PERIOD_MONTHS[p][1];
};

/**
 * The targets a month is judged against: of the targets on one indicator, measure and scope for a
 * region, the one of the shortest period that holds the month (June: the half year's 12.5 %, not
 * the year's 13 %; July: the year's). Targets of periods that do not hold the month are left out.
 */
export function targetsForMonth<T extends Pick<TargetRecord, 'regionCode' | 'indicator' | 'measure' | 'scope'> & { period?: TargetPeriodValue | null }>(targets: readonly T[], month: string): T[] {
  const best = new Map<string, T>();
  for (const t of targets) {
    const period = t.period ?? 'YEAR';
    if (!periodHolds(period, month)) continue;
    const key = `${t.regionCode}|${t.indicator}|${t.measure}|${t.scope ?? ''}`;
    const held = best.get(key);
    if (!held || periodLength(period) < periodLength(held.period ?? 'YEAR')) best.set(key, t);
  }
  const chosen = new Set(best.values());
  return targets.filter((t) => chosen.has(t));
}

export enum TargetMeasure {
  LEVEL = 'LEVEL',
  GROWTH_PCT = 'GROWTH_PCT',
  SHARE_PCT = 'SHARE_PCT',
  POINTS = 'POINTS',
}
registerEnumType(TargetMeasure, {
  name: 'TargetMeasure',
  valuesConfig: {
    LEVEL: { description: 'A level (总量) to reach, in the indicator’s unit.' },
    GROWTH_PCT: { description: 'Growth over last year (增速), %.' },
    SHARE_PCT: { description: 'A share (占比), %.' },
    POINTS: { description: 'A change in percentage points (百分点).' },
  },
  description: 'What a target fixes: a level for the year (总量), growth over last year (增速, %), a share (占比, %) or a change in points (百分点).',
});

export enum RankingBasis {
  YEAR_TO_DATE = 'YEAR_TO_DATE',
  GROWTH = 'GROWTH',
  CURRENT_MONTH = 'CURRENT_MONTH',
}
registerEnumType(RankingBasis, {
  name: 'RankingBasis',
  valuesConfig: {
    YEAR_TO_DATE: { description: 'The year-to-date level (累计); a stock’s month-end level.' },
    GROWTH: { description: 'Year-to-date growth (累计增速); a rate’s year-to-date value.' },
    CURRENT_MONTH: { description: 'The current month’s value (当月).' },
  },
  description: 'What districts are ranked by (排名通报): the year-to-date level (累计; a stock’s month-end level), year-to-date growth (累计增速; a rate’s year-to-date value) or the current month (当月).',
});

/** The `by` argument of every ranking (a department's regions, a type of groups): one default and one wording everywhere. */
export const RANKING_BASIS_ARGUMENT = { defaultValue: RankingBasis.YEAR_TO_DATE, description: 'What to rank on: the year-to-date level (the default), year-to-date growth, or the current month.' };

@Directive('@shareable')
@ObjectType({ description: 'An annual target (目标任务) for a region, as set in a municipal document.' })
export class Target {
  @Field(() => Int, { description: 'The year it is set for.' })
  year: number;
  @Field(() => RegionCodeScalar, { description: 'Region the target is set for.' })
  regionCode: string;
  @Field({ description: 'Indicator the target is measured on.' })
  indicator: string;
  @Field(() => TargetMeasure, { description: 'What it fixes: a level, growth, a share or a change in points.' })
  measure: TargetMeasure;
  @Field(() => Float, { description: 'The minimum to reach (≥); for an indicator where lower is better (an intensity, catalogue `lowerIsBetter`) the maximum (≤): −5 for a fall of 5 % or more (下降5%以上).' })
  value: number;
  @Field({ description: 'Unit of the value: 万元, %, 场, 人, 百分点.' })
  unit: string;
  @Field(() => String, { nullable: true, description: 'Part of the economy the target covers (产业集群), when narrower than the indicator.' })
  scope: string | null;
  @Field({ description: 'The target as the document words it.' })
  description: string;
  @Field({ description: 'Document that set it, e.g. 许政[2015]39号.' })
  source: string;
  @Field(() => TargetPeriod, { description: 'The period it is set for; progress in a month is judged against the target of the shortest period holding it.' })
  period: TargetPeriod;

  static from(record: TargetRecord): Target {
    const { id: _id, ...fields } = record;
    return Object.assign(new Target(), fields, { measure: record.measure as TargetMeasure, period: (record.period ?? 'YEAR') as TargetPeriod });
  }
}

@Directive('@shareable')
@ObjectType({ description: 'How far a region is towards an annual target in a month (目标完成进度), against time progress (序时进度).' })
export class TargetProgress {
  @Field(() => Target, { description: 'The target progress is judged against.' })
  target: Target;
  @Field(() => Observation, { nullable: true, description: 'The department’s figure the target is measured on, for the month.' })
  actual: Observation | null;
  @Field(() => Float, { nullable: true, description: 'What is compared with the target, over the target’s period: the level to date for a LEVEL target, the growth to date (%) for a GROWTH_PCT target (year to date for a period starting in January; for another period computed from the month before it, see completionPct).' })
  actualValue: number | null;
  @Field(() => Float, { nullable: true, description: 'The period’s level to date as a share of the period’s target, % (完成目标的%), LEVEL targets: the year to date for a period starting in January, the year to date less the month before the period’s otherwise (Q3 in August: July and August); a stock’s level at month end.' })
  completionPct: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Share of the target’s period gone by the end of the month, % (序时进度: June is 50 for the year, 100 for the first half). Cumulative quantities (LEVEL targets) only: null for growth rates, shares and points, where it means nothing.',
  })
  timeProgressPct: number | null;
  @Field(() => Float, { nullable: true, description: 'LEVEL: completion minus time progress, points; GROWTH_PCT: growth minus the target, points (the target minus growth where lower is better). Negative is behind.' })
  gap: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Behind time progress (落后序时进度); null when the department’s figures cannot tell (shares, points, targets on one cluster) or the caller may not read them (`withheld`).' })
  behind: boolean | null;
  @Field({
    description:
      'The caller may not read the figure (or the group’s total) this target is measured on (未获授权 / 不予共享, as the figure itself would be refused): the target is listed, its progress (actual, actualValue, completionPct, gap, behind) is null. A withheld target was left out of the list before, which read as "no such target".',
  })
  withheld: boolean;
}

@Directive('@shareable')
@ObjectType({ description: 'A district’s place in the monthly ranking of an indicator (排名通报). Every district is listed: those without a figure to rank on come last, without a rank.' })
export class RegionRank {
  @Field(() => Int, { nullable: true, description: '1 is first; equal values share a rank. Null when the district has no figure to rank on (not reported, or its value for this basis is not published).' })
  rank: number | null;
  @Field(() => RegionCodeScalar, { description: 'The district, county or zone ranked.' })
  regionCode: string;
  @Field(() => Float, { nullable: true, description: 'The value ranked on.' })
  value: number | null;
  @Field({ description: 'The district reported the indicator for the month (已报送); false: not reported (未报送), listed last.' })
  reported: boolean;
  @Field(() => Int, { description: 'How many of the listed districts have a rank (参与排名数).' })
  rankedCount: number;
  @Field(() => Int, { description: 'How many of the listed districts reported the indicator for the month (已报送数).' })
  reportedCount: number;
  @Field(() => Observation, { nullable: true, description: 'The district’s figure; null when it has not reported.' })
  observation: Observation | null;
}

const round = (v: number, decimals = 1) => Number(v.toFixed(decimals));

/** Time progress at the end of a month, for a period (the year by default): by end of June, 50 % of the year, 100 % of H1. */
export function timeProgressPct(month: string, period: TargetPeriodValue = 'YEAR'): number {
  const [first] = PERIOD_MONTHS[period];
  const gone = Math.min(Math.max(monthParts(month).month - first + 1, 0), periodLength(period));
  return round((gone / periodLength(period)) * 100, 2);
}

/**
 * The month whose year-to-date a period's figures start from: the month before the period, when
 * the period does not start in January (Q2: March; H2 and Q3: June); null for the year, H1 and Q1,
 * whose year to date is the period's own.
 */
export function periodBaseMonth(month: string, period: TargetPeriodValue = 'YEAR'): string | null {
  const [first] = PERIOD_MONTHS[period];
  if (first === 1) return null;
  return `${monthParts(month).year}-${String(first - 1).padStart(2, '0')}`;
}

/**
 * What a target is compared with over its own period, from the month's figure and, for a period
 * not starting in January, the figure of the month before the period (`base`):
 * - level: a flow's period-to-date (year to date minus the base month's year to date; Q3 in August
 *   is July + August), a stock's level at the month's end;
 * - growth (%): a flow's period-to-date growth, from both years' period-to-date values (last year's
 *   year to date is this year's over 1 + its year-to-date growth); a stock's growth at the month's
 *   end; a rate's year-to-date value for a period starting in January only (a reported growth at
 *   comparable prices cannot be split into months).
 * Null where the figures cannot tell (base month missing, a value not published).
 */
export function periodActuals(definition: IndicatorDefinition, period: TargetPeriodValue, actual: Observation, base: Observation | null): { level: number | null; growth: number | null } {
  const fromJanuary = PERIOD_MONTHS[period][0] === 1;
  // A computed ratio (an intensity): its year-to-date level and the growth of that, from January only.
  if (definition.ratioOf) return fromJanuary ? { level: actual.ytdValue, growth: actual.ytdYoyPct } : { level: null, growth: null };
  if (definition.kind === 'STOCK') return { level: actual.value, growth: actual.yoyPct };
  if (fromJanuary) return { level: actual.ytdValue, growth: definition.kind === 'RATE' ? actual.ytdValue : actual.ytdYoyPct };
  if (definition.kind === 'RATE' || !base || actual.ytdValue === null || base.ytdValue === null) return { level: null, growth: null };
  // Computed, so rounded: 4 decimals for a level (the units' precision), 2 for a growth.
  const level = round(actual.ytdValue - base.ytdValue, 4);
  if (actual.ytdYoyPct === null || base.ytdYoyPct === null) return { level, growth: null };
  const lastYear = actual.ytdValue / (1 + actual.ytdYoyPct / 100) - base.ytdValue / (1 + base.ytdYoyPct / 100);
  return { level, growth: lastYear > 0 ? round(((actual.ytdValue - base.ytdValue) / lastYear - 1) * 100, 2) : null };
}

/**
 * Progress of a target given the department's observation for that region and month, judged over
 * the target's own period: `base` is the observation of `periodBaseMonth` (null or omitted for
 * periods starting in January). Completion is the period-to-date level over the target; time
 * progress (序时进度) is the share of the period gone, for LEVEL targets only.
 */
/**
 * `options.timeProgressPct`: the 序时进度 to judge a LEVEL target against when its owner phases the
 * period otherwise than linearly (a park's year by its quarter targets); default the linear one.
 */
/**
 * A target whose figure the caller may not read: listed, its progress null (`withheld`), and the
 * refusal kept for the audit trail (`ReadLog.refused`, as withheld group totals are).
 */
export function withheldTargetProgress(target: TargetRecord, definition: IndicatorDefinition, month: string, refused: Set<string>, options: { group?: boolean } = {}): TargetProgress {
  refused.add(target.indicator);
  const progress = targetProgress(target, definition, month, null, null, options);
  progress.withheld = true;
  return progress;
}

export function targetProgress(target: TargetRecord, definition: IndicatorDefinition, month: string, actual: Observation | null, base: Observation | null = null, options: { group?: boolean; timeProgressPct?: number | null } = {}): TargetProgress {
  const period = target.period ?? 'YEAR';
  const progress = Object.assign(new TargetProgress(), {
    target: Target.from(target),
    actual,
    actualValue: null,
    completionPct: null,
    // 序时进度 is for cumulative quantities: a growth rate is not "half done" in June.
    timeProgressPct: target.measure === 'LEVEL' ? (options.timeProgressPct ?? timeProgressPct(month, period)) : null,
    gap: null,
    behind: null,
    withheld: false,
  } as TargetProgress);
  // A cluster's target cannot be judged from a region-wide figure; only from the group's own total (`options.group`).
  if (!actual || (target.scope && !options.group)) return progress;
  const { level, growth } = periodActuals(definition, period, actual, base);
  if (target.measure === 'LEVEL' && level !== null) {
    progress.actualValue = level;
    progress.completionPct = round((level / target.value) * 100, 2);
    progress.gap = round(progress.completionPct - progress.timeProgressPct!, 2);
    progress.behind = progress.gap < 0;
  } else if (target.measure === 'GROWTH_PCT' && growth !== null) {
    progress.actualValue = growth;
    // Lower is better (an intensity to fall by 5 % or more, −5): the target is a ceiling, ahead when below it.
    progress.gap = round(definition.lowerIsBetter ? target.value - growth : growth - target.value, 2);
    progress.behind = progress.gap < 0;
  }
  return progress;
}

/**
 * Ranks observations by a basis, largest first; equal values share a rank. With `regionCodes` (the
 * districts to rank), every one is listed: those whose figure has no value on the basis come
 * after the ranked ones, then those that did not report, each without a rank (许政[2015]39号 item 二:
 * the ranking bulletin names every district).
 */
export function rankObservations(observations: Observation[], definition: IndicatorDefinition, basis: RankingBasis, regionCodes?: readonly string[]): RegionRank[] {
  const pick = (o: Observation): number | null => {
    if (basis === RankingBasis.CURRENT_MONTH) return o.value;
    if (basis === RankingBasis.GROWTH) return definition.ratioOf ? o.ytdYoyPct : definition.kind === 'RATE' ? o.ytdValue : definition.kind === 'STOCK' ? o.yoyPct : o.ytdYoyPct;
    return definition.kind === 'STOCK' ? o.value : o.ytdValue;
  };
  // Largest first, or smallest first where lower is better (an intensity).
  const { ranked, unranked: unvalued } = rankBy(observations, pick, (o) => o.subjectCode, { lowerIsBetter: definition.lowerIsBetter });
  const reported = new Map(observations.map((o) => [o.subjectCode, o]));
  const missing = [...new Set(regionCodes ?? [])].filter((code) => !reported.has(code)).sort();
  const counts = { rankedCount: ranked.length, reportedCount: observations.length };
  return [
    ...ranked.map((x) => Object.assign(new RegionRank(), { rank: x.rank, regionCode: x.item.subjectCode, value: x.value, reported: true, observation: x.item, ...counts })),
    ...unvalued.map((o) => Object.assign(new RegionRank(), { rank: null, regionCode: o.subjectCode, value: null, reported: true, observation: o, ...counts })),
    ...missing.map((code) => Object.assign(new RegionRank(), { rank: null, regionCode: code, value: null, reported: false, observation: null, ...counts })),
  ];
}
