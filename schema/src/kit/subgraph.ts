import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/core';
import { createContext, type LoaderFactory, type SubgraphContext } from './context';
import { openDatabase, sqlStatements, type OpenDatabaseOptions } from './database';
import { buildFederatedSchema, type SubgraphSchemaOptions } from './federation';
import { formatError } from './formatError';
import { createHttpServer, listen, onShutdown, sendJson } from './http';
import { portVariable, servicePort, type SubgraphName } from './services';
import type { ReportingDepartment } from '../reporting/submit';

export interface SubgraphDefinition {
  name: SubgraphName;
  /** The department(s) behind it, for logs and health: "供电公司 (power company)". */
  department: string;
  schema: () => SubgraphSchemaOptions;
  database: Omit<OpenDatabaseOptions, 'subgraph'>;
  loaders?: LoaderFactory;
  /** What the department reports and how its batches are checked: the mutation and the import command share it. */
  reporting: ReportingDepartment;
  /** Fills an empty database with the demo city; a no-op when data is already there. */
  seed?: (orm: MikroORM) => Promise<void>;
}

export interface RunningSubgraph {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** The SDL a subgraph contributes to composition; needs no database. */
export async function subgraphSdl(definition: SubgraphDefinition): Promise<string> {
  return (await buildFederatedSchema(definition.schema())).sdl;
}

/** Opens the database (migrating and seeding it), builds the schema and serves it. */
export async function startSubgraph(definition: SubgraphDefinition): Promise<RunningSubgraph> {
  const service = `${definition.name} subgraph`;
  const port = servicePort(definition.name);
  const started = Date.now();
  const orm = await openDatabase({ subgraph: definition.name, ...definition.database });
  if (definition.seed && process.env.HUISHANG_SEED !== 'off') await definition.seed(orm);
  const { schema } = await buildFederatedSchema(definition.schema());
  let requests = 0;

  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    formatError,
    // Traces are for Apollo's hosted studio, which a government network never reaches.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: process.env.NODE_ENV !== 'production',
    // Signals are handled once, by onShutdown below. Apollo's own handler would call stop() too, and
    // a second stop() during the first waits on a barrier Apollo Server 5 never resolves: the
    // process then hung until the 10 s force-exit and exited 1 instead of 0.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  let stopping = () => false;
  const server = createHttpServer<SubgraphContext>({
    service,
    apollo,
    context: async (_req: IncomingMessage) => {
      requests++;
      return createContext(orm, definition.loaders);
    },
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service }),
      '/ready': async (_req, res) => {
        if (stopping()) return sendJson(res, 503, { status: 'stopping', service });
        try {
          await orm.em.fork().getConnection().execute('select 1');
          sendJson(res, 200, { status: 'ready', service });
        } catch (error) {
          sendJson(res, 503, { status: 'database unavailable', service, error: (error as Error).message });
        }
      },
      '/metrics': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(
          [
            '# HELP huishang_sql_statements_total SQL statements sent to the database.',
            '# TYPE huishang_sql_statements_total counter',
            `huishang_sql_statements_total{service="${definition.name}"} ${sqlStatements.total}`,
            '# HELP huishang_graphql_requests_total GraphQL requests received.',
            '# TYPE huishang_graphql_requests_total counter',
            `huishang_graphql_requests_total{service="${definition.name}"} ${requests}`,
            '',
          ].join('\n'),
        );
      },
    },
  });
  const bound = await listen(server, port, service, portVariable(definition.name));
  const stop = async () => {
    await apollo.stop();
    await orm.close();
  };
  stopping = onShutdown(service, server, stop).shuttingDown;
  const url = `http://localhost:${bound}/graphql`;
  console.log(`${service} (${definition.department}) ready at ${url} in ${Date.now() - started} ms`);
  return { url, port: bound, stop };
}

/** Entry point of a subgraph process: start it, or say why not and exit non-zero. */
export function runSubgraph(definition: SubgraphDefinition): void {
  startSubgraph(definition).catch((error: Error) => {
    console.error(`${definition.name} subgraph failed to start: ${error.message}`);
    if (process.env.NODE_ENV !== 'production') console.error(error);
    process.exit(1);
  });
}
