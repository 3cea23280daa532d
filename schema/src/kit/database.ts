import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Constructor, DefaultLogger, LoggerOptions, LogContext, MikroORM, Options } from '@mikro-orm/core';
import { Migration, Migrator } from '@mikro-orm/migrations';
import type { Knex } from '@mikro-orm/knex';
import { activeStartup } from './startup';
import { observeSqlStatement } from './metrics';
import { recordSpan, tracingEnabled } from './tracing';

/**
 * Marks a statement whose rows are read as arrays (context.ts builds them): kept here so the database
 * layer loads without the GraphQL stack (`@huishang/schema/database`: the CLI's access commands).
 */
export const ROWS_AS_ARRAYS = '/* rows as arrays */ ';

/** Every SQL statement this process sent, for `/metrics` and the tests that count statements per request. */
export const sqlStatements = { total: 0 };

/** Counts statements; prints them only when `HUISHANG_SQL_DEBUG` is set. */
class CountingLogger extends DefaultLogger {
  override logQuery(context: { query: string } & LogContext): void {
    // The grants refresh runs on a timer beside requests: it is not any request's statement.
    if (context.label !== 'background') {
      sqlStatements.total++;
      observeSqlStatement(context.took);
      if (tracingEnabled()) recordSpan(`sql ${String(context.query).trimStart().split(/\s/, 1)[0].toLowerCase()}`, context.took ?? 0, { 'db.statement': String(context.query).slice(0, 2_000) });
    }
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
function sqliteConnectionSetup(connection: { exec(sql: string): void; prepare(sql: string): unknown }, done: (error: Error | null, connection: unknown) => void): void {
  try {
    connection.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    connection.exec('PRAGMA journal_mode = WAL');
    keepPreparedReads(connection);
    done(null, connection);
  } catch (error) {
    done(error as Error, connection);
  }
}

/** Prepared `select` statements kept per connection (texts repeat: the read path keeps one per list length). */
const PREPARED_READS_KEPT = 256;

/**
 * The SQLite driver (knex's better-sqlite3 dialect over libsql) prepares every statement anew, a
 * tenth of a small request's SQL cost; a connection here keeps its prepared reads and runs them
 * again with new parameters. Only `select`s: writes and schema changes are prepared as before. A
 * statement runs to completion before the next one starts (the driver reads all rows at once), so
 * sharing one is safe; SQLite re-prepares a kept statement itself if the schema changed.
 */
function keepPreparedReads(connection: { prepare(sql: string): unknown }): void {
  const prepare = connection.prepare.bind(connection);
  const kept = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    const found = kept.get(sql);
    if (found) return found;
    const statement = prepare(sql);
    const asArrays = sql.startsWith(ROWS_AS_ARRAYS);
    if (asArrays) (statement as { raw(on: boolean): void }).raw(true);
    if (asArrays || /^\s*select\s/i.test(sql)) {
      if (kept.size >= PREPARED_READS_KEPT) kept.clear();
      kept.set(sql, statement);
    }
    return statement;
  };
}

/**
 * DATABASE_POOL_MAX (default 10): PostgreSQL connections a subgraph's process may hold. The
 * server's max_connections (100 by default) is shared by every process on it: two test systems of
 * five subgraphs at 10 each reached it ("sorry, too many clients already").
 */
function poolMaxSetting(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATABASE_POOL_MAX;
  if (raw === undefined || raw.trim() === '') return 10;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`DATABASE_POOL_MAX must be a whole number of 1 or more, got ${JSON.stringify(raw)}`);
  return value;
}

function ormOptions(options: OpenDatabaseOptions, settings: DatabaseSettings): Options {
  const common: Options = {
    entities: [...new Set(options.entities)],
    // A database opened for statements of its own (a test's, a tool's) may map no entity.
    discovery: { warnWhenNoEntities: false },
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
  return { ...common, driver: PostgreSqlDriver, clientUrl: settings.location, pool: { min: 0, max: options.poolMax ?? poolMaxSetting() } };
}

/**
 * `HUISHANG_MIGRATE`: who applies migrations.
 * - `on` (default): every service migrates its database as it starts (one process per service);
 * - `off`: a service only checks that its database is migrated, and refuses to start naming the
 *   pending migrations if not: replicas that start together never race to migrate (Kubernetes,
 *   where a Job migrates first);
 * - `only`: migrate (and seed, unless `HUISHANG_SEED=off`), then exit 0 without serving: the Job.
 */
export type MigrateMode = 'on' | 'off' | 'only';

export function migrateMode(env: NodeJS.ProcessEnv = process.env): MigrateMode {
  const raw = (env.HUISHANG_MIGRATE ?? 'on').trim().toLowerCase() || 'on';
  if (raw === 'on' || raw === 'off' || raw === 'only') return raw;
  throw new Error(`HUISHANG_MIGRATE must be on, off or only, got ${JSON.stringify(env.HUISHANG_MIGRATE)}`);
}

export class DatabaseNotMigrated extends Error {}

/**
 * Opens the subgraph's database (MikroORM creates a missing PostgreSQL database) and applies
 * pending migrations — or, with `HUISHANG_MIGRATE=off`, refuses when any are pending.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<MikroORM> {
  const settings = options.settings ?? databaseSettings(options.subgraph);
  const mode = migrateMode();
  const orm = await MikroORM.init(ormOptions(options, settings));
  const migrator = orm.getMigrator();
  if (mode === 'off') {
    const pending = await migrator.getPendingMigrations();
    if (pending.length) {
      await orm.close();
      throw new DatabaseNotMigrated(
        `the ${options.subgraph} database has ${pending.length} pending migration(s) (${pending.map((m) => m.name).join(', ')}) and HUISHANG_MIGRATE=off: run the migration job (HUISHANG_MIGRATE=only) first`,
      );
    }
    return orm;
  }
  // A starting subgraph says it is migrating and how many (MikroORM logs each one as it applies it;
  // listeners added here would be lost, as `up()` builds its Umzug anew).
  const startup = activeStartup();
  if (startup) {
    const pending = (await migrator.getPendingMigrations()).length;
    if (pending > 0) startup.phase('migrating', `${pending} pending`);
  }
  await migrator.up();
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
