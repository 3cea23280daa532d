import {
  observationEvidence,
  warning,
  WarningSubjectKind,
  thresholdList,
  Warning,
  WarningReportType,
  warningReportReference,
  warningThresholds,
  addMonths,
  type SubgraphContext,
} from '@huishang/schema';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { financeIndicators } from './indicators';

/**
 * 抽贷 (许政[2015]39号 item 十五): a withdrawal above 1000万元, or above 50% of the enterprise's
 * undue loans (its balance before the withdrawal), must be reported to the financial office, the
 * central bank branch and the regulator.
 */
@Resolver(() => WarningReportType)
export class LoanWithdrawalWarnings {
  // Nullable: finance adds it to the register's report; down or denied, it nulls this list only.
  @FieldResolver(() => [Warning], { nullable: true, description: 'Loan withdrawals (抽贷) to report: above the amount or the share of undue loans the rules set.' })
  async loanWithdrawals(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<Warning[]> {
    const thresholds = warningThresholds();
    // Enterprise withdrawals are conditionally shared: the whole list needs the grant; the share
    // of undue loans is derived from the balances, so it reads (and needs) them too.
    const withdrawal = new Map((await ctx.figures.positive('finance.loanWithdrawals', financeIndicators, 'FIN_LOAN_WITHDRAWAL', 'ENTERPRISE', report.month)).map((o) => [o.subjectCode, o]));
    if (withdrawal.size === 0) return [];
    const balances = await ctx.figures.subjects(financeIndicators, 'ENTERPRISE', [...withdrawal.keys()], addMonths(report.month, -1));
    const balance = new Map(balances.map((f) => [f.subject.code, f.get('finance.loanWithdrawals', 'FIN_LOANS_OUTSTANDING')]));
    const warnings: Warning[] = [];
    for (const [code, w] of withdrawal) {
      const amount = w.value ?? 0; // positive: the read path selected value > 0
      const before = balance.get(code) ?? null;
      const share = before?.value ? (amount / before.value) * 100 : null;
      const byAmount = amount > thresholds.loanWithdrawalAmount;
      const byShare = share !== null && share > thresholds.loanWithdrawalSharePct;
      if (!byAmount && !byShare) continue;
      const reasons = [
        byAmount ? `${w.value}万元 exceeds ${thresholds.loanWithdrawalAmount}万元` : null,
        byShare ? `${share!.toFixed(1)}% of undue loans exceeds ${thresholds.loanWithdrawalSharePct}%` : null,
      ].filter(Boolean);
      warnings.push(
        warning({
          rule: 'LOAN_WITHDRAWAL',
          title: '抽贷报告',
          message: `Loan withdrawal (抽贷) of ${w.value}万元 from ${code}: ${reasons.join('; ')}. Report to 金融办, 人行 and 银监 (许政[2015]39号 十五).`,
          subjectKind: WarningSubjectKind.ENTERPRISE,
          subjectCode: code,
          month: report.month,
          evidence: [
            observationEvidence('finance', 'withdrawal', w),
            ...(before ? [observationEvidence('finance', 'undue loans before the withdrawal', before)] : []),
          ],
          thresholds: thresholdList({ loanWithdrawalAmount: thresholds.loanWithdrawalAmount, loanWithdrawalSharePct: thresholds.loanWithdrawalSharePct }),
        }),
      );
    }
    return warnings;
  }
}

export const financeWarnings = {
  resolvers: [LoanWithdrawalWarnings],
  orphanedTypes: [WarningReportType],
  referenceResolvers: { WarningReport: warningReportReference },
};

