import type { MikroORM } from '@mikro-orm/core';
import type { DemoCity } from '@huishang/schema';
import { KeyProject } from '../entities/KeyProject';
import { KeyProjectMonth } from '../entities/KeyProjectMonth';
import { Problem } from '../entities/Problem';
import { ProblemStatusChange } from '../entities/ProblemStatusChange';
import { demoKeyProjects } from './keyProjects';
import { demoProblems } from './problems';

export * from './keyProjects';
export * from './problems';

const CHUNK = 500;

/** The secretariat's ledgers for the demo city — key projects and the problem list — written once into empty tables. */
export async function seedSecretariat(orm: MikroORM, city: DemoCity): Promise<void> {
  const em = orm.em.fork();
  const projects = demoKeyProjects(city);
  if ((await em.count(KeyProject, {})) === 0) {
    await em.transactional(async (tx) => {
      await tx.insertMany(KeyProject, projects.map(({ schedule: _schedule, ...project }) => project));
      const months = projects.flatMap((p) => p.schedule.map((m) => ({ projectCode: p.code, ...m })));
      for (let i = 0; i < months.length; i += CHUNK) await tx.insertMany(KeyProjectMonth, months.slice(i, i + CHUNK));
    });
  }
  if ((await em.count(Problem, {})) === 0) {
    const problems = demoProblems(city, projects);
    await em.transactional(async (tx) => {
      await tx.insertMany(Problem, problems.map(({ history: _history, ...problem }) => problem));
      await tx.insertMany(ProblemStatusChange, problems.flatMap((p) => p.history.map((change) => ({ problemCode: p.code, ...change }))));
    });
  }
}
