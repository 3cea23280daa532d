import { GraphQLError, Kind, parse, getNamedType, isInterfaceType, isObjectType, type GraphQLSchema, type SelectionSetNode, type ValidationRule } from 'graphql';

/** Code of the refusal below; stable, documented in the README. */
export const ALIAS_SHADOWS_KEY = 'ALIAS_SHADOWS_KEY';
/** Code of the refusal of an alias named like another (non-key) field of its type; stable, in the README. */
export const ALIAS_SHADOWS_FIELD = 'ALIAS_SHADOWS_FIELD';

/**
 * Entity type → the fields its `@key`s name (every subgraph's keys; nested selections flattened to
 * their top-level field), read from the supergraph's `@join__type(key:)`. `__typename` is added:
 * the query planner joins on it too.
 */
export function entityKeyFields(supergraphSdl: string): ReadonlyMap<string, ReadonlySet<string>> {
  const result = new Map<string, Set<string>>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = directive.arguments?.find((a) => a.name.value === 'key')?.value;
      if (key?.kind !== Kind.STRING) continue;
      const fields = result.get(definition.name.value) ?? new Set<string>(['__typename']);
      // Top-level names of the field set: nested selections ("a { b }") are skipped by depth.
      let depth = 0;
      for (const token of key.value.match(/[_A-Za-z][_0-9A-Za-z]*|[{}]/g) ?? []) {
        if (token === '{') depth++;
        else if (token === '}') depth--;
        else if (depth === 0) fields.add(token);
      }
      result.set(definition.name.value, fields);
    }
  }
  return result;
}

/** One `@join__field(requires:)` of the supergraph: the type it is on and its field set. */
export interface RequiresSelection {
  type: string;
  selection: SelectionSetNode;
}

/** Every `@requires` field set of the supergraph (`@join__field(requires: "…")`), by the type it is declared on. */
export function requiresSelections(supergraphSdl: string): RequiresSelection[] {
  const result: RequiresSelection[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'join__field') continue;
        const requires = directive.arguments?.find((a) => a.name.value === 'requires')?.value;
        if (requires?.kind !== Kind.STRING) continue;
        const operation = parse(`{ ${requires.value} }`).definitions[0];
        if (operation.kind === Kind.OPERATION_DEFINITION) result.push({ type: definition.name.value, selection: operation.selectionSet });
      }
    }
  }
  return result;
}

/**
 * Type → the fields some `@requires` names on it, nested selections resolved to their types in
 * `schema` (e.g. `keyEnterpriseOutput { value yoyPct }` names `value` and `yoyPct` on Observation).
 * A type or field the API schema hides (`@inaccessible`) cannot be selected, so it is skipped.
 */
function requiredFieldsByType(schema: GraphQLSchema, selections: readonly RequiresSelection[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  const walk = (typeName: string, selection: SelectionSetNode) => {
    const type = schema.getType(typeName);
    if (!type) return;
    for (const node of selection.selections) {
      if (node.kind === Kind.INLINE_FRAGMENT) {
        walk(node.typeCondition?.name.value ?? typeName, node.selectionSet);
      } else if (node.kind === Kind.FIELD) {
        const fields = result.get(typeName) ?? new Set<string>();
        fields.add(node.name.value);
        result.set(typeName, fields);
        const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[node.name.value] : undefined;
        if (field && node.selectionSet) walk(getNamedType(field.type).name, node.selectionSet);
      }
    }
  };
  for (const { type, selection } of selections) walk(type, selection);
  return result;
}

/**
 * Refuses, before any planning, an alias named like a field the query planner needs itself to
 * join the departments' data, standing for another field:
 * - a key field of the entity (`enterprise(creditCode: …) { creditCode: name energy(…) { … } }`):
 *   ALIAS_SHADOWS_KEY;
 * - a field some `@requires` names (`keyEnterpriseOutput { value: yoyPct … } powerDrop { … }`):
 *   ALIAS_SHADOWS_FIELD.
 * @apollo/gateway's query planner (2.14, upstream apollographql/federation#3036, still open) takes
 * the aliased value for the field it needs when it joins another subgraph's fields, and answers or
 * computes from the wrong value: wrong data, silently. Only these fields, not every field: aliases
 * named like other fields (`valueAddedGrowth: ranking(…)` in the meeting pack) are harmless and
 * clients use them. Any type, in operations and fragments alike; an alias that names the field
 * itself (`creditCode: creditCode`) is harmless and allowed.
 * `requires` defaults to none, so the old one-argument call still checks keys.
 */
export function aliasShadowsKeyRule(keys: ReadonlyMap<string, ReadonlySet<string>>, requires: readonly RequiresSelection[] = []): ValidationRule {
  const cache = new WeakMap<GraphQLSchema, Map<string, Set<string>>>();
  return (context) => {
    const schema = context.getSchema();
    let required = cache.get(schema);
    if (!required) cache.set(schema, (required = requiredFieldsByType(schema, requires)));
    return {
      Field(node) {
        const alias = node.alias?.value;
        if (!alias || alias === node.name.value) return;
        const parent = context.getParentType();
        if (!parent) return;
        const named = getNamedType(parent).name;
        const isKey = keys.get(named)?.has(alias) ?? false;
        if (!isKey && !required!.get(named)?.has(alias)) return;
        const type = parent.name;
        const field = node.name.value;
        const suggestion = `${field}As${alias.charAt(0).toUpperCase()}${alias.slice(1)}`.replace(/^_+/, '');
        context.reportError(
          isKey
            ? new GraphQLError(
                `The alias "${alias}" on ${type}.${field} has the name of ${type}'s key field "${alias}", which the gateway uses to join the departments' data; the query planner would answer wrong values for it (apollographql/federation#3036). Rename the alias, e.g. "${suggestion}: ${field}".`,
                { nodes: [node], extensions: { code: ALIAS_SHADOWS_KEY, alias, type, field, keyField: alias } },
              )
            : new GraphQLError(
                `The alias "${alias}" on ${type}.${field} has the name of ${type}'s field "${alias}", which the gateway sends to another department to compute a field (@requires); the query planner would send the aliased value instead (apollographql/federation#3036). Rename the alias, e.g. "${suggestion}: ${field}".`,
                { nodes: [node], extensions: { code: ALIAS_SHADOWS_FIELD, alias, type, field, requiredField: alias } },
              ),
        );
      },
    };
  };
}
