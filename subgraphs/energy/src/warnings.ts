import {
  CreditCodeScalar,
  observationEvidence,
  MonthScalar,
  factEvidence,
  ledgerFact,
  Observation,
  RuleFigure,
  RULE_FIGURE_SELECTION,
  ruleInput,
  warning,
  WarningSubjectKind,
  thresholdList,
  Warning,
  momentOf,
  type SubgraphContext,
} from '@huishang/schema';
import { warningThresholds } from './thresholds';
import { Ctx, Directive, Field, FieldResolver, GraphQLISODateTime, ObjectType, Resolver, Root } from 'type-graphql';
import { energyIndicators } from './indicators';
import { OrderlyPowerUseEntry, OrderlyPowerUseList } from './orderlyPowerUse';

@Directive('@key(fields: "creditCode month asOf")')
@ObjectType({ description: 'A key enterprise (百户重点企业) in a month, watched by the cross-department rules.' })
export class KeyEnterpriseMonth {
  @Field(() => CreditCodeScalar)
  creditCode: string;
  @Field(() => MonthScalar)
  month: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The moment the rules are judged at (the report’s `asOf`); null: now.' })
  asOf: Date | null;
  /** The industry bureau's output for this rule, under its grant to POWER_DROP: the gateway fetches it for `powerDrop` (@requires). */
  @Directive('@external')
  @Field(() => RuleFigure)
  powerDropOutput?: RuleFigure | null;
}

/** What POWER_DROP uses of the industry bureau's figures (registry `ruleGrants`). */
const INPUT = { owner: 'industry', rule: 'POWER_DROP', indicator: 'IND_KEY_ENTERPRISE_OUTPUT' } as const;

/**
 * Power falls sharply while reported output does not (用电量大幅下降而产值未降): a production anomaly
 * that only the power company's meters and the industry bureau's monitoring reveal together. The
 * output is used under the bureau's grant to this rule (issue 12): without one the field is a
 * RULE_GRANT_REQUIRED error naming it, never a silent null; the output is shown as evidence only
 * to a caller who may read it by its own rights.
 */
@Resolver(() => KeyEnterpriseMonth)
export class PowerDropWarning {
  @Directive(`@requires(fields: "powerDropOutput { ${RULE_FIGURE_SELECTION} }")`)
  @FieldResolver(() => Warning, {
    nullable: true,
    description:
      'Electricity fell by the configured share or more year on year while output held; null otherwise. Uses the industry bureau’s key enterprise output under its grant to POWER_DROP: without that grant, RULE_GRANT_REQUIRED here (naming the grant); the output appears in the evidence only for a caller who may read it.',
  })
  async powerDrop(@Root() subject: KeyEnterpriseMonth, @Ctx() ctx: SubgraphContext): Promise<Warning | null> {
    const { powerDropPct, outputSteadyPct } = warningThresholds();
    // The caller's own right to the electricity first (FORBIDDEN here), then the rule's grant.
    const figures = await ctx.figures.at(subject.asOf).subject(energyIndicators, { kind: 'ENTERPRISE', code: subject.creditCode }, subject.month);
    const electricity = figures.get('powerDrop', 'EN_ELECTRICITY');
    const input = ruleInput('powerDrop', subject.powerDropOutput, INPUT);
    const output = input.figure;
    if (!electricity || electricity.yoyPct === null || !output || output.yoyPct === null) return null;
    if (electricity.yoyPct > -powerDropPct || output.yoyPct < -outputSteadyPct) return null;
    const shown = input.callerMayRead;
    return warning({
      rule: 'POWER_DROP',
      title: '重点企业用电量大幅下降而产值未降',
      message: shown
        ? `Electricity of key enterprise ${subject.creditCode} fell ${Math.abs(electricity.yoyPct)}% year on year while its reported output changed ${output.yoyPct}% (thresholds: power −${powerDropPct}%, output no worse than −${outputSteadyPct}%).`
        : `Electricity of key enterprise ${subject.creditCode} fell ${Math.abs(electricity.yoyPct)}% year on year while its reported output held (thresholds: power −${powerDropPct}%, output no worse than −${outputSteadyPct}%; the output is used under industry grant #${input.grantId} to this rule and not shown).`,
      subjectKind: WarningSubjectKind.ENTERPRISE,
      subjectCode: subject.creditCode,
      month: subject.month,
      evidence: [
        observationEvidence('energy', 'electricity', electricity),
        shown
          ? observationEvidence('industry', 'output', Object.assign(new Observation(), output))
          : factEvidence('industry', 'output', ledgerFact({ ledger: 'GRANTS', entry: `industry #${input.grantId}`, item: INPUT.indicator, month: subject.month, text: 'used by the rule under a grant to it; not shown to the caller' })),
      ],
      thresholds: thresholdList({ powerDropPct, outputSteadyPct }),
    });
  }
}

export const energyWarnings = {
  resolvers: [PowerDropWarning, OrderlyPowerUseList],
  orphanedTypes: [KeyEnterpriseMonth, OrderlyPowerUseEntry],
  referenceResolvers: {
    // The gateway sends the required output along with the key: keep it.
    KeyEnterpriseMonth: { __resolveReference: (reference: KeyEnterpriseMonth) => Object.assign(new KeyEnterpriseMonth(), reference, { asOf: momentOf(reference.asOf) }) },
  },
};

