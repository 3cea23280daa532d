import { thresholdsFromEnv } from '@huishang/schema';

/** The thresholds of POWER_DROP (warnings.ts); configuration: each has an environment variable. */
export interface EnergyWarningThresholds {
  [name: string]: number;
  /** A key enterprise's electricity falling by at least this much year on year, %… */
  powerDropPct: number;
  /** … while its output grows, or falls by less than this, % (its output "does not fall"). */
  outputSteadyPct: number;
}

export const ENERGY_WARNING_DEFAULTS: EnergyWarningThresholds = { powerDropPct: 20, outputSteadyPct: 5 };

export function warningThresholds(env: NodeJS.ProcessEnv = process.env): EnergyWarningThresholds {
  return thresholdsFromEnv(ENERGY_WARNING_DEFAULTS, { powerDropPct: 'HUISHANG_WARN_POWER_DROP_PCT', outputSteadyPct: 'HUISHANG_WARN_OUTPUT_STEADY_PCT' }, env);
}
