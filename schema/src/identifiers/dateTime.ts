import { GraphQLDateTimeISO } from 'graphql-scalars';
import { IdentifierError } from '../errorCodes';

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
    throw new IdentifierError(KIND, input, 'must be a date, a time and a time zone, like "2016-03-01T08:00:00+08:00" (a day alone such as "2016-03-01" is not a moment)');
  }
  return input;
}
