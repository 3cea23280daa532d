import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { Enterprise } from './entities/Enterprise';
import { Region } from './entities/Region';

/** One `select … where key in (…)` per entity type and request, whatever the number of references. */
function byKey<T extends object>(em: EntityManager, entity: new () => T, key: keyof T & string) {
  return new DataLoader<string, T | null>(async (keys) => {
    const rows = await em.find(entity, { [key]: { $in: [...keys] } } as never);
    const found = new Map(rows.map((r) => [r[key] as unknown as string, r]));
    return keys.map((k) => found.get(k) ?? null);
  });
}

export const industryLoaders = (em: EntityManager) => ({
  regions: byKey(em, Region, 'code'),
  enterprises: byKey(em, Enterprise, 'creditCode'),
});
