import { endOfDay, formatDate } from './days';
import { ProblemStatus, type Problem } from './entities/Problem';
import type { ProblemStatusChange } from './entities/ProblemStatusChange';

/**
 * The status a problem had at the end of `day` (city time): the last change recorded by then. A
 * problem raised by that day whose raising was recorded later (entered after the fact) was open.
 * Null when it had not been raised yet.
 */
export function statusOn(problem: Pick<Problem, 'raisedOn'>, history: readonly ProblemStatusChange[], day: string): ProblemStatus | null {
  if (formatDate(problem.raisedOn) > day) return null;
  const until = endOfDay(day).getTime();
  const recorded = history
    .map((change, index) => ({ at: new Date(change.changedAt).getTime(), index, to: change.toStatus }))
    .filter((change) => change.at < until)
    .sort((a, b) => a.at - b.at || a.index - b.index);
  return recorded.length ? recorded[recorded.length - 1].to : ProblemStatus.OPEN;
}

/** Overdue on `day`: still open or in progress at the end of that day, and its deadline was an earlier day. */
export function isOverdue(problem: Pick<Problem, 'raisedOn' | 'deadline'>, history: readonly ProblemStatusChange[], day: string): boolean {
  const status = statusOn(problem, history, day);
  return (status === ProblemStatus.OPEN || status === ProblemStatus.IN_PROGRESS) && formatDate(problem.deadline) < day;
}
