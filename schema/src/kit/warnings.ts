import { Directive, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { findRegion } from '../identifiers/regionCode';
import type { DepartmentFigures } from '../observation/DepartmentFigures';
import { periodBaseMonth, targetProgress, targetsForMonth } from '../targets/graphql';
import {
  factEvidence,
  ledgerFact,
  observationEvidence,
  thresholdList,
  warning,
  Warning,
  WarningReportType,
  WarningSubjectKind,
} from '../warnings/graphql';
import { targetWarningThresholds } from '../warnings/thresholds';
import type { SubgraphContext } from './context';
import type { DepartmentNamespace, SharedEntities } from './namespace';

const round = (v: number) => Number(v.toFixed(2));

/**
 * What every department adds to the month's warning report (预警预报) from its own figures, and how
 * a warning names who it is about. `namespaceResolvers` includes these, so all five subgraphs have
 * them the same way:
 *
 * - `WarningReport.<department>TargetsBehind` (TARGET_BEHIND): one warning per region (the city and
 *   its districts) and target on the department's indicators that is behind time progress (序时进度)
 *   by more than `HUISHANG_WARN_TARGET_GAP_POINTS` points, judged exactly as `targets { behind gap }`
 *   judges it. Two statements: the year's targets, the month's region figures.
 * - `Warning.enterprise` and `Warning.region`: the subgraph's own Enterprise and Region (the owner's
 *   rows in the register's keeper, the key alone elsewhere), so the gateway can add the name from the register.
 */
export function departmentWarningResolvers<F extends DepartmentFigures>(namespace: DepartmentNamespace<F>, entities: SharedEntities): Function[] {
  const regionByCode = entities.regionByCode ?? ((code: string) => ({ code }));
  const enterpriseByCode = entities.enterpriseByCode ?? ((creditCode: string) => ({ creditCode }));
  const department = namespace.field;

  @Resolver(() => WarningReportType)
  class TargetsBehindResolver {
    // One per region (10) and target: at most a few targets each.
    @Directive('@listSize(assumedSize: 50)')
    @FieldResolver(() => [Warning], {
      name: `${department}TargetsBehind`,
      // Another department's list on the register's report: null when that department cannot answer.
      nullable: true,
      description: `Regions behind time progress (落后序时进度) on a target of the ${department} department’s indicators, by more than HUISHANG_WARN_TARGET_GAP_POINTS points (TARGET_BEHIND): one warning per region and target, the city first, then the districts in code order. FORBIDDEN (the list null) when the caller may not read the figure of one of the month’s targets: whether that region is behind cannot be told, and an empty list would say it is not.`,
    })
    async targetsBehind(@Root() report: WarningReportType, @Ctx() ctx: SubgraphContext): Promise<Warning[]> {
      const { targetGapPoints } = targetWarningThresholds();
      // Everything below is read at the report's moment: a figure reported later is not judged.
      const reader = ctx.figures.at(report.asOf);
      const catalogue = new namespace.figures().catalogue;
      const year = Number(report.month.slice(0, 4));
      const targets = targetsForMonth(await reader.targets(year), report.month).filter((t) => catalogue.has(t.indicator));
      if (targets.length === 0) return [];
      const regions = [...new Set(targets.map((t) => t.regionCode))];
      // One statement for every region: the read path batches them.
      const all = await reader.subjects(catalogue, 'REGION', regions, report.month);
      const figures = new Map(regions.map((code, i) => [code, all[i]]));
      const warnings: Warning[] = [];
      for (const target of targets) {
        // A warning quotes the figure, and its absence says "not behind": a target whose figure the
        // caller may not read refuses the list (FORBIDDEN naming the indicator) rather than leave it
        // out (an empty list told another department's analyst that no target was behind: a tester's finding).
        const actual = figures.get(target.regionCode)!.tryGet(target.indicator);
        if (actual === undefined) {
          ctx.access.require(`warnings.${department}TargetsBehind`, catalogue.get(target.indicator), 'REGION', report.month);
          continue;
        }
        const baseMonth = periodBaseMonth(report.month, target.period ?? 'YEAR');
        const base = baseMonth ? (await reader.subject(catalogue, { kind: 'REGION', code: target.regionCode }, baseMonth)).tryGet(target.indicator) ?? null : null;
        const progress = targetProgress(target, catalogue.get(target.indicator), report.month, actual, base);
        if (progress.behind !== true || progress.gap === null || !(progress.gap < -targetGapPoints)) continue;
        const name = findRegion(target.regionCode)?.name ?? target.regionCode;
        const level = target.measure === 'LEVEL';
        const judged = level
          ? `${baseMonth ? `${target.period} to date` : 'year to date'} ${progress.actualValue}${target.unit} is ${progress.completionPct}% of the ${target.period === 'YEAR' ? 'annual' : target.period} target ${target.value}${target.unit}, against time progress ${progress.timeProgressPct}%`
          : `${baseMonth ? `${target.period} to date` : 'year-to-date'} growth ${progress.actualValue}% against the ${catalogue.get(target.indicator).lowerIsBetter ? 'ceiling (lower is better)' : 'target'} of ${target.value}%`;
        warnings.push(
          warning({
            rule: 'TARGET_BEHIND',
            title: '目标任务落后序时进度',
            message: `${name} (${target.regionCode}) is behind on “${target.description}” (${target.indicator}): ${judged}, ${round(-progress.gap)} points behind (threshold ${targetGapPoints}).`,
            subjectKind: WarningSubjectKind.REGION,
            subjectCode: target.regionCode,
            month: report.month,
            evidence: [
              observationEvidence(department, level ? 'year to date' : 'year-to-date growth', actual!),
              // A period not starting in January is judged from the month before it: that figure is evidence too.
              ...(base ? [observationEvidence(department, 'year to date before the period', base)] : []),
              factEvidence(
                department,
                'target',
                ledgerFact({ ledger: 'TARGETS', entry: `${target.year} ${target.regionCode} ${target.indicator} ${target.measure}`, item: level ? 'annual target' : 'target growth', value: target.value, unit: target.unit, text: `${target.description} (${target.source})` }),
              ),
            ],
            thresholds: thresholdList(level ? { targetGapPoints, timeProgressPct: progress.timeProgressPct! } : { targetGapPoints, targetGrowthPct: target.value }),
          }),
        );
      }
      return warnings;
    }
  }

  @Resolver(() => Warning)
  class WarningSubjectResolver {
    @FieldResolver(() => entities.Enterprise, { nullable: true, description: 'The enterprise the warning is about, if any (for a problem: the one it names; for a key project: the one building it).' })
    enterprise(@Root() subject: Warning, @Ctx() ctx: SubgraphContext): unknown {
      return subject.enterpriseCode ? enterpriseByCode(subject.enterpriseCode, ctx) : null;
    }

    @FieldResolver(() => entities.Region, { nullable: true, description: 'The region the warning is about, if any (for a key project or a problem: its district).' })
    region(@Root() subject: Warning, @Ctx() ctx: SubgraphContext): unknown {
      return subject.regionCode ? regionByCode(subject.regionCode, ctx) : null;
    }
  }

  return [TargetsBehindResolver, WarningSubjectResolver];
}
