import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, type ExecutionResult } from 'graphql';
import type { MikroORM } from '@mikro-orm/core';
import { createContext } from '../kit/context';
import { databaseSettings, openDatabase, sqlStatements, type DatabaseSettings } from '../kit/database';
import { buildFederatedSchema } from '../kit/federation';
import { subgraphParts, type SubgraphDefinition } from '../kit/subgraph';

export interface Testbed {
  orm: MikroORM;
  settings: DatabaseSettings;
  sdl: string;
  /** Runs an operation against the subgraph's own schema, with a fresh request context. */
  execute: (source: string, variableValues?: Record<string, unknown>) => Promise<ExecutionResult>;
  /** Raw rows from the subgraph's database. */
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  /** SQL statements the subgraph sent while `run` ran. */
  countStatements: (run: () => Promise<unknown>) => Promise<number>;
  close: () => Promise<void>;
}

/**
 * A subgraph over a database of its own for one test file: a temp SQLite file, or, when the test
 * run has `DATABASE_URL=postgres://…`, a uniquely named PostgreSQL database dropped at the end.
 * Migrated and seeded the way the service does it on first start.
 */
export async function openTestbed(definition: SubgraphDefinition): Promise<Testbed> {
  const unique = `t${process.pid}_${Date.now().toString(36)}`;
  let tempDir: string | undefined;
  let settings: DatabaseSettings;
  const url = process.env.DATABASE_URL;
  if (url && /^postgres/.test(url)) {
    const parsed = new URL(url);
    parsed.pathname = `/${(parsed.pathname.slice(1) || 'huishang')}_${unique}`;
    settings = databaseSettings(definition.name, { DATABASE_URL: parsed.toString() });
  } else {
    tempDir = mkdtempSync(join(tmpdir(), `huishang-${definition.name}-`));
    settings = databaseSettings(definition.name, { HUISHANG_DATA_DIR: tempDir });
  }
  const parts = subgraphParts(definition);
  const orm = await openDatabase({ subgraph: definition.name, ...parts.database, settings });
  await definition.seed?.(orm);
  const { schema, sdl } = await buildFederatedSchema(parts.schema);
  const connection = () => orm.em.fork().getConnection();
  return {
    orm,
    settings,
    sdl,
    execute: (source, variableValues) => graphql({ schema, source, variableValues, contextValue: createContext(orm, definition.loaders) }),
    sql: async (text, params = []) => (await connection().execute(text, params as never[], 'all')) as never,
    countStatements: async (run) => {
      const before = sqlStatements.total;
      await run();
      return sqlStatements.total - before;
    },
    close: async () => {
      if (settings.kind === 'postgresql') {
        const name = new URL(settings.location).pathname.slice(1);
        await orm.schema.dropDatabase(name);
      }
      await orm.close(true);
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
