import type { MikroORM } from '@mikro-orm/core';
import { ObservationRecord } from '../observation/ObservationRecord';
import type { ObservationRow } from '../demo/observations';

const CHUNK = 1000;

/**
 * Writes the demo rows into an empty `observation` table in one transaction, in chunks that stay
 * under PostgreSQL's 65,535 bind parameters. A table that already holds data is left alone.
 */
export async function seedObservations(orm: MikroORM, rows: () => ObservationRow[]): Promise<number> {
  const em = orm.em.fork();
  if ((await em.count(ObservationRecord, {})) > 0) return 0;
  const all = rows();
  await em.transactional(async (tx) => {
    for (let i = 0; i < all.length; i += CHUNK) await tx.insertMany(ObservationRecord, all.slice(i, i + CHUNK));
  });
  return all.length;
}
