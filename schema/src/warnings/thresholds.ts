/**
 * Thresholds of warning rules (预警预报) are configuration, not code: each can be set by an
 * environment variable, and every warning states the thresholds it was judged with. A department
 * declares its own rules' defaults and variables (its `thresholds.ts`) and reads them with
 * `thresholdsFromEnv`; the kit's own rule is TARGET_BEHIND (kit/warnings.ts).
 *
 * `defaults`: name → default value; `variables`: name → environment variable. A set variable must
 * be a non-negative number, else an Error naming the variable and the value; empty means unset.
 */
export function thresholdsFromEnv<T extends Record<string, number>>(defaults: T, variables: Record<keyof T, string>, env: NodeJS.ProcessEnv = process.env): T {
  const thresholds = { ...defaults };
  for (const [name, variable] of Object.entries(variables) as [keyof T, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${variable} must be a non-negative number, got ${JSON.stringify(raw)}`);
    thresholds[name] = value as T[keyof T];
  }
  return thresholds;
}

/** The kit's own rule, TARGET_BEHIND (every department's `<department>TargetsBehind`). */
export interface TargetWarningThresholds {
  [name: string]: number;
  /**
   * A region's target is flagged when it is behind time progress (序时进度) by more than this many
   * points: completion % below time progress for a level target, growth below the target for a
   * growth target. 0 flags every target behind at all.
   */
  targetGapPoints: number;
}

export const TARGET_WARNING_DEFAULTS: TargetWarningThresholds = { targetGapPoints: 0 };

export function targetWarningThresholds(env: NodeJS.ProcessEnv = process.env): TargetWarningThresholds {
  return thresholdsFromEnv(TARGET_WARNING_DEFAULTS, { targetGapPoints: 'HUISHANG_WARN_TARGET_GAP_POINTS' }, env);
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
