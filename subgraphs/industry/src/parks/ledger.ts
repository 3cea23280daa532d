import {
  CITY_CODE,
  Observation,
  ObservationStatus,
  PERIOD_MONTHS,
  periodBaseMonth,
  SubjectKind,
  targetProgress,
  type SubgraphContext,
  type TargetRecord,
} from '@huishang/schema';
import { Directive, Field, Float, Int, ObjectType } from 'type-graphql';
import { MonthScalar, ParkCodeScalar, rankBy, TargetPeriod } from '@huishang/schema';
import { industryIndicators } from '../indicators';
import type { ParkTargetRecord } from './entities';

export const PARK_COMPLETED = 'IND_PARK_INFRA_INVESTMENT';
export const PARK_PLANNED = 'IND_PARK_INFRA_PLANNED';

@ObjectType({ description: 'A target for infrastructure investment (园区基础设施投资目标) of a park, or of all the city’s parks, for a period, 万元.' })
export class ParkInvestmentTarget {
  @Field(() => Int)
  year: number;
  @Field(() => TargetPeriod, { description: 'The period it is set for: a quarter (一季度 Q1 …), a half year or the year.' })
  period: TargetPeriod;
  @Field(() => ParkCodeScalar, { nullable: true, description: 'The park; null: all the city’s parks together (全市园区).' })
  parkCode: string | null;
  @Field(() => Float, { description: 'Investment to complete in the period, 万元, at least (以上: the bound included).' })
  value: number;
  @Field({ description: 'Unit of the value: 万元.' })
  unit: string;
  @Field({ description: 'The target as the document words it.' })
  description: string;
  @Field({ description: 'Document that set it.' })
  source: string;
}

@ObjectType({ description: 'How far a park (or all parks) is towards an investment target at the end of a month: completed over the target’s own months against time progress (序时进度).' })
export class ParkTargetProgress {
  @Field(() => ParkInvestmentTarget)
  target: ParkInvestmentTarget;
  @Field(() => Float, { nullable: true, description: 'Investment completed over the target’s period to the end of the month, 万元 (Q2 in June: April–June, the year to date less March’s); null when the park has not reported the month (or the month before the period).' })
  actualValue: number | null;
  @Field(() => Float, { nullable: true, description: 'actualValue ÷ the target, % (two decimals).' })
  completionPct: number | null;
  @Field(() => Float, { description: 'Share of the target’s period gone by the end of the month, % (序时进度: 100 at a quarter’s end for its quarter target). A YEAR target with all four quarter targets set is phased by them (成办发〔2012〕1号): the quarters gone plus the current one pro rata, over the quarters’ sum; otherwise linear (50 in June).' })
  timeProgressPct: number;
  @Field(() => Float, { nullable: true, description: 'completionPct − timeProgressPct, points; negative is behind.' })
  gap: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Behind time progress (落后序时进度); null when the month is not reported.' })
  behind: boolean | null;
}

@ObjectType({ description: 'A park’s infrastructure-investment ledger (园区基础设施投资) at the end of a month: planned and completed, the month (当月) and the year to date (累计), 万元, with its targets.' })
export class ParkInfrastructure {
  @Field(() => MonthScalar)
  month: string;

  @Field(() => ParkCodeScalar, { description: 'The park whose ledger this is (its code; `park(code:)` for the rest).' })
  parkCode: string;

  @Field({ description: 'The park’s name (园区名称).' })
  parkName: string;

  regionCode: string;

  @Field(() => Observation, { nullable: true, description: 'Investment planned (IND_PARK_INFRA_PLANNED): value for the month, ytdValue for the year to date, 万元; null when not reported.' })
  planned: Observation | null;

  @Field(() => Observation, { nullable: true, description: 'Investment completed (IND_PARK_INFRA_INVESTMENT): value for the month, ytdValue for the year to date, 万元, with status, reporter and history; null when not reported (未报送).' })
  completed: Observation | null;

  @Field(() => Float, { nullable: true, description: 'Completed ÷ planned, year to date, % (计划完成率); null when either is missing or nothing was planned.' })
  planCompletionPct: number | null;

  @Directive('@listSize(assumedSize: 4)')
  @Field(() => [ParkTargetProgress], { description: 'Progress towards each of the park’s targets whose period holds the month, shortest period first (June: Q2, H1 if set, then the year), each over its own months.' })
  targets: ParkTargetProgress[];

  @Field(() => Int, { nullable: true, description: 'Place in the month’s ranking of parks by completion of their shortest-period target, in December of their YEAR target (1 is first, on the unrounded ratio; equal completions share a rank); null outside `parkInfrastructure` or when the park has no target or no figure for the month.' })
  rank: number | null = null;
}

@ObjectType({ description: 'Every park’s infrastructure investment for a month (园区基础设施投资), the total against the all-parks targets, and the parks ranked by completion of their targets (排名).' })
export class ParkInfrastructureReport {
  @Field(() => MonthScalar)
  month: string;
  @Field(() => String, { nullable: true, description: 'The region the parks were narrowed to; null: the whole city.' })
  region: string | null;
  @Field(() => Int, { description: 'Parks listed (园区数).' })
  parkCount: number;
  @Field(() => Int, { description: 'Parks that reported the month’s completed investment (已报送).' })
  reportedCount: number;
  @Field(() => Float, { nullable: true, description: 'Planned investment of the parks that reported, year to date, 万元.' })
  plannedToDate: number | null;
  @Field(() => Float, { nullable: true, description: 'Completed investment of the parks that reported, year to date, 万元 (Guiyang 2011: ten key parks 7.54亿元 in 1–2月).' })
  completedToDate: number | null;
  @Directive('@listSize(assumedSize: 4)')
  @Field(() => [ParkTargetProgress], { description: 'Progress of all parks together towards the all-parks targets (全市园区, 成办发〔2012〕1号: 45亿元 in the first quarter), for the city only (empty for a region); judged on the reported parks’ sum, so `reportedCount` < `parkCount` understates it.' })
  targets: ParkTargetProgress[];
  @Directive('@listSize(assumedSize: 30)')
  @Field(() => [ParkInfrastructure], { description: 'Each park’s ledger, ranked: by completion of the target of the shortest period holding the month, in December of the YEAR target (largest first, unrounded), then parks without a target or a figure, in code order.' })
  parks: ParkInfrastructure[];
}

const round = (v: number, decimals: number) => Number(v.toFixed(decimals));

function periodLength(period: string): number {
  const [first, last] = PERIOD_MONTHS[period as keyof typeof PERIOD_MONTHS];
  return last - first + 1;
}

/** Targets whose period holds the month, shortest period first. */
export function targetsHolding(targets: readonly ParkTargetRecord[], month: string): ParkTargetRecord[] {
  const m = Number(month.slice(5, 7));
  return targets
    .filter((t) => t.year === Number(month.slice(0, 4)) && PERIOD_MONTHS[t.period][0] <= m && m <= PERIOD_MONTHS[t.period][1])
    .sort((a, b) => periodLength(a.period) - periodLength(b.period) || a.id - b.id);
}

/** A sum of parks' figures in the shape the kit's progress takes (never served). */
export function totalObservation(month: string, ytdValue: number | null, parkCode = 'ALL'): Observation | null {
  if (ytdValue === null) return null;
  return Object.assign(new Observation(), {
    indicator: PARK_COMPLETED, name: '', nameEn: '', unit: '万元', subjectKind: SubjectKind.PARK, subjectCode: parkCode, month,
    value: null, ytdValue, yoyPct: null, ytdYoyPct: null, status: ObservationStatus.FINAL, reportedBy: '', reportedAt: new Date(0), version: 1, derived: true,
  });
}

/**
 * Progress towards a park target, judged by the kit's `targetProgress` over the target's own
 * months (a LEVEL target on a flow: the year to date less the month before the period's), so a
 * park's quarter is judged as a district's is.
 */
export function parkProgress(target: ParkTargetRecord, month: string, actual: Observation | null, base: Observation | null, phasedTimeProgressPct: number | null = null): ParkTargetProgress {
  const record = {
    id: target.id, year: target.year, regionCode: CITY_CODE, indicator: PARK_COMPLETED, measure: 'LEVEL', value: target.value, unit: '万元',
    scope: null, description: target.description, source: target.source, period: target.period,
  } as TargetRecord;
  // The year phased by the quarters its paper sets (成办发〔2012〕1号): judged against that plan, not a straight line.
  const p = targetProgress(record, industryIndicators.get(PARK_COMPLETED), month, actual, base, { timeProgressPct: phasedTimeProgressPct });
  return Object.assign(new ParkTargetProgress(), {
    target: Object.assign(new ParkInvestmentTarget(), {
      year: target.year, period: target.period as TargetPeriod, parkCode: target.parkCode, value: target.value, unit: '万元', description: target.description, source: target.source,
    }),
    actualValue: p.actualValue,
    completionPct: p.completionPct,
    timeProgressPct: p.timeProgressPct ?? 0,
    gap: p.gap,
    behind: p.completionPct === null ? null : p.behind,
  });
}

/**
 * 序时进度 of a YEAR target phased by the same park's (or all parks') quarter targets for the year
 * (成办发〔2012〕1号 sets a park's investment quarter by quarter): at a month, the quarter targets
 * of the quarters gone plus the current quarter's pro rata by its months gone, as a share of the
 * four quarter targets' sum — 100 in December. Null (the linear 序时进度 applies) unless all four
 * quarter targets are set.
 */
export function phasedYearTimeProgress(targets: readonly ParkTargetRecord[], target: ParkTargetRecord, month: string): number | null {
  if (target.period !== 'YEAR') return null;
  const quarters = (['Q1', 'Q2', 'Q3', 'Q4'] as const).map((q) => targets.find((t) => t.year === target.year && t.parkCode === target.parkCode && t.period === q) ?? null);
  if (quarters.some((q) => q === null)) return null;
  const whole = quarters.reduce((a, q) => a + q!.value, 0);
  if (whole <= 0) return null;
  const m = Number(month.slice(5, 7));
  const planned = quarters.reduce((a, q, i) => a + q!.value * Math.min(Math.max(m - 3 * i, 0), 3) / 3, 0);
  return round((planned / whole) * 100, 2);
}

/** The months a set of targets needs read besides the month itself: the month before each period not starting in January. */
export function baseMonths(targets: readonly ParkTargetRecord[], month: string): string[] {
  return [...new Set(targets.map((t) => periodBaseMonth(month, t.period)).filter((m): m is string => m !== null))];
}

/**
 * Ranks parks by completion of their first (shortest-period) target (in December: the YEAR target), largest first; equal
 * completions share a rank; parks without one keep `rank: null` and follow, in code order.
 */
export function rankParks(rows: ParkInfrastructure[]): ParkInfrastructure[] {
  // On the unrounded ratio (two parks at 99.80 % are not tied unless their ratios are equal); in
  // December, the year's last month, on the year's target.
  const basis = (r: ParkInfrastructure) => (r.month.endsWith('-12') && r.targets.find((t) => t.target.period === 'YEAR')) || r.targets[0];
  const score = (r: ParkInfrastructure) => {
    const t = basis(r);
    return t && t.actualValue !== null && t.target.value > 0 ? t.actualValue / t.target.value : null;
  };
  const { ranked, unranked } = rankBy(rows, score, (r) => r.parkCode);
  for (const r of ranked) r.item.rank = r.rank;
  return [...ranked.map((r) => r.item), ...unranked];
}

export function planCompletion(planned: Observation | null, completed: Observation | null): number | null {
  if (!planned || !completed || planned.ytdValue === null || completed.ytdValue === null || planned.ytdValue <= 0) return null;
  return round((completed.ytdValue / planned.ytdValue) * 100, 2);
}

export type { SubgraphContext };
