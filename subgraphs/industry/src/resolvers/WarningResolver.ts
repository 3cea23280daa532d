import {
  KeyEnterpriseMonthType,
  MonthScalar,
  Observation,
  WarningReportType,
  type SubgraphContext,
} from '@huishang/schema';
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Enterprise } from '../entities/Enterprise';
import { industryIndicators } from '../indicators';

/** The secretariat opens the month's warning report; every department adds the rules it can judge. */
@Resolver(() => WarningReportType)
export class WarningReportResolver {
  @Query(() => WarningReportType, { description: 'The warnings of a month (预警预报): each department adds the rules it can judge from its figures.' })
  warnings(@Arg('month', () => MonthScalar) month: string): WarningReportType {
    return Object.assign(new WarningReportType(), { month });
  }

  @FieldResolver(() => [KeyEnterpriseMonthType], { description: 'The key enterprises (百户重点企业) in this month: the cross-department rules are judged on each.' })
  async keyEnterprises(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<KeyEnterpriseMonthType[]> {
    const key = await ctx.em.find(Enterprise, { keyEnterprise: true }, { orderBy: { creditCode: 'asc' }, fields: ['creditCode'] });
    return key.map((e) => Object.assign(new KeyEnterpriseMonthType(), { creditCode: e.creditCode, month: report.month }));
  }
}

@Resolver(() => KeyEnterpriseMonthType)
export class KeyEnterpriseMonthResolver {
  @FieldResolver(() => Enterprise)
  enterprise(@Root() subject: KeyEnterpriseMonthType, @Ctx() ctx: SubgraphContext): Promise<Enterprise> {
    return ctx.loaders.enterprises.load(subject.creditCode) as Promise<Enterprise>;
  }

  @FieldResolver(() => Observation, { nullable: true, description: 'The key enterprise’s output that month (百户重点企业工业总产值), as the bureau monitors it.' })
  async keyEnterpriseOutput(@Root() subject: KeyEnterpriseMonthType, @Ctx() ctx: SubgraphContext): Promise<Observation | null> {
    const rows = await ctx.observations.load({ subjectType: 'ENTERPRISE', subjectCode: subject.creditCode, month: subject.month });
    return industryIndicators.toObservations(rows).find((o) => o.indicator === 'IND_KEY_ENTERPRISE_OUTPUT') ?? null;
  }
}
