import { Directive, Arg, Ctx, Field, FieldResolver, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badUserInput, CITY_CODE, cityDay, cityMonth, CreditCodeScalar, DateScalar, RegionCodeScalar, requireProblemWriter, Writes, WriteRule, type SubgraphContext } from '@huishang/schema';
import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { ownerName, resolveOwner } from '../departments';
import { Enterprise } from '../entities/Enterprise';
import { Problem, ProblemCategory, ProblemStatus } from '../entities/Problem';
import { ProblemStatusChange } from '../entities/ProblemStatusChange';
import { Region } from '../entities/Region';
import { isOverdue } from '../problems';
import type { SecretariatLoaders } from '../secretariatLoaders';

const DESCRIPTION_MAX = 512;
const NAME_MAX = 64;

@InputType({ description: 'A new problem for the meeting’s list (问题清单).' })
export class RaiseProblemInput {
  @Field(() => CreditCodeScalar, { nullable: true, description: 'The enterprise concerned; must be in the register. Omit for a problem of a district or park.' })
  enterprise?: string | null;

  @Field(() => RegionCodeScalar, { nullable: true, description: 'The region concerned; defaults to the enterprise’s. Required without an enterprise.' })
  region?: string | null;

  @Field(() => ProblemCategory)
  category: ProblemCategory;

  @Field({ description: 'The problem (问题描述), at most 512 characters.' })
  description: string;

  @Field(() => String, {
    nullable: true,
    description: 'Ignored: the raising department (提出单位) is the caller’s, from its signed identity.',
    deprecationReason: 'taken from the caller’s identity',
  })
  raisedBy?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'An administrator’s correction: the reason for raising a problem dated before the current month (kept in the problem’s history). Required for such a date; administrators only.',
  })
  correctionReason?: string | null;

  @Field(() => DateScalar, { description: 'Day it was raised.' })
  raisedOn: string;

  @Field({ description: 'Owner department: its subgraph name as the registry of departments lists it, or its Chinese name (市金融办, 供电公司, …).' })
  owner: string;

  @Field(() => DateScalar, { description: 'Day by which the owner is to resolve it; not before `raisedOn`.' })
  deadline: string;
}

const loaders = (ctx: SubgraphContext) => ctx.loaders as unknown as SecretariatLoaders;

function required(value: string, field: string, max: number): string {
  const text = value.trim();
  if (!text) throw badUserInput(field, 'must not be empty');
  if (text.length > max) throw badUserInput(field, `must be at most ${max} characters, got ${text.length}`);
  return text;
}

/** The first day of the current month in China Standard Time (UTC+8, no daylight saving): the month whose meeting is next. */
export function currentMonthStart(now = new Date()): string {
  return `${cityMonth(now)}-01`;
}

/** Today's date in China Standard Time (UTC+8), YYYY-MM-DD. */
export function cityToday(now = new Date()): string {
  return cityDay(now);
}

/**
 * The back-dating rule: a problem dated before the current month would appear in a meeting pack
 * already produced. Refused (BAD_USER_INPUT) unless an administrator corrects it with a reason,
 * which the history keeps; returns that note. In-process callers (tests, seeding) are not judged.
 */
function backDating(ctx: SubgraphContext, field: string, day: string, reason: string | null | undefined): string | null {
  const identity = ctx.access.identity;
  if (!identity) return reason?.trim() ? `correction: ${reason.trim()}` : null;
  // Nobody raises a problem on a day that has not come: it would sit in a later meeting's pack unseen.
  const today = cityToday();
  if (day > today) throw badUserInput(field, `${day} is after today (${today}, China Standard Time, UTC+8): a problem is dated the day it is raised or earlier`);
  const start = currentMonthStart();
  if (day >= start) return null;
  if (identity.role !== 'ADMINISTRATOR') {
    throw badUserInput(field, `${day} is before the current month, ${start.slice(0, 7)} (which starts on ${start}): the month’s meeting pack is past; only an administrator may correct it, giving correctionReason`);
  }
  if (!reason?.trim()) throw badUserInput('input.correctionReason', `${day} is before the current month, ${start.slice(0, 7)} (which starts on ${start}): an administrator’s correction needs a reason, which the history keeps`);
  return `correction: ${required(reason, 'input.correctionReason', DESCRIPTION_MAX - 12)}`;
}

@Resolver(() => Problem)
export class ProblemResolver {
  @Directive('@listSize(assumedSize: 50)')
  @Query(() => [Problem], { nullable: true, description: 'The meeting’s problem list (问题清单), in code order, optionally filtered (all filters apply together); null (with an error naming the department) when the industry department cannot answer.' })
  async problems(
    @Ctx() ctx: SubgraphContext,
    @Arg('status', () => ProblemStatus, { nullable: true, description: 'Only problems with this status now.' }) status?: ProblemStatus | null,
    @Arg('overdueOn', () => DateScalar, { nullable: true, description: 'Only problems overdue on this day (see Problem.overdue).' }) overdueOn?: string | null,
    @Arg('region', () => RegionCodeScalar, { nullable: true, description: 'Only this region’s problems; the city code means all.' }) region?: string | null,
    @Arg('owner', () => String, { nullable: true, description: 'Only problems this department owns: its subgraph name as the registry of departments lists it, or its Chinese name.' })
    owner?: string | null,
  ): Promise<Problem[]> {
    const where: FilterQuery<Problem> = {};
    if (status) where.status = status;
    if (region && region !== CITY_CODE) where.regionCode = region;
    if (owner !== null && owner !== undefined) where.owner = resolveOwner(owner, 'owner');
    if (overdueOn) where.raisedOn = { $lte: overdueOn };
    const problems = await ctx.em.find(Problem, where, { orderBy: { code: 'asc' } });
    if (!overdueOn) return problems;
    // The histories in one statement; `history` and `overdue` then read the loader's cache.
    const histories = await Promise.all(problems.map((p) => loaders(ctx).problemHistory.load(p.code)));
    return problems.filter((p, i) => isOverdue(p, histories[i], overdueOn));
  }

  @Query(() => Problem, { nullable: true, description: 'A problem by its list number; null if the list has none.' })
  problem(@Arg('code', () => String) code: string, @Ctx() ctx: SubgraphContext): Promise<Problem | null> {
    return ctx.em.findOne(Problem, { code: code.trim() });
  }

  @FieldResolver(() => Enterprise, { nullable: true, description: 'The enterprise concerned; null for a problem of a district or park.' })
  enterprise(@Root() problem: Problem, @Ctx() ctx: SubgraphContext): Promise<Enterprise | null> | null {
    return problem.enterpriseCode ? (ctx.loaders.enterprises.load(problem.enterpriseCode) as Promise<Enterprise | null>) : null;
  }

  @FieldResolver(() => Region, { description: 'The region concerned.' })
  region(@Root() problem: Problem, @Ctx() ctx: SubgraphContext): Promise<Region> {
    return ctx.loaders.regions.load(problem.regionCode) as Promise<Region>;
  }

  @FieldResolver(() => String, { description: 'Owner department as the list prints it, e.g. 供电公司.' })
  ownerName(@Root() problem: Problem): string {
    return ownerName(problem.owner);
  }

  @Directive('@listSize(assumedSize: 10)')
  @FieldResolver(() => [ProblemStatusChange], { description: 'Every status change, oldest first, starting with the raising (append-only).' })
  history(@Root() problem: Problem, @Ctx() ctx: SubgraphContext): Promise<ProblemStatusChange[]> {
    return loaders(ctx).problemHistory.load(problem.code);
  }

  @FieldResolver(() => Boolean, {
    description:
      'Overdue on `on` (逾期, derived, not stored): still open or in progress at the end of that day, by the status history, and its deadline an earlier day. False before the problem was raised.',
  })
  async overdue(@Root() problem: Problem, @Arg('on', () => DateScalar) on: string, @Ctx() ctx: SubgraphContext): Promise<boolean> {
    return isOverdue(problem, await loaders(ctx).problemHistory.load(problem.code), on);
  }

  @Writes(WriteRule.PROBLEM_LIST)
  @Mutation(() => Problem, {
    // Nullable: in a document of several writes, a refused one nulls itself only (schema/test/nullability.test.ts).
    nullable: true,
    description:
      'Puts a new problem on the list, open, and records its raising in the history. The code is assigned: WT<year raised>-<next number>. Who may: the secretariat (industry) for any owner, another department for a problem it owns; not meeting members. The raising department is the caller’s. A day after today (UTC+8) is refused (BAD_USER_INPUT); a day before the current month (the month whose meeting is next) is refused unless an administrator gives `correctionReason`, kept in the history.',
  })
  async raiseProblem(@Arg('input', () => RaiseProblemInput) input: RaiseProblemInput, @Ctx() ctx: SubgraphContext): Promise<Problem> {
    const description = required(input.description, 'input.description', DESCRIPTION_MAX);
    const owner = resolveOwner(input.owner, 'input.owner');
    const department = requireProblemWriter(ctx, 'raiseProblem', owner);
    // In-process callers (tests, seeding) have no identity and name the raiser themselves.
    const raisedBy = department ? ownerName(department) : required(input.raisedBy ?? '', 'input.raisedBy', NAME_MAX);
    if (input.deadline < input.raisedOn) throw badUserInput('input.deadline', `${input.deadline} is before the day the problem is raised, ${input.raisedOn}`);
    const correction = backDating(ctx, 'input.raisedOn', input.raisedOn, input.correctionReason);
    let regionCode = input.region ?? null;
    if (input.enterprise) {
      const enterprise = (await ctx.loaders.enterprises.load(input.enterprise)) as Enterprise | null;
      if (!enterprise) throw badUserInput('input.enterprise', `${input.enterprise} is not in the enterprise register (企业名录)`);
      if (regionCode && regionCode !== CITY_CODE && regionCode !== enterprise.regionCode) {
        throw badUserInput('input.region', `${regionCode} is not the region of enterprise ${input.enterprise}, which is registered in ${enterprise.regionCode}; omit the region or give that one`);
      }
      regionCode = enterprise.regionCode;
    }
    if (!regionCode) throw badUserInput('input.region', 'give the enterprise concerned, or the region for a problem of a district or park');

    const year = input.raisedOn.slice(0, 4);
    for (let attempt = 1; ; attempt++) {
      try {
        return await ctx.em.transactional(async (tx) => {
          const taken = await tx.find(Problem, { code: { $like: `WT${year}-%` } }, { fields: ['code'] });
          const next = 1 + taken.reduce((max, p) => Math.max(max, Number(p.code.slice(7)) || 0), 0);
          const problem = tx.create(Problem, {
            code: `WT${year}-${String(next).padStart(3, '0')}`,
            enterpriseCode: input.enterprise ?? null,
            regionCode: regionCode!,
            category: input.category,
            description,
            raisedBy,
            raisedOn: input.raisedOn,
            owner,
            deadline: input.deadline,
            status: ProblemStatus.OPEN,
          });
          tx.create(ProblemStatusChange, { problemCode: problem.code, fromStatus: null, toStatus: ProblemStatus.OPEN, changedAt: new Date(), changedBy: raisedBy, note: correction });
          await tx.flush();
          return problem;
        });
      } catch (error) {
        // Two problems raised at once may pick the same number: take the next one.
        if (error instanceof UniqueConstraintViolationException && attempt < 3) continue;
        throw error;
      }
    }
  }

  @Writes(WriteRule.PROBLEM_LIST)
  @Mutation(() => Problem, {
    // Nullable: in a document of several writes, a refused one nulls itself only (schema/test/nullability.test.ts).
    nullable: true,
    description:
      'Changes a problem’s status and appends the change to its history. Any change is allowed except to the status it already has. Who may: the secretariat (industry) and the department owning the problem; not meeting members. Who recorded it is the caller’s department.',
  })
  async updateProblemStatus(
    @Arg('code', () => String, { description: 'List number, e.g. WT2015-004.' }) code: string,
    @Arg('status', () => ProblemStatus) status: ProblemStatus,
    @Ctx() ctx: SubgraphContext,
    @Arg('by', () => String, { nullable: true, description: 'Ignored: who records the change is the caller’s department, from its signed identity.', deprecationReason: 'taken from the caller’s identity' })
    by?: string | null,
    @Arg('note', () => String, { nullable: true, description: 'What was done or why (办理情况), at most 512 characters.' }) note?: string | null,
  ): Promise<Problem> {
    const text = note?.trim() ? required(note, 'note', DESCRIPTION_MAX) : null;
    const updated = await ctx.em.transactional(async (tx) => {
      const problem = await tx.findOne(Problem, { code: code.trim() });
      if (!problem) throw badUserInput('code', `${JSON.stringify(code)} is not on the problem list`);
      const department = requireProblemWriter(ctx, 'updateProblemStatus', problem.owner);
      const changedBy = department ? ownerName(department) : required(by ?? '', 'by', NAME_MAX);
      const from = problem.status;
      if (from === status) throw badUserInput('status', `problem ${problem.code} is already ${status}; give a different status`);
      // Only if nobody changed it since we read it: two clerks cannot both move it from the same status.
      const changed = await tx.nativeUpdate(Problem, { code: problem.code, status: from }, { status });
      if (changed !== 1) throw badUserInput('status', `problem ${problem.code} changed while this update ran; read it again and retry`);
      tx.create(ProblemStatusChange, { problemCode: problem.code, fromStatus: from, toStatus: status, changedAt: new Date(), changedBy, note: text });
      await tx.flush();
      return problem;
    });
    // Set only now: inside the transaction the change would be flushed a second time, unguarded.
    updated.status = status;
    return updated;
  }
}
