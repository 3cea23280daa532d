import { thresholdsFromEnv } from '@huishang/schema';

/** The thresholds of LOAN_WITHDRAWAL (warnings.ts); configuration: each has an environment variable. */
export interface FinanceWarningThresholds {
  [name: string]: number;
  /** 抽贷 of more than this amount, 万元 (strictly more: 超过), must be reported (许政[2015]39号 item 十五: 1000万元). */
  loanWithdrawalAmount: number;
  /** … or of this share of the enterprise's undue loans or more, % (inclusive: 以上; item 十五: 50%). */
  loanWithdrawalSharePct: number;
}

export const FINANCE_WARNING_DEFAULTS: FinanceWarningThresholds = { loanWithdrawalAmount: 1000, loanWithdrawalSharePct: 50 };

export function warningThresholds(env: NodeJS.ProcessEnv = process.env): FinanceWarningThresholds {
  return thresholdsFromEnv(FINANCE_WARNING_DEFAULTS, { loanWithdrawalAmount: 'HUISHANG_WARN_LOAN_WITHDRAWAL_WAN', loanWithdrawalSharePct: 'HUISHANG_WARN_LOAN_WITHDRAWAL_SHARE_PCT' }, env);
}
