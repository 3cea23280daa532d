import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '@huishang/schema';
import { positiveInteger } from './config';

/**
 * Limits on what one request may ask of the gateway, beyond the depth limit (validation.ts): how
 * many aliases, how many root fields, how many fields in all once lists are counted, and how many
 * tokens the document may have. Each is read from the environment once at start, like config.ts.
 */
export interface ProtectionConfig {
  /** MAX_QUERY_ALIASES: aliases in one operation, fragments counted where spread. */
  maxAliases: number;
  /** MAX_ROOT_FIELDS: distinct root fields (response keys) of one operation; `__typename` is free. */
  maxRootFields: number;
  /** MAX_QUERY_COST: the estimated cost of one operation (see `operationCost`). */
  maxCost: number;
  /** MAX_QUERY_TOKENS: lexical tokens of the whole document, comments not counted (graphql's parse option). */
  maxTokens: number;
}

/*
 * The defaults admit the gateway's own clients with room to grow. The largest is the briefing
 * tool's persisted meeting pack (briefing/queries/meeting-pack.graphql): 37 aliases, 17 root fields
 * (the city and each of its eleven previous months is a root field), an estimated cost of 85 137
 * (500 key enterprises × their five departments' figures, the districts' indicators and targets)
 * and 2 233 tokens; a test measures it and keeps it within the defaults. The GraphiQL examples
 * (examples.ts) are far below every limit (at most 287 cost, 122 tokens, one root field, no alias).
 */
export const DEFAULT_MAX_QUERY_ALIASES = 60;
export const DEFAULT_MAX_ROOT_FIELDS = 25;
export const DEFAULT_MAX_QUERY_COST = 200_000;
export const DEFAULT_MAX_QUERY_TOKENS = 5_000;

/** A list field without a `first`/`last`/`limit` argument is taken to hold this many items. */
export const DEFAULT_LIST_SIZE = 10;

/** The environment variable behind each limit: named in the error messages. */
export const LIMIT_VARIABLES = {
  aliases: 'MAX_QUERY_ALIASES',
  rootFields: 'MAX_ROOT_FIELDS',
  cost: 'MAX_QUERY_COST',
  tokens: 'MAX_QUERY_TOKENS',
} as const;
export type ProtectionLimit = keyof typeof LIMIT_VARIABLES;

export function readProtectionConfig(env: NodeJS.ProcessEnv = process.env): ProtectionConfig {
  return {
    maxAliases: positiveInteger(env, LIMIT_VARIABLES.aliases, DEFAULT_MAX_QUERY_ALIASES),
    maxRootFields: positiveInteger(env, LIMIT_VARIABLES.rootFields, DEFAULT_MAX_ROOT_FIELDS),
    maxCost: positiveInteger(env, LIMIT_VARIABLES.cost, DEFAULT_MAX_QUERY_COST),
    maxTokens: positiveInteger(env, LIMIT_VARIABLES.tokens, DEFAULT_MAX_QUERY_TOKENS),
  };
}

/** Introspection meta-fields: GraphiQL's schema query is large by nature and cheap to answer. */
const EXEMPT_FIELDS = new Set(['__schema', '__type']);

/** Arguments that say how many items a list (or a connection's edges/nodes) holds. */
const SIZE_ARGUMENTS = ['first', 'last', 'limit'];

/** Fields of a connection whose size is the connection's `first`/`last`/`limit`. */
const CONNECTION_LISTS = new Set(['edges', 'nodes']);

type FragmentLookup = (name: string) => FragmentDefinitionNode | null | undefined;

/**
 * Sums `count` over the fields of a selection set, fragments included where they are spread. A
 * fragment's sum is memoised (a fragment spread many times, or spread by fragments spread many
 * times, costs one walk: no exponential documents) and a fragment cycle counts 0 when it comes
 * back round (NoFragmentCyclesRule refuses the document anyway).
 */
function sumFields(
  selectionSet: SelectionSetNode,
  fragment: FragmentLookup,
  count: (field: FieldNode) => number,
  memo: Map<string, number>,
  visiting: Set<string>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += count(selection);
      if (selection.selectionSet) total += sumFields(selection.selectionSet, fragment, count, memo, visiting);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += sumFields(selection.selectionSet, fragment, count, memo, visiting);
    } else {
      const name = selection.name.value;
      const known = memo.get(name);
      if (known !== undefined) {
        total += known;
        continue;
      }
      const definition = fragment(name);
      if (!definition || visiting.has(name)) continue;
      visiting.add(name);
      const sum = sumFields(definition.selectionSet, fragment, count, memo, visiting);
      visiting.delete(name);
      memo.set(name, sum);
      total += sum;
    }
  }
  return total;
}

/** Aliases in an operation: every `alias: field`, a fragment's counted each time it is spread. */
export function operationAliases(operation: OperationDefinitionNode, fragment: FragmentLookup): number {
  return sumFields(operation.selectionSet, fragment, (field) => (field.alias ? 1 : 0), new Map(), new Set());
}

/**
 * The operation's root fields by response key (`a: region` and `b: region` are two; the same
 * field selected twice, directly and through a fragment, is one), through fragments and inline
 * fragments at the root. `__typename` is not counted.
 */
export function operationRootFields(operation: OperationDefinitionNode, fragment: FragmentLookup): number {
  const keys = new Set<string>();
  const visiting = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') keys.add((selection.alias ?? selection.name).value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const definition = fragment(name);
        if (!definition || visiting.has(name)) continue;
        visiting.add(name); // a fragment spread twice at the root adds nothing the second time
        collect(definition.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return keys.size;
}

/** The integer a size argument was given: a literal, or a variable's default in the operation. */
function sizeFromArgument(field: FieldNode, definition: GraphQLField<unknown, unknown>, operation: OperationDefinitionNode): number | undefined {
  for (const name of SIZE_ARGUMENTS) {
    const argument = field.arguments?.find((a) => a.name.value === name);
    const declared = definition.args.find((a) => a.name === name);
    if (!argument && !declared) continue;
    let value = argument?.value;
    if (value?.kind === Kind.VARIABLE) {
      const variable = value.name.value;
      value = operation.variableDefinitions?.find((v) => v.variable.name.value === variable)?.defaultValue;
    }
    if (value?.kind === Kind.INT) return Math.max(0, Number(value.value));
    // No literal: the argument's default in the schema (`first: Int! = 50`), else the list default.
    if (typeof declared?.defaultValue === 'number') return Math.max(0, declared.defaultValue);
    return DEFAULT_LIST_SIZE;
  }
  return undefined;
}

/** How many list wrappers a type has: `[[X!]!]` is 2. */
function listDepth(type: GraphQLOutputType): number {
  let depth = 0;
  for (let t = getNullableType(type); isListType(t); t = getNullableType(t.ofType)) depth++;
  return depth;
}

function fieldDefinition(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/**
 * The estimated cost of an operation: how many fields the answer may hold.
 *
 * - Every field costs 1, times the sizes of the lists above it (`regions { code name }` is
 *   1 + 10 × 2 = 21). `__typename` counts; the introspection fields `__schema` and `__type` and
 *   everything under them cost nothing.
 * - A list field holds as many items as its `first`, `last` or `limit` argument says: an integer
 *   literal, or a variable's default value in the operation (validation cannot see the variables
 *   sent with the request), else the argument's default in the schema, else DEFAULT_LIST_SIZE (10).
 *   A list without such an argument holds DEFAULT_LIST_SIZE. A list of lists multiplies the size
 *   once per level.
 * - A connection (a non-list field with such an argument, `enterprises(first: 20)`) passes its size
 *   to its `edges` and `nodes` lists; its own other fields (`totalCount`, `pageInfo`) are counted once.
 * - Fragments count where they are spread (memoised per fragment); a fragment cycle counts 0 when it
 *   comes back round. `@skip`/`@include` are ignored: the cost is that of the largest answer.
 *
 * Fields the schema does not know cost 1 and their selections are not entered (FieldsOnCorrectTypeRule
 * reports them).
 */
export function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragment: FragmentLookup): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  /** The cost of a selection set when each of its fields is answered once; `connection` is the enclosing connection's size. */
  const cost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, connection: number | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (EXEMPT_FIELDS.has(name)) continue;
        total += 1;
        const definition = fieldDefinition(parent, name);
        if (!definition || !selection.selectionSet) continue;
        const child = getNamedType(definition.type);
        if (!isCompositeType(child)) continue;
        const lists = listDepth(definition.type);
        const size = sizeFromArgument(selection, definition, operation);
        let multiplier = 1;
        let childConnection: number | undefined;
        if (lists > 0) {
          const itemCount = size ?? (CONNECTION_LISTS.has(name) && connection !== undefined ? connection : DEFAULT_LIST_SIZE);
          multiplier = itemCount ** lists;
        } else if (size !== undefined) {
          childConnection = size;
        }
        total += multiplier * cost(selection.selectionSet, child, childConnection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += cost(selection.selectionSet, condition && isCompositeType(condition) ? condition : parent, connection);
      } else {
        const name = selection.name.value;
        const key = `${name}/${connection ?? ''}`;
        const known = memo.get(key);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const definition = fragment(name);
        if (!definition || visiting.has(name)) continue;
        const condition = schema.getType(definition.typeCondition.name.value);
        visiting.add(name);
        const sum = cost(definition.selectionSet, condition && isCompositeType(condition) ? condition : parent, connection);
        visiting.delete(name);
        memo.set(key, sum);
        total += sum;
      }
    }
    return total;
  };
  return cost(operation.selectionSet, root, undefined);
}

/** What the limits measure, for each operation of a document: to tune the limits or explain a refusal. */
export interface OperationMeasure {
  operation: string | null;
  aliases: number;
  rootFields: number;
  cost: number;
}

export function measureDocument(schema: GraphQLSchema, document: DocumentNode): OperationMeasure[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragment: FragmentLookup = (name) => fragments.get(name);
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({
      operation: operation.name?.value ?? null,
      aliases: operationAliases(operation, fragment),
      rootFields: operationRootFields(operation, fragment),
      cost: operationCost(schema, operation, fragment),
    }));
}

/** Lexical tokens in a document as graphql's `maxTokens` counts them: comments and the end are not tokens. */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

/**
 * One rule per limit, each reporting one error per operation over it:
 * "query "Pack" uses 41 aliases; at most 30 are allowed (MAX_QUERY_ALIASES)".
 */
function limitRule(
  limit: Exclude<ProtectionLimit, 'tokens'>,
  max: number,
  measure: (context: ValidationContext, operation: OperationDefinitionNode) => number,
  describe: (actual: number, max: number) => string,
): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const actual = measure(context, operation);
      if (actual <= max) return;
      const name = operation.name?.value;
      const label = name ? `${operation.operation} "${name}"` : operation.operation;
      context.reportError(
        new GraphQLError(`${label} ${describe(actual, max)} (${LIMIT_VARIABLES[limit]})`, {
          nodes: operation as ASTNode,
          extensions: { code: ErrorCode.QueryTooComplex, limit, max, actual, operation: name ?? null },
        }),
      );
    },
  });
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const allowed = (max: number) => `at most ${max} ${max === 1 ? 'is' : 'are'} allowed`;

/** Refuses an operation with more than `max` aliases (fragments counted where spread): QUERY_TOO_COMPLEX. */
export function aliasLimitRule(max: number): ValidationRule {
  return limitRule(
    'aliases',
    max,
    (context, operation) => operationAliases(operation, (name) => context.getFragment(name)),
    (actual) => `uses ${plural(actual, 'alias', 'aliases')}; ${allowed(max)}`,
  );
}

/** Refuses an operation selecting more than `max` root fields (`__typename` free): QUERY_TOO_COMPLEX. */
export function rootFieldLimitRule(max: number): ValidationRule {
  return limitRule(
    'rootFields',
    max,
    (context, operation) => operationRootFields(operation, (name) => context.getFragment(name)),
    (actual) => `selects ${plural(actual, 'root field', 'root fields')}; ${allowed(max)}`,
  );
}

/** Refuses an operation whose estimated cost (`operationCost`) is over `max`: QUERY_TOO_COMPLEX. */
export function costLimitRule(max: number): ValidationRule {
  return limitRule(
    'cost',
    max,
    (context, operation) => operationCost(context.getSchema(), operation, (name) => context.getFragment(name)),
    (actual) => `has an estimated cost of ${actual}; at most ${max} is allowed`,
  );
}

/**
 * graphql's parser stops at more than `maxTokens` tokens, before building the document; Apollo
 * Server passes `new ApolloServer({ parseOptions })` to it. The client gets a syntax error (code
 * GRAPHQL_PARSE_FAILED, HTTP 400): "Syntax Error: Document contains more that N tokens. Parsing aborted."
 */
export function tokenLimitParseOptions(max: number): { maxTokens: number } {
  return { maxTokens: max };
}
