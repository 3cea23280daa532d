import DataLoader from 'dataloader';
import { CITY_CODE } from '@huishang/schema';
import type { EntityManager } from '@mikro-orm/core';
import { KeyProject } from './entities/KeyProject';
import { KeyProjectMonth } from './entities/KeyProjectMonth';
import { ProblemStatusChange } from './entities/ProblemStatusChange';

/** Groups rows by a key, keeping their order, and answers the keys in theirs (empty list for none). */
function grouped<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

/** The schedules of many projects, one `select … where project_code in (…)`. */
function projectSchedules(em: EntityManager) {
  return new DataLoader<string, KeyProjectMonth[]>(async (codes) => {
    const rows = await em.find(KeyProjectMonth, { projectCode: { $in: [...codes] } }, { orderBy: { projectCode: 'asc', month: 'asc' } });
    return grouped(codes, rows, (r) => r.projectCode);
  });
}

/** Key `${year}|${regionCode}`: the projects of many regions, one statement per year; the city code means every project. */
function regionKeyProjects(em: EntityManager) {
  return new DataLoader<string, KeyProject[]>(async (keys) => {
    const byYear = new Map<number, string[]>();
    for (const key of keys) {
      const [year, region] = key.split('|');
      byYear.set(Number(year), [...(byYear.get(Number(year)) ?? []), region]);
    }
    const found = new Map<string, KeyProject[]>();
    for (const [year, regions] of byYear) {
      const rows = await em.find(KeyProject, regions.includes(CITY_CODE) ? { year } : { year, regionCode: { $in: regions } }, { orderBy: { code: 'asc' } });
      for (const region of regions) found.set(`${year}|${region}`, region === CITY_CODE ? rows : rows.filter((r) => r.regionCode === region));
    }
    return keys.map((k) => found.get(k) ?? []);
  });
}

/** The status histories of many problems, oldest change first, one statement. */
function problemHistory(em: EntityManager) {
  return new DataLoader<string, ProblemStatusChange[]>(async (codes) => {
    const rows = await em.find(ProblemStatusChange, { problemCode: { $in: [...codes] } }, { orderBy: { problemCode: 'asc', changedAt: 'asc', id: 'asc' } });
    return grouped(codes, rows, (r) => r.problemCode);
  });
}

/** The secretariat's ledgers: key projects and the problem list. */
export const secretariatLoaders = (em: EntityManager) => ({
  projectSchedules: projectSchedules(em),
  regionKeyProjects: regionKeyProjects(em),
  problemHistory: problemHistory(em),
});

export type SecretariatLoaders = ReturnType<typeof secretariatLoaders>;
