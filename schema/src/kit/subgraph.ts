import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/core';
import { AccessPolicy, createGrantTable, GrantCache, GrantRecord, seedDemoGrants } from './access';
import { createContext, type LoaderFactory, type SubgraphContext } from './context';
import { openDatabase, PortableMigration, sqlStatements, type OpenDatabaseOptions } from './database';
import { Migration20261130000000VersionChain } from './migrations';
import { buildFederatedSchema, type SubgraphSchemaOptions } from './federation';
import { formatError } from './formatError';
import { grantResolvers } from './grants';
import { createHttpServer, HttpRefusal, listen, onShutdown, sendJson } from './http';
import { gatewayVerifier, IDENTITY_HEADER, IdentityRejected, type Identity } from './identity';
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

/** The kit's `access_grant` table: the last migration of every subgraph. */
export class Migration20261125000000AccessGrants extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => createGrantTable(s));
  }
}

/**
 * What every subgraph has beyond its own definition: the grant register (table, queries and
 * mutations). Added here so the five stay alike without five copies.
 */
export function subgraphParts(definition: SubgraphDefinition): { schema: SubgraphSchemaOptions; database: Omit<OpenDatabaseOptions, 'subgraph'> } {
  const own = definition.schema();
  return {
    schema: { ...own, resolvers: [...own.resolvers, ...grantResolvers(definition.name, definition.reporting.catalogue)] },
    database: {
      ...definition.database,
      entities: [...definition.database.entities, GrantRecord],
      migrations: [...definition.database.migrations, Migration20261125000000AccessGrants, Migration20261130000000VersionChain],
    },
  };
}

/** The SDL a subgraph contributes to composition; needs no database. */
export async function subgraphSdl(definition: SubgraphDefinition): Promise<string> {
  return (await buildFederatedSchema(subgraphParts(definition).schema)).sdl;
}

/** Opens the database (migrating and seeding it), builds the schema and serves it. */
export async function startSubgraph(definition: SubgraphDefinition): Promise<RunningSubgraph> {
  const service = `${definition.name} subgraph`;
  const port = servicePort(definition.name);
  const started = Date.now();
  // Refuse to start without the gateway's public key: with it, every request is checked.
  const verifier = gatewayVerifier(definition.name);
  const parts = subgraphParts(definition);
  const orm = await openDatabase({ subgraph: definition.name, ...parts.database });
  if (definition.seed && process.env.HUISHANG_SEED !== 'off') {
    await definition.seed(orm);
    await seedDemoGrants(orm, definition.name);
  }
  const grants = new GrantCache(orm);
  await grants.start();
  const { schema } = await buildFederatedSchema(parts.schema);
  let requests = 0;
  let rejected = 0;

  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    formatError,
    // Traces are for Apollo's hosted studio, which a government network never reaches.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No @cacheControl hints anywhere: the plugin only cost a hook on every field (~15 % of a
      // 200-enterprise page), and the gateway treats an answer without Cache-Control as uncacheable anyway.
      ApolloServerPluginCacheControlDisabled(),
      {
        // What was read goes back to the gateway, which writes it into the audit trail.
        requestDidStart: async () => ({
          willSendResponse: async ({ response, contextValue }) => {
            if (response.body.kind !== 'single' || !contextValue.access?.identity) return;
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, huishangReads: contextValue.access.reads.toJSON() };
          },
        }),
      },
    ],
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
    authenticate: (req: IncomingMessage, rawBody: string) => {
      try {
        return verifier.verify(req.headers[IDENTITY_HEADER], rawBody);
      } catch (error) {
        if (error instanceof IdentityRejected) {
          rejected++;
          throw new HttpRefusal(401, 'UNAUTHENTICATED', `${service}: ${error.message}`);
        }
        throw error;
      }
    },
    context: async (_req: IncomingMessage, identity: unknown) => {
      requests++;
      return createContext(orm, definition.loaders, new AccessPolicy(definition.name, identity as Identity, grants), grants);
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
            '# HELP huishang_unsigned_requests_rejected_total Requests refused for want of a valid gateway signature.',
            '# TYPE huishang_unsigned_requests_rejected_total counter',
            `huishang_unsigned_requests_rejected_total{service="${definition.name}"} ${rejected}`,
            '',
          ].join('\n'),
        );
      },
    },
  });
  const bound = await listen(server, port, service, portVariable(definition.name));
  const stop = async () => {
    grants.stop();
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
