import {
  observationEvidence,
  warning,
  WarningSubjectKind,
  thresholdList,
  Warning,
  WarningReportType,
  warningReportReference,
  addMonths,
  formatBeside,
  type SubgraphContext,
} from '@huishang/schema';
import { warningThresholds } from './thresholds';
import { Directive, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { financeIndicators } from './indicators';

/**
 * 抽贷 (许政[2015]39号 item 十五): a withdrawal of more than 1000万元 (超过1000万元: strictly more),
 * or of 50 % or more of the enterprise's undue loans (占未到期贷款50%以上: 以上 includes the bound;
 * undue loans = its balance before the withdrawal), must be reported to the financial office, the
 * central bank branch and the regulator. Messages print figures beside the thresholds without
 * rounding across them (formatBeside).
 */
@Resolver(() => WarningReportType)
export class LoanWithdrawalWarnings {
  // Nullable: finance adds it to the register's report; down or denied, it nulls this list only.
  @Directive('@listSize(assumedSize: 100)')
  @FieldResolver(() => [Warning], { nullable: true, description: 'Loan withdrawals (抽贷) to report (许政[2015]39号 十五): more than 1000万元 (超过, strict), or 50 % or more of the enterprise’s undue loans (以上, inclusive); both thresholds are settings.' })
  async loanWithdrawals(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<Warning[]> {
    const thresholds = warningThresholds();
    // Enterprise withdrawals are conditionally shared: the whole list needs the grant; the share
    // of undue loans is derived from the balances, so it reads (and needs) them too.
    const reader = ctx.figures.at(report.asOf);
    const withdrawal = new Map((await reader.positive('finance.loanWithdrawals', financeIndicators, 'FIN_LOAN_WITHDRAWAL', 'ENTERPRISE', report.month)).map((o) => [o.subjectCode, o]));
    if (withdrawal.size === 0) return [];
    const balances = await reader.subjects(financeIndicators, 'ENTERPRISE', [...withdrawal.keys()], addMonths(report.month, -1));
    const balance = new Map(balances.map((f) => [f.subject.code, f.get('finance.loanWithdrawals', 'FIN_LOANS_OUTSTANDING')]));
    const warnings: Warning[] = [];
    for (const [code, w] of withdrawal) {
      const withdrawn = w.value ?? 0; // positive: the read path selected value > 0
      const before = balance.get(code) ?? null;
      const share = before?.value ? (withdrawn / before.value) * 100 : null;
      const byAmount = withdrawn > thresholds.loanWithdrawalAmount;
      const byShare = share !== null && share >= thresholds.loanWithdrawalSharePct;
      if (!byAmount && !byShare) continue;
      const amount = formatBeside(withdrawn, thresholds.loanWithdrawalAmount, 2);
      const reasons = [
        byAmount ? `${amount}万元 is more than ${thresholds.loanWithdrawalAmount}万元 (超过)` : `${amount}万元 is not more than ${thresholds.loanWithdrawalAmount}万元`,
        share === null
          ? 'no undue-loan balance for the month before'
          : `${formatBeside(share, thresholds.loanWithdrawalSharePct, 1)}% of undue loans is ${byShare ? `${thresholds.loanWithdrawalSharePct}% or more (以上)` : `under ${thresholds.loanWithdrawalSharePct}%`}`,
      ];
      warnings.push(
        warning({
          rule: 'LOAN_WITHDRAWAL',
          title: '抽贷报告',
          message: `Loan withdrawal (抽贷) of ${amount}万元 from ${code}: ${reasons.join('; ')}. Report to 金融办, 人行 and 银监 (许政[2015]39号 十五).`,
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

