import { badUserInput } from '../errors';

/** How far ahead of this service's clock an `asOf` may be (the caller's clock may run ahead by this much). */
export const ASOF_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Refuses a moment that has not come (BAD_USER_INPUT naming `asOf`): its figures are not known yet
 * (a correction may still come), so answering today's as "as they stood then" would be a claim
 * nobody can make (a tester's finding). Every read at a moment (`FigureReader.at`) and the warning
 * report's root fields check here.
 */
export function refuseFutureAsOf(asOf: Date | string | null | undefined): void {
  if (asOf === null || asOf === undefined) return;
  const at = typeof asOf === 'string' ? Date.parse(asOf) : asOf.getTime();
  if (at > Date.now() + ASOF_CLOCK_SKEW_MS) {
    throw badUserInput('asOf', `${new Date(at).toISOString()} is in the future: figures as they will stand then are not known yet; leave asOf out for the figures as they stand now`);
  }
}
