/**
 * The thresholds of the meeting's warning rules (预警预报). Configuration, not code: each can be set
 * by an environment variable, and every warning states the thresholds it was judged with.
 */
export interface WarningThresholds {
  /** 抽贷 of more than this amount, 万元 (strictly more: 超过), must be reported (许政[2015]39号 item 十五: 1000万元). */
  loanWithdrawalAmount: number;
  /** … or of this share of the enterprise's undue loans or more, % (inclusive: 以上; item 十五: 50%). */
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

/**
 * A value for a message about a threshold, never rounded across it: 49.96 against 50 is printed
 * "49.96", not "50.0", and 1000.004 against 1000 "1000.004", not "1000". Starts with `decimals`
 * places and adds places until the printed number compares with the threshold as the value does.
 */
export function formatBeside(value: number, threshold: number, decimals = 1): string {
  const side = Math.sign(value - threshold);
  for (let d = decimals; d <= 10; d++) {
    const printed = value.toFixed(d);
    if (Math.sign(Number(printed) - threshold) === side) return printed.includes('.') ? printed.replace(/\.?0+$/, '') || '0' : printed;
  }
  return String(value);
}
