import type { MikroORM } from '@mikro-orm/core';
import { ObservationRecord } from '../observation/ObservationRecord';
import type { ObservationRow } from '../demo/observations';
import type { TargetRow } from '../demo/targets';
import { TargetRecord } from '../targets/TargetRecord';
import { reportSeeding } from './startup';

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
    reportSeeding('observation rows', 0, all.length);
    for (let i = 0; i < all.length; i += CHUNK) {
      await tx.insertMany(ObservationRecord, all.slice(i, i + CHUNK));
      reportSeeding('observation rows', Math.min(i + CHUNK, all.length), all.length);
    }
  });
  return all.length;
}

/** The department's annual targets, written once into an empty `target` table. */
export async function seedTargets(orm: MikroORM, rows: TargetRow[]): Promise<void> {
  const em = orm.em.fork();
  if (rows.length === 0 || (await em.count(TargetRecord, {})) > 0) return;
  await em.insertMany(TargetRecord, rows);
}
