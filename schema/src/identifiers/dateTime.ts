import { GraphQLDateTimeISO } from 'graphql-scalars';
import { IdentifierError } from '../errorCodes';
import { parseDate } from './date';

const KIND = 'date and time (ISO 8601 with a time zone, e.g. "2016-03-01T08:00:00+08:00" or "2016-03-01T00:00:00Z")';

/**
 * A moment as the subgraphs' `DateTimeISO` scalar (graphql-scalars, what type-graphql's
 * GraphQLISODateTime is) accepts it, checked with that scalar's own `parseValue` so the gateway
 * refuses exactly what a subgraph would refuse, only earlier and naming the argument (an `asOf` of
 * "2015-07-20" or "yesterday" used to reach the subgraph and come back as its HTTP 400). Returns
 * the string as given: the gateway forwards it unchanged.
 */
export function parseDateTime(input: unknown): string {
  if (typeof input !== 'string') throw new IdentifierError(KIND, input, 'must be a string like "2016-03-01T08:00:00+08:00"');
  try {
    GraphQLDateTimeISO.parseValue(input);
  } catch {
    throw new IdentifierError(KIND, input, whyNotAMoment(input));
  }
  return input;
}

/** What is wrong with a string graphql-scalars refused: the day or the time when it has the shape of a moment. */
function whyNotAMoment(input: string): string {
  const shape = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(input);
  if (shape) {
    try {
      parseDate(shape[1]);
    } catch (error) {
      if (error instanceof IdentifierError) return error.reason;
    }
    const [hour, minute, second] = [Number(shape[2]), Number(shape[3]), Number(shape[4] ?? 0)];
    if (hour > 23 || minute > 59 || second > 59) return `the time ${shape[2]}:${shape[3]}${shape[4] ? `:${shape[4]}` : ''} does not exist; hours are 00 to 23, minutes and seconds 00 to 59`;
  }
  return 'must be a date, a time and a time zone, like "2016-03-01T08:00:00+08:00" (a day alone such as "2016-03-01" is not a moment)';
}
