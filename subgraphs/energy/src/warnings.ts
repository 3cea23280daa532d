import {
  CreditCodeScalar,
  observationEvidence,
  MonthScalar,
  Observation,
  warning,
  WarningSubjectKind,
  thresholdList,
  Warning,
  type SubgraphContext,
} from '@huishang/schema';
import { warningThresholds } from './thresholds';
import { Ctx, Directive, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { energyIndicators } from './indicators';

@Directive('@key(fields: "creditCode month")')
@ObjectType({ description: 'A key enterprise (百户重点企业) in a month, watched by the cross-department rules.' })
export class KeyEnterpriseMonth {
  @Field(() => CreditCodeScalar)
  creditCode: string;
  @Field(() => MonthScalar)
  month: string;
  /** The industry bureau's figure: the gateway fetches it for `powerDrop` (@requires). */
  @Directive('@external')
  @Field(() => Observation, { nullable: true })
  keyEnterpriseOutput?: Observation | null;
}

/**
 * Power falls sharply while reported output does not (用电量大幅下降而产值未降): a production anomaly
 * that only the power company's meters and the industry bureau's monitoring reveal together.
 */
@Resolver(() => KeyEnterpriseMonth)
export class PowerDropWarning {
  @Directive('@requires(fields: "keyEnterpriseOutput { indicator name nameEn unit subjectKind subjectCode month value ytdValue yoyPct ytdYoyPct status reportedBy reportedAt version derived }")')
  @FieldResolver(() => Warning, { nullable: true, description: 'Electricity fell by the configured share or more year on year while output held; null otherwise.' })
  async powerDrop(@Root() subject: KeyEnterpriseMonth, @Ctx() ctx: SubgraphContext): Promise<Warning | null> {
    const { powerDropPct, outputSteadyPct } = warningThresholds();
    const output = subject.keyEnterpriseOutput ?? null;
    const figures = await ctx.figures.subject(energyIndicators, { kind: 'ENTERPRISE', code: subject.creditCode }, subject.month);
    const electricity = figures.get('powerDrop', 'EN_ELECTRICITY');
    if (!electricity || electricity.yoyPct === null || !output || output.yoyPct === null) return null;
    if (electricity.yoyPct > -powerDropPct || output.yoyPct < -outputSteadyPct) return null;
    return warning({
      rule: 'POWER_DROP',
      title: '重点企业用电量大幅下降而产值未降',
      message: `Electricity of key enterprise ${subject.creditCode} fell ${Math.abs(electricity.yoyPct)}% year on year while its reported output changed ${output.yoyPct}% (thresholds: power −${powerDropPct}%, output no worse than −${outputSteadyPct}%).`,
      subjectKind: WarningSubjectKind.ENTERPRISE,
      subjectCode: subject.creditCode,
      month: subject.month,
      evidence: [
        observationEvidence('energy', 'electricity', electricity),
        observationEvidence('industry', 'output', Object.assign(new Observation(), output)),
      ],
      thresholds: thresholdList({ powerDropPct, outputSteadyPct }),
    });
  }
}

export const energyWarnings = {
  resolvers: [PowerDropWarning],
  orphanedTypes: [KeyEnterpriseMonth],
  referenceResolvers: {
    // The gateway sends the required output along with the key: keep it.
    KeyEnterpriseMonth: { __resolveReference: (reference: KeyEnterpriseMonth) => Object.assign(new KeyEnterpriseMonth(), reference) },
  },
};

