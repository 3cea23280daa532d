import {
  observationEvidence,
  keyEnterpriseMonthReference,
  KeyEnterpriseMonthType as KeyEnterpriseMonth,
  warning,
  WarningSubjectKind,
  thresholdList,
  Warning,
  type SubgraphContext,
} from '@huishang/schema';
import { warningThresholds } from './thresholds';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { hrIndicators } from './indicators';

/** A key enterprise whose employees fall sharply year on year (用工大幅减少). */
@Resolver(() => KeyEnterpriseMonth)
export class EmploymentDropWarning {
  @FieldResolver(() => Warning, { nullable: true, description: 'Employees fell by the configured share or more year on year; null when they did not.' })
  async employmentDrop(@Root() subject: KeyEnterpriseMonth, @Ctx() ctx: SubgraphContext): Promise<Warning | null> {
    const { employmentDropPct } = warningThresholds();
    const figures = await ctx.figures.at(subject.asOf).subject(hrIndicators, { kind: 'ENTERPRISE', code: subject.creditCode }, subject.month);
    const employees = figures.get('employmentDrop', 'HR_EMPLOYEES');
    if (!employees || employees.yoyPct === null || employees.yoyPct > -employmentDropPct) return null;
    return warning({
      rule: 'EMPLOYMENT_DROP',
      title: '重点企业用工大幅减少',
      message: `Employees of key enterprise ${subject.creditCode} fell ${Math.abs(employees.yoyPct)}% year on year to ${employees.value} (threshold ${employmentDropPct}%).`,
      subjectKind: WarningSubjectKind.ENTERPRISE,
      subjectCode: subject.creditCode,
      month: subject.month,
      evidence: [observationEvidence('hr', 'employees', employees)],
      thresholds: thresholdList({ employmentDropPct }),
    });
  }
}

export const hrWarnings = {
  resolvers: [EmploymentDropWarning],
  orphanedTypes: [KeyEnterpriseMonth],
  referenceResolvers: { KeyEnterpriseMonth: keyEnterpriseMonthReference },
};
