import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GraphQLError } from 'graphql';
import type {
  CompositeType,
  FieldSelection,
  FragmentSelection,
  Operation,
  OutputType,
  Schema,
  SelectionSet,
  Type,
} from '@apollo/federation-internals';

/**
 * The last step of every gateway request: shaping the merged subgraph data into the response the
 * operation asked for (`computeResponse` in @apollo/gateway's resultShaping.js). It walks every
 * value of the response, and @apollo/gateway's version, written for any operation, re-reads per
 * value what never changes within a request: @skip/@include directives, field definitions and
 * types, response names; it allocates a result object per value and a closure per assertion. On
 * the meeting's 200-enterprise page that was about a third of the gateway's CPU.
 *
 * This is the same algorithm, value for value, error for error (same messages and paths, the
 * same null propagation, the same `__typename` handling and leaf checks): the per-selection facts
 * are worked out once per selection set and request, values are checked against a per-type
 * function, and no object is allocated per value. `installResultShaping()` puts it in place of
 * @apollo/gateway's (executeQueryPlan looks the function up on that module at each call).
 * `GATEWAY_RESULT_SHAPING=apollo` keeps @apollo/gateway's own.
 */

// The very module instances @apollo/gateway uses, so schema and type objects are the same classes.
const gatewayRequire = createRequire(require.resolve('@apollo/gateway'));
const internals = gatewayRequire('@apollo/federation-internals') as typeof import('@apollo/federation-internals');
const { isCompositeType, isCustomScalarType, isEnumType, isListType, isNonNullType, isObjectType, isSubtype, ERRORS, Variable, typenameFieldName } = internals;

type Introspection = (selection: FieldSelection) => unknown;

export interface ComputeResponseInput {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: Introspection;
}

export type ComputeResponse = (input: ComputeResponseInput) => { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] };

/** A wrapper chain resolved once: non-null, list, composite or leaf (with its value check). */
type Shape =
  | { kind: 'nonNull'; of: Shape; ofType: Type }
  | { kind: 'list'; of: Shape }
  | { kind: 'composite'; type: CompositeType }
  | { kind: 'leaf'; valid: (value: unknown) => boolean };

interface FieldStep {
  field: true;
  selection: FieldSelection;
  responseName: string;
  introspection: boolean;
  typename: boolean;
  shape: Shape;
  selectionSet: SelectionSet | undefined;
}

interface FragmentStep {
  field: false;
  typeCondition: CompositeType | undefined;
  selectionSet: SelectionSet;
}

type Step = FieldStep | FragmentStep;

interface Parameters {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: Introspection;
  steps: Map<SelectionSet, Step[]>;
  shapes: Map<Type, Shape>;
  leafChecks: Map<Type, (value: unknown) => boolean>;
}

/**
 * The prototype of every object of the response: it has no properties, and nor has its own
 * (null) prototype, so an alias such as `constructor` or `__proto__` reads as absent and is set as
 * an own property, as with `Object.create(null)`. But V8 keeps `Object.create(null)` objects in
 * dictionary mode, slow to fill and slow for JSON.stringify; objects with this prototype get
 * ordinary hidden classes (the 200-enterprise answer serialises about 30 % faster).
 */
const RESPONSE_OBJECT: object = Object.freeze(Object.create(null));

const OK = 0;
const NULL_BUBBLE_UP = 1;

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const hasOwn = Object.prototype.hasOwnProperty;

/** isValidLeafValue of @apollo/federation-internals, decided per type once. */
function leafCheck(parameters: Parameters, type: Type): (value: unknown) => boolean {
  let check = parameters.leafChecks.get(type);
  if (check) return check;
  const { schema } = parameters;
  const boolean = schema.booleanType();
  const int = schema.intType();
  const float = schema.floatType();
  const id = schema.idType();
  if (isCustomScalarType(type)) {
    check = () => true;
  } else {
    const enumType = isEnumType(type) ? type : undefined;
    check = (value) => {
      if (typeof value === 'boolean') return type === boolean;
      if (typeof value === 'number' && isFinite(value)) {
        if (type === int || type === id) return INTEGER.test(String(value));
        return type === float;
      }
      if (typeof value === 'string') {
        if (enumType) return enumType.value(value) !== undefined;
        return type !== boolean && type !== int && type !== float;
      }
      return false;
    };
  }
  parameters.leafChecks.set(type, check);
  return check;
}

function shapeOf(parameters: Parameters, type: Type): Shape {
  let shape = parameters.shapes.get(type);
  if (shape) return shape;
  if (isNonNullType(type)) shape = { kind: 'nonNull', of: shapeOf(parameters, type.ofType), ofType: type.ofType };
  else if (isListType(type)) shape = { kind: 'list', of: shapeOf(parameters, type.ofType) };
  else if (isCompositeType(type)) shape = { kind: 'composite', type };
  else shape = { kind: 'leaf', valid: leafCheck(parameters, type) };
  parameters.shapes.set(type, shape);
  return shape;
}

function ifValue(directive: { arguments(): Record<string, unknown>; toString(): string }, variables: Record<string, unknown>): boolean {
  const condition = directive.arguments().if;
  if (condition instanceof Variable) {
    const value = variables[condition.name];
    if (value === undefined || typeof value !== 'boolean') throw new Error(`Unexpected value ${value} for variable ${condition} of ${directive}`);
    return value;
  }
  return condition as boolean;
}

function skipped(element: FieldSelection['element'] | FragmentSelection['element'], parameters: Parameters): boolean {
  const skip = element.appliedDirectivesOf(parameters.schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(parameters.schema.includeDirective())[0];
  return !!((skip && ifValue(skip, parameters.variables)) || (include && !ifValue(include, parameters.variables)));
}

/** The selections of a set that this request's variables keep, with what each needs, once per request. */
function stepsOf(parameters: Parameters, selectionSet: SelectionSet): Step[] {
  let steps = parameters.steps.get(selectionSet);
  if (steps) return steps;
  steps = [];
  for (const selection of selectionSet.selections()) {
    if (skipped(selection.element, parameters)) continue;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const introspection = field.definition.isSchemaIntrospectionField();
      steps.push({
        field: true,
        selection,
        responseName: field.responseName(),
        introspection,
        typename: field.name === typenameFieldName,
        shape: introspection ? { kind: 'leaf', valid: () => true } : shapeOf(parameters, field.definition.type as OutputType),
        selectionSet: selection.selectionSet,
      });
    } else {
      steps.push({ field: false, typeCondition: selection.element.typeCondition, selectionSet: selection.selectionSet });
    }
  }
  parameters.steps.set(selectionSet, steps);
  return steps;
}

export const computeResponse: ComputeResponse = ({ operation, variables, input, introspectionHandling }) => {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const parameters: Parameters = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
    steps: new Map(),
    shapes: new Map(),
    leafChecks: new Map(),
  };
  const data = Object.create(RESPONSE_OBJECT) as Record<string, unknown>;
  const result = applySelectionSet(parameters, input, operation.selectionSet, data, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: result === NULL_BUBBLE_UP ? null : data, errors: parameters.errors };
};

function typeConditionApplies(schema: Schema, typeCondition: CompositeType | undefined, typename: string | undefined, parentType: CompositeType): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && isSubtype(typeCondition, type);
  }
  return isSubtype(typeCondition, parentType);
}

function applySelectionSet(
  parameters: Parameters,
  input: Record<string, unknown>,
  selectionSet: SelectionSet,
  output: Record<string, unknown>,
  path: (string | number)[],
  parentType: CompositeType,
): number {
  const steps = stepsOf(parameters, selectionSet);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.field) {
      const responseName = step.responseName;
      const outputValue = output[responseName];
      if (step.introspection) {
        if (outputValue === undefined) output[responseName] = parameters.introspectionHandling(step.selection);
        continue;
      }
      let inputValue = hasOwn.call(input, responseName) ? input[responseName] : undefined;
      if (inputValue === undefined) inputValue = null;
      if (step.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
          const type = inputValue !== null && typeof inputValue === 'string' ? (parameters.schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const updated = updateOutputValue(parameters, outputValue, step.shape, inputValue, step.selectionSet, path, parentType);
      output[responseName] = updated;
      path.pop();
      if (state.isInvalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[typenameFieldName];
      if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${typename}`);
      if (typeConditionApplies(parameters.schema, step.typeCondition, typename as string | undefined, parentType)) {
        const result = applySelectionSet(parameters, input, step.selectionSet, output, path, step.typeCondition ?? parentType);
        if (result === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
    }
  }
  return OK;
}

/**
 * updateOutputValue returns `{ updated, isInvalid, hasErrors }` in @apollo/gateway; here the value
 * is returned and the two flags are left in `state` (read by the caller right after the call).
 */
const state = { isInvalid: false, hasErrors: false };

function describeLast(path: (string | number)[], currentType: unknown, parentType: unknown): string {
  const element = path[path.length - 1];
  if (element === undefined) throw new Error('Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

function typeOfShape(shape: Shape, parameters: Parameters): unknown {
  // Only used in messages: the type as @apollo/gateway prints it.
  for (const [type, s] of parameters.shapes) if (s === shape) return type;
  return undefined;
}

function updateOutputValue(
  parameters: Parameters,
  outputValue: unknown,
  shape: Shape,
  inputValue: unknown,
  selectionSet: SelectionSet | undefined,
  path: (string | number)[],
  parentType: CompositeType,
): unknown {
  if (inputValue === undefined) throw new Error('Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) {
    state.isInvalid = false;
    state.hasErrors = false;
    return outputValue;
  }
  switch (shape.kind) {
    case 'nonNull': {
      const updated = updateOutputValue(parameters, outputValue, shape.of, inputValue, selectionSet, path, parentType);
      if (updated === null) {
        if (!state.hasErrors) {
          parameters.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(path, shape.ofType, parentType)}.`, { path: Array.from(path) }),
          );
        }
        state.isInvalid = true;
        state.hasErrors = true;
        return updated;
      }
      // As in @apollo/gateway: a non-null value reports neither flag upwards.
      state.isInvalid = false;
      state.hasErrors = false;
      return updated;
    }
    case 'list': {
      if (inputValue === null) {
        state.isInvalid = false;
        state.hasErrors = false;
        return null;
      }
      if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${inputValue} returned by subgraph for list type ${typeOfShape(shape, parameters)}`);
      if (!(outputValue === undefined || Array.isArray(outputValue))) {
        throw new Error(`Invalid non-list value ${outputValue} returned by subgraph for list type ${typeOfShape(shape, parameters)}`);
      }
      const existing = outputValue as unknown[] | undefined;
      if (existing !== undefined && inputValue.length !== existing.length) {
        throw new Error(`[${inputValue}].length (${inputValue.length}) !== [${existing}].length (${existing.length})`);
      }
      let shouldNullify = false;
      let hasErrors = false;
      const updated = new Array(inputValue.length);
      for (let idx = 0; idx < inputValue.length; idx++) {
        path.push(idx);
        updated[idx] = updateOutputValue(parameters, existing === undefined ? undefined : existing[idx], shape.of, inputValue[idx], selectionSet, path, parentType);
        path.pop();
        shouldNullify ||= state.isInvalid;
        hasErrors ||= state.hasErrors;
      }
      state.isInvalid = false;
      state.hasErrors = hasErrors;
      return shouldNullify ? null : updated;
    }
    case 'composite': {
      if (inputValue === null) {
        state.isInvalid = false;
        state.hasErrors = false;
        return null;
      }
      if (!selectionSet) throw new Error(`Invalid empty selection set for composite type ${shape.type}`);
      if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.type}`);
      if (!(outputValue === undefined || typeof outputValue === 'object')) {
        throw new Error(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${shape.type}`);
      }
      const object = inputValue as Record<string, unknown>;
      const inputTypename = object[typenameFieldName];
      if (!(inputTypename === undefined || typeof inputTypename === 'string')) throw new Error(`Invalid non-string value ${inputTypename} for __typename at ${path}`);
      let objectType: CompositeType = shape.type;
      if (inputTypename) {
        const typenameType = parameters.schema.type(inputTypename);
        if (!typenameType || !isCompositeType(typenameType)) {
          parameters.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(path, shape.type, parentType)}.`, { path: Array.from(path) }),
          );
          state.isInvalid = false;
          state.hasErrors = true;
          return null;
        }
        objectType = typenameType;
      }
      const outputObject = (outputValue === undefined ? Object.create(RESPONSE_OBJECT) : outputValue) as Record<string, unknown>;
      const result = applySelectionSet(parameters, object, selectionSet, outputObject, path, objectType);
      const hasErrors = result === NULL_BUBBLE_UP;
      state.isInvalid = false;
      state.hasErrors = hasErrors;
      return hasErrors ? null : outputObject;
    }
    case 'leaf': {
      if (inputValue === null) {
        state.isInvalid = false;
        state.hasErrors = false;
        return null;
      }
      if (outputValue !== undefined) throw new Error(`Excepted output to be undefined but got ${typeOfShape(shape, parameters)} for type ${typeOfShape(shape, parameters)}`);
      const valid = shape.valid(inputValue);
      if (!valid) {
        parameters.errors.push(
          ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(path, typeOfShape(shape, parameters), parentType)}.`, { path: Array.from(path) }),
        );
      }
      state.isInvalid = false;
      state.hasErrors = !valid;
      return valid ? inputValue : null;
    }
  }
}

/** Where @apollo/gateway keeps computeResponse; executeQueryPlan reads it from this module object on every call. */
function gatewayResultShapingModule(): { computeResponse: ComputeResponse } {
  return gatewayRequire('@apollo/gateway/dist/resultShaping') as { computeResponse: ComputeResponse };
}

/** @apollo/gateway's own computeResponse, whatever is installed (for tests comparing the two). */
export const apolloComputeResponse: ComputeResponse = gatewayResultShapingModule().computeResponse;

/**
 * The @apollo/gateway version this replacement was written against and tested with
 * (gateway/test/resultShaping.test.ts compares it with Apollo's own, answer for answer). It
 * replaces a private file of that package, which any release may change: with another version
 * installed, Apollo's own is kept.
 */
export const TESTED_APOLLO_GATEWAY_VERSION = '2.14.4';

/** The installed @apollo/gateway's version, from its package.json (its `exports` do not expose the file). */
export function installedApolloGatewayVersion(): string {
  for (let dir = dirname(require.resolve('@apollo/gateway')); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@apollo/gateway' && manifest.version) return manifest.version;
    } catch {
      // no package.json at this level
    }
  }
  return 'unknown';
}

/**
 * Puts this computeResponse in place of @apollo/gateway's, unless `GATEWAY_RESULT_SHAPING=apollo`
 * or the installed @apollo/gateway is not TESTED_APOLLO_GATEWAY_VERSION (then Apollo's own stays,
 * with a warning). Returns which one is in place.
 */
export function installResultShaping(
  env: NodeJS.ProcessEnv = process.env,
  installedVersion: string = installedApolloGatewayVersion(),
  warn: (message: string) => void = (message) => console.warn(message),
): 'huishang' | 'apollo' {
  const module = gatewayResultShapingModule();
  const choice = (env.GATEWAY_RESULT_SHAPING ?? '').trim().toLowerCase();
  if (choice === 'apollo') {
    module.computeResponse = apolloComputeResponse;
    return 'apollo';
  }
  if (choice !== '' && choice !== 'huishang') throw new Error(`GATEWAY_RESULT_SHAPING must be huishang or apollo, got ${JSON.stringify(env.GATEWAY_RESULT_SHAPING)}`);
  if (installedVersion !== TESTED_APOLLO_GATEWAY_VERSION) {
    warn(
      `gateway: @apollo/gateway ${installedVersion} is installed, but the faster result shaping was tested with ${TESTED_APOLLO_GATEWAY_VERSION} only: ` +
        `using Apollo's own (correct, slower). Run gateway/test/resultShaping.test.ts against ${installedVersion} and update TESTED_APOLLO_GATEWAY_VERSION to use ours.`,
    );
    module.computeResponse = apolloComputeResponse;
    return 'apollo';
  }
  module.computeResponse = computeResponse;
  return 'huishang';
}
