import type { FieldNode, GraphQLFormattedError, Source } from 'graphql';
import { GraphQLError, Kind, parse, visit } from 'graphql';
import { DriverException } from '@mikro-orm/core';
import { PUBLIC_ERROR_CODES } from '../errors';

/**
 * Apollo Server re-codes every validation failure as GRAPHQL_VALIDATION_FAILED, including a bad
 * identifier literal. Our own errors keep their code: clients branch on BAD_USER_INPUT and friends.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof GraphQLError && cause !== error) {
      const code = cause.extensions?.code;
      if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) {
        const extensions: Record<string, unknown> = { ...formatted.extensions, ...cause.extensions, code };
        // A denied figure names the field asked for (`<department>.<headline field>`), not only the
        // indicator: by the schema's names, not the caller's aliases (`a: grantFinanceAccess` was named "a").
        // At the gateway a department's error has no node in the caller's document: the field its
        // subgraph named (from its own document) stands, rather than the caller's aliases.
        if (code === 'FORBIDDEN' && formatted.path) {
          const names = schemaFieldNames(formatted.path, error);
          if (names && names.length) extensions.field = names.slice(-2).join('.');
        }
        // …and says so in the message too, which the resolver could only word by indicator code.
        const message = code === 'FORBIDDEN' && typeof extensions.field === 'string' ? formatted.message.replace(/^Access denied to "[^"]*"/, `Access denied to "${extensions.field}"`) : formatted.message;
        // A coded error is about the request: the service's stack says nothing the caller can use.
        delete extensions.stacktrace;
        return { ...formatted, message, extensions };
      }
    }
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return formatted;
}

/**
 * Per document (by its Source), built once per request in one walk however many of its fields are
 * refused (a sweep's document had hundreds).
 */
interface DocumentFields {
  /** Each field's start offset → the field enclosing it (null inside a fragment definition). */
  enclosing: Map<number, { key: string; name: string } | null>;
  /** Each response key → the schema names fields answer under it (a fragment's parent is found by its key). */
  byKey: Map<string, Set<string>>;
}
const documentFields = new WeakMap<Source, DocumentFields>();

function documentFieldsOf(source: Source): DocumentFields {
  let found = documentFields.get(source);
  if (found) return found;
  const fields: DocumentFields = { enclosing: new Map(), byKey: new Map() };
  const stack: ({ key: string; name: string } | null)[] = [];
  visit(parse(source), {
    FragmentDefinition: { enter: () => void stack.push(null), leave: () => void stack.pop() },
    Field: {
      enter(field: FieldNode) {
        const key = field.alias?.value ?? field.name.value;
        if (field.loc) fields.enclosing.set(field.loc.start, stack[stack.length - 1] ?? null);
        fields.byKey.set(key, (fields.byKey.get(key) ?? new Set()).add(field.name.value));
        stack.push({ key, name: field.name.value });
      },
      leave: () => void stack.pop(),
    },
  });
  documentFields.set(source, (found = fields));
  return found;
}

/**
 * The response path's field names as the schema names them: the refused field from the error's
 * own node, its parent from the field enclosing that node in the document, or (inside a fragment) the
 * one field answering under the parent's response key. Numbers and `_entities`-style names are left out.
 * Null when the error has no field node to name it by (a subgraph's error at the gateway).
 */
function schemaFieldNames(path: readonly (string | number)[], error: unknown): string[] | null {
  const names = path.filter((p): p is string => typeof p === 'string' && !p.startsWith('_'));
  const node = error instanceof GraphQLError ? error.nodes?.[0] : undefined;
  if (!names.length || node?.kind !== Kind.FIELD) return null;
  names[names.length - 1] = node.name.value;
  if (names.length < 2 || !node.loc) return names;
  try {
    const { enclosing, byKey } = documentFieldsOf(node.loc.source);
    const key = names[names.length - 2];
    const parent = enclosing.get(node.loc.start);
    // The enclosing field when it is the one the path names (by its response key); inside a
    // fragment, the one field the document answers under that key (an aliased parent spreading it).
    const named = parent && parent.key === key ? parent.name : byKey.get(key)?.size === 1 ? [...byKey.get(key)!][0] : undefined;
    if (named) names[names.length - 2] = named;
  } catch {
    // Naming is a courtesy: the path's own names stand.
  }
  return names;
}

/** SQL in a message: a statement's text, or the database's own wording of a failure. */
const STATEMENT = /\b(insert into|select\b[\s\S]*\bfrom|update\s+\S+\s+set|delete from|no such (table|column)|syntax error|SQLITE_\w+|relation "[^"]*" does not exist)\b/i;

/**
 * A subgraph's `formatError` whose database failures never reach a caller as SQL: the statement
 * names tables and columns and can hold other rows' values (a tester read a 5,488-character insert
 * in an answer). In every mode, not only in production: the service logs the whole error with the
 * request id (subgraph.ts didEncounterErrors), the answer says which service and where to look.
 */
export function withoutStatements(format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError, service: string): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const result = format(formatted, error);
    // A coded error is the service's own message about the request: never masked.
    const code = result.extensions?.code;
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR') return result;
    let cause: unknown = error;
    let database = false;
    for (let depth = 0; cause && depth < 5 && !database; depth++) {
      database = cause instanceof DriverException;
      cause = (cause as { originalError?: unknown; cause?: unknown }).originalError ?? (cause as { cause?: unknown }).cause;
    }
    if (!database && !STATEMENT.test(result.message)) return result;
    const { stacktrace: _dropped, ...extensions } = result.extensions ?? {};
    return { ...result, message: `the ${service} service's database refused a statement: an internal error, logged by the service with this request's x-request-id`, extensions };
  };
}
