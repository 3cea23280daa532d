import { Directive, Arg, Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { badUserInput, CITY_CODE, MonthScalar, RegionCodeScalar, type SubgraphContext } from '@huishang/schema';
import type { FilterQuery } from '@mikro-orm/core';
import { Enterprise } from '../entities/Enterprise';
import { KeyProject, ProjectStage } from '../entities/KeyProject';
import { KeyProjectMonth } from '../entities/KeyProjectMonth';
import { Region } from '../entities/Region';
import { progressOf, projectLagThresholdPct } from '../projects';
import type { SecretariatLoaders } from '../secretariatLoaders';

@ObjectType({ description: 'A key project’s investment against its schedule at the end of a month, year to date, 万元.' })
export class ProjectProgress {
  @Field(() => MonthScalar)
  month: string;

  @Field(() => Float, { description: 'Investment planned to date (计划累计), 万元.' })
  plannedToDate: number;

  @Field(() => Float, { nullable: true, description: 'Investment completed to date (完成累计), 万元; null until recorded.' })
  completedToDate: number | null;

  @Field(() => Float, { nullable: true, description: 'Completed ÷ planned to date, % (two decimals); null when nothing was planned yet or nothing is recorded.' })
  completionPct: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Completed less than `thresholdPct` of what was planned to date (滞后); null while the month is unrecorded.',
  })
  behindSchedule: boolean | null;

  @Field(() => Float, { description: 'The threshold applied, % of planned (HUISHANG_PROJECT_LAG_PCT, default 85).' })
  thresholdPct: number;
}

const loaders = (ctx: SubgraphContext) => ctx.loaders as unknown as SecretariatLoaders;

function schedule(ctx: SubgraphContext, project: KeyProject): Promise<KeyProjectMonth[]> {
  return loaders(ctx).projectSchedules.load(project.code);
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1949 || year > 2100) throw badUserInput('year', `must be a year between 1949 and 2100, got ${year}`);
}

@Resolver(() => KeyProject)
export class KeyProjectResolver {
  @Directive('@listSize(assumedSize: 100)')
  @Query(() => [KeyProject], { nullable: true, description: 'The key-project ledger (重点项目) for a year, in code order, optionally filtered; null (with an error naming the department) when the industry department cannot answer.' })
  async keyProjects(
    @Arg('year', () => Int, { description: 'Year of the list, e.g. 2015.' }) year: number,
    @Ctx() ctx: SubgraphContext,
    @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Only this district’s projects; the city code means all.' }) region?: string | null,
    @Arg('stage', () => ProjectStage, { nullable: true, description: 'Only projects at this stage.' }) stage?: ProjectStage | null,
    @Arg('behindScheduleIn', () => MonthScalar, { nullable: true, description: 'Only projects behind schedule in this month of the year (see ProjectProgress.behindSchedule).' })
    behindScheduleIn?: string | null,
  ): Promise<KeyProject[]> {
    checkYear(year);
    if (behindScheduleIn && Number(behindScheduleIn.slice(0, 4)) !== year) {
      throw badUserInput('behindScheduleIn', `must be a month of ${year}, the year of the list, got ${behindScheduleIn}`);
    }
    const where: FilterQuery<KeyProject> = { year };
    if (region && region !== CITY_CODE) where.regionCode = region;
    if (stage) where.stage = stage;
    const projects = await ctx.em.find(KeyProject, where, { orderBy: { code: 'asc' } });
    if (!behindScheduleIn) return projects;
    // One more statement for every schedule; `schedule` and `progress` then read the loader's cache.
    const threshold = projectLagThresholdPct();
    const schedules = await Promise.all(projects.map((p) => schedule(ctx, p)));
    return projects.filter((_, i) => {
      const row = schedules[i].find((r) => r.month === behindScheduleIn);
      return row ? progressOf(row, threshold).behindSchedule === true : false;
    });
  }

  @Query(() => KeyProject, { nullable: true, description: 'A key project by its ledger code; null if the ledger has none.' })
  keyProject(@Arg('code', () => String, { description: 'Ledger code, e.g. XC2015-001.' }) code: string, @Ctx() ctx: SubgraphContext): Promise<KeyProject | null> {
    return ctx.em.findOne(KeyProject, { code: code.trim() });
  }

  @FieldResolver(() => Region, { description: 'The district the project is in.' })
  region(@Root() project: KeyProject, @Ctx() ctx: SubgraphContext): Promise<Region> {
    return ctx.loaders.regions.load(project.regionCode) as Promise<Region>;
  }

  @FieldResolver(() => Enterprise, { nullable: true, description: 'The enterprise building it; null for public projects (parks, grid, roads).' })
  enterprise(@Root() project: KeyProject, @Ctx() ctx: SubgraphContext): Promise<Enterprise | null> | null {
    return project.enterpriseCode ? (ctx.loaders.enterprises.load(project.enterpriseCode) as Promise<Enterprise | null>) : null;
  }

  @Directive('@listSize(assumedSize: 12)')
  @FieldResolver(() => [KeyProjectMonth], { description: 'The monthly schedule of the ledger year, in month order.' })
  schedule(@Root() project: KeyProject, @Ctx() ctx: SubgraphContext): Promise<KeyProjectMonth[]> {
    return schedule(ctx, project);
  }

  @FieldResolver(() => ProjectProgress, {
    nullable: true,
    description: 'Completion against schedule at the end of `month` (derived, not stored); null for a month outside the schedule (before the start, or another year).',
  })
  async progress(@Root() project: KeyProject, @Arg('month', () => MonthScalar) month: string, @Ctx() ctx: SubgraphContext): Promise<ProjectProgress | null> {
    const threshold = projectLagThresholdPct();
    const row = (await schedule(ctx, project)).find((r) => r.month === month);
    return row ? progressOf(row, threshold) : null;
  }
}

@Resolver(() => Region)
export class RegionKeyProjectsResolver {
  @Directive('@listSize(assumedSize: 100)')
  @FieldResolver(() => [KeyProject], { description: 'Key projects (重点项目) of this region on the year’s list, in code order; for the city, all of them.' })
  keyProjects(@Root() region: Region, @Arg('year', () => Int) year: number, @Ctx() ctx: SubgraphContext): Promise<KeyProject[]> {
    checkYear(year);
    return loaders(ctx).regionKeyProjects.load(`${year}|${region.code}`);
  }
}
