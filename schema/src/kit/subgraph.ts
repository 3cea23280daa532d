import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/core';
import { AccessPolicy, addGrantRuleColumn, createGrantTable, GrantCache, GrantRecord, seedDemoGrants } from './access';
import { answerVersions } from './answerVersions';
import { createContext, type LoaderFactory, type SubgraphContext } from './context';
import { DatabaseNotMigrated, migrateMode, openDatabase, PortableMigration, type OpenDatabaseOptions } from './database';
import { countSqlStatements, SubgraphMetrics } from './metrics';
import { createLogger, logRequest } from './logger';
import { startTracing } from './tracing';
import { Migration20261130000000VersionChain, Migration20261201000000ImpliedYtd } from './migrations';
import { buildFederatedSchema, type SubgraphSchemaOptions } from './federation';
import { formatError, withoutStatements } from './formatError';
import { grantResolvers } from './grants';
import { createHttpServer, HttpRefusal, listen, onShutdown, sendJson } from './http';
import { gatewayVerifier, IDENTITY_HEADER, IdentityRejected, productionMode, ReplayCheckUnavailable, StartupRefused, type Identity } from './identity';
import { portVariable, servicePort, submitMutationName, type SubgraphName } from './services';
import { setActiveStartup, StartupReporter, startupServer } from './startup';
import type { ReportingDepartment } from '../reporting/submit';
import type { DepartmentFigures } from '../observation/DepartmentFigures';
import type { DepartmentNamespace } from './namespace';
import { Migration20261130000000StagedUploads, Migration20261201100000UploadPartMonth, stagingNames, stagingResolvers, UploadPartRecord } from '../reporting/staging';
import { FIGURE_ENTITIES } from './figures';
import { ObservationVersionRecord } from '../observation/ObservationRecord';

export interface SubgraphDefinition {
  name: SubgraphName;
  /** The department(s) behind it, for logs and health: the registry's Chinese name with the English one in brackets. */
  department: string;
  schema: () => SubgraphSchemaOptions;
  database: Omit<OpenDatabaseOptions, 'subgraph'>;
  loaders?: LoaderFactory;
  /** What the department reports and how its batches are checked: the mutation and the import command share it. */
  reporting: ReportingDepartment;
  /** Its namespace field on Region and Enterprise and the figures type behind it (headline fields: the type's getters). */
  namespace: DepartmentNamespace<DepartmentFigures>;
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

/** Grants to a rule (issue 12): the `rule` column of `access_grant`. */
export class Migration20261130200000GrantRules extends PortableMigration {
  override async up(): Promise<void> {
    this.schema((s) => addGrantRuleColumn(s));
  }
}

/**
 * What every subgraph has beyond its own definition: the grant register (table, queries and
 * mutations). Added here so the five stay alike without five copies.
 */
export function subgraphParts(definition: SubgraphDefinition): { schema: SubgraphSchemaOptions; database: Omit<OpenDatabaseOptions, 'subgraph'> } {
  const own = definition.schema();
  return {
    schema: {
      ...own,
      resolvers: [
        ...own.resolvers,
        ...grantResolvers(definition.name, definition.reporting.catalogue),
        // Staged uploads: batches larger than one request (the CLI's and the reporting page's large files).
        ...stagingResolvers({ department: definition.reporting, ...stagingNames(submitMutationName(definition.name)) }),
      ],
    },
    database: {
      ...definition.database,
      // The read path's entities are in every subgraph (and only the kit names them: they are not exported).
      entities: [...new Set([...FIGURE_ENTITIES, ObservationVersionRecord, ...definition.database.entities, GrantRecord, UploadPartRecord])],
      migrations: [...definition.database.migrations, Migration20261125000000AccessGrants, Migration20261130000000StagedUploads, Migration20261130000000VersionChain, Migration20261130200000GrantRules, Migration20261201000000ImpliedYtd, Migration20261201100000UploadPartMonth],
    },
  };
}

/** The SDL a subgraph contributes to composition; needs no database. */
export async function subgraphSdl(definition: SubgraphDefinition): Promise<string> {
  return (await buildFederatedSchema(subgraphParts(definition).schema)).sdl;
}

/**
 * Opens the database (migrating and seeding it), builds the schema and serves it. The port is
 * bound first: while the rest runs, `/ready` answers 503 with the start-up progress (see
 * startup.ts). To migrate and seed without serving: `HUISHANG_MIGRATE=only` (runSubgraph, migrateSubgraph).
 */
/** The demo city and its standing grants are seeded unless `HUISHANG_SEED=off` or in production mode (which seeds nothing). */
export function demoSeeding(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HUISHANG_SEED !== 'off' && !productionMode(env);
}

export async function startSubgraph(definition: SubgraphDefinition): Promise<RunningSubgraph> {
  const service = `${definition.name} subgraph`;
  const port = servicePort(definition.name);
  const started = Date.now();
  // Refuse to start without the gateway's public key: with it, every request is checked.
  const verifier = gatewayVerifier(definition.name);
  const tracing = startTracing(definition.name);
  const metrics = new SubgraphMetrics(definition.name);
  const logger = createLogger(definition.name);
  const stopCounting = countSqlStatements(metrics);
  const parts = subgraphParts(definition);
  const reporter = new StartupReporter(service);
  const early = startupServer(reporter);
  const bound = await listen(early.server, port, service, portVariable(definition.name));
  setActiveStartup(reporter);
  let orm: MikroORM;
  try {
    reporter.phase('opening database');
    orm = await openDatabase({ subgraph: definition.name, ...parts.database });
    metrics.watchDatabase(orm);
    if (definition.seed && demoSeeding()) {
      reporter.phase('seeding');
      await definition.seed(orm);
      await seedDemoGrants(orm, definition.name);
    }
  } finally {
    setActiveStartup(undefined);
  }
  reporter.phase('building schema');
  // The gateway's answer cache keys on these (answerVersions.ts): fresh at every start.
  const versions = answerVersions(definition.name);
  await versions.start();
  const grants = new GrantCache(orm, versions);
  await grants.start();
  const { schema } = await buildFederatedSchema(parts.schema);

  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    formatError: withoutStatements(formatError, definition.name),
    // Traces are for Apollo's hosted studio, which a government network never reaches.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No @cacheControl hints anywhere: the plugin only cost a hook on every field (~15 % of a
      // 200-enterprise page), and the gateway treats an answer without Cache-Control as uncacheable anyway.
      ApolloServerPluginCacheControlDisabled(),
      metrics.plugin<SubgraphContext>(),
      {
        // One structured line per request: who (as the gateway signed it), what, how it ended.
        requestDidStart: async ({ request }) => {
          const started = Date.now();
          return {
            // The stack of an uncoded (unexpected) error, for whoever runs the service: never in the answer.
            didEncounterErrors: async ({ errors }) => {
              for (const error of errors) {
                if (error.extensions?.code && error.extensions.code !== 'INTERNAL_SERVER_ERROR') continue;
                logger.error({ requestId: request.http?.headers.get('x-request-id') ?? undefined, path: error.path, err: error.originalError ?? error }, error.message);
              }
            },
            willSendResponse: async ({ response, contextValue, operationName }) => {
              const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
              const hasData = response.body.kind === 'single' ? response.body.singleResult.data != null : true;
              const identity = contextValue.access?.identity;
              logRequest(logger, {
                requestId: request.http?.headers.get('x-request-id') ?? undefined,
                clientId: identity?.clientId ?? null,
                department: identity?.department ?? null,
                role: identity?.role ?? null,
                operationName: operationName ?? null,
                outcome: !errors?.length ? 'OK' : hasData ? 'PARTIAL' : 'ERROR',
                errorCodes: [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')))],
                durationMs: Date.now() - started,
              });
            },
          };
        },
      },
      {
        // A mutation changed (or may have changed) the department's data: its transaction has
        // committed, and its answer has not left yet. The gateway caches no answer of the old data
        // from now on, so whoever sees this answer never reads the older figures afterwards.
        requestDidStart: async () => ({
          willSendResponse: async ({ operation }) => {
            if (operation?.operation === 'mutation') await versions.dataChanged();
          },
        }),
      },
      {
        // What was read goes back to the gateway, which writes it into the audit trail.
        requestDidStart: async () => ({
          willSendResponse: async ({ response, contextValue }) => {
            if (response.body.kind !== 'single' || !contextValue.access?.identity) return;
            const result = response.body.singleResult;
            // With the grants token this replica answered under: the gateway's cache keeps an answer only under the same one.
            const grants = versions.grantsToken;
            result.extensions = { ...result.extensions, huishangReads: contextValue.access.reads.toJSON(), ...(grants ? { huishangGrants: grants } : {}) };
          },
        }),
      },
    ],
    // Never a stack in an answer, in any mode (issue 11): it names the service's files and says
    // nothing a caller can use. An uncoded error's stack goes to the service's log instead.
    includeStacktraceInErrorResponses: false,
    // Signals are handled once, by onShutdown below. Apollo's own handler would call stop() too, and
    // a second stop() during the first waits on a barrier Apollo Server 5 never resolves: the
    // process then hung until the 10 s force-exit and exited 1 instead of 0.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  let stopping = () => false;
  const server = createHttpServer<SubgraphContext>({
    service,
    logger,
    // Only the traceparent the gateway signed: an unsigned header cannot graft spans onto a trace.
    traceparent: (_req, identity) => (identity as { traceparent?: string } | undefined)?.traceparent,
    apollo,
    authenticate: async (req: IncomingMessage, rawBody: string) => {
      try {
        return await verifier.verify(req.headers[IDENTITY_HEADER], rawBody);
      } catch (error) {
        if (error instanceof IdentityRejected) {
          metrics.rejectedSignatures.inc();
          logger.warn({ requestId: req.headers['x-request-id'], outcome: 'UNAUTHENTICATED', reason: error.message }, 'signature refused');
          throw new HttpRefusal(401, 'UNAUTHENTICATED', `${service}: ${error.message}`);
        }
        if (error instanceof ReplayCheckUnavailable) throw new HttpRefusal(503, error.code, `${service}: ${error.message}`, { 'retry-after': '1' });
        throw error;
      }
    },
    context: async (_req: IncomingMessage, identity: unknown) => {
      return createContext(orm, definition.loaders, new AccessPolicy(definition.name, identity as Identity, grants), grants);
    },
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service }),
      '/ready': async (_req, res) => {
        if (stopping()) return sendJson(res, 503, { status: 'stopping', service });
        try {
          await orm.em.fork().getConnection().execute('select 1');
        } catch (error) {
          return sendJson(res, 503, { status: 'database unavailable', service, error: (error as Error).message });
        }
        // Reachable is not enough: a database without the department's tables answers nothing.
        const missing = await missingTables(orm);
        if (missing.length) return sendJson(res, 503, { status: 'database lacks tables', service, missing });
        sendJson(res, 200, { status: 'ready', service });
      },
      '/metrics': metrics.route(),
    },
  });
  // The socket bound at the start now serves GraphQL and the real /ready.
  early!.handOver(server);
  const stop = async () => {
    grants.stop();
    await apollo.stop();
    await versions.close();
    await verifier.close();
    stopCounting();
    await tracing.shutdown();
    await orm.close();
  };
  stopping = onShutdown(service, early!.server, stop, logger).shuttingDown;
  const url = `http://localhost:${bound}/graphql`;
  logger.info({ url, startMs: Date.now() - started }, `${service} (${definition.department}) ready at ${url} in ${Date.now() - started} ms`);
  return { url, port: bound, stop };
}

/** The tables of the subgraph's entities that its database lacks: one cheap `select … where 1 = 0` per table, in one statement when all are there. */
export async function missingTables(orm: MikroORM): Promise<string[]> {
  const platform = orm.em.getPlatform();
  const tables = [...new Set(Object.values(orm.getMetadata().getAll()).filter((m) => !m.embeddable && !m.virtual && !m.abstract && m.tableName).map((m) => m.tableName))].sort();
  const connection = orm.em.fork().getConnection();
  const probe = (names: string[]) => connection.execute(names.map((t) => `select 1 from ${platform.quoteIdentifier(t)} where 1 = 0`).join(' union all '));
  try {
    await probe(tables);
    return [];
  } catch {
    const missing: string[] = [];
    for (const table of tables) await probe([table]).catch(() => missing.push(table));
    return missing;
  }
}

/**
 * Migrates the subgraph's database and seeds it (unless `HUISHANG_SEED=off`), then closes it: what
 * `HUISHANG_MIGRATE=only` runs instead of serving — a Kubernetes Job before the Deployments, an
 * init container, the test harness's seeded database templates (the one way to do this; the
 * former `HUISHANG_SEED_ONLY=1` did the same and is gone). Progress is logged as at a start.
 */
export async function migrateSubgraph(definition: SubgraphDefinition): Promise<void> {
  const started = Date.now();
  const parts = subgraphParts(definition);
  const reporter = new StartupReporter(`${definition.name} subgraph`);
  setActiveStartup(reporter);
  try {
    reporter.phase('opening database');
    const orm = await openDatabase({ subgraph: definition.name, ...parts.database });
    try {
      if (definition.seed && demoSeeding()) {
        reporter.phase('seeding');
        await definition.seed(orm);
        await seedDemoGrants(orm, definition.name);
      }
    } finally {
      await orm.close();
    }
  } finally {
    setActiveStartup(undefined);
  }
  console.log(`${definition.name} subgraph: database migrated${definition.seed && demoSeeding() ? ' and seeded' : ''} in ${Date.now() - started} ms (HUISHANG_MIGRATE=only: not serving)`);
}

/** Entry point of a subgraph process: start it (or only migrate, `HUISHANG_MIGRATE=only`), or say why not and exit non-zero. */
export function runSubgraph(definition: SubgraphDefinition): void {
  let only = false;
  try {
    only = migrateMode() === 'only';
  } catch (error) {
    console.error(`${definition.name} subgraph: ${(error as Error).message}`);
    process.exit(2);
  }
  if (only) {
    migrateSubgraph(definition).then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`${definition.name} subgraph: migration failed: ${error.message}`);
        process.exit(1);
      },
    );
    return;
  }
  startSubgraph(definition).then(() => undefined, (error: Error) => {
    console.error(`${definition.name} subgraph failed to start: ${error.message}`);
    if (!productionMode() && !(error instanceof DatabaseNotMigrated) && !(error instanceof StartupRefused)) console.error(error);
    process.exit(1);
  });
}
