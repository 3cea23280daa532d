/**
 * `@huishang/hive-access`: Huishang's edge for Hive Gateway (@graphql-hive/gateway), so a
 * standard federation gateway serves the committed supergraph on the same terms as ours:
 *
 * - every GraphQL request needs a client's bearer token (the access database's clients, the same
 *   ClientStore and rate limits as our gateway, through `@huishang/gateway/access`): otherwise
 *   401 UNAUTHENTICATED / 429 RATE_LIMITED before any parsing; requests without a valid token
 *   limited per source address (HUISHANG_UNAUTHENTICATED_PER_MINUTE) and audited once per address
 *   and minute, by the same code as ours;
 * - our gateway's limits on an operation, by its code (`operationLimits`): MAX_QUERY_TOKENS at
 *   parsing, MAX_QUERY_DEPTH, MAX_QUERY_ALIASES and MAX_ROOT_FIELDS at validation, MAX_QUERY_COST
 *   (the supergraph's @listSize/@cost with the request's variables) before execution, each refused
 *   with the same QUERY_TOO_COMPLEX error; the supergraph read for the cost is SUPERGRAPH_PATH
 *   (default the committed one), as our gateway reads it;
 * - the operation checks of our gateway (safelist mode, production introspection);
 * - every subgraph request carries the caller's identity signed for that subgraph and that body
 *   (`@huishang/schema/identity`'s IdentitySigner, the private key from
 *   HUISHANG_GATEWAY_PRIVATE_KEY or the embedded default's key file): the subgraphs refuse
 *   anything else, and judge every figure by that identity;
 * - the gateway's own `audit` subgraph (`viewer`, `auditTrail`, `auditTrailIntegrity`) runs in
 *   this process over the access database, as in ours;
 * - the audit record (who, what, which indicators/enterprises/months the subgraphs served, how it
 *   ended) is committed before the answer leaves; if it cannot be written the answer is withheld
 *   (503 AUDIT_UNAVAILABLE).
 *
 * Used from a Hive Gateway config (`gateway.config.cjs` beside this package is one):
 *   exports.gatewayConfig = { plugins: () => [useHuishangAccess()], transportEntries: huishangTransportEntries() };
 */
import { createHash } from 'node:crypto';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway';
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
  limitUnauthenticated,
  openAccessDatabase,
  operationLimits,
  recordAnswer,
  recordAttempt,
  outcomeOf,
  RateLimiter,
  REQUEST_ID_HEADER,
  requestIdFrom,
  takeReads,
  unauthenticatedPerMinute,
  type GatewayContext,
} from '@huishang/gateway/access';
import { gatewaySigner, IDENTITY_HEADER, productionMode } from '@huishang/schema/identity';
import { SUBGRAPH_NAMES, subgraphUrl } from '@huishang/schema';

export interface HuishangAccessOptions {
  /** Where the keys, the access database, rate limits, production mode are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** What one client request carries through Hive Gateway's hooks (`context.huishang`). */
interface RequestState extends GatewayContext {
  operationName: string | null;
  documentHash: string | null;
  fields: string[];
  /** A mutation: recorded before it runs, and answered (not withheld) when its result cannot be recorded. */
  wrote?: boolean;
}

interface Resources {
  clients: ClientStore;
  documents: DocumentStore;
  audit: AuditLog;
  auditSchema: GraphQLSchema;
  limiter: RateLimiter;
  close(): Promise<void>;
}

/**
 * How Hive Gateway reaches each department — required beside the plugin:
 * - at `INDUSTRY_URL` & co. (default http://localhost:<port>/graphql), as our gateway reads them,
 *   instead of the routing URLs baked into the committed supergraph;
 * - with `deduplicateInflightRequests: false`: Hive Gateway's HTTP executor otherwise shares
 *   identical subgraph requests in flight by URL and body alone, before `onFetch` signs them, so
 *   a caller could be answered with another department's figures (test/scale/hive-gateway.test.ts
 *   shows it). Our gateway shares them per client only (gateway/src/subgraphs.ts).
 * The `audit` subgraph is executed in process by the plugin.
 */
export function huishangTransportEntries(env: NodeJS.ProcessEnv = process.env): Record<string, { location: string; options: { deduplicateInflightRequests: false } }> {
  return Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, { location: subgraphUrl(name, env), options: { deduplicateInflightRequests: false } }]));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function json(status: number, body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

function setHeader(options: { headers?: unknown }, name: string, value: string): Record<string, string> | undefined {
  const headers = options.headers as Headers | Record<string, string> | undefined;
  if (headers && typeof (headers as Headers).set === 'function') {
    (headers as Headers).set(name, value);
    return undefined;
  }
  return { ...((headers as Record<string, string>) ?? {}), [name]: value };
}

/** The Hive Gateway plugin. Opens the access database at once; its hooks wait for it. */
export function useHuishangAccess(options: HuishangAccessOptions = {}): GatewayPlugin {
  const env = options.env ?? process.env;
  const production = productionMode(env);
  // Before anything opens: in production a missing key refuses the start, as in our gateway.
  const signer = gatewaySigner(env);
  const limits = operationLimits(env);
  const perAddress = unauthenticatedPerMinute(env);
  const opening: Promise<Resources> = (async () => {
    const orm = await openAccessDatabase();
    const audit = new AuditLog(orm);
    const limiter = RateLimiter.fromEnvironment(Number(env.HUISHANG_RATE_LIMIT_PER_MINUTE ?? 1_200), env);
    return {
      clients: new ClientStore(orm, Number(env.HUISHANG_CLIENT_CACHE_MS ?? 2_000), production),
      documents: new DocumentStore(orm),
      audit,
      auditSchema: auditSubgraphSchema(audit),
      limiter,
      close: async () => {
        await limiter.close();
        await orm.close();
      },
    };
  })();
  // A failure surfaces in the first request's hooks; do not crash the process meanwhile.
  opening.catch(() => undefined);

  /** Per client request, by its Request object (the same object in every Yoga hook). */
  const states = new WeakMap<Request, RequestState>();
  /** Subgraph URL → name, learnt from the transport entries Hive Gateway executes with. */
  const subgraphByUrl = new Map<string, string>(SUBGRAPH_NAMES.map((name) => [subgraphUrl(name, env), name]));
  const stateOf = (context: unknown): RequestState | undefined => (context as { huishang?: RequestState } | undefined)?.huishang;

  return {
    /**
     * GraphQL requests only (Hive Gateway's landing page, /healthcheck and /readiness end earlier):
     * the token and the rate limit, before the body is read. A refusal is audited and answered here.
     */
    async onRequestParse({ request, endResponse, serverContext }) {
      const startedAt = Date.now();
      const resources = await opening;
      const requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
      const decision = await authenticateBearer(request.headers.get('authorization'), resources.clients, resources.limiter, startedAt);
      if ('refusal' in decision) {
        // Node's socket under Hive Gateway's HTTP server (serverContext.req), as our gateway counts it.
        const address = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress ?? 'unknown';
        const { refusal, audited } = await limitUnauthenticated(decision.refusal, address, resources.limiter, perAddress, startedAt);
        const { status, code, message, headers, client } = refusal;
        const context: GatewayContext = { requestId, client, reads: emptyReads(), startedAt };
        if (audited) await resources.audit.append(auditEntry(context, code, [code])).catch(() => undefined);
        endResponse(json(status, { errors: [{ message, extensions: { code } }] }, { ...headers, [REQUEST_ID_HEADER]: requestId }));
        return;
      }
      states.set(request, { requestId, client: decision.client, reads: emptyReads(), startedAt, operationName: null, documentHash: null, fields: [] });
    },

    /** MAX_QUERY_TOKENS: graphql's parser stops past it, as in our gateway (GRAPHQL_PARSE_FAILED). */
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, parseOptions) => parseFn(source, { ...parseOptions, maxTokens: limits.maxTokens }));
    },

    /** Depth, aliases, root fields: our gateway's validation rules. */
    onValidate({ addValidationRule }) {
      for (const rule of limits.validationRules) addValidationRule(rule);
    },

    onContextBuilding({ context, extendContext }) {
      const state = states.get((context as { request: Request }).request);
      if (state) extendContext({ huishang: state } as never);
    },

    /** After validation: what the operation selects (for the audit record) and our gateway's operation checks. */
    async onExecute({ args, setResultAndStopExecution }) {
      const state = stateOf(args.contextValue);
      if (!state) return;
      const resources = await opening;
      // Apollo Server's queryHash, which `huishang documents add` registers: SHA-256 of the document text.
      const text = (args.contextValue as { params?: { query?: string } }).params?.query ?? '';
      const hash = sha256(text);
      state.operationName = args.operationName ?? null;
      state.documentHash = hash;
      state.fields = fieldCoordinates(args.schema, args.document as DocumentNode, hash, args.operationName);
      try {
        // The cost needs the request's variables, so it is checked here rather than at validation.
        limits.checkCost(args.schema, args.document as DocumentNode, args.operationName, args.variableValues as Record<string, unknown> | undefined);
        await checkOperation({ documents: resources.documents, production }, state.client, args.document as DocumentNode, hash);
        // A write is recorded before it runs (recordAttempt): unrecorded, it does not run.
        state.wrote = isWrite(args.document as DocumentNode, args.operationName);
        if (state.wrote) await recordAttempt(resources.audit, state, { operationName: state.operationName, documentHash: hash, fields: state.fields });
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        setResultAndStopExecution({ errors: [error] });
      }
    },

    /**
     * Each subgraph request: the `audit` subgraph is executed here (the trail is this gateway's
     * database); a department's answer gives up what it says it served to the audit record.
     */
    onSubgraphExecute({ subgraphName, transportEntry, executionRequest, setExecutor }) {
      const state = stateOf(executionRequest.context);
      if (transportEntry?.location) subgraphByUrl.set(transportEntry.location, subgraphName);
      if (subgraphName === AUDIT_SUBGRAPH_NAME) {
        setExecutor((async (request: { document: DocumentNode; variables?: Record<string, unknown>; context?: unknown; operationName?: string }) => {
          const resources = await opening;
          return execute({ schema: resources.auditSchema, document: request.document, variableValues: request.variables, contextValue: stateOf(request.context) ?? { client: null }, operationName: request.operationName });
        }) as never);
        return;
      }
      return ({ result }) => {
        if (state && result && typeof result === 'object' && !(Symbol.asyncIterator in result)) takeReads(result as ExecutionResult, state.reads);
      };
    },

    /**
     * The wire request to a department: the caller's identity signed for that subgraph over this
     * exact body (and the W3C traceparent when one is sent, signed with it), and the request id.
     * Hive Gateway forwards no client header by default, so a client's own identity header never
     * reaches a subgraph.
     */
    onFetch({ url, options, setOptions, context }) {
      const state = stateOf(context);
      if (!state?.client) return;
      const subgraph = subgraphByUrl.get(String(url));
      if (!subgraph) return;
      // Hive Gateway's HTTP transport sends the body as a JSON string: exactly the bytes signed.
      const body = typeof options.body === 'string' ? options.body : Buffer.from(new Uint8Array((options.body as ArrayBuffer | undefined) ?? new ArrayBuffer(0)));
      const headers = options.headers as Headers | Record<string, string> | undefined;
      const traceparent = headers && typeof (headers as Headers).get === 'function' ? (headers as Headers).get('traceparent') ?? undefined : (headers as Record<string, string> | undefined)?.traceparent;
      const signature = signer.sign(state.client, subgraph, body, Date.now(), traceparent);
      let replaced = setHeader(options, IDENTITY_HEADER, signature);
      if (replaced) options = { ...options, headers: replaced };
      replaced = setHeader(options, REQUEST_ID_HEADER, state.requestId);
      if (replaced) options = { ...options, headers: replaced };
      setOptions(options);
    },

    /** The audit record, committed before the answer is serialised; if it cannot be, the answer is withheld. */
    async onResultProcess({ request, result, setResult }) {
      const state = states.get(request);
      if (!state || Array.isArray(result) || Symbol.asyncIterator in (result as object)) return;
      const resources = await opening;
      const { outcome, codes, refusedIndicators } = outcomeOf(result as ExecutionResult);
      // A write refused before it ran (its attempt could not be recorded) has nothing more to record.
      if (state.wrote && codes.includes('AUDIT_UNAVAILABLE') && (result as ExecutionResult).data == null) return;
      const failed = await recordAnswer(resources.audit, auditEntry(state, outcome, codes, { operationName: state.operationName, documentHash: state.documentHash, fields: state.fields, refusedIndicators }), state.wrote ? (result as ExecutionResult) : null);
      if (failed && 'withhold' in failed) {
        setResult({ errors: [new GraphQLError(failed.withhold.message, { extensions: { ...failed.withhold.extensions, http: { status: 503 } } })] });
      } else if (failed) {
        setResult({ data: null, errors: [new GraphQLError(failed.incomplete.message, { extensions: failed.incomplete.extensions })] });
      }
    },

    /** Echo the request id, so a caller can quote it. */
    onResponse({ request, response }) {
      const state = states.get(request);
      if (state) response.headers.set(REQUEST_ID_HEADER, state.requestId);
    },

    async onDispose() {
      await (await opening.catch(() => null))?.close();
    },
  } as GatewayPlugin;
}
