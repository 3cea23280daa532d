import { Authorized, Directive, getMetadataStorage, type AuthChecker } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { forbidden, MEETING_SECRETARIAT } from './access';
import { readingRoleReason, withArticle } from '../errors';
import type { SubgraphContext } from './context';

/**
 * Who may call a mutation (写权限), declared on it with `@Writes(rule)`: type-graphql's own
 * `@Authorized`, judged by `authChecker` below with the caller's signed identity, and a
 * `@tag(name: "authorized:<rule>")` so the declaration is visible in the composed supergraph.
 * Default deny: a subgraph whose schema has a mutation without a declaration refuses to start
 * (`requireDeclaredWrites`), and a test walks the supergraph's mutations for the tag.
 *
 * - OWNER: the department that owns the subgraph's data, its analysts, integrations and
 *   administrators (报送 is the reporting department's own act); never a meeting member.
 * - OWNER_ADMINISTRATOR: the owner's administrators only (grants of its data).
 * - PROBLEM_LIST: the meeting's problem list (问题清单): the secretariat (the registry's `secretariat`) and
 *   the department that owns the problem; never a meeting member. Which problem a department
 *   owns is data, so the resolver completes the check (`requireProblemWriter`).
 */
export const WriteRule = {
  OWNER: 'OWNER',
  OWNER_ADMINISTRATOR: 'OWNER_ADMINISTRATOR',
  PROBLEM_LIST: 'PROBLEM_LIST',
} as const;
export type WriteRuleName = (typeof WriteRule)[keyof typeof WriteRule];

/** Declares who may call this mutation (see WriteRule). */
export function Writes(rule: WriteRuleName): MethodDecorator {
  return (target, key, descriptor) => {
    Directive(`@tag(name: "authorized:${rule}")`)(target, key, descriptor);
    Authorized(rule)(target, key, descriptor);
  };
}

const writerRoles = new Set(['ANALYST', 'INTEGRATION', 'ADMINISTRATOR']);

/**
 * type-graphql's auth checker for every subgraph: throws FORBIDDEN (with the rule and the reason)
 * rather than answering false, so the client reads why. In-process callers (no identity: a
 * subgraph's own tests) pass, as they do for reads.
 */
export const authChecker: AuthChecker<SubgraphContext, string> = ({ context, info }, rules) => {
  const identity = context.access.identity;
  const field = info.fieldName;
  if (rules.length === 0) throw forbidden(field, 'the mutation declares no write rule (default deny)');
  if (!identity) return true;
  const owner = context.access.owner;
  const reasons: string[] = [];
  for (const rule of rules) {
    const writer = writerRoles.has(identity.role);
    if (rule === WriteRule.OWNER) {
      if (identity.department === owner && writer) return true;
      reasons.push(identity.department !== owner ? `its data belong to the ${owner} department; ${withArticle(identity.department)} client may not write them` : readingRoleReason(identity.role, 'writing is for the department’s analysts, integrations and administrators'));
    } else if (rule === WriteRule.OWNER_ADMINISTRATOR) {
      if (identity.department === owner && identity.role === 'ADMINISTRATOR') return true;
      reasons.push(`only an administrator of the ${owner} department may; the caller is ${withArticle(`${identity.department} ${identity.role.toLowerCase().replace('_', ' ')}`)}`);
    } else if (rule === WriteRule.PROBLEM_LIST) {
      if (writer) return true;
      reasons.push(identity.role === 'AUDITOR' ? 'auditors read the audit trail; the secretariat and the owning department’s analysts, integrations and administrators write the problem list' : 'meeting members read the problem list; the secretariat and the owning department’s analysts, integrations and administrators write it');
    } else {
      reasons.push(`unknown write rule ${rule}`);
    }
  }
  throw forbidden(field, reasons.join('; '), { rules });
};

/**
 * The problem-list rule's data part: the secretariat (MEETING_SECRETARIAT) writes every problem; another
 * department only the problems it owns. Returns the caller's department (null in-process).
 */
export function requireProblemWriter(context: SubgraphContext, field: string, problemOwner: string): string | null {
  const identity = context.access.identity;
  if (!identity) return null;
  if (identity.department === MEETING_SECRETARIAT || identity.department === problemOwner) return identity.department;
  throw forbidden(field, `a problem owned by ${problemOwner} is written by its owner or the meeting secretariat (${MEETING_SECRETARIAT}); the caller is ${identity.department}`);
}

/**
 * Default deny, at build time: every Mutation field of the schema built from `resolvers` must
 * carry `@Writes` (type-graphql's `@Authorized`), or the subgraph does not start.
 */
export function requireDeclaredWrites(schema: GraphQLSchema, resolvers: readonly Function[]): void {
  const mutationType = schema.getMutationType();
  if (!mutationType) return;
  const storage = getMetadataStorage();
  const classes = new Set(resolvers);
  const undeclared: string[] = [];
  for (const name of Object.keys(mutationType.getFields())) {
    const resolver = storage.mutations.find((m) => m.schemaName === name && classes.has(m.target));
    const declared = resolver && storage.authorizedFields.some((a) => a.target === resolver.target && a.fieldName === resolver.methodName && a.roles.length > 0);
    if (!declared) undeclared.push(name);
  }
  if (undeclared.length) throw new Error(`mutations without a declared write rule (@Writes / @Authorized): ${undeclared.join(', ')}; every write states who may call it`);
}
