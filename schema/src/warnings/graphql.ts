import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { CreditCodeScalar, MonthScalar } from '../scalars';
import { Observation, SubjectKind } from '../observation/Observation';

@Directive('@shareable')
@ObjectType({ description: 'A figure a warning rule used, and which department reported it.' })
export class Evidence {
  @Field({ description: 'Department that reported the figure: industry, finance, energy, statistics or hr.' })
  department: string;
  @Field({ description: 'What the figure is in the rule, e.g. "withdrawal", "balance before".' })
  role: string;
  @Field(() => Observation)
  observation: Observation;
}

@Directive('@shareable')
@ObjectType({ description: 'A threshold a rule was judged with (configuration, not code).' })
export class ThresholdSetting {
  @Field()
  name: string;
  @Field(() => Float)
  value: number;
}

@Directive('@shareable')
@ObjectType({ description: 'A warning (预警): the rule that fired, on what, and the evidence from every department it used.' })
export class Warning {
  @Field({ description: 'Stable rule code: LOAN_WITHDRAWAL, POWER_DROP, EMPLOYMENT_DROP, …' })
  rule: string;
  @Field({ description: 'The rule in Chinese, as the meeting names it.' })
  title: string;
  @Field({ description: 'What happened, in a sentence.' })
  message: string;
  @Field(() => SubjectKind)
  subjectKind: SubjectKind;
  @Field()
  subjectCode: string;
  @Field(() => MonthScalar)
  month: string;
  @Field(() => [Evidence])
  evidence: Evidence[];
  @Field(() => [ThresholdSetting])
  thresholds: ThresholdSetting[];
}

/**
 * The month's warnings (预警预报), one object the departments add their rules to: the industry
 * bureau (the secretariat) serves `Query.warnings(month)`.
 */
@Directive('@key(fields: "month")')
@ObjectType('WarningReport', { description: 'The warnings of a month (预警预报), each department adding the rules it can judge.' })
export class WarningReportType {
  @Field(() => MonthScalar)
  month: string;
}

export const warningReportReference = {
  __resolveReference: (reference: { month: string }) => Object.assign(new WarningReportType(), { month: reference.month }),
};

/**
 * A key enterprise in a month (重点企业月度): the entity a cross-department rule hangs on, so one
 * department can require another's figure for the same enterprise and month.
 */
@Directive('@key(fields: "creditCode month")')
@ObjectType('KeyEnterpriseMonth', { description: 'A key enterprise (百户重点企业) in a month, watched by the cross-department rules.' })
export class KeyEnterpriseMonthType {
  @Field(() => CreditCodeScalar)
  creditCode: string;
  @Field(() => MonthScalar)
  month: string;
}

export const keyEnterpriseMonthReference = {
  __resolveReference: (reference: { creditCode: string; month: string }) => Object.assign(new KeyEnterpriseMonthType(), reference),
};

export function thresholdList(values: Record<string, number>): ThresholdSetting[] {
  return Object.entries(values).map(([name, value]) => Object.assign(new ThresholdSetting(), { name, value }));
}
