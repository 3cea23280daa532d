import { GraphQLError } from 'graphql';
import type { KeyProjectMonth } from './entities/KeyProjectMonth';

export const PROJECT_LAG_VARIABLE = 'HUISHANG_PROJECT_LAG_PCT';
/** A project is behind schedule when it has completed less than this share of what was planned to date, %. */
export const DEFAULT_PROJECT_LAG_PCT = 85;

/** The threshold in force, read at each request so a change of the setting needs no rebuild. */
export function projectLagThresholdPct(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[PROJECT_LAG_VARIABLE];
  if (raw === undefined || raw.trim() === '') return DEFAULT_PROJECT_LAG_PCT;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    throw new GraphQLError(`${PROJECT_LAG_VARIABLE} must be a percentage above 0 and at most 100, got ${JSON.stringify(raw)}; fix the subgraph's configuration`);
  }
  return value;
}

export interface Progress {
  month: string;
  plannedToDate: number;
  completedToDate: number | null;
  completionPct: number | null;
  behindSchedule: boolean | null;
  thresholdPct: number;
}

/**
 * Completion against schedule for one month of the ledger year: completed ÷ planned to date. Behind
 * when completed < threshold × planned (compared unrounded); not judged (null) while the month's
 * completion is unrecorded, and never behind when nothing was planned yet.
 */
export function progressOf(row: Pick<KeyProjectMonth, 'month' | 'plannedCumulative' | 'completedCumulative'>, thresholdPct: number): Progress {
  const planned = Number(row.plannedCumulative);
  const completed = row.completedCumulative === null || row.completedCumulative === undefined ? null : Number(row.completedCumulative);
  const completionPct = completed === null || planned <= 0 ? null : Math.round((completed / planned) * 10_000) / 100;
  const behindSchedule = completed === null ? null : planned > 0 && completed < (planned * thresholdPct) / 100;
  return { month: row.month, plannedToDate: planned, completedToDate: completed, completionPct, behindSchedule, thresholdPct };
}
