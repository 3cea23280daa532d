import { Directive, Field, Float, Int, ObjectType } from 'type-graphql';
import { MonthScalar } from '../scalars';
import type { IndicatorDefinition } from './indicator';
import type { Observation } from './Observation';
import { ytdOf } from './ObservationRecord';

/**
 * A group's total of one indicator for a month: the sum over the group's enterprises (an industry class's,
 * a cluster's, a park's) of the figures the owning department holds for each, computed in that
 * department. Identical in every subgraph, hence @shareable.
 */
@Directive('@shareable')
@ObjectType({
  description:
    'A group total (行业/产业集群/园区合计): one indicator summed over the enterprises of an industry class, cluster or park, by the department that owns the figures. Flows (output, revenue, electricity, hires) and stocks (loans outstanding, employees) are summed; rates (growth at comparable prices, sales-to-output ratio) are not (values null, `summed: false`). Growth is never summed: it is computed from the summed values and the summed last-year values (each enterprise’s value ÷ (1 + its growth)), and null unless every enterprise with a value states its growth.',
  simpleResolvers: true,
})
export class GroupFigure {
  @Field({ description: 'Indicator code (指标代码).' })
  indicator: string;
  @Field({ description: 'Indicator name in Chinese (指标名称).' })
  name: string;
  @Field({ description: 'Indicator name in English.' })
  nameEn: string;
  @Field({ description: 'Unit (计量单位).' })
  unit: string;
  @Field(() => MonthScalar, { description: 'Reporting month (报告期).' })
  month: string;
  @Field(() => Float, { nullable: true, description: 'Sum of the enterprises’ current-month values (当月合计); null when none has one or the indicator is a rate.' })
  value: number | null;
  @Field(() => Float, { nullable: true, description: 'Sum of the enterprises’ year-to-date values (累计合计); null for stocks and rates.' })
  ytdValue: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the total, % (当月同比): Σ value ÷ Σ last year’s value − 1; null unless every enterprise with a value states its growth.' })
  yoyPct: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the year-to-date total, % (累计同比), computed like yoyPct.' })
  ytdYoyPct: number | null;
  @Field(() => Int, { description: 'Enterprises of the group (in the region asked for) the total is over.' })
  enterpriseCount: number;
  @Field(() => Int, { description: 'Of those, the enterprises with a figure for the month (已报送): the total sums these.' })
  reportedCount: number;
  @Field({ description: 'Whether the indicator is summed (flows and stocks) or not (rates: values null).' })
  summed: boolean;
  @Field(() => Int, { description: 'Of the enterprises summed, those whose year-to-date awaits re-reporting (待重报) after an earlier month was corrected (Observation.staleFields); 0 when none.' })
  staleCount: number;
  @Field(() => Float, { nullable: true, description: 'The year-to-date total the enterprises’ earlier months imply: the sum with each stale year-to-date replaced by its impliedYtdValue; null when no enterprise’s is stale.' })
  impliedYtdValue: number | null;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Growth of a sum from each part's value and growth: Σv ÷ Σ(v ÷ (1 + g/100)) − 1, or null when a part with a value has no growth. */
function growthOfSum(parts: readonly { value: number | null; growth: number | null }[]): number | null {
  const valued = parts.filter((p) => p.value !== null) as { value: number; growth: number | null }[];
  if (!valued.length || valued.some((p) => p.growth === null || p.growth <= -100)) return null;
  const now = valued.reduce((s, p) => s + p.value, 0);
  const before = valued.reduce((s, p) => s + p.value / (1 + (p.growth as number) / 100), 0);
  return before > 0 ? round((now / before - 1) * 100, 2) : null;
}

const sum = (values: readonly (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? round(present.reduce((s, v) => s + v, 0), 4) : null;
};

/** The group total of one indicator from its enterprises' figures of it (see GroupFigure for the rules). */
export function groupTotal(definition: IndicatorDefinition, month: string, enterpriseCount: number, figures: readonly Observation[]): GroupFigure {
  const summed = definition.kind !== 'RATE';
  const flow = summed && definition.kind === 'FLOW';
  const stale = flow ? figures.filter((o) => o.impliedYtdValue !== null).length : 0;
  return Object.assign(new GroupFigure(), {
    indicator: definition.code,
    name: definition.name,
    nameEn: definition.nameEn,
    unit: definition.unit,
    month,
    value: summed ? sum(figures.map((o) => o.value)) : null,
    ytdValue: flow ? sum(figures.map((o) => o.ytdValue)) : null,
    yoyPct: summed ? growthOfSum(figures.map((o) => ({ value: o.value, growth: o.yoyPct }))) : null,
    ytdYoyPct: flow ? growthOfSum(figures.map((o) => ({ value: o.ytdValue, growth: o.ytdYoyPct }))) : null,
    enterpriseCount,
    reportedCount: figures.length,
    summed,
    staleCount: stale,
    impliedYtdValue: stale ? sum(figures.map(ytdOf)) : null,
  });
}
