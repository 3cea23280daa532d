import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createHttpServer, listen, onShutdown, portVariable } from '@huishang/schema';
import { readGatewayConfig } from './config';
import { createGatewayContext, REQUEST_ID_HEADER, type GatewayContext } from './context';
import { createFormatError } from './errors';
import { graphiqlRoutes } from './graphiql';
import { healthRoutes } from './health';
import { GatewayMetrics } from './metrics';
import { SubgraphClient } from './subgraphClient';
import { resolveSubgraphUrl, SubgraphDataSource } from './subgraphs';
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
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Subgraph name → the GraphQL URL the gateway sends its queries to. */
  subgraphs: ReadonlyMap<string, string>;
  stop: () => Promise<void>;
}

const SERVICE = 'gateway';

/** Loads the supergraph, serves it through Apollo Server on Node's http module, and returns how to stop it. */
export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(env).sdl;
  const config = readGatewayConfig(env, options.port);
  // Result shaping without per-value re-reading of the operation (GATEWAY_RESULT_SHAPING=apollo: @apollo/gateway's own).
  installResultShaping(env);

  /** Subgraph name → the URL actually used, filled as ApolloGateway creates its data sources. */
  const subgraphs = new Map<string, string>();
  const client = new SubgraphClient({ timeoutMs: config.subgraphTimeoutMs });
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = resolveSubgraphUrl(name, url, env);
      subgraphs.set(name, target);
      return new SubgraphDataSource({ url: target, client, deduplicate: config.deduplicateSubgraphRequests });
    },
  });

  let schemaLoaded = false;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    installIdentifierScalars(apiSchema);
    schemaLoaded = true;
  });

  const metrics = new GatewayMetrics();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createFormatError({ stacktraces: config.stacktraces }),
    validationRules: [identifierArgumentsRule, depthLimitRule(config.maxQueryDepth)],
    // GraphiQL's docs and completion run on introspection, whatever NODE_ENV says.
    introspection: true,
    // onShutdown stops the server once; Apollo's own signal handler would stop it a second time.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: config.stacktraces,
    plugins: [
      // Apollo's landing page loads from a CDN; ours (graphiql.ts) is served locally.
      ApolloServerPluginLandingPageDisabled(),
      metrics.plugin(),
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
  let signalled = () => false;
  const server = createHttpServer<GatewayContext>({
    service: SERVICE,
    apollo,
    context: createGatewayContext,
    routes: {
      ...graphiqlRoutes(),
      ...healthRoutes({ service: SERVICE, schemaLoaded: () => schemaLoaded, subgraphs: () => subgraphs, shuttingDown: () => stopping || signalled(), timeoutMs: config.readyTimeoutMs }),
      '/metrics': metrics.route(),
    },
  });
  const bound = await listen(server, config.port, SERVICE, portVariable('gateway'), config.host);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests in flight get a moment; keep-alive sockets must not hold the process open.
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      force.unref();
      await closed;
      clearTimeout(force);
      await apollo.stop();
      client.close();
    })());
  if (options.handleSignals !== false) {
    signalled = onShutdown(SERVICE, server, async () => {
      await apollo.stop();
      client.close();
    }).shuttingDown;
  }

  return { url: `http://localhost:${bound}/graphql`, port: bound, subgraphs, stop };
}
