import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Constructor, DefaultLogger, LoggerOptions, LogContext, MikroORM, Options } from '@mikro-orm/core';
import { Migration, Migrator } from '@mikro-orm/migrations';
import type { Knex } from '@mikro-orm/knex';
import { FIGURE_ENTITIES } from './figures';
import { ObservationVersionRecord } from '../observation/ObservationRecord';

/** Every SQL statement this process sent, for `/metrics` and the tests that count statements per request. */
export const sqlStatements = { total: 0 };

/** Counts statements; prints them only when `HUISHANG_SQL_DEBUG` is set. */
class CountingLogger extends DefaultLogger {
  override logQuery(context: { query: string } & LogContext): void {
    // The grants refresh runs on a timer beside requests: it is not any request's statement.
    if (context.label !== 'background') sqlStatements.total++;
    super.logQuery(context);
  }
}

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface DatabaseSettings {
  kind: DatabaseKind;
  /** SQLite: the file path. PostgreSQL: the connection URL of this subgraph's own database. */
  location: string;
}

/**
 * Where a subgraph keeps its data. Each subgraph owns its own database:
 * - default: a SQLite file `<HUISHANG_DATA_DIR or ./data>/<subgraph>.sqlite`;
 * - `DATABASE_URL=postgres://host/name`: database `<name>_<subgraph>` on that server, created if missing;
 * - `<SUBGRAPH>_DATABASE_URL`: that URL exactly (a managed database per service).
 */
export function databaseSettings(subgraph: string, env: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  const own = env[`${subgraph.toUpperCase()}_DATABASE_URL`];
  const shared = env.DATABASE_URL;
  const url = own || shared;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    if (own) return { kind: 'postgresql', location: own };
    const parsed = new URL(url);
    const base = parsed.pathname.replace(/^\//, '') || 'huishang';
    parsed.pathname = `/${base}_${subgraph}`;
    return { kind: 'postgresql', location: parsed.toString() };
  }
  if (url && !/^(file:|sqlite:)/.test(url)) {
    throw new Error(`DATABASE_URL must start with postgres://, postgresql://, file: or sqlite:, got ${JSON.stringify(url)}`);
  }
  const file = url ? url.replace(/^(file:|sqlite:)(\/\/)?/, '') : resolve(env.HUISHANG_DATA_DIR ?? 'data', `${subgraph}.sqlite`);
  return { kind: 'sqlite', location: file };
}

export interface OpenDatabaseOptions {
  subgraph: string;
  entities: Constructor<unknown>[];
  migrations: Constructor<Migration>[];
  settings?: DatabaseSettings;
  /** Log pool size: PostgreSQL connections per replica. */
  poolMax?: number;
  /** Where MikroORM's messages (applied migrations, SQL when debugging) go; stdout by default. A command line tool sends them to stderr. */
  logger?: (message: string) => void;
}

/** How long a SQLite writer waits for another process's write to commit before giving up (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * Every new SQLite connection: wait for a busy database instead of failing at once, so two
 * processes writing one file (a subgraph and `huishang import`, or two imports) take turns; and
 * write-ahead logging, so readers never wait for a writer nor a writer for readers.
 */
function sqliteConnectionSetup(connection: { exec(sql: string): void }, done: (error: Error | null, connection: unknown) => void): void {
  try {
    connection.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    connection.exec('PRAGMA journal_mode = WAL');
    done(null, connection);
  } catch (error) {
    done(error as Error, connection);
  }
}

function ormOptions(options: OpenDatabaseOptions, settings: DatabaseSettings): Options {
  const common: Options = {
    // The read path's entities are in every subgraph (and only the kit names them: they are not exported).
    entities: [...new Set([...FIGURE_ENTITIES, ObservationVersionRecord, ...options.entities])],
    extensions: [Migrator],
    migrations: {
      migrationsList: options.migrations.map((m) => ({ name: m.name, class: m })),
      transactional: true,
      allOrNothing: true,
      disableForeignKeys: false,
      snapshot: false,
      silent: process.env.NODE_ENV === 'test',
    },
    loggerFactory: (o: LoggerOptions) => new CountingLogger(o),
    ...(options.logger ? { logger: options.logger } : {}),
    debug: process.env.HUISHANG_SQL_DEBUG ? ['query'] : false,
    allowGlobalContext: false,
    metadataCache: { enabled: false },
  };
  if (settings.kind === 'sqlite') {
    mkdirSync(dirname(settings.location), { recursive: true });
    // A new database file is its owner's alone (0600; SQLite gives its -wal and -shm files the same
    // mode): figures and the audit trail are not for other local users. An empty file is an empty database.
    if (!existsSync(settings.location)) closeSync(openSync(settings.location, 'a', 0o600));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LibSqlDriver } = require('@mikro-orm/libsql') as typeof import('@mikro-orm/libsql');
    return { ...common, driver: LibSqlDriver, dbName: settings.location, pool: { afterCreate: sqliteConnectionSetup } };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PostgreSqlDriver } = require('@mikro-orm/postgresql') as typeof import('@mikro-orm/postgresql');
  return { ...common, driver: PostgreSqlDriver, clientUrl: settings.location, pool: { min: 0, max: options.poolMax ?? 10 } };
}

/** Opens the subgraph's database (MikroORM creates a missing PostgreSQL database) and applies pending migrations. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<MikroORM> {
  const settings = options.settings ?? databaseSettings(options.subgraph);
  const orm = await MikroORM.init(ormOptions(options, settings));
  await orm.getMigrator().up();
  return orm;
}

/**
 * SQLite declares column types by affinity only; MikroORM's SQLite platform names them `text`,
 * `double` and `integer` where knex writes `varchar(n)`, `float` and `boolean`, and numeric
 * defaults unquoted. Translating keeps
 * one migration for both databases and leaves MikroORM's schema diff empty.
 */
function sqliteColumnTypes(sql: string): string {
  return sql
    .replace(/\bvarchar\(\d+\)/g, 'text')
    .replace(/\bfloat\b/g, 'double')
    .replace(/\bboolean\b/g, 'integer')
    .replace(/ default '(-?\d+)'/g, ' default $1');
}

/** The SQL a schema-builder call produces, for migrations that must run on SQLite and PostgreSQL alike. */
export abstract class PortableMigration extends Migration {
  protected schema(build: (schema: Knex.SchemaBuilder) => Knex.SchemaBuilder): void {
    const sqlite = (this.getKnex().client as { dialect?: string }).dialect === 'sqlite3';
    for (const statement of build(this.getKnex().schema).toSQL() as unknown as { sql: string }[]) {
      this.addSql(sqlite ? sqliteColumnTypes(statement.sql) : statement.sql);
    }
  }
}
