import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { DemoCity } from '../demo/city';
import { RegisteredEnterprise } from './records';

/** Credit codes among `codes` that the department's own register holds. */
export async function registeredEnterprises(em: EntityManager, codes: string[]): Promise<Set<string>> {
  const rows = await em.find(RegisteredEnterprise, { creditCode: { $in: codes } }, { fields: ['creditCode'] });
  return new Set(rows.map((r) => r.creditCode));
}

/** `select credit_code from enterprise_register where credit_code in (?, …)`, per database platform and number of codes. */
const registerStatements = new WeakMap<object, Map<number, string>>();

/**
 * The same set as `registeredEnterprises`, for the check every `_entities` request makes (is each
 * enterprise in the department's register?): a statement text kept per number of codes, and the
 * codes read as plain values, not as entities hydrated into the request's identity map (7 % of an
 * extending subgraph's CPU on a 200-enterprise page; see docs/benchmarks.md, "Subgraph CPU"). It runs
 * through MikroORM's connection (logged and counted like any statement), in the manager's
 * transaction if it has one.
 */
export async function registeredAmong(em: EntityManager, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const platform = em.getPlatform();
  let statements = registerStatements.get(platform);
  if (!statements) registerStatements.set(platform, (statements = new Map()));
  let sql = statements.get(codes.length);
  if (!sql) {
    const meta = em.getMetadata().get(RegisteredEnterprise.name);
    const column = platform.quoteIdentifier(meta.properties.creditCode.fieldNames[0]);
    sql = `select ${column} as credit_code from ${platform.quoteIdentifier(meta.tableName)} where ${column} in (${codes.map(() => '?').join(', ')})`;
    if (statements.size < 2_000) statements.set(codes.length, sql);
  }
  const connection = (em as SqlEntityManager).getConnection();
  const rows = (await connection.execute(sql, [...codes], 'all', em.getTransactionContext())) as { credit_code: string }[];
  return new Set(rows.map((r) => r.credit_code));
}

/** The demo city's enterprises as every department registers them; a no-op once filled. */
export async function seedRegister(orm: MikroORM, city: DemoCity): Promise<void> {
  const em = orm.em.fork();
  if ((await em.count(RegisteredEnterprise, {})) > 0) return;
  await em.transactional(async (tx) => {
    for (let i = 0; i < city.enterprises.length; i += 1000) {
      await tx.insertMany(RegisteredEnterprise, city.enterprises.slice(i, i + 1000).map((e) => ({ creditCode: e.creditCode, regionCode: e.regionCode })));
    }
  });
}
