import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { answerProblem } from './answerCheck';
import { currentTraceparent, IDENTITY_HEADER, SUBGRAPH_NAMES, subgraphUrl, type IdentitySigner, type SubgraphName } from '@huishang/schema';
import { REQUEST_ID_HEADER, takeReads, type GatewayContext } from './context';
import type { GatewayMetrics } from './metrics';
import { SUBGRAPH_INTERNAL_ERROR, withoutAddresses } from './errors';
import { classifyFailure, failureOfStatus, SubgraphBreaker, SubgraphErrorCode, SubgraphFailure, unservedPaths } from './resilience';
import type { SubgraphClient, SubgraphHttpResponse } from './subgraphClient';
import type { AnswerCache } from './answerCache';

/**
 * Headers the gateway itself puts on a subgraph request. Everything else is dropped: a client's
 * Authorization or Cookie is for the gateway, never for a department's service.
 */
const KEPT_HEADERS = new Set(['content-type', 'apollo-federation-include-trace']);

type Options = GraphQLDataSourceProcessOptions<Partial<GatewayContext>>;
type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** `max-age=60, public` → { 'max-age': '60', public: true } (as @apollo/gateway reads a subgraph's Cache-Control). */
function parseCacheControl(header: string | undefined): Record<string, string | true> {
  const result: Record<string, string | true> = {};
  if (!header) return result;
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [key, value] = part.split(/\s*=\s*/, 2);
    result[key] = value === undefined ? true : value.replace(/^"|"$/g, '');
  }
  return result;
}

export interface SubgraphDataSourceOptions {
  /** Subgraph name: the audience of the identity the gateway signs for it. */
  name?: string;
  /** Signs the caller's identity onto each request; without it (unit tests) none is sent. */
  signer?: IdentitySigner;
  url: string;
  client: SubgraphClient;
  /** Share one subgraph request among identical queries in flight at the same time (default true). */
  deduplicate?: boolean;
  /** Timeout of a mutation (SUBGRAPH_MUTATION_TIMEOUT_MS); default: the client's (SUBGRAPH_TIMEOUT_MS). */
  mutationTimeoutMs?: number;
  /** The subgraph's circuit breaker; without it every request goes out. */
  breaker?: SubgraphBreaker;
  /** Where request durations and failures are counted. */
  metrics?: GatewayMetrics;
  /** The supergraph's types, which every answer is checked against (answerCheck.ts); without it (unit tests) answers are not checked. */
  schema?: GraphQLSchema;
  /** The shared answer cache (answerCache.ts); without it every query goes to the subgraph. */
  cache?: AnswerCache;
}

/**
 * Talks to one subgraph. Does what @apollo/gateway's RemoteGraphQLDataSource does for us — POST
 * the fetch's query, variables and operation name as JSON, turn a non-2xx answer into an error,
 * let the subgraph's Cache-Control restrict the response's cache policy — through the gateway's
 * keep-alive `SubgraphClient` instead of a fetch implementation. The request id is the only
 * header forwarded from the client.
 *
 * Identical queries in flight together are sent once: when the meeting's figures are opened by
 * everyone at once, the same fetch (same query, variables and forwarded headers but the request
 * id) waits for the request already under way instead of making the subgraph answer it again.
 * Each waiting fetch parses the shared answer itself, so no two client responses share objects.
 * Nothing is kept once the answer is in: this is not a cache. Mutations are never shared.
 */
export class SubgraphDataSource implements GraphQLDataSource<Partial<GatewayContext>> {
  readonly url: string;
  private readonly target: URL;
  private readonly client: SubgraphClient;
  private readonly deduplicate: boolean;
  private readonly mutationTimeoutMs?: number;
  private readonly name: string;
  private readonly signer?: IdentitySigner;
  private readonly inflight = new Map<string, Promise<SubgraphHttpResponse>>();
  private readonly breaker?: SubgraphBreaker;
  private readonly metrics?: GatewayMetrics;
  private readonly schema?: GraphQLSchema;
  private readonly cache?: AnswerCache;

  constructor(options: SubgraphDataSourceOptions) {
    this.schema = options.schema;
    this.cache = options.cache;
    this.breaker = options.breaker;
    this.metrics = options.metrics;
    this.url = options.url;
    this.target = new URL(options.url);
    this.client = options.client;
    this.deduplicate = options.deduplicate ?? true;
    this.mutationTimeoutMs = options.mutationTimeoutMs;
    this.name = options.name ?? '';
    this.signer = options.signer;
  }

  /** Subgraph requests currently in flight that other fetches may join (for tests and metrics). */
  get inflightRequests(): number {
    return this.inflight.size;
  }

  async process(options: Options): Promise<GatewayGraphQLResponse> {
    try {
      return await this.send(options);
    } catch (error) {
      // Down, hung, or garbage: the fields this fetch would have filled are null, each with a coded
      // error and its path, and the rest of the answer stands (README, "When a department fails").
      return this.failureResponse(options, classifyFailure(error));
    }
  }

  private failureResponse(options: Options, failure: SubgraphFailure): GatewayGraphQLResponse {
    const subgraph = this.name || 'subgraph';
    const message = `The ${subgraph} department's service could not answer (${failure.reason}); its fields are null in this answer.`;
    const extensions = { code: failure.code, subgraph };
    let paths: (string | number)[][] = [];
    try {
      // @apollo/gateway hands over the parsed fetch only when asked to; parsing it again is for failures only.
      if (options.kind === 'incoming operation') paths = unservedPaths(options.document ?? parse(options.request.query ?? ''), options.request.variables?.representations);
    } catch {
      paths = [];
    }
    return { errors: (paths.length ? paths : [undefined]).map((path) => new GraphQLError(message, { path, extensions })) } as GatewayGraphQLResponse;
  }

  private async send(options: Options): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (request.http?.headers) {
      for (const [name, value] of request.http.headers) if (KEPT_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    const text = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions });
    const query = isQuery(request.query);
    const client = options.context?.client ?? null;
    // Everything that makes the subgraph's answer what it is: the body, the forwarded headers and who asks.
    const key = this.deduplicate && query ? `${client?.clientId ?? ''}\n${headers['apollo-federation-include-trace'] ?? ''}\n${text}` : undefined;
    if (options.context?.requestId) headers[REQUEST_ID_HEADER] = options.context.requestId;

    // The shared cache: only queries, only for an authenticated caller, keyed on who asks (department
    // and role) and on the exact body; the department's versions are read in the same round trip.
    const lookup = this.cache && query && client ? await this.cache.lookup(this.name, [client.department, client.role, headers['apollo-federation-include-trace'] ?? '', text]) : undefined;
    if (lookup?.kind === 'hit') {
      // Checked against the schema when it was kept; its reads go to this request's audit record as a live answer's do.
      const parsed = JSON.parse(lookup.body) as GatewayGraphQLResponse;
      dropGrants(parsed);
      restrictCachePolicy(options, { status: 200, statusText: 'OK', headers: {}, body: EMPTY });
      collectReads(options, parsed);
      return parsed;
    }

    let pending = key === undefined ? undefined : this.inflight.get(key);
    if (!pending) {
      // The caller's identity, signed for this subgraph and this body: the subgraph answers nothing
      // else. Only for a request that goes out: a fetch joining one in flight sends nothing.
      // The trace continues in the subgraph from the span active here (@apollo/gateway's fetch span),
      // and the traceparent is signed with the identity: the subgraph trusts no other.
      const traceparent = currentTraceparent();
      if (traceparent) headers.traceparent = traceparent;
      if (this.signer && client) headers[IDENTITY_HEADER] = this.signer.sign(client, this.name, text, Date.now(), traceparent);
      // A query may go out twice (when a pooled connection turns out closed); a mutation never.
      const post = () => this.client.post(this.target, Buffer.from(text), headers, query, query ? undefined : this.mutationTimeoutMs, query || this.mutationTimeoutMs === undefined ? undefined : 'SUBGRAPH_MUTATION_TIMEOUT_MS');
      pending = this.measured(this.breaker ? this.breaker.fire(post) : post());
      if (key !== undefined) {
        this.inflight.set(key, pending);
        const forget = () => this.inflight.delete(key);
        pending.then(forget, forget);
      }
    }
    const response = await pending;
    if (response.status < 200 || response.status >= 300) {
      const failure = failureOfStatus(response);
      if (failure) throw failure;
      throw errorFromResponse(response);
    }
    let parsed: unknown;
    let bodyText: string;
    try {
      bodyText = response.body.toString('utf8');
      parsed = parseBody(response, bodyText);
    } catch {
      throw new SubgraphFailure(SubgraphErrorCode.BadResponse, 'the answer is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('data' in parsed || 'errors' in parsed)) {
      throw new SubgraphFailure(SubgraphErrorCode.BadResponse, 'the answer is not a GraphQL response (JSON object with data or errors)');
    }
    if (this.schema && options.kind === 'incoming operation') {
      // A wrong answer is not served: the fetch's fields are null with SUBGRAPH_BAD_RESPONSE, the subgraph and their paths.
      const problem = answerProblem(this.schema, options.document ?? parse(request.query), request.variables, parsed as { data?: unknown; errors?: unknown });
      if (problem) throw new SubgraphFailure(SubgraphErrorCode.BadResponse, `the answer does not fit the schema: ${problem}`);
    }
    // Kept only when complete: data, no error, and the subgraph's record of what it served (for the audit of every hit).
    if (lookup?.kind === 'miss' && completeAnswer(parsed as GatewayGraphQLResponse) && grantsOf(parsed as GatewayGraphQLResponse) === lookup.grants) lookup.store(bodyText);
    dropGrants(parsed as GatewayGraphQLResponse);
    restrictCachePolicy(options, response);
    collectReads(options, parsed as GatewayGraphQLResponse);
    this.ownErrors(options, parsed as GatewayGraphQLResponse);
    return parsed as GatewayGraphQLResponse;
  }

  /**
   * The subgraph's own GraphQL errors say where they come from: `extensions.subgraph`, and
   * SUBGRAPH_INTERNAL_ERROR when the subgraph gave no code or Apollo Server's INTERNAL_SERVER_ERROR
   * (e.g. its database refused a statement), so a caller tells a department's fault from the
   * gateway's own INTERNAL_SERVER_ERROR; the subgraph's coded refusals (FORBIDDEN, …) keep theirs,
   * no internal address in the message, and, when nothing was served (`data` null) and the error
   * has no path, the paths of the fields the fetch would have filled.
   */
  private ownErrors(options: Options, response: GatewayGraphQLResponse): void {
    if (!Array.isArray(response.errors) || response.errors.length === 0) return;
    const subgraph = this.name || 'subgraph';
    let unserved: (string | number)[][] | undefined;
    const pathsOf = () => {
      try {
        return options.kind === 'incoming operation' ? unservedPaths(options.document ?? parse(options.request.query ?? ''), options.request.variables?.representations) : [];
      } catch {
        return [];
      }
    };
    response.errors = response.errors.flatMap((error) => {
      const extensions: Record<string, unknown> = { ...(error.extensions ?? {}), subgraph };
      if (typeof extensions.code !== 'string' || extensions.code === 'INTERNAL_SERVER_ERROR') extensions.code = SUBGRAPH_INTERNAL_ERROR;
      const message = withoutAddresses(String(error.message ?? ''));
      if (error.path || response.data != null) return [new GraphQLError(message, { path: error.path, extensions })];
      unserved ??= pathsOf();
      return (unserved.length ? unserved : [undefined]).map((path) => new GraphQLError(message, { path, extensions }));
    }) as GatewayGraphQLResponse['errors'];
  }

  /** Duration and outcome of one request that went out, for /metrics. */
  private measured(pending: Promise<SubgraphHttpResponse>): Promise<SubgraphHttpResponse> {
    if (!this.metrics) return pending;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    pending.then(
      (response) => this.metrics!.subgraphRequest(this.name, seconds(), failureOfStatus(response)?.code),
      (error: unknown) => this.metrics!.subgraphRequest(this.name, seconds(), classifyFailure(error).code),
    );
    return pending;
  }
}

/** What the subgraph says it served goes into the request's audit record, not to the client. */
function collectReads(options: Options, response: GatewayGraphQLResponse): void {
  takeReads(response, options.context?.reads);
}

/** The query planner writes fetches as `query Name__subgraph__0(…){…}` or `{…}`; mutations start with `mutation`. */
function isQuery(operation: string): boolean {
  return /^\s*(query\b|\{)/.test(operation);
}

const EMPTY = Buffer.alloc(0);

/** The grants token the subgraph answered under (`extensions.huishangGrants`): for the cache, never for the client. */
function grantsOf(response: GatewayGraphQLResponse): unknown {
  return (response.extensions as { huishangGrants?: unknown } | undefined)?.huishangGrants;
}

function dropGrants(response: GatewayGraphQLResponse): void {
  if (response.extensions && 'huishangGrants' in response.extensions) delete (response.extensions as Record<string, unknown>).huishangGrants;
}

/** An answer the cache may keep: data, no errors, and the read record the audit needs. */
function completeAnswer(response: GatewayGraphQLResponse): boolean {
  if (response.data == null || typeof response.data !== 'object') return false;
  if (Array.isArray(response.errors) && response.errors.length > 0) return false;
  if ((response as { errors?: unknown }).errors !== undefined && !Array.isArray(response.errors)) return false;
  const reads = (response.extensions as { huishangReads?: unknown } | undefined)?.huishangReads;
  return typeof reads === 'object' && reads !== null;
}

function parseBody(response: SubgraphHttpResponse, text: string): unknown {
  const type = response.headers['content-type'] ?? '';
  return type.startsWith('application/json') || type.startsWith('application/graphql-response+json') ? JSON.parse(text) : text;
}

/**
 * A subgraph's 4xx: UNAUTHENTICATED (401) and FORBIDDEN (403) keep their meaning; any other is a
 * bad response. The subgraph's URL and body stay out of it: they describe the inside.
 */
function errorFromResponse(response: SubgraphHttpResponse): SubgraphFailure {
  if (response.status === 401) return new SubgraphFailure('UNAUTHENTICATED', 'the department refused the gateway’s signed identity (HTTP 401)', false);
  if (response.status === 403) return new SubgraphFailure('FORBIDDEN', 'the department refused the request (HTTP 403)', false);
  return new SubgraphFailure(SubgraphErrorCode.BadResponse, `HTTP ${response.status}`, false);
}

/** The client's response is cacheable only as long as every subgraph answer it is made of says so. */
function restrictCachePolicy(options: Options, response: SubgraphHttpResponse): void {
  if (options.kind !== 'incoming operation') return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (!policy || typeof policy.restrict !== 'function') return;
  const header = response.headers['cache-control'];
  const parsed = parseCacheControl(Array.isArray(header) ? header.join(', ') : header);
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: 0 };
  const maxAge = parsed['max-age'];
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = Number(maxAge);
  if (parsed.private === true) hint.scope = 'PRIVATE';
  if (parsed.public === true) hint.scope = 'PUBLIC';
  policy.restrict(hint);
}

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}

/**
 * Where the gateway sends a subgraph's queries: `INDUSTRY_URL` & co. (default
 * http://localhost:<port>/graphql) rather than the routing URL baked into the committed
 * supergraph, so a deployment or a test moves subgraphs without recomposing. A subgraph we do not
 * know by name keeps its routing URL.
 */
export function resolveSubgraphUrl(name: string, routingUrl: string | undefined, env: NodeJS.ProcessEnv): string {
  if (isSubgraphName(name)) return subgraphUrl(name, env);
  if (routingUrl) return routingUrl;
  throw new Error(`gateway: subgraph "${name}" has no routing URL in the supergraph and is not one of ${SUBGRAPH_NAMES.join(', ')}`);
}

/** `http://host:4003/graphql` → `http://host:4003/ready`: every subgraph serves readiness beside GraphQL. */
export function readyUrl(graphqlUrl: string): string {
  return `${graphqlUrl.replace(/\/+$/, '').replace(/\/graphql$/, '')}/ready`;
}

export interface SubgraphReadiness {
  name: string;
  url: string;
  ready: boolean;
  status?: number;
  error?: string;
}

export async function checkSubgraph(name: string, graphqlUrl: string, timeoutMs: number): Promise<SubgraphReadiness> {
  const url = readyUrl(graphqlUrl);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer(); // drain, so the keep-alive connection is reusable
    return { name, url, ready: response.status === 200, status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { name, url, ready: false, error: cause ?? (error as Error).message };
  }
}
