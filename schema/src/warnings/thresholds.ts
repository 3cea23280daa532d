/**
 * The thresholds of the meeting's warning rules (预警预报). Configuration, not code: each can be set
 * by an environment variable, and every warning states the thresholds it was judged with.
 */
export interface WarningThresholds {
  /** 抽贷 above this amount, 万元, must be reported (许政[2015]39号 item 十五: 1000万元). */
  loanWithdrawalAmount: number;
  /** … or above this share of the enterprise's undue loans, % (item 十五: 50%). */
  loanWithdrawalSharePct: number;
  /** A key enterprise's electricity falling by at least this much year on year, %… */
  powerDropPct: number;
  /** … while its output grows, or falls by less than this, % (its output "does not fall"). */
  outputSteadyPct: number;
  /** A key enterprise's employees falling by at least this much year on year, %. */
  employmentDropPct: number;
  /**
   * A region's target is flagged when it is behind time progress (序时进度) by more than this many
   * points: completion % below time progress for a level target, growth below the target for a
   * growth target. 0 flags every target behind at all.
   */
  targetGapPoints: number;
}

export const DEFAULT_THRESHOLDS: WarningThresholds = {
  loanWithdrawalAmount: 1000,
  loanWithdrawalSharePct: 50,
  powerDropPct: 20,
  outputSteadyPct: 5,
  employmentDropPct: 15,
  targetGapPoints: 0,
};

const VARIABLES: Record<keyof WarningThresholds, string> = {
  loanWithdrawalAmount: 'HUISHANG_WARN_LOAN_WITHDRAWAL_WAN',
  loanWithdrawalSharePct: 'HUISHANG_WARN_LOAN_WITHDRAWAL_SHARE_PCT',
  powerDropPct: 'HUISHANG_WARN_POWER_DROP_PCT',
  outputSteadyPct: 'HUISHANG_WARN_OUTPUT_STEADY_PCT',
  employmentDropPct: 'HUISHANG_WARN_EMPLOYMENT_DROP_PCT',
  targetGapPoints: 'HUISHANG_WARN_TARGET_GAP_POINTS',
};

export function warningThresholds(env: NodeJS.ProcessEnv = process.env): WarningThresholds {
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [name, variable] of Object.entries(VARIABLES) as [keyof WarningThresholds, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${variable} must be a non-negative number, got ${JSON.stringify(raw)}`);
    thresholds[name] = value;
  }
  return thresholds;
}
