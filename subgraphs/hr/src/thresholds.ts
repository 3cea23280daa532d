import { thresholdsFromEnv } from '@huishang/schema';

/** The threshold of EMPLOYMENT_DROP (warnings.ts); configuration: HUISHANG_WARN_EMPLOYMENT_DROP_PCT. */
export interface HrWarningThresholds {
  [name: string]: number;
  /** A key enterprise's employees falling by at least this much year on year, %. */
  employmentDropPct: number;
}

export const HR_WARNING_DEFAULTS: HrWarningThresholds = { employmentDropPct: 15 };

export function warningThresholds(env: NodeJS.ProcessEnv = process.env): HrWarningThresholds {
  return thresholdsFromEnv(HR_WARNING_DEFAULTS, { employmentDropPct: 'HUISHANG_WARN_EMPLOYMENT_DROP_PCT' }, env);
}
