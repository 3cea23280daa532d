import {
  factEvidence,
  KeyEnterpriseMonthType,
  ledgerFact,
  loadAll,
  MonthScalar,
  Observation,
  RuleFigure,
  thresholdList,
  warning,
  Warning,
  WarningReportType,
  warningReport,
  WarningSubjectKind,
  type SubgraphContext,
} from '@huishang/schema';
import { Arg, Ctx, Directive, FieldResolver, GraphQLISODateTime, Query, Resolver, Root } from 'type-graphql';
import { daysBetween, formatDate, lastDayOf } from '../days';
import { ownerName } from '../departments';
import { Enterprise } from '../entities/Enterprise';
import { KeyProject } from '../entities/KeyProject';
import { Problem } from '../entities/Problem';
import { industryIndicators } from '../indicators';
import { isOverdue, statusOn } from '../problems';
import { progressOf, projectLagThresholdPct } from '../projects';
import type { SecretariatLoaders } from '../secretariatLoaders';

const loaders = (ctx: SubgraphContext) => ctx.loaders as unknown as SecretariatLoaders;


/** The secretariat opens the month's warning report; every department adds the rules it can judge. */
@Resolver(() => WarningReportType)
export class WarningReportResolver {
  @Query(() => WarningReportType, { nullable: true, description: 'The warnings of a month (预警预报): each department adds the rules it can judge from its figures; null (with an error naming the department) when the industry department cannot answer.' })
  warnings(
    @Arg('month', () => MonthScalar) month: string,
    @Arg('asOf', () => GraphQLISODateTime, { nullable: true, description: 'Judge the warnings on the figures as they stood at this time (as the meeting saw them); null: now. The key projects’ schedules and the problem list are ledgers read as they stand now.' }) asOf: Date | null,
  ): WarningReportType {
    return warningReport(month, asOf);
  }

  // The hundred key enterprises (百户重点企业).
  @Directive('@listSize(assumedSize: 100)')
  @FieldResolver(() => [KeyEnterpriseMonthType], { description: 'The key enterprises (百户重点企业) in this month: the cross-department rules are judged on each.' })
  async keyEnterprises(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<KeyEnterpriseMonthType[]> {
    const key = await ctx.em.find(Enterprise, { keyEnterprise: true }, { orderBy: { creditCode: 'asc' }, fields: ['creditCode'] });
    return key.map((e) => Object.assign(new KeyEnterpriseMonthType(), { creditCode: e.creditCode, month: report.month, asOf: report.asOf }));
  }

  @Directive('@listSize(assumedSize: 100)')
  @FieldResolver(() => [Warning], {
    description:
      'Key projects of the month’s year behind their investment schedule at the month’s end (重点项目投资滞后, PROJECT_BEHIND_SCHEDULE): completed less than HUISHANG_PROJECT_LAG_PCT (default 85) % of what was planned to date, as `KeyProject.progress` judges it; in code order.',
  })
  async projectsBehindSchedule(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<Warning[]> {
    const thresholdPct = projectLagThresholdPct();
    const projects = await ctx.em.find(KeyProject, { year: Number(report.month.slice(0, 4)) }, { orderBy: { code: 'asc' } });
    // Every schedule in one statement.
    const schedules = await loadAll(loaders(ctx).projectSchedules, projects.map((p) => p.code));
    const warnings: Warning[] = [];
    projects.forEach((project, i) => {
      const row = schedules[i].find((r) => r.month === report.month);
      if (!row) return;
      const progress = progressOf(row, thresholdPct);
      if (progress.behindSchedule !== true) return;
      const fact = (item: string, value: number | null) => ledgerFact({ ledger: 'KEY_PROJECTS', entry: project.code, item, month: report.month, value, unit: '万元' });
      warnings.push(
        warning({
          rule: 'PROJECT_BEHIND_SCHEDULE',
          title: '重点项目投资进度滞后',
          message: `Key project ${project.code} ${project.name} completed ${progress.completedToDate}万元 of the ${progress.plannedToDate}万元 planned by the end of ${report.month} (${progress.completionPct}%), below ${thresholdPct}% of schedule.`,
          subjectKind: WarningSubjectKind.KEY_PROJECT,
          subjectCode: project.code,
          month: report.month,
          regionCode: project.regionCode,
          enterpriseCode: project.enterpriseCode,
          evidence: [
            factEvidence('industry', 'planned to date', fact('plannedToDate', progress.plannedToDate)),
            factEvidence('industry', 'completed to date', fact('completedToDate', progress.completedToDate)),
          ],
          thresholds: thresholdList({ projectLagPct: thresholdPct }),
        }),
      );
    });
    return warnings;
  }

  @Directive('@listSize(assumedSize: 50)')
  @FieldResolver(() => [Warning], {
    description:
      'Problems on the list overdue at the end of the month’s last day (问题逾期未办结, PROBLEM_OVERDUE): still open or in progress then, by their history, and past their deadline, as `Problem.overdue(on:)` judges it; in code order.',
  })
  async overdueProblems(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<Warning[]> {
    const day = lastDayOf(report.month);
    const problems = await ctx.em.find(Problem, { raisedOn: { $lte: day } }, { orderBy: { code: 'asc' } });
    // Every history in one statement.
    const histories = await loadAll(loaders(ctx).problemHistory, problems.map((p) => p.code));
    const warnings: Warning[] = [];
    problems.forEach((problem, i) => {
      if (!isOverdue(problem, histories[i], day)) return;
      const deadline = formatDate(problem.deadline);
      const status = statusOn(problem, histories[i], day)!;
      const late = daysBetween(deadline, day);
      const fact = (item: string, fields: { text?: string; value?: number; unit?: string }) => ledgerFact({ ledger: 'PROBLEMS', entry: problem.code, item, ...fields });
      warnings.push(
        warning({
          rule: 'PROBLEM_OVERDUE',
          title: '问题逾期未办结',
          message: `Problem ${problem.code} (${ownerName(problem.owner)}) was still ${status} on ${day}, ${late} days after its deadline ${deadline}: ${problem.description}`,
          subjectKind: WarningSubjectKind.PROBLEM,
          subjectCode: problem.code,
          month: report.month,
          regionCode: problem.regionCode,
          enterpriseCode: problem.enterpriseCode,
          evidence: [
            factEvidence('industry', 'deadline', fact('deadline', { text: deadline })),
            factEvidence('industry', 'status at the end of the day', fact('status', { text: status })),
            factEvidence('industry', 'days past the deadline', fact('daysOverdue', { value: late, unit: '天' })),
          ],
          // The deadline is the problem's own, not a setting: nothing configurable was used.
          thresholds: [],
        }),
      );
    });
    return warnings;
  }
}

@Resolver(() => KeyEnterpriseMonthType)
export class KeyEnterpriseMonthResolver {
  @FieldResolver(() => Enterprise)
  enterprise(@Root() subject: KeyEnterpriseMonthType, @Ctx() ctx: SubgraphContext): Promise<Enterprise> {
    return ctx.loaders.enterprises.load(subject.creditCode) as Promise<Enterprise>;
  }

  @FieldResolver(() => Observation, { nullable: true, description: 'The key enterprise’s output that month (百户重点企业工业总产值), as the bureau monitors it.' })
  async keyEnterpriseOutput(@Root() subject: KeyEnterpriseMonthType, @Ctx() ctx: SubgraphContext): Promise<Observation | null> {
    const figures = await ctx.figures.at(subject.asOf).subject(industryIndicators, { kind: 'ENTERPRISE', code: subject.creditCode }, subject.month);
    return figures.get('keyEnterpriseOutput', 'IND_KEY_ENTERPRISE_OUTPUT');
  }

  /**
   * The same figure for the energy department's POWER_DROP rule, which `@requires` it: served under
   * the bureau's grant to that rule (registry `ruleGrants`), not the caller's reading rights;
   * inaccessible, so only the query planner asks for it and nothing here lands at a field the
   * caller did not select.
   */
  @Directive('@inaccessible')
  @FieldResolver(() => RuleFigure, { description: 'Key enterprise output for the energy department’s POWER_DROP rule, under a grant to that rule.' })
  powerDropOutput(@Root() subject: KeyEnterpriseMonthType, @Ctx() ctx: SubgraphContext): Promise<RuleFigure> {
    return ctx.figures.at(subject.asOf).forRule(industryIndicators, { grantee: 'energy', rule: 'POWER_DROP' }, 'IND_KEY_ENTERPRISE_OUTPUT', { kind: 'ENTERPRISE', code: subject.creditCode }, subject.month);
  }
}
