import { buildSchema, type GraphQLSchema } from 'graphql';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { IncomingMessage } from 'node:http';
import { createHttpServer, createLogger, gatewaySigner, HttpRefusal, productionMode, listen, logRequest, portVariable, startTracing } from '@huishang/schema';
import { gracefulDrain } from './drain';
import { AuditLog } from './access/audit';
import { aliasShadowsKeyRule, entityKeyFields, requiresSelections } from './aliasKeys';
import { AUDIT_SUBGRAPH_NAME, auditSubgraphSchema } from './access/auditSubgraph';
import { ClientStore, demoClientsFile, DocumentStore, ensureDemoClients, openAccessDatabase, registeredDocuments, type AuthenticatedClient } from './access/clients';
import { accessPlugin } from './access/plugin';
import { auditEntry } from './access/audit';
import { authenticateBearer, limitUnauthenticated, unauthenticatedPerMinute as unauthenticatedPerMinuteOf, type EdgeRefusal } from './access/edge';
import { newDocumentsPerMinute, RateLimiter, SeenDocuments } from './access/rateLimit';
import { registerDemoDocuments } from './access/demo';
import { aliasLimitRule, costDirectives, costLimitPlugin, readProtectionConfig, rootFieldLimitRule, tokenLimitParseOptions } from './protection';
import { readGatewayConfig } from './config';
import { createGatewayContext, emptyReads, REQUEST_ID_HEADER, requestIdOf, type GatewayContext } from './context';
import { createFormatError, responseIntegrityPlugin } from './errors';
import { graphiqlRoutes } from './graphiql';
import { reportPageRoutes } from './reportPage';
import { healthRoutes } from './health';
import { GatewayMetrics } from './metrics';
import { requestLogPlugin } from './logging';
import { SubgraphClient } from './subgraphClient';
import { SubgraphBreaker } from './resilience';
import { checkSubgraph, isSubgraphName, resolveSubgraphUrl, SubgraphDataSource } from './subgraphs';
import { AnswerCache, answerCacheSettings } from './answerCache';
import { installResultShaping } from './resultShaping';
import { readSupergraph } from './supergraph';
import { depthLimitRule, identifierArgumentsRule } from './validation';
import { installIdentifierScalars } from './variables';

export interface GatewayOptions {
  /** Composed supergraph SDL; default: SUPERGRAPH_PATH or the committed schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Default: GATEWAY_PORT, else 4000. 0 picks a free port. */
  port?: number;
  /** Where INDUSTRY_URL & co., MAX_QUERY_DEPTH, HOST, … are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Stop on SIGTERM/SIGINT (default true); tests that start several gateways turn it off. */
  handleSignals?: boolean;
  /**
   * Authentication, signed identities, audit trail (default on). Only the gateway's own unit tests,
   * which run it against stand-in subgraphs, turn it off; nothing in the environment can.
   */
  access?: boolean;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Subgraph name → the GraphQL URL the gateway sends its queries to. */
  subgraphs: ReadonlyMap<string, string>;
  /** Drains and stops; `true` waits SHUTDOWN_DELAY_MS first, as on SIGTERM. */
  stop: (delay?: boolean) => Promise<void>;
}

const SERVICE = 'gateway';

/** Loads the supergraph, serves it through Apollo Server on Node's http module, and returns how to stop it. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(env).sdl;
  const config = readGatewayConfig(env, options.port);
  const protection = readProtectionConfig(env);
  const withAccess = options.access !== false;
  const production = productionMode(env);
  // Before anything opens: in production a missing key refuses the start (StartupRefused, one line).
  const signer = withAccess ? gatewaySigner(env) : undefined;
  const logger = createLogger(SERVICE, env);
  const tracing = startTracing(SERVICE, env);

  // The access database: clients, persisted documents, the audit trail.
  const accessOrm = withAccess ? await openAccessDatabase() : null;
  const clients = accessOrm ? new ClientStore(accessOrm, Number(env.HUISHANG_CLIENT_CACHE_MS ?? 2_000), production) : null;
  const documents = accessOrm ? new DocumentStore(accessOrm) : null;
  const audit = accessOrm ? new AuditLog(accessOrm) : null;
  const limiter = RateLimiter.fromEnvironment(Number(env.HUISHANG_RATE_LIMIT_PER_MINUTE ?? 1_200), env);
  /** Requests without a valid token per source address per minute before 429 (0: unlimited). */
  const unauthenticatedPerMinute = unauthenticatedPerMinuteOf(env);
  let demoHeaders: string | undefined;
  if (clients && documents && !production && env.HUISHANG_DEMO_CLIENTS !== 'off') {
    const demo = await ensureDemoClients(clients, demoClientsFile(env));
    await registerDemoDocuments(documents);
    demoHeaders = JSON.stringify({ Authorization: `Bearer ${demo.tokens.industry.token}` }, null, 2);
    logger.info({ file: demo.file }, `demo clients (one analyst per department) ${demo.created ? 'written to' : 'in'} ${demo.file}; send "Authorization: Bearer <token>"`);
  }
  // Result shaping without per-value re-reading of the operation (GATEWAY_RESULT_SHAPING=apollo: @apollo/gateway's own).
  installResultShaping(env);

  /** Subgraph name → the URL actually used, filled as ApolloGateway creates its data sources. */
  const subgraphs = new Map<string, string>();
  const client = new SubgraphClient({ timeoutMs: config.subgraphTimeoutMs });
  const probeSubgraphs = () => Promise.all([...subgraphs].map(([name, url]) => checkSubgraph(name, url, config.readyTimeoutMs)));
  const metrics = new GatewayMetrics(probeSubgraphs);
  /** One circuit breaker per subgraph: a dead department costs nothing after a few failures. */
  const breakers = new Map<string, SubgraphBreaker>();
  // Departments' answers shared by the replicas through Redis (answerCache.ts; HUISHANG_ANSWER_CACHE).
  const cacheSettings = withAccess && signer ? answerCacheSettings(env) : null;
  const cache = cacheSettings ? new AnswerCache(cacheSettings, signer!.derivedSecret('huishang answer cache'), metrics, (message) => logger.warn(message)) : undefined;
  if (cacheSettings) logger.info({ ttlMs: cacheSettings.ttlMs }, 'gateway: answer cache on (HUISHANG_ANSWER_CACHE, Redis)');
  // The supergraph's types (@inaccessible fields included), which every subgraph answer is checked against.
  const supergraphTypes = buildSchema(supergraphSdl, { assumeValidSDL: true });
  const gateway = new ApolloGateway({
    supergraphSdl,
    // A bound on planning time, which blocks every request in flight (config.ts).
    queryPlannerConfig: { debug: { maxEvaluatedPlans: config.queryPlannerMaxEvaluatedPlans } },
    // Never a query plan in an answer: Apollo's default shows one to any caller sending
    // `Apollo-Query-Plan-Experimental` unless NODE_ENV=production, and a plan names @inaccessible
    // fields and the subgraphs' internals (a fresh tester's finding; our production mode is HUISHANG_MODE).
    __exposeQueryPlanExperimental: false,
    buildService: ({ name, url }) => {
      // The audit subgraph runs in this process, over the gateway's own database.
      if (name === AUDIT_SUBGRAPH_NAME && audit) return new LocalGraphQLDataSource(auditSubgraphSchema(audit));
      const target = resolveSubgraphUrl(name, url, env);
      subgraphs.set(name, target);
      let breaker = breakers.get(name);
      if (!breaker) {
        breaker = new SubgraphBreaker(name, config.breaker, (state) => {
          metrics.breakerState(name, state);
          console.log(`gateway: circuit breaker of subgraph ${name} is now ${state}`);
        });
        breakers.set(name, breaker);
        metrics.breakerState(name, 'closed');
      }
      return new SubgraphDataSource({ name, signer, url: target, client, deduplicate: config.deduplicateSubgraphRequests, mutationTimeoutMs: config.subgraphMutationTimeoutMs, breaker, metrics, schema: supergraphTypes, cache: isSubgraphName(name) ? cache : undefined });
    },
  });

  let schemaLoaded = false;
  let currentApiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    installIdentifierScalars(apiSchema);
    currentApiSchema = apiSchema;
    schemaLoaded = true;
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createFormatError({ stacktraces: config.stacktraces && !production, production, schema: () => currentApiSchema }),
    validationRules: [
      // Before planning: a query the planner would answer wrongly is refused (aliasKeys.ts).
      aliasShadowsKeyRule(entityKeyFields(supergraphSdl), requiresSelections(supergraphSdl)),
      identifierArgumentsRule,
      depthLimitRule(config.maxQueryDepth),
      aliasLimitRule(protection.maxAliases),
      rootFieldLimitRule(protection.maxRootFields),
    ],
    parseOptions: tokenLimitParseOptions(protection.maxTokens),
    // A registered document (`huishang documents add`) can be sent by its hash alone, as Apollo's
    // persisted-query protocol does (extensions.persistedQuery.sha256Hash). The registry is the
    // only source: a client cannot register a document by sending it (set is a no-op), so a
    // safelisted client's unregistered document is still refused by the access plugin.
    ...(documents ? { persistedQueries: { cache: registeredDocuments(documents), ttl: null } } : {}),
    // GraphiQL's docs and completion run on introspection; in production mode the access plugin
    // lets only analysts and administrators introspect.
    introspection: true,
    // Apollo's default, stated: a browser cannot send a simple (CSRF-able) request that runs.
    csrfPrevention: true,
    // The gateway drains on signals itself (drain.ts); Apollo's own handler would stop it a second time.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.stacktraces,
    plugins: [
      // Apollo's landing page loads from a CDN; ours (graphiql.ts) is served locally.
      ApolloServerPluginLandingPageDisabled(),
      // First: it refuses an unresolvable operation before other plugins look at it, and its
      // errors are in the response before the metrics count them.
      responseIntegrityPlugin(),
      metrics.plugin(),
      // The cost limit needs the request's variables, so it runs after validation (protection.ts).
      costLimitPlugin(protection.maxCost, costDirectives(supergraphSdl)),
      requestLogPlugin(logger),
      ...(audit && documents ? [accessPlugin({ audit, documents, production, newDocuments: { limiter, perMinute: newDocumentsPerMinute(env), seen: new SeenDocuments() } })] : []),
      {
        // Echo the request id, so a caller can quote it when reporting a problem.
        requestDidStart: async ({ contextValue }) => ({
          willSendResponse: async ({ response }) => {
            response.http.headers.set(REQUEST_ID_HEADER, contextValue.requestId);
          },
        }),
      },
    ],
  });
  await apollo.start();

  let stopping = false;
  /** Bearer token → client, then the client's rate limit; a refusal is audited too. */
  const authenticate = async (req: IncomingMessage): Promise<{ client: AuthenticatedClient; startedAt: number }> => {
    const startedAt = Date.now();
    /** `refusal` is the edge's (edge.ts); without an identity it is counted per source address there. */
    const refuse = async (decided: EdgeRefusal): Promise<never> => {
      const { refusal, audited } = await limitUnauthenticated(decided, req.socket.remoteAddress ?? 'unknown', limiter, unauthenticatedPerMinute, startedAt);
      const { status, code, message, client, headers } = refusal;
      const context = { requestId: requestIdOf(req), client, reads: emptyReads(), startedAt };
      // The log line has every refusal; the audit trail the first of an address in each minute.
      logRequest(logger, { requestId: context.requestId, clientId: client?.clientId ?? null, department: client?.department ?? null, role: client?.role ?? null, operationName: null, outcome: code, errorCodes: [code], durationMs: Date.now() - startedAt });
      if (audited) await audit!.append(auditEntry(context, code, [code])).catch(() => undefined);
      throw new HttpRefusal(status, code, message, { [REQUEST_ID_HEADER]: context.requestId, ...headers });
    };
    const decision = await authenticateBearer(req.headers.authorization, clients!, limiter, startedAt);
    if ('refusal' in decision) return refuse(decision.refusal);
    const client = decision.client;
    return { client, startedAt };
  };

  const server = createHttpServer<GatewayContext>({
    service: SERVICE,
    logger,
    // A caller's W3C traceparent is continued (the gateway's trace then joins the caller's).
    traceparent: (req) => (typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined),
    apollo,
    context: createGatewayContext,
    ...(withAccess ? { authenticate } : {}),
    maxBodyBytes: Number(env.MAX_REQUEST_BYTES ?? 256_000),
    routes: {
      ...graphiqlRoutes(undefined, demoHeaders),
      ...reportPageRoutes(),
      ...healthRoutes({
        service: SERVICE,
        schemaLoaded: () => schemaLoaded,
        // The gateway's own database (clients, documents, audit trail): without it nothing can be served.
        accessDatabase: accessOrm ? async () => void (await accessOrm.em.fork().getConnection().execute('select 1')) : undefined,
        probeSubgraphs,
        breakerStates: () => new Map([...breakers].map(([name, breaker]) => [name, breaker.state])),
        shuttingDown: () => stopping,
      }),
      '/metrics': metrics.route(),
    },
  });
  const bound = await listen(server, config.port, SERVICE, portVariable('gateway'), config.host);

  const release = async () => {
    await apollo.stop();
    for (const breaker of breakers.values()) breaker.shutdown();
    client.close();
    await cache?.close();
    await limiter.close();
    await accessOrm?.close();
    await tracing.shutdown();
  };
  const drain = gracefulDrain(server, { delayMs: config.shutdownDelayMs, graceMs: config.shutdownGraceMs });
  let stopped: Promise<void> | undefined;
  /** Drains (see gracefulDrain), then releases Apollo, the breakers, the subgraph connections and the database. */
  const stop = (delay = false) =>
    (stopped ??= (async () => {
      stopping = true;
      await drain(delay);
      await release();
    })());
  if (options.handleSignals !== false) {
    const onSignal = (signal: string) => {
      if (stopping) return;
      logger.info(`${SERVICE}: ${signal} received, draining (no new requests after ${config.shutdownDelayMs} ms, up to ${config.shutdownGraceMs} ms for those in flight)`);
      const force = setTimeout(() => process.exit(1), config.shutdownDelayMs + config.shutdownGraceMs + 5_000);
      force.unref();
      stop(true).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`${SERVICE}: shutdown failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  }

  return { url: `http://localhost:${bound}/graphql`, port: bound, subgraphs, stop };
}
