import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { getOperationAST, GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FragmentDefinitionNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { emptyReads, type GatewayContext } from '../context';
import { auditEntry, type AuditEntry, type AuditLog } from './audit';
import type { AuthenticatedClient, DocumentStore } from './clients';
import type { RateLimiter, SeenDocuments } from './rateLimit';

/** Roles that may introspect in production mode: people exploring the graph, not machines. */
const INTROSPECTING_ROLES = new Set(['ANALYST', 'ADMINISTRATOR']);

/** `Query.enterprise`, `FinanceFigures.loansOutstanding`, … the operation selects (cached per document). */
const coordinateCache = new Map<string, string[]>();
export function fieldCoordinates(schema: GraphQLSchema, document: DocumentNode, key: string, operationName?: string | null): string[] {
  const cacheKey = `${key}\u0000${operationName ?? ''}`;
  const cached = coordinateCache.get(cacheKey);
  if (cached) return cached;
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  visit(
    executedPart(document, operationName),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && !field.name.startsWith('__')) found.add(`${parent.name}.${field.name}`);
      },
    }),
  );
  const coordinates = [...found].sort();
  if (coordinateCache.size > 2_000) coordinateCache.clear();
  coordinateCache.set(cacheKey, coordinates);
  return coordinates;
}

/**
 * The operation that runs (by `operationName`, or the document's only one) and the fragments it
 * spreads, transitively: a document's other operations are not executed, so their fields are not
 * the request's (finding t12 #5). The whole document when the operation cannot be told.
 */
function executedPart(document: DocumentNode, operationName?: string | null): DocumentNode {
  if (document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length <= 1) return document;
  const operation = getOperationAST(document, operationName);
  if (!operation) return document;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          walk(fragment);
        }
      },
    });
  walk(operation);
  return { ...document, definitions: [operation, ...used.values()] };
}

function selectsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

export interface AccessPluginOptions {
  audit: AuditLog;
  documents: DocumentStore;
  production: boolean;
  /** The per-client budget of documents the gateway must plan anew (HUISHANG_NEW_DOCUMENTS_PER_MINUTE). */
  newDocuments?: { limiter: RateLimiter; perMinute: number; seen: SeenDocuments };
}

/**
 * A document this gateway has not planned lately counts against its client's budget; over it,
 * RATE_LIMITED (429, Retry-After) before any planning. Known documents always go.
 */
async function checkNewDocument(budget: AccessPluginOptions['newDocuments'], client: AuthenticatedClient | null, hash: string, operationName: string | null): Promise<void> {
  // Keyed as @apollo/gateway keys its plans: a document of several operations is a plan per name.
  const key = `${hash}:${operationName ?? ''}`;
  if (!budget || !client || budget.seen.has(key)) return;
  const retryAfter = await budget.limiter.newDocument(client.clientId, budget.perMinute);
  // Remembered only once let through: a refused document counts again when it is sent again.
  if (retryAfter === null) return budget.seen.add(key);
  throw new GraphQLError(
    `client ${client.clientId} sent more than ${budget.perMinute} documents in a minute that the gateway had to plan anew (HUISHANG_NEW_DOCUMENTS_PER_MINUTE): send the same document with variables instead of changing its text (aliases, literals); documents already sent still run; retry a new one in ${retryAfter} s`,
    { extensions: { code: 'RATE_LIMITED', limit: budget.perMinute, retryAfter, http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) } } },
  );
}


/**
 * The edge's rules on an operation once it is parsed and validated: a safelisted client runs only
 * registered documents (`hash`: SHA-256 hex of the document text, as `huishang documents add`
 * registers it; PERSISTED_QUERY_NOT_ALLOWED, 403), and in production only analysts and
 * administrators introspect (FORBIDDEN, 403). Throws the GraphQLError to answer; shared by our
 * gateway and the Hive Gateway plugin (plugins/hive-access).
 */
export async function checkOperation(options: Pick<AccessPluginOptions, 'documents' | 'production'>, client: AuthenticatedClient | null, document: DocumentNode, hash: string): Promise<void> {
  if (client?.safelist && (await options.documents.get(hash)) === undefined) {
    throw new GraphQLError(`client ${client.clientId} is in safelist mode: only registered persisted documents run, and this document (sha256 ${hash}) is not registered`, {
      extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED', http: { status: 403 } },
    });
  }
  if (options.production && selectsIntrospection(document) && !INTROSPECTING_ROLES.has(client?.role ?? '')) {
    throw new GraphQLError('introspection is for analysts and administrators in production mode', { extensions: { code: 'FORBIDDEN', field: '__schema', http: { status: 403 } } });
  }
}

/**
 * How a GraphQL answer ended, as the audit trail records it: OK, PARTIAL (errors, and a root field
 * that is not null), RATE_LIMITED (refused for the rate only) or ERROR, the error codes, and the indicators of refused reads (the kit's `forbidden` names its
 * indicator), kept so that attempts are findable by indicator.
 */
export function outcomeOf(result: { data?: unknown; errors?: readonly { extensions?: { code?: unknown } | Record<string, unknown> }[] }): {
  outcome: string;
  codes: string[];
  refusedIndicators: string[];
} {
  const errors = result.errors ?? [];
  const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  const refusedIndicators = [
    ...new Set(errors.filter((e) => e.extensions?.code === 'FORBIDDEN' && typeof (e.extensions as Record<string, unknown> | undefined)?.indicator === 'string').map((e) => String((e.extensions as Record<string, unknown>).indicator))),
  ].sort();
  // Something served: data with a root field that is not null (a write refused whole now answers
  // `{ submit…: null }`, which served nothing). A refusal for the rate (RATE_LIMITED alone, the
  // new-document budget) is recorded as the edge's rate refusals are, so `outcome` finds both.
  const served = result.data != null && typeof result.data === 'object' && Object.values(result.data as Record<string, unknown>).some((v) => v !== null);
  const outcome = !errors.length ? 'OK' : served ? 'PARTIAL' : codes.every((c) => c === 'RATE_LIMITED') ? 'RATE_LIMITED' : 'ERROR';
  return { outcome, codes, refusedIndicators };
}

/** The outcome of the record a write leaves before it runs (its answer's record follows). */
export const ATTEMPT_OUTCOME = 'ATTEMPT';

/** Whether the operation that runs is a mutation (the document's only one, or the one named). */
export function isWrite(document: DocumentNode, operationName?: string | null): boolean {
  return getOperationAST(document, operationName)?.operation === 'mutation';
}

const UNRECORDED = 'the audit trail could not be written, so the request is refused rather than served unlogged; try again later';

/**
 * A write is recorded before it runs: if the trail cannot be written, the change is not made
 * (AUDIT_UNAVAILABLE, 503). Recording only the answer let a tester's batch commit while its
 * client was told it was refused, with no record at all. Throws the GraphQLError to answer; every
 * edge (our gateway, plugins/hive-access, plugins/router-coprocessor) calls it.
 */
export async function recordAttempt(audit: AuditLog, context: GatewayContext, extra: Partial<AuditEntry>): Promise<void> {
  try {
    await audit.append(auditEntry({ ...context, reads: emptyReads() }, ATTEMPT_OUTCOME, [], extra));
  } catch (error) {
    console.error(`gateway: audit trail not written, write not run (request ${context.requestId}): ${(error as Error).message}`);
    throw new GraphQLError('the audit trail could not be written, so the change was not made; try again later', { extensions: { code: 'AUDIT_UNAVAILABLE', http: { status: 503 } } });
  }
}

/**
 * What a write's answer says of each of its root fields, for AUDIT_INCOMPLETE: the response keys
 * (aliases as the caller wrote them) that answered (not null: that change was made) and those that
 * did not, with their errors' codes (refused or failed). Only keys and codes: the answer itself is
 * withheld.
 */
export function writeFields(result: { data?: unknown; errors?: readonly { path?: readonly (string | number)[]; extensions?: { code?: unknown } | Record<string, unknown> }[] }): {
  answered: string[];
  failed: { field: string; codes: string[] }[];
  /** Answered fields whose answer says `dryRun: true` (selected): nothing was made. */
  dryRuns: string[];
} {
  const data = result.data != null && typeof result.data === 'object' ? (result.data as Record<string, unknown>) : {};
  const answered = Object.keys(data).filter((key) => data[key] !== null);
  const dryRuns = answered.filter((key) => (data[key] as { dryRun?: unknown } | null)?.dryRun === true);
  const codesOf = (key: string | null) => [
    ...new Set((result.errors ?? []).filter((e) => (key === null ? !e.path?.length : e.path?.[0] === key)).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'))),
  ];
  const failed = Object.keys(data)
    .filter((key) => data[key] === null)
    .map((field) => ({ field, codes: codesOf(field) }));
  // An error without a path (the whole operation failed before any field ran) fails all of it.
  const whole = codesOf(null);
  if (whole.length && !answered.length && !failed.length) failed.push({ field: '(operation)', codes: whole });
  return { answered, failed, dryRuns };
}

/**
 * The AUDIT_INCOMPLETE error of a write whose attempt is recorded but whose answer's record could
 * not be written: it says, field by field, which changes answered (were made) and which did not
 * (refused or failed, with their codes). It said "the change was made" even when the write had
 * failed (a tester's finding): a clerk told a failed write was made does not send it again.
 */
export function incompleteWrite(result: Parameters<typeof writeFields>[0]): GraphQLFormattedError {
  const { answered, failed, dryRuns } = writeFields(result);
  const changes = answered.filter((key) => !dryRuns.includes(key));
  const made = [
    changes.length ? `${changes.join(', ')} answered: ${changes.length > 1 ? 'those changes were' : 'that change was'} made` : '',
    dryRuns.length ? `${dryRuns.join(', ')} answered as a dry run: nothing was made` : '',
  ].filter(Boolean).join('; ');
  const notMade = failed.length
    ? `${failed.map((f) => `${f.field} (${f.codes.join(', ') || 'no answer'})`).join(', ')} did not answer: refused or failed, ${failed.length > 1 ? 'those were' : 'that was'} not made as far as the answer tells`
    : '';
  const said = [made, notMade].filter(Boolean).join('; ') || 'the answer names no field';
  return {
    message: `the write's attempt is on the audit trail, but its result could not be recorded, so the answer is withheld: ${said}. Once the trail can be written, a write with an idempotencyKey (a submission, a staged commit) can be sent again under the same key: a made change answers as a replay and is not made twice; check any other write (a grant, a problem) before sending it again`,
    extensions: { code: 'AUDIT_INCOMPLETE', answered, failed },
  };
}

/**
 * The answer's record. When it cannot be written, a read is withheld (`withhold`: AUDIT_UNAVAILABLE,
 * 503). A write has run and has its attempt on the trail: its data is withheld too (it can carry
 * any figure, and nothing would record that it left: a tester read another department's loans
 * through a mutation's answer during an outage), but the error says which of its fields answered
 * (their changes were made) and which did not (`incomplete`: AUDIT_INCOMPLETE, data null,
 * incompleteWrite), so nobody takes a made change for a refusal; sent again under its idempotency
 * key, the write answers as a replay, recorded then. `written`: the write's answer, or null for a read.
 */
export async function recordAnswer(
  audit: AuditLog,
  entry: AuditEntry,
  written: Parameters<typeof writeFields>[0] | null,
): Promise<{ withhold: GraphQLFormattedError } | { incomplete: GraphQLFormattedError } | null> {
  try {
    await audit.append(entry);
    return null;
  } catch (error) {
    console.error(`gateway: audit trail not written (request ${entry.requestId}, ${written ? 'a write: answered, its attempt is recorded' : 'answer withheld'}): ${(error as Error).message}`);
    return written ? { incomplete: incompleteWrite(written) } : { withhold: { message: UNRECORDED, extensions: { code: 'AUDIT_UNAVAILABLE' } } };
  }
}

/**
 * At the edge, per request: production's introspection rule, safelist mode, and the audit record
 * written before the answer leaves. If the record cannot be written the answer is withheld.
 */
export function accessPlugin(options: AccessPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let operationName: string | null = null;
      let hash: string | null = null;
      let fields: string[] = [];
      let wrote = false;
      return {
        async didResolveOperation({ contextValue, document, operationName: name, schema, queryHash }) {
          operationName = name ?? null;
          // Apollo Server's SHA-256 of the document, the same hash `huishang documents add` registers.
          hash = queryHash;
          await checkNewDocument(options.newDocuments, contextValue.client, hash, operationName);
          fields = fieldCoordinates(schema, document, hash, name);
          await checkOperation(options, contextValue.client, document, hash);
          wrote = isWrite(document, name);
          if (wrote) await recordAttempt(options.audit, contextValue, { operationName, documentHash: hash, fields });
        },
        async willSendResponse(requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>) {
          const { response, contextValue } = requestContext;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const { outcome, codes, refusedIndicators } = outcomeOf(result);
          // A write refused before it ran (its attempt could not be recorded) has nothing more to record.
          if (wrote && codes.includes('AUDIT_UNAVAILABLE') && result.data == null) return;
          const failed = await recordAnswer(options.audit, auditEntry(contextValue, outcome, codes, { operationName, documentHash: hash, fields, refusedIndicators }), wrote ? result : null);
          if (failed && 'withhold' in failed) {
            response.http.status = 503;
            response.body.singleResult = { errors: [failed.withhold] };
          } else if (failed) {
            response.body.singleResult = { data: null, errors: [failed.incomplete] };
          }
        },
      };
    },
  };
}
