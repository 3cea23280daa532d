import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  parse,
  valueFromASTUntyped,
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
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
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
 * (the city and each of its eleven previous months is a root field), an estimated cost of 212 681
 * with the schema's declared list sizes (@listSize: 20 indicators and targets a department, 12
 * regions, 100 key enterprises; rankings weigh 12) and 2 233 tokens; a test measures it and keeps
 * it within 80 % of the defaults. The GraphiQL examples (examples.ts) are far below every limit.
 */
export const DEFAULT_MAX_QUERY_ALIASES = 60;
export const DEFAULT_MAX_ROOT_FIELDS = 25;
export const DEFAULT_MAX_QUERY_COST = 300_000;
export const DEFAULT_MAX_QUERY_TOKENS = 5_000;

/**
 * A list field the schema declares no size for (no `@listSize`) is taken to hold this many items.
 * Every list field of the composed supergraph declares one (gateway/test/protection.test.ts checks
 * it), so this applies only to a schema that forgot.
 */
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

/** A field's `@listSize` (IBM GraphQL cost spec; Apollo Federation 2.9 composes it into the supergraph). */
export interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** The demand-control directives of a supergraph, by schema coordinate (`Query.enterprises`). */
export interface CostDirectives {
  /** `@cost(weight:)`: what resolving the field costs instead of 1. */
  weights: ReadonlyMap<string, number>;
  listSizes: ReadonlyMap<string, ListSize>;
}

/**
 * Reads `@cost` and `@listSize` off the supergraph's field definitions (the API schema the gateway
 * validates against drops them). A renamed import (`@link(…, import: [{ name: "@listSize", as: … }])`)
 * is not followed: the composition writes them under their own names.
 */
export function costDirectives(supergraphSdl: string): CostDirectives {
  const weights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        const args = Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
        if (directive.name.value === 'cost' && typeof args.weight === 'number') weights.set(coordinate, args.weight);
        if (directive.name.value === 'listSize') {
          listSizes.set(coordinate, {
            assumedSize: typeof args.assumedSize === 'number' ? args.assumedSize : undefined,
            slicingArguments: Array.isArray(args.slicingArguments) ? (args.slicingArguments as string[]) : undefined,
            sizedFields: Array.isArray(args.sizedFields) ? (args.sizedFields as string[]) : undefined,
          });
        }
      }
    }
  }
  return { weights, listSizes };
}

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

/**
 * How many items a field sized by `@listSize` holds: the largest of its slicing arguments as the
 * request gives them (the variables' actual values, else the argument's default in the schema),
 * else its `assumedSize`; undefined when it declares neither.
 */
function declaredSize(listSize: ListSize | undefined, args: Record<string, unknown>): number | undefined {
  if (!listSize) return undefined;
  const sliced = (listSize.slicingArguments ?? []).map((name) => args[name]).filter((v): v is number => typeof v === 'number');
  if (sliced.length) return Math.max(0, ...sliced);
  return listSize.assumedSize;
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

/** The request's variables coerced as execution will (defaults applied); the operation's defaults alone when they do not coerce (execution refuses those anyway). */
function coercedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.coerced) return coerced.coerced;
  return getVariableValues(schema, (operation.variableDefinitions ?? []).filter((v) => v.defaultValue), {}).coerced ?? {};
}

/**
 * The estimated cost of an operation with its variables: how many fields the answer may hold,
 * with list sizes from the schema's `@listSize` and weights from `@cost`.
 *
 * - Every field costs 1 (or its `@cost(weight:)`), times the sizes of the lists above it
 *   (`regions { code name }` with `@listSize(assumedSize: 12)` is 1 + 12 × 2 = 25). `__typename`
 *   counts; the introspection fields `__schema` and `__type` and everything under them are free.
 * - A list's size is its `@listSize`: the value of a slicing argument (`first`) as this request
 *   gives it — a literal, a variable's actual value, else the argument's default — or its
 *   `assumedSize`; DEFAULT_LIST_SIZE only where the schema declares nothing. A list of lists
 *   multiplies the size once per level.
 * - `@listSize(sizedFields: ["edges"])` on a connection (`enterprises(first: 20)`) sizes those
 *   child lists; the connection's other fields (`totalCount`, `pageInfo`) count once.
 * - Fragments count where spread (memoised per fragment and size); a fragment cycle counts 0 when
 *   it comes back round. `@skip`/`@include` are ignored: the cost is that of the largest answer.
 *
 * Why not a library: graphql-armor's cost-limit (2.4) weighs objects, scalars and depth only, with
 * no list sizes and no variables (its options: objectCost, scalarCost, depthCostFactor);
 * graphql-query-complexity (1.1, already here through type-graphql) takes variables, but an
 * estimator sees one field with its own arguments only, so a connection's `first` cannot size its
 * `edges` (`sizedFields`). Apollo Router's demand control reads the same directives (Rust, not a
 * Node library). Fields the schema does not know cost 1 and are not entered (validation reports them).
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragment: FragmentLookup,
  directives: CostDirectives,
  variables?: Record<string, unknown>,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const values = coercedVariables(schema, operation, variables);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  /** The cost of a selection set when each of its fields is answered once; `sized` maps a child list field to its size (a connection's sizedFields). */
  const cost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, sized: ReadonlyMap<string, number> | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (EXEMPT_FIELDS.has(name)) continue;
        const definition = fieldDefinition(parent, name);
        const coordinate = `${parent.name}.${name}`;
        total += directives.weights.get(coordinate) ?? 1;
        if (!definition || !selection.selectionSet) continue;
        const child = getNamedType(definition.type);
        if (!isCompositeType(child)) continue;
        let args: Record<string, unknown> = {};
        try {
          args = getArgumentValues(definition as GraphQLField<unknown, unknown>, selection, values);
        } catch {
          // An argument that does not coerce: validation or execution refuses the request; size it by the declaration.
        }
        const listSize = directives.listSizes.get(coordinate);
        const size = declaredSize(listSize, args);
        const lists = listDepth(definition.type);
        let multiplier = 1;
        let childSized: Map<string, number> | undefined;
        if (lists > 0) {
          multiplier = (sized?.get(name) ?? (listSize?.sizedFields?.length ? undefined : size) ?? DEFAULT_LIST_SIZE) ** lists;
        }
        if (listSize?.sizedFields?.length && size !== undefined) childSized = new Map(listSize.sizedFields.map((f) => [f, size]));
        total += multiplier * cost(selection.selectionSet, child, childSized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += cost(selection.selectionSet, condition && isCompositeType(condition) ? condition : parent, sized);
      } else {
        const name = selection.name.value;
        const key = `${name}/${sized ? [...sized].join(',') : ''}`;
        const known = memo.get(key);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const definition = fragment(name);
        if (!definition || visiting.has(name)) continue;
        const condition = schema.getType(definition.typeCondition.name.value);
        visiting.add(name);
        const sum = cost(definition.selectionSet, condition && isCompositeType(condition) ? condition : parent, sized);
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

/** `variables`: as a request would send them (the cost depends on them); none: each variable's default. */
export function measureDocument(schema: GraphQLSchema, document: DocumentNode, directives: CostDirectives, variables?: Record<string, unknown>): OperationMeasure[] {
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
      cost: operationCost(schema, operation, fragment, directives, variables),
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

/** The refusal of an operation over the cost limit: QUERY_TOO_COMPLEX naming the estimate, the limit and its variable. */
export function costError(operation: OperationDefinitionNode, actual: number, max: number): GraphQLError {
  const name = operation.name?.value;
  const label = name ? `${operation.operation} "${name}"` : operation.operation;
  return new GraphQLError(`${label} has an estimated cost of ${actual}; at most ${max} is allowed (${LIMIT_VARIABLES.cost})`, {
    nodes: operation as ASTNode,
    extensions: { code: ErrorCode.QueryTooComplex, limit: 'cost', max, actual, operation: name ?? null, http: { status: 400 } },
  });
}

/**
 * Refuses an operation whose estimated cost (`operationCost`) with the request's variables is over
 * `max`: QUERY_TOO_COMPLEX, HTTP 400. A plugin, not a validation rule: validation does not see the
 * variables, and the same document may be cheap with `first: 20` and refused with `first: 100000`.
 * Runs once the operation is resolved, before the gateway plans or sends anything.
 */
export function costLimitPlugin<T extends BaseContext>(max: number, directives: CostDirectives): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
          const actual = operationCost(schema, operation, (name) => fragments.get(name), directives, request.variables);
          if (actual > max) throw costError(operation, actual, max);
        },
      };
    },
  };
}

/**
 * graphql's parser stops at more than `maxTokens` tokens, before building the document; Apollo
 * Server passes `new ApolloServer({ parseOptions })` to it. The client gets a syntax error (code
 * GRAPHQL_PARSE_FAILED, HTTP 400): "Syntax Error: Document contains more that N tokens. Parsing aborted."
 */
export function tokenLimitParseOptions(max: number): { maxTokens: number } {
  return { maxTokens: max };
}
