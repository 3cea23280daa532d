/**
 * `@huishang/router-coprocessor`: Huishang's edge for Apollo Router, as an external coprocessor
 * (the router's documented HTTP protocol, version 1: one POST per configured stage, a JSON body
 * with `version`, `stage`, `control`, `id` and the data properties asked for; the answer is the
 * same object, possibly with `control: { break: <HTTP status> }`, `body`, `headers`, `context`).
 *
 * Stages, and what each needs in router.yaml (README, "Apollo Router"):
 * - RouterRequest (headers, context): the bearer token's client within its rate limit (the same
 *   `authenticateBearer` as our gateway) → context `huishang::client`, `huishang::request`;
 *   otherwise break 401/429, the refusal audited.
 * - SupergraphRequest (body, context): our gateway's operation checks (safelist, production
 *   introspection) → context `huishang::operation` (name, document hash, fields for the audit).
 * - SubgraphRequest (headers, body, context, service_name): the caller's identity signed for that
 *   subgraph over the body's canonical JSON (IdentitySigner.signCanonical: the router writes the
 *   bytes after this stage, so the signature cannot be over bytes), added to the headers with the
 *   request id; the gateway's own `audit` subgraph is answered here (break 200 answers that fetch).
 * - SubgraphResponse (body, context, subgraph_request_id): what the subgraph says it served
 *   (`extensions.huishangReads`) moves into context `huishang::reads::<subgraph request id>`
 *   and out of the body.
 * - RouterResponse (body, headers, context): the audit record, committed before the router sends
 *   the answer; if it cannot be written, break 503 AUDIT_UNAVAILABLE replaces the answer.
 *
 * Everything per request travels in the router's context, so any number of coprocessor replicas
 * may serve one router.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { execute, GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import {
  AUDIT_SUBGRAPH_NAME,
  AuditLog,
  auditEntry,
  auditSubgraphSchema,
  authenticateBearer,
  checkOperation,
  ClientStore,
  DocumentStore,
  emptyReads,
  fieldCoordinates,
  isWrite,
  openAccessDatabase,
  outcomeOf,
  recordAnswer,
  recordAttempt,
  RateLimiter,
  REQUEST_ID_HEADER,
  requestIdFrom,
  takeReads,
  type AuthenticatedClient,
  type GatewayContext,
} from '@huishang/gateway/access';
import { gatewaySigner, IDENTITY_HEADER, productionMode, type IdentitySigner } from '@huishang/schema/identity';

/** A coprocessor request (and, changed, its answer), as the router's protocol v1 defines it. */
export interface StagePayload {
  version: number;
  stage: string;
  control: 'continue' | { break: number };
  id: string;
  subgraphRequestId?: string;
  headers?: Record<string, string[]>;
  body?: unknown;
  context?: { entries: Record<string, unknown> };
  serviceName?: string;
  uri?: string;
  method?: string;
  path?: string;
  statusCode?: number;
  sdl?: string;
}

/** The context keys this coprocessor keeps in the router's request context. */
export const CONTEXT_CLIENT = 'huishang::client';
export const CONTEXT_REQUEST = 'huishang::request';
export const CONTEXT_OPERATION = 'huishang::operation';
export const CONTEXT_READS_PREFIX = 'huishang::reads::';

interface RequestEntry {
  requestId: string;
  startedAt: number;
}
interface OperationEntry {
  operationName: string | null;
  documentHash: string | null;
  fields: string[];
  /** A mutation: recorded before it runs, and answered (not withheld) when its result cannot be recorded. */
  wrote?: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function header(headers: Record<string, string[]> | undefined, name: string): string | undefined {
  for (const [key, values] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return values[0];
  return undefined;
}

/** A GraphQL error body; `http` extensions are for the status, not the client. */
function errorBody(message: string, extensions: Record<string, unknown>): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  const { http: _http, ...rest } = extensions;
  return { errors: [{ message, extensions: rest }] };
}

export interface CoprocessorOptions {
  env?: NodeJS.ProcessEnv;
  /** The supergraph SDL (default SUPERGRAPH_PATH, else the committed schema/supergraph.graphql): its API schema names the fields an operation selects, for the audit record. */
  supergraphSdl?: string;
}

export class Coprocessor {
  private constructor(
    private readonly clients: ClientStore,
    private readonly documents: DocumentStore,
    private readonly audit: AuditLog,
    private readonly auditSchema: GraphQLSchema,
    private readonly limiter: RateLimiter,
    private readonly signer: IdentitySigner,
    private readonly apiSchema: GraphQLSchema,
    private readonly production: boolean,
    private readonly release: () => Promise<void>,
  ) {}

  /** Reads the key (production: only HUISHANG_GATEWAY_PRIVATE_KEY), opens the access database and the rate limiter. */
  static async open(options: CoprocessorOptions = {}): Promise<Coprocessor> {
    const env = options.env ?? process.env;
    const production = productionMode(env);
    const signer = gatewaySigner(env);
    const sdl = options.supergraphSdl ?? readFileSync(env.SUPERGRAPH_PATH ?? join(dirname(require.resolve('@huishang/schema/package.json')), 'supergraph.graphql'), 'utf8');
    const apiSchema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
    const orm = await openAccessDatabase();
    const audit = new AuditLog(orm);
    const limiter = RateLimiter.fromEnvironment(Number(env.HUISHANG_RATE_LIMIT_PER_MINUTE ?? 1_200), env);
    const clients = new ClientStore(orm, Number(env.HUISHANG_CLIENT_CACHE_MS ?? 2_000), production);
    return new Coprocessor(clients, new DocumentStore(orm), audit, auditSubgraphSchema(audit), limiter, signer, apiSchema, production, async () => {
      await limiter.close();
      await orm.close();
    });
  }

  close(): Promise<void> {
    return this.release();
  }

  /** One coprocessor request → its answer. A stage not configured here is answered unchanged. */
  async handle(payload: StagePayload): Promise<StagePayload> {
    if (payload.version !== 1) throw new Error(`coprocessor protocol version ${payload.version} is not supported (1 is)`);
    switch (payload.stage) {
      case 'RouterRequest':
        return this.routerRequest(payload);
      case 'SupergraphRequest':
        return this.supergraphRequest(payload);
      case 'SubgraphRequest':
        return this.subgraphRequest(payload);
      case 'SubgraphResponse':
        return this.subgraphResponse(payload);
      case 'RouterResponse':
        return this.routerResponse(payload);
      default:
        return payload;
    }
  }

  private entries(payload: StagePayload): Record<string, unknown> {
    return payload.context?.entries ?? {};
  }

  private clientOf(payload: StagePayload): AuthenticatedClient | null {
    return (this.entries(payload)[CONTEXT_CLIENT] as AuthenticatedClient | undefined) ?? null;
  }

  private async routerRequest(payload: StagePayload): Promise<StagePayload> {
    const startedAt = Date.now();
    const requestId = requestIdFrom(header(payload.headers, REQUEST_ID_HEADER));
    const decision = await authenticateBearer(header(payload.headers, 'authorization'), this.clients, this.limiter, startedAt);
    if ('refusal' in decision) {
      const { status, code, message, headers, client } = decision.refusal;
      const context: GatewayContext = { requestId, client, reads: emptyReads(), startedAt };
      await this.audit.append(auditEntry(context, code, [code])).catch(() => undefined);
      return {
        ...payload,
        control: { break: status },
        // RouterRequest and RouterResponse bodies are strings (the protocol's rule for router stages).
        body: JSON.stringify(errorBody(message, { code })),
        headers: { 'content-type': ['application/json'], [REQUEST_ID_HEADER]: [requestId], ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) },
      };
    }
    const request: RequestEntry = { requestId, startedAt };
    return { ...payload, control: 'continue', context: { entries: { ...this.entries(payload), [CONTEXT_CLIENT]: decision.client, [CONTEXT_REQUEST]: request } } };
  }

  private async supergraphRequest(payload: StagePayload): Promise<StagePayload> {
    const client = this.clientOf(payload);
    if (!client) return { ...payload, control: { break: 401 }, body: errorBody('no authenticated client in the router context: the RouterRequest stage must go through this coprocessor (headers and context)', { code: 'UNAUTHENTICATED' }) };
    const body = payload.body as { query?: string; operationName?: string } | undefined;
    const query = body?.query ?? '';
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch {
      // The router answers a document it cannot parse itself; nothing to check or name.
      return { ...payload, control: 'continue' };
    }
    const hash = sha256(query);
    try {
      await checkOperation({ documents: this.documents, production: this.production }, client, document, hash);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 403;
      return { ...payload, control: { break: status }, body: errorBody(error.message, error.extensions) };
    }
    const operation: OperationEntry = { operationName: body?.operationName ?? null, documentHash: hash, fields: fieldCoordinates(this.apiSchema, document, hash, body?.operationName), wrote: isWrite(document, body?.operationName) };
    // A write is recorded before it runs (recordAttempt): unrecorded, it does not run.
    const request = this.entries(payload)[CONTEXT_REQUEST] as RequestEntry | undefined;
    if (operation.wrote && request) {
      try {
        await recordAttempt(this.audit, { requestId: request.requestId, client, reads: emptyReads(), startedAt: request.startedAt }, { operationName: operation.operationName, documentHash: operation.documentHash, fields: operation.fields });
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        return { ...payload, control: { break: 503 }, body: errorBody(error.message, { code: 'AUDIT_UNAVAILABLE' }) };
      }
    }
    return { ...payload, control: 'continue', context: { entries: { ...this.entries(payload), [CONTEXT_OPERATION]: operation } } };
  }

  private async subgraphRequest(payload: StagePayload): Promise<StagePayload> {
    const client = this.clientOf(payload);
    const request = this.entries(payload)[CONTEXT_REQUEST] as RequestEntry | undefined;
    const subgraph = payload.serviceName;
    if (!client || !subgraph) {
      return { ...payload, control: { break: 401 }, body: errorBody('the subgraph request cannot be signed: no authenticated client in the router context, or no service name (configure headers, body, context and service_name for subgraph requests)', { code: 'UNAUTHENTICATED' }) };
    }
    if (subgraph === AUDIT_SUBGRAPH_NAME) {
      // The gateway's own subgraph: executed here over the access database; break 200 answers this fetch.
      const body = payload.body as { query: string; variables?: Record<string, unknown>; operationName?: string };
      const context: GatewayContext = { requestId: request?.requestId ?? payload.id, client, reads: emptyReads(), startedAt: request?.startedAt ?? Date.now() };
      const result = await execute({ schema: this.auditSchema, document: parse(body.query), variableValues: body.variables, operationName: body.operationName, contextValue: context });
      return { ...payload, control: { break: 200 }, body: JSON.parse(JSON.stringify(result)) };
    }
    if (payload.body === undefined) {
      return { ...payload, control: { break: 500 }, body: errorBody('the subgraph request cannot be signed without its body: configure `coprocessor.subgraph.all.request.body: true`', { code: 'INTERNAL_SERVER_ERROR' }) };
    }
    // The router replaces the subgraph request's headers with these: keep its own, never a client's credential.
    const headers: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(payload.headers ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'cookie' || lower === IDENTITY_HEADER) continue;
      headers[name] = values;
    }
    headers[IDENTITY_HEADER] = [this.signer.signCanonical(client, subgraph, payload.body)];
    headers[REQUEST_ID_HEADER] = [request?.requestId ?? payload.id];
    return { ...payload, control: 'continue', headers };
  }

  private async subgraphResponse(payload: StagePayload): Promise<StagePayload> {
    const body = payload.body as { extensions?: unknown } | undefined;
    if (!body || typeof body !== 'object') return payload;
    const seen = emptyReads();
    takeReads(body, seen);
    const key = `${CONTEXT_READS_PREFIX}${payload.subgraphRequestId ?? randomUUID()}`;
    const reads = { indicators: [...seen.indicators], enterprises: [...seen.enterprises], months: [...seen.months] };
    // Return every entry received: the router deletes keys it sent and does not get back.
    return { ...payload, body, context: { entries: { ...this.entries(payload), [key]: reads } } };
  }

  private async routerResponse(payload: StagePayload): Promise<StagePayload> {
    const entries = this.entries(payload);
    const client = this.clientOf(payload);
    const request = entries[CONTEXT_REQUEST] as RequestEntry | undefined;
    if (!request) return payload;
    const operation = (entries[CONTEXT_OPERATION] as OperationEntry | undefined) ?? { operationName: null, documentHash: null, fields: [] };
    const reads = emptyReads();
    for (const [key, value] of Object.entries(entries)) {
      if (!key.startsWith(CONTEXT_READS_PREFIX)) continue;
      const v = value as { indicators?: string[]; enterprises?: string[]; months?: string[] };
      for (const x of v.indicators ?? []) reads.indicators.add(x);
      for (const x of v.enterprises ?? []) reads.enterprises.add(x);
      for (const x of v.months ?? []) reads.months.add(x);
    }
    let result: { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } = {};
    try {
      result = typeof payload.body === 'string' ? JSON.parse(payload.body) : ((payload.body as typeof result) ?? {});
    } catch {
      result = { errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
    }
    const { outcome, codes, refusedIndicators } = outcomeOf(result);
    const context: GatewayContext = { requestId: request.requestId, client, reads, startedAt: request.startedAt };
    const headers = { ...(payload.headers ?? {}), [REQUEST_ID_HEADER]: [request.requestId] };
    const { wrote = false, ...recorded } = operation;
    const failed = await recordAnswer(this.audit, auditEntry(context, outcome, codes, { ...recorded, refusedIndicators }), wrote ? result : null);
    if (failed && 'withhold' in failed) {
      return {
        ...payload,
        control: { break: 503 },
        body: JSON.stringify(errorBody(failed.withhold.message, { code: 'AUDIT_UNAVAILABLE' })),
        headers: { ...headers, 'content-type': ['application/json'] },
      };
    }
    if (failed) {
      // The write ran: said so, its data withheld (nothing would record what it carried).
      return { ...payload, control: 'continue', headers, body: JSON.stringify({ data: null, errors: [failed.incomplete] }) };
    }
    return { ...payload, control: 'continue', headers };
  }
}
