import { Directive, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { monthParts } from '../identifiers/month';
import type { IndicatorDefinition } from '../observation/indicator';
import { Observation } from '../observation/Observation';
import { RegionCodeScalar } from '../scalars';
import type { TargetRecord } from './TargetRecord';

export enum TargetMeasure {
  LEVEL = 'LEVEL',
  GROWTH_PCT = 'GROWTH_PCT',
  SHARE_PCT = 'SHARE_PCT',
  POINTS = 'POINTS',
}
registerEnumType(TargetMeasure, {
  name: 'TargetMeasure',
  description: 'What a target fixes: a level for the year (总量), growth over last year (增速, %), a share (占比, %) or a change in points (百分点).',
});

export enum RankingBasis {
  YEAR_TO_DATE = 'YEAR_TO_DATE',
  GROWTH = 'GROWTH',
  CURRENT_MONTH = 'CURRENT_MONTH',
}
registerEnumType(RankingBasis, {
  name: 'RankingBasis',
  description: 'What districts are ranked by (排名通报): the year-to-date level (累计; a stock’s month-end level), year-to-date growth (累计增速; a rate’s year-to-date value) or the current month (当月).',
});

@Directive('@shareable')
@ObjectType({ description: 'An annual target (目标任务) for a region, as set in a municipal document.' })
export class Target {
  @Field(() => Int)
  year: number;
  @Field(() => RegionCodeScalar, { description: 'Region the target is set for.' })
  regionCode: string;
  @Field({ description: 'Indicator the target is measured on.' })
  indicator: string;
  @Field(() => TargetMeasure)
  measure: TargetMeasure;
  @Field(() => Float, { description: 'The minimum to reach (≥).' })
  value: number;
  @Field({ description: 'Unit of the value: 万元, %, 场, 人, 百分点.' })
  unit: string;
  @Field(() => String, { nullable: true, description: 'Part of the economy the target covers (产业集群), when narrower than the indicator.' })
  scope: string | null;
  @Field({ description: 'The target as the document words it.' })
  description: string;
  @Field({ description: 'Document that set it, e.g. 许政[2015]39号.' })
  source: string;

  static from(record: TargetRecord): Target {
    const { id: _id, ...fields } = record;
    return Object.assign(new Target(), fields, { measure: record.measure as TargetMeasure });
  }
}

@Directive('@shareable')
@ObjectType({ description: 'How far a region is towards an annual target in a month (目标完成进度), against time progress (序时进度).' })
export class TargetProgress {
  @Field(() => Target)
  target: Target;
  @Field(() => Observation, { nullable: true, description: 'The department’s figure the target is measured on, for the month.' })
  actual: Observation | null;
  @Field(() => Float, { nullable: true, description: 'What is compared with the target: the year-to-date level for a LEVEL target, year-to-date growth (%) for a GROWTH_PCT target.' })
  actualValue: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-to-date as a share of the annual target, % (完成全年目标的%); LEVEL targets only.' })
  completionPct: number | null;
  @Field(() => Float, { description: 'Share of the year gone by the end of the month, % (序时进度: June is 50).' })
  timeProgressPct: number;
  @Field(() => Float, { nullable: true, description: 'LEVEL: completion minus time progress, points; GROWTH_PCT: growth minus the target, points. Negative is behind.' })
  gap: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Behind time progress (落后序时进度); null when the department’s figures cannot tell (shares, points, targets on one cluster).' })
  behind: boolean | null;
}

@Directive('@shareable')
@ObjectType({ description: 'A district’s place in the monthly ranking of an indicator (排名通报).' })
export class RegionRank {
  @Field(() => Int, { description: '1 is first; equal values share a rank.' })
  rank: number;
  @Field(() => RegionCodeScalar)
  regionCode: string;
  @Field(() => Float, { nullable: true, description: 'The value ranked on.' })
  value: number | null;
  @Field(() => Observation)
  observation: Observation;
}

const round = (v: number, decimals = 1) => Number(v.toFixed(decimals));

/** Time progress at the end of a month: by end of June, 50%. */
export function timeProgressPct(month: string): number {
  return round((monthParts(month).month / 12) * 100, 2);
}

/** Progress of a target given the department's observation for that region and month. */
export function targetProgress(target: TargetRecord, definition: IndicatorDefinition, month: string, actual: Observation | null): TargetProgress {
  const progress = Object.assign(new TargetProgress(), {
    target: Target.from(target),
    actual,
    actualValue: null,
    completionPct: null,
    timeProgressPct: timeProgressPct(month),
    gap: null,
    behind: null,
  } as TargetProgress);
  // A cluster's target cannot be judged from a region-wide figure.
  if (!actual || target.scope) return progress;
  const level = definition.kind === 'STOCK' ? actual.value : actual.ytdValue;
  const growth = definition.kind === 'STOCK' ? actual.yoyPct : actual.ytdYoyPct;
  if (target.measure === 'LEVEL' && level !== null) {
    progress.actualValue = level;
    progress.completionPct = round((level / target.value) * 100, 2);
    progress.gap = round(progress.completionPct - progress.timeProgressPct, 2);
    progress.behind = progress.gap < 0;
  } else if (target.measure === 'GROWTH_PCT' && growth !== null) {
    progress.actualValue = growth;
    progress.gap = round(growth - target.value, 2);
    progress.behind = progress.gap < 0;
  }
  return progress;
}

/** Ranks observations by a basis, largest first; equal values share a rank, missing values come last unranked. */
export function rankObservations(observations: Observation[], definition: IndicatorDefinition, basis: RankingBasis): RegionRank[] {
  const pick = (o: Observation): number | null => {
    if (basis === RankingBasis.CURRENT_MONTH) return o.value;
    if (basis === RankingBasis.GROWTH) return definition.kind === 'RATE' ? o.ytdValue : definition.kind === 'STOCK' ? o.yoyPct : o.ytdYoyPct;
    return definition.kind === 'STOCK' ? o.value : o.ytdValue;
  };
  const valued = observations.map((o) => ({ o, v: pick(o) })).filter((x): x is { o: Observation; v: number } => x.v !== null);
  valued.sort((a, b) => b.v - a.v || a.o.subjectCode.localeCompare(b.o.subjectCode));
  return valued.map((x, i) => {
    const rank = valued.findIndex((y) => y.v === x.v) + 1;
    return Object.assign(new RegionRank(), { rank: i === 0 ? 1 : rank, regionCode: x.o.subjectCode, value: x.v, observation: x.o });
  });
}
