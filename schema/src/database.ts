/**
 * `@huishang/schema/database`: the database layer (settings, opening and migrating a database) and
 * the trace id of the current request, without the GraphQL stack.
 *
 * Why a separate entry: the package index loads type-graphql, Apollo and every figure type (about
 * 0.5 s of CPU), and the gateway's access store (`huishang clients add`, `documents add`, `audit
 * verify`) needs none of them: through this entry an operator's command starts in about half the
 * time (cli/test/startup.test.ts checks what it loads).
 */
export { databaseSettings, migrateMode, openDatabase, PortableMigration, type DatabaseKind, type DatabaseSettings, type MigrateMode, type OpenDatabaseOptions } from './kit/database';
export { currentTraceId } from './kit/tracing';
