import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { DemoCity } from '../demo/city';
import { RegisteredEnterprise } from './records';

/** Credit codes among `codes` that the department's own register holds. */
export async function registeredEnterprises(em: EntityManager, codes: string[]): Promise<Set<string>> {
  const rows = await em.find(RegisteredEnterprise, { creditCode: { $in: codes } }, { fields: ['creditCode'] });
  return new Set(rows.map((r) => r.creditCode));
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
