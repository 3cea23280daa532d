import { GraphQLError, Kind, parse, getNamedType, type ValidationRule } from 'graphql';

/** Code of the refusal below; stable, documented in the README. */
export const ALIAS_SHADOWS_KEY = 'ALIAS_SHADOWS_KEY';

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

/**
 * Refuses, before any planning, an alias named like a key field of the entity it is selected on
 * but standing for another field, e.g. `enterprise(creditCode: …) { creditCode: name energy(…) { … } }`.
 * @apollo/gateway's query planner (2.14, upstream apollographql/federation#3036, still open) takes
 * the aliased value for the key when it joins another subgraph's fields, and answers the credit
 * code where the name was asked: wrong data, silently. Any entity type, any key field, in
 * operations and fragments alike; an alias that names the key field itself (`creditCode: creditCode`)
 * is harmless and allowed.
 */
export function aliasShadowsKeyRule(keys: ReadonlyMap<string, ReadonlySet<string>>): ValidationRule {
  return (context) => ({
    Field(node) {
      const alias = node.alias?.value;
      if (!alias || alias === node.name.value) return;
      const parent = context.getParentType();
      if (!parent) return;
      const typeKeys = keys.get(getNamedType(parent).name);
      if (!typeKeys?.has(alias)) return;
      const type = parent.name;
      const suggestion = `${node.name.value}As${alias.charAt(0).toUpperCase()}${alias.slice(1)}`.replace(/^_+/, '');
      context.reportError(
        new GraphQLError(
          `The alias "${alias}" on ${type}.${node.name.value} has the name of ${type}'s key field "${alias}", which the gateway uses to join the departments' data; the query planner would answer wrong values for it (apollographql/federation#3036). Rename the alias, e.g. "${suggestion}: ${node.name.value}".`,
          { nodes: [node], extensions: { code: ALIAS_SHADOWS_KEY, alias, type, field: node.name.value, keyField: alias } },
        ),
      );
    },
  });
}
