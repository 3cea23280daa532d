import DataLoader from 'dataloader';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { ObservationRecord } from '../observation/ObservationRecord';
import type { SubjectType } from '../observation/indicator';

export interface ObservationKey {
  subjectType: SubjectType;
  subjectCode: string;
  month: string;
}

/**
 * All observations of many subjects for a month, one SQL statement per (month, subject type):
 * 200 enterprises resolved through the gateway cost one `select … where subject_code in (…)`.
 */
export function observationLoader(em: EntityManager): DataLoader<ObservationKey, ObservationRecord[], string> {
  return new DataLoader<ObservationKey, ObservationRecord[], string>(
    async (keys) => {
      const groups = new Map<string, ObservationKey[]>();
      for (const key of keys) {
        const group = `${key.month}|${key.subjectType}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const found = new Map<string, ObservationRecord[]>();
      for (const group of groups.values()) {
        const { month, subjectType } = group[0];
        const codes = [...new Set(group.map((k) => k.subjectCode))];
        const rows = await em.find(ObservationRecord, { month, subjectType, subjectCode: { $in: codes } }, { orderBy: { id: 'asc' } });
        for (const row of rows) {
          const key = observationKeyString(row);
          found.set(key, [...(found.get(key) ?? []), row]);
        }
      }
      return keys.map((k) => found.get(observationKeyString(k)) ?? []);
    },
    { cacheKeyFn: observationKeyString },
  );
}

function observationKeyString(k: ObservationKey): string {
  return `${k.month}|${k.subjectType}|${k.subjectCode}`;
}

/** Per-request state: a fresh identity map and fresh DataLoaders, so nothing leaks between requests. */
export interface SubgraphContext {
  em: EntityManager;
  observations: DataLoader<ObservationKey, ObservationRecord[], string>;
  /** Loaders a subgraph adds for its own entities. */
  loaders: Record<string, DataLoader<unknown, unknown, unknown>>;
}

export type LoaderFactory = (em: EntityManager) => Record<string, DataLoader<any, any, any>>;

export function createContext(orm: MikroORM, extraLoaders?: LoaderFactory): SubgraphContext {
  const em = orm.em.fork();
  return { em, observations: observationLoader(em), loaders: extraLoaders ? extraLoaders(em) : {} };
}
