import { isScalarType, type GraphQLSchema } from 'graphql';
import { IDENTIFIER_SCALARS, parseDateTime } from '@huishang/schema';

/**
 * Gives the API schema's identifier scalars the shared `parseValue`, so ApolloGateway's own
 * variable coercion (it runs graphql-js `getVariableValues` on this very schema object before
 * planning) refuses a bad `$creditCode` with BAD_USER_INPUT and
 * `Variable "$creditCode" got invalid value …` before any subgraph is called.
 *
 * Only `parseValue`: literals are checked by `identifierArgumentsRule`, which names the argument;
 * a `parseLiteral` here would make graphql-js's ValuesOfCorrectTypeRule report each bad literal a
 * second time, less clearly.
 *
 * Returns the names of the scalars it found, for the startup log.
 */
export function installIdentifierScalars(schema: GraphQLSchema): string[] {
  const installed: string[] = [];
  for (const shared of IDENTIFIER_SCALARS) {
    const type = schema.getType(shared.name);
    if (!isScalarType(type)) continue;
    type.parseValue = shared.parseValue;
    installed.push(shared.name);
  }
  // A moment (`asOf`, `expiresAt`): checked as the subgraphs' DateTimeISO checks it, forwarded as written.
  const moment = schema.getType('DateTimeISO');
  if (isScalarType(moment)) {
    moment.parseValue = parseDateTime;
    installed.push(moment.name);
  }
  return installed;
}
