import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { Enterprise } from './entities/Enterprise';
import { Region } from './entities/Region';
import { secretariatLoaders } from './secretariatLoaders';

/** One `select … where key in (…)` per entity type and request, whatever the number of references. */
function byKey<T extends object>(em: EntityManager, entity: new () => T, key: keyof T & string) {
  return new DataLoader<string, T | null>(async (keys) => {
    const rows = await em.find(entity, { [key]: { $in: [...keys] } } as never);
    const found = new Map(rows.map((r) => [r[key] as unknown as string, r]));
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** Regions under each of many parents, one statement: `regions { children { … } }` stays constant. */
function childrenOf(em: EntityManager) {
  return new DataLoader<string, Region[]>(async (parents) => {
    const rows = await em.find(Region, { parentCode: { $in: [...parents] } }, { orderBy: { code: 'asc' } });
    return parents.map((p) => rows.filter((r) => r.parentCode === p));
  });
}

export const industryLoaders = (em: EntityManager) => ({
  regions: byKey(em, Region, 'code'),
  regionChildren: childrenOf(em),
  enterprises: byKey(em, Enterprise, 'creditCode'),
  ...secretariatLoaders(em),
});

/** The register decides which enterprises the bureau may report figures for. */
export async function knownEnterprises(em: EntityManager, codes: string[]): Promise<Set<string>> {
  const rows = await em.find(Enterprise, { creditCode: { $in: codes } }, { fields: ['creditCode'] });
  return new Set(rows.map((r) => r.creditCode));
}
