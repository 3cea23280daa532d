import {
  GraphQLError,
  Kind,
  getNullableType,
  isInputObjectType,
  isInputType,
  isListType,
  isScalarType,
  typeFromAST,
  valueFromASTUntyped,
  type ASTNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { ErrorCode, IdentifierError, parseCreditCode, parseDate, parseDateTime, parseIndustryCode, parseMonth, parseParkCode, parseRegionCode } from '@huishang/schema';

/**
 * The supergraph's identifier scalars reach the gateway as plain custom scalars without parse
 * functions, so graphql-js accepts any literal for them. The shared parsers are what the
 * subgraphs' scalars call too, so the gateway refuses exactly what a subgraph would refuse, only
 * earlier and with the argument's name in the message.
 */
const PARSERS: ReadonlyMap<string, (value: unknown) => string> = new Map([
  ['CreditCode', parseCreditCode],
  ['RegionCode', parseRegionCode],
  ['Month', parseMonth],
  ['IndustryCode', parseIndustryCode],
  ['Date', parseDate],
  ['DateTimeISO', parseDateTime],
  ['ParkCode', parseParkCode],
]);

/** The parser's own name for what it parses ("unified social credit code (统一社会信用代码)"), asked of it once. */
function kindOf(scalar: string, parse: (value: unknown) => string): string {
  try {
    parse(undefined);
  } catch (error) {
    if (error instanceof IdentifierError) return error.kind;
  }
  return scalar;
}
const KINDS = new Map([...PARSERS].map(([scalar, parse]) => [scalar, kindOf(scalar, parse)]));

/**
 * Same rule as the shared scalars' parseLiteral: an identifier is written as a string literal.
 * `industry: C3811` (an enum-like bare word) or `region: 411002` (an Int) is refused even where the
 * characters would be a valid code.
 */
function parseIdentifierLiteral(scalar: string, parse: (value: unknown) => string, value: ValueNode): void {
  if (value.kind === Kind.STRING) {
    parse(value.value);
    return;
  }
  throw new IdentifierError(KINDS.get(scalar) ?? scalar, valueFromASTUntyped(value), 'must be written as a string literal, in double quotes');
}

/** Where a literal sits, for the message: `argument "creditCode" of field "Query.enterprise"`. */
interface LiteralOwner {
  describe: (path: string) => string;
  extensions: (path: string) => Record<string, unknown>;
}

function reasonOf(error: unknown): { message: string; reason: string } {
  if (error instanceof IdentifierError) return { message: error.message, reason: error.reason };
  const message = error instanceof Error ? error.message : String(error);
  return { message, reason: message };
}

/**
 * Walks a literal against its input type: through non-null and list wrappers (a single value
 * where a list is expected is a one-item list, as in input coercion) and into input objects, and
 * checks every value whose named type is an identifier scalar. Variables are left to `parseValue`
 * (see variables.ts); `null` is left to the spec's own rules.
 */
function checkLiteral(
  context: ValidationContext,
  owner: LiteralOwner,
  value: ValueNode,
  type: GraphQLInputType,
  path: string,
): void {
  if (value.kind === Kind.VARIABLE || value.kind === Kind.NULL) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (value.kind === Kind.LIST) {
      value.values.forEach((item, index) => checkLiteral(context, owner, item, nullable.ofType, `${path}[${index}]`));
    } else {
      checkLiteral(context, owner, value, nullable.ofType, path);
    }
    return;
  }
  if (isInputObjectType(nullable)) {
    if (value.kind !== Kind.OBJECT) return;
    const fields = nullable.getFields();
    for (const field of value.fields) {
      const definition = fields[field.name.value];
      if (definition) checkLiteral(context, owner, field.value, definition.type, `${path}.${field.name.value}`);
    }
    return;
  }
  if (!isScalarType(nullable)) return;
  const parse = PARSERS.get(nullable.name);
  if (!parse) return;
  try {
    parseIdentifierLiteral(nullable.name, parse, value);
  } catch (error) {
    const { message, reason } = reasonOf(error);
    context.reportError(
      new GraphQLError(`Invalid value for ${owner.describe(path)}: ${message}`, {
        nodes: value,
        extensions: { code: ErrorCode.BadUserInput, ...owner.extensions(path), scalar: nullable.name, reason },
      }),
    );
  }
}

/**
 * Refuses a bad identifier written into the query (argument, input-object field, list item or a
 * variable's default value) with BAD_USER_INPUT, naming the argument and the field.
 */
export const identifierArgumentsRule: ValidationRule = (context) => ({
  Argument(node) {
    const argument = context.getArgument();
    if (!argument) return; // unknown argument: KnownArgumentNamesRule reports it
    const name = node.name.value;
    const directive = context.getDirective();
    const parent = context.getParentType();
    const field = context.getFieldDef();
    const fieldName = directive ? `@${directive.name}` : `${parent?.name ?? '?'}.${field?.name ?? '?'}`;
    const owner: LiteralOwner = directive
      ? {
          describe: (path) => `argument "${path}" of directive "${fieldName}"`,
          extensions: (path) => ({ directive: fieldName, argument: name, ...(path !== name ? { path } : {}) }),
        }
      : {
          describe: (path) => `argument "${path}" of field "${fieldName}"`,
          extensions: (path) => ({ field: fieldName, argument: name, ...(path !== name ? { path } : {}) }),
        };
    checkLiteral(context, owner, node.value, argument.type, name);
  },
  VariableDefinition(node) {
    if (!node.defaultValue) return;
    const type = typeFromAST(context.getSchema(), node.type);
    if (!type || !isInputType(type)) return; // VariablesAreInputTypesRule reports it
    const variable = node.variable.name.value;
    const owner: LiteralOwner = {
      describe: (path) => `default value of variable "$${path}"`,
      extensions: (path) => ({ variable, ...(path !== variable ? { path } : {}) }),
    };
    checkLiteral(context, owner, node.defaultValue, type, variable);
  },
});

/** Introspection meta-fields: GraphiQL's schema query is deep by nature and cheap to answer. */
const EXEMPT_FIELDS = new Set(['__schema', '__type']);

/**
 * How many fields deep a selection set goes. Fragments count where they are spread (their depth is
 * memoised, so a fragment spread many times costs one walk); a fragment cycle counts as 0 here
 * because NoFragmentCyclesRule refuses it anyway.
 */
function selectionDepth(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  fragmentDepths: Map<string, number>,
  visiting: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      if (EXEMPT_FIELDS.has(selection.name.value)) continue;
      depth = 1 + (selection.selectionSet ? selectionDepth(context, selection.selectionSet, fragmentDepths, visiting) : 0);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(context, selection.selectionSet, fragmentDepths, visiting);
    } else {
      const name = selection.name.value;
      const known = fragmentDepths.get(name);
      if (known !== undefined) {
        depth = known;
      } else {
        const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
        if (fragment && !visiting.has(name)) {
          visiting.add(name);
          depth = selectionDepth(context, fragment.selectionSet, fragmentDepths, visiting);
          visiting.delete(name);
          fragmentDepths.set(name, depth);
        }
      }
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/**
 * Refuses operations nested deeper than `maxDepth` fields with QUERY_TOO_COMPLEX: a deep query
 * through entity joins (region → enterprises → region → …) multiplies subgraph fetches.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = selectionDepth(context, operation.selectionSet, new Map(), new Set());
      if (depth <= maxDepth) return;
      const name = operation.name?.value;
      const label = name ? `Operation "${name}"` : `The anonymous ${operation.operation}`;
      context.reportError(
        new GraphQLError(`${label} is nested ${depth} levels deep; the gateway accepts at most ${maxDepth} (MAX_QUERY_DEPTH). Split it into several smaller queries.`, {
          nodes: operation as ASTNode,
          // limit/actual/max as the other limits give them (protection.ts); depth/maxDepth kept for clients reading them.
          extensions: { code: ErrorCode.QueryTooComplex, operation: name ?? null, limit: 'depth', actual: depth, max: maxDepth, depth, maxDepth },
        }),
      );
    },
  });
}
