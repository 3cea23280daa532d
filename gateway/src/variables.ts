import {
  GraphQLError,
  isNonNullType,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ErrorCode, IDENTIFIER_SCALARS, IdentifierError, parseDateTime } from '@huishang/schema';

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
    // Refused as the identifier scalars refuse: coded, with the scalar and the reason (it was graphql-js's bare "Expected type").
    moment.parseValue = (value: unknown) => {
      try {
        return parseDateTime(value);
      } catch (error) {
        if (error instanceof IdentifierError) throw new GraphQLError(error.message, { extensions: { code: ErrorCode.BadUserInput, scalar: moment.name, reason: error.reason } });
        throw error;
      }
    };
    installed.push(moment.name);
  }
  return installed;
}

/**
 * A nullable variable may fill a non-null argument that has a default (GraphQL's "allowed variable
 * usage"), and graphql-js coerces an explicit `null` for it without complaint; the subgraph then
 * fails the field at execution ("must not be null"), which reached clients as INTERNAL_SERVER_ERROR
 * or DOWNSTREAM_SERVICE_ERROR. Many generated clients send `null` for every optional variable, so
 * the gateway refuses it first, naming the variable, the argument and the fix.
 *
 * Returns the refusal (BAD_USER_INPUT, HTTP 400), or null when every such variable has a value or
 * is left out (then the argument's default applies).
 */
export function nullInNonNullPosition(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): GraphQLError | null {
  const sentNull = new Set(Object.entries(variables ?? {}).filter(([, value]) => value === null).map(([name]) => name));
  if (!sentNull.size) return null;
  const typeInfo = new TypeInfo(schema);
  let refusal: GraphQLError | null = null;
  const check = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        VariableDefinition: () => false,
        Variable(variable) {
          const name = variable.name.value;
          const expected = typeInfo.getInputType();
          if (refusal || !sentNull.has(name) || !expected || !isNonNullType(expected)) return;
          const argument = typeInfo.getArgument();
          const field = typeInfo.getFieldDef();
          const parent = typeInfo.getParentType();
          const where = argument && field && parent ? `argument "${argument.name}" of ${parent.name}.${field.name}` : 'an input field';
          const fallback = argument?.defaultValue !== undefined ? ` (its default, ${JSON.stringify(argument.defaultValue)}, then applies)` : '';
          refusal = new GraphQLError(`Variable "$${name}" is null, but ${where} takes a non-null ${String(expected)}: leave "${name}" out of the variables${fallback} or give it a value.`, {
            nodes: [variable],
            extensions: { code: ErrorCode.BadUserInput, variable: name, ...(argument ? { argument: argument.name } : {}), http: { status: 400 } },
          });
        },
      }),
    );
  check(operation);
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) check(definition);
  return refusal;
}
