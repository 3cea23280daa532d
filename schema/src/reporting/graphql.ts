import { GraphQLError } from 'graphql';
import {
  Arg,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  Float,
  GraphQLISODateTime,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql';
import { ErrorCode, withArticle } from '../errors';
import { RegionCodeScalar, MonthScalar } from '../scalars';
import { kitEntityManager, type SubgraphContext } from '../kit/context';
import type { IndicatorDefinition } from '../observation/indicator';
import { Observation, ObservationStatus, SubjectKind } from '../observation/Observation';
import { staleFieldsOf } from '../observation/ObservationRecord';
import { Target } from '../targets/graphql';
import { BatchRejectedError, IdempotencyConflictError, submitBatch, type ReportingDepartment, type SubmissionOutcome } from './submit';
import type { IndicatorCatalogue } from '../observation/catalogue';
import { Writes, WriteRule } from '../kit/authorization';
import { forbidden, type AccessPolicy } from '../kit/access';
import { SubmissionRecord } from './records';

export enum IndicatorKindValue {
  FLOW = 'FLOW',
  STOCK = 'STOCK',
  RATE = 'RATE',
}
registerEnumType(IndicatorKindValue, {
  name: 'IndicatorKind',
  valuesConfig: {
    FLOW: { description: 'Summed over the year: the year-to-date (累计) is the sum of the months.' },
    STOCK: { description: 'A level at month end (月末余额): no year-to-date.' },
    RATE: { description: 'A percentage reported as such (a growth rate, a ratio).' },
  },
  description: 'FLOW: summed over the year (year-to-date 累计 is a sum); STOCK: a level at month end (no year-to-date); RATE: a percentage reported as such.',
});

export enum SharingCategoryValue {
  UNCONDITIONAL = 'UNCONDITIONAL',
  CONDITIONAL = 'CONDITIONAL',
  NOT_SHARED = 'NOT_SHARED',
}
registerEnumType(SharingCategoryValue, {
  name: 'SharingCategory',
  valuesConfig: {
    UNCONDITIONAL: { description: 'Every department reads it (无条件共享).' },
    CONDITIONAL: { description: 'Another department reads it only under the owner’s live grant (有条件共享); a census district total is shared.' },
    NOT_SHARED: { description: 'Only its department reads it (不予共享).' },
  },
  description: 'Sharing category (共享类型, 政务信息资源共享管理暂行办法 2016): unconditional (无条件共享), conditional (有条件共享: granted departments only), not shared (不予共享).',
});

export enum DerivationValue {
  DERIVED_ALLOWED = 'DERIVED_ALLOWED',
  REPORTED_ONLY = 'REPORTED_ONLY',
  COMPUTED = 'COMPUTED',
}
registerEnumType(DerivationValue, {
  name: 'Derivation',
  valuesConfig: {
    DERIVED_ALLOWED: { description: 'Year-to-date and growth left out of a report are derived from the months (推算, marked derived).' },
    REPORTED_ONLY: { description: 'Only as the department reports them (e.g. growth at comparable prices): nothing is derived.' },
    COMPUTED: { description: 'Never reported: computed on read from two other indicators (a ratio).' },
  },
  description:
    'Whether year-to-date values and growth may be computed from reported months (推算) or come only as the department reports them (e.g. growth at comparable prices); COMPUTED: never reported, computed on read from other indicators of the department by the formula in its description (an intensity: a ratio of two of them).',
});

/** Multiplier of a unit's prefix: 万 = 10⁴, 亿 = 10⁸. */
export function unitMultiplier(unit: string): number {
  if (unit.startsWith('亿')) return 1e8;
  if (unit.startsWith('万')) return 1e4;
  return 1;
}

@Directive('@shareable')
@ObjectType({ description: 'How a computed indicator (derivation COMPUTED) follows from two reported indicators of the same department, subject and month: numerator ÷ denominator.' })
export class IndicatorRatio {
  @Field({ description: 'Code of the indicator divided (e.g. a consumption).' })
  numerator: string;
  @Field({ description: 'Code of the indicator divided by (e.g. an output).' })
  denominator: string;
}

@Directive('@shareable')
@ObjectType({ description: 'An indicator in a department’s catalogue (指标目录).' })
export class Indicator {
  @Field({ description: 'Stable code, prefixed by the department that owns it.' })
  code: string;
  @Field({ description: 'Name in Chinese (指标名称).' })
  name: string;
  @Field({ description: 'Name in English.' })
  nameEn: string;
  @Field({ description: 'Department that publishes it: a subgraph name of the registry of departments.' })
  department: string;
  @Field({ description: 'Unit as printed (计量单位).' })
  unit: string;
  @Field(() => Float, { description: 'Multiplier of the unit’s prefix: 万 = 10000, 亿 = 100000000, otherwise 1.' })
  unitMultiplier: number;
  @Field({ description: 'How often it is reported (报告频率): MONTHLY.' })
  frequency: string;
  @Field(() => IndicatorKindValue, { description: 'What kind of quantity it is: a flow summed over the year (FLOW), a level at month end (STOCK), or a rate (RATE).' })
  kind: IndicatorKindValue;
  @Field(() => [SubjectKind], { description: 'What it is reported for: regions, enterprises or both.' })
  subjects: SubjectKind[];
  @Field(() => SharingCategoryValue, { description: 'Who may read it besides its department (共享类别): everyone, only under the owner’s grant, or nobody.' })
  sharing: SharingCategoryValue;
  @Field(() => DerivationValue, { description: 'Whether year-to-date and growth left out of a report are derived (推算), only reported, or the indicator is computed from two others.' })
  derivation: DerivationValue;
  @Field(() => Float, { nullable: true, description: 'Smallest value accepted.' })
  minimum: number | null;
  @Field(() => Float, { nullable: true, description: 'Largest value accepted.' })
  maximum: number | null;
  @Field({ description: 'Published for January and February together (1–2月合并): no January figure; February carries the 1–2月 total as its year-to-date.' })
  publishedJanFeb: boolean;
  @Field(() => IndicatorRatio, { nullable: true, description: 'For a computed indicator (derivation COMPUTED): its sources, value = numerator ÷ denominator; null for a reported one.' })
  ratioOf: IndicatorRatio | null;
  @Field({ description: 'Lower is better (an intensity, a ratio of use to output): a growth target is a ceiling and rankings put the lowest first.' })
  lowerIsBetter: boolean;
  @Field({
    description:
      'A region’s figure sums the few enterprises listed for it (e.g. the key enterprises, 重点企业), not a census of the district: it can be one enterprise’s own figure, so it is shared as the enterprises’ figures are (for a CONDITIONAL indicator, only under a grant, at region level too). False for a census total and for an indicator reported for enterprises or regions only.',
  })
  regionSumsListedEnterprises: boolean;
  @Field({ description: 'What it measures and where its rule comes from (the seed document and item), in the catalogue’s words.' })
  description: string;

  static from(department: string, d: IndicatorDefinition): Indicator {
    return Object.assign(new Indicator(), {
      ...d,
      department,
      unitMultiplier: unitMultiplier(d.unit),
      frequency: 'MONTHLY',
      subjects: d.subjects as SubjectKind[],
      sharing: d.sharing as SharingCategoryValue,
      kind: d.kind as IndicatorKindValue,
      derivation: d.ratioOf ? DerivationValue.COMPUTED : d.kind === 'RATE' || d.reportedOnly ? DerivationValue.REPORTED_ONLY : DerivationValue.DERIVED_ALLOWED,
      lowerIsBetter: d.lowerIsBetter ?? false,
      regionSumsListedEnterprises: d.regionSumsListedEnterprises ?? false,
      ratioOf: d.ratioOf ? Object.assign(new IndicatorRatio(), { numerator: d.ratioOf.numerator, denominator: d.ratioOf.denominator }) : null,
      minimum: d.minimum ?? null,
      maximum: d.maximum ?? null,
      publishedJanFeb: d.publishedJanFeb ?? false,
    });
  }
}

/**
 * Every department's indicator catalogue in one object: the register's keeper (the meeting's
 * secretariat) serves `Query.indicatorCatalogue`, and each department adds its own list.
 */
@Directive('@key(fields: "city")')
@ObjectType('IndicatorCatalogue', { description: 'The indicator catalogues (指标目录) of every department of a city.' })
export class IndicatorCatalogueType {
  @Field(() => RegionCodeScalar, { description: 'The city the catalogue serves.' })
  city: string;
}

export const indicatorCatalogueReference = {
  __resolveReference: (reference: { city: string }) => Object.assign(new IndicatorCatalogueType(), { city: reference.city }),
};

@Directive('@shareable')
@ObjectType({ description: 'A superseded version of a figure (历史版本): what it was, and until when.' })
export class ObservationVersion {
  @Field(() => Int, { description: 'Its number: 1 for the first report of the figure, counting up with each change (Observation.version is the current one).' })
  version: number;
  @Field(() => Float, { nullable: true, description: 'Current-month value (当月) it had, in the indicator’s unit.' })
  value: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-to-date value (累计) it had.' })
  ytdValue: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the month it had, %.' })
  yoyPct: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the year to date it had, %.' })
  ytdYoyPct: number | null;
  @Field(() => ObservationStatus, { description: 'Its status then: preliminary (初步), final (最终) or revised (修订).' })
  status: ObservationStatus;
  @Field({ description: 'Some of its fields were derived by the department’s service (推算), not reported.' })
  derived: boolean;
  @Field({ description: 'Who reported it (报送单位/人), as the batch said.' })
  reportedBy: string;
  @Field({ description: 'When the department’s service accepted it (UTC): it was valid from then until supersededAt.' })
  reportedAt: Date;
  @Field({ description: 'When the next version replaced it.' })
  supersededAt: Date;
  @Field(() => String, { nullable: true, description: 'Why this version was written when it was not simply reported (修订原因): recomputed after a month it depends on changed, or confirmed by the submitter (acceptOutliers) with their reason.' })
  changeReason: string | null;
  @Field(() => Float, { nullable: true, description: 'The year-to-date the earlier months implied while this version awaited re-reporting (待重报); null when it agreed with them. See Observation.impliedYtdValue.' })
  impliedYtdValue: number | null;
}

@InputType({ description: 'One figure of a batch.' })
export class ObservationInput {
  @Field({ description: 'Indicator code from the department’s catalogue.' })
  indicator: string;
  @Field(() => SubjectKind, { description: 'What the figure is of: a region (地区), an enterprise (企业) or a park (园区); the catalogue says which it is reported for.' })
  subjectKind: SubjectKind;
  @Field({ description: 'Region code, or the enterprise’s unified social credit code.' })
  subjectCode: string;
  @Field({ description: 'Unit, which must be the catalogue’s (a guard against 万元/亿元 mix-ups).' })
  unit: string;
  @Field(() => Float, { nullable: true, description: 'Current-month value (当月).' })
  value?: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-to-date value (累计); derived where the catalogue allows if left out.' })
  ytdValue?: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the month, %; derived if left out and allowed.' })
  yoyPct?: number | null;
  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the year to date, %; derived if left out and allowed.' })
  ytdYoyPct?: number | null;
}

@InputType({ description: 'The submitter confirms figures the plausibility checks question (异常值确认): a change of scale, a jump far outside the subject’s history, a stated growth that contradicts the figures.' })
export class OutlierConfirmationInput {
  @Field({ description: 'Why the figures are right as submitted (3–512 characters); kept in each confirmed figure’s history as its changeReason.' })
  reason: string;
}

export enum ReportedStatus {
  PRELIMINARY = 'PRELIMINARY',
  FINAL = 'FINAL',
}
registerEnumType(ReportedStatus, {
  name: 'ReportedStatus',
  description: 'Status a department reports: preliminary (初步) or final (最终). A change to a final figure becomes REVISED.',
  valuesConfig: { PRELIMINARY: { description: 'Preliminary (初步): may still change.' }, FINAL: { description: 'Final (最终): a later change is a revision (修订).' } },
});

/**
 * A batch's header: everything but its figures. The one-request mutation's `ObservationBatchInput`
 * adds the figures; a staged upload's commit takes the header alone (its figures are the staged
 * parts). One declaration for both, so the two cannot drift; two GraphQL types, so clients that
 * name either type in their variables keep working.
 */
@InputType({ description: 'The batch a staged upload commits: everything but the observations, which are the staged parts in order (the header of ObservationBatchInput).' })
export class StagedBatchInput {
  @Field({ description: 'Client-chosen key (1–128 characters): the same batch again under the same key changes nothing.' })
  idempotencyKey: string;
  @Field(() => MonthScalar, { description: 'The month (报告期) every figure of the batch is for, YYYY-MM; a month after the current one is refused (FUTURE_MONTH).' })
  month: string;
  @Field({ description: 'Who reports (报送单位/人).' })
  reportedBy: string;
  @Field(() => ReportedStatus, { defaultValue: ReportedStatus.PRELIMINARY, description: 'The status of every figure of the batch: preliminary (初步, the default) or final (最终).' })
  status: ReportedStatus;
  @Field(() => OutlierConfirmationInput, {
    nullable: true,
    description: 'Confirm figures refused as implausible (problems SCALE_SLIP, IMPLAUSIBLE_JUMP, GROWTH_CONTRADICTION, COPIED_MONTH, marked confirmable) with a reason; without it they are refused.',
  })
  acceptOutliers?: OutlierConfirmationInput | null;
}

@InputType({ description: 'A department’s figures for one month (报送批次): applied all together or not at all.' })
export class ObservationBatchInput extends StagedBatchInput {
  @Field(() => [ObservationInput], { description: 'The figures, one per indicator, subject and month; a duplicate is refused (DUPLICATE_ROW).' })
  observations: ObservationInput[];
}

@Directive('@shareable')
@ObjectType({ description: 'What a batch did.' })
export class SubmissionResult {
  @Field(() => Int, { nullable: true, description: 'Ledger number of the batch; null for a dry run.' })
  submissionId: number | null;
  @Field({ description: 'The key the batch was sent under: the same key with the same content answers as a replay.' })
  idempotencyKey: string;
  @Field({ description: 'The batch had been applied before under this key: nothing changed.' })
  replayed: boolean;
  @Field({ description: 'Validated only; nothing written. The counts and figures are what a real run would have done at that moment (a dry run takes no lock: a real run checks everything again).' })
  dryRun: boolean;
  @Field(() => Int, { description: 'Figures reported for the first time.' })
  created: number;
  @Field(() => Int, { description: 'Preliminary figures changed or made final.' })
  updated: number;
  @Field(() => Int, { description: 'Final figures revised (修订); the previous versions stay in history.' })
  revised: number;
  @Field(() => Int, { description: 'Figures identical to what was held.' })
  unchanged: number;
  @Field(() => Int, { description: 'Derived figures of later months (year-to-date, growth) recomputed because a month they depend on changed; each has a new version saying why.' })
  recomputed: number;
  @Directive('@listSize(assumedSize: 100)')
  @Field(() => [Observation], {
    description:
      'Reported figures of later months of the year that await re-reporting (待重报) after this batch: their reported year-to-date no longer equals what the corrected months imply (impliedYtdValue, staleFields). The department reports those months again; empty when the chain still adds up.',
  })
  staleObservations: Observation[];
  @Directive('@listSize(assumedSize: 1000)')
  @Field(() => [Observation], { description: 'The figures as they now stand (for a dry run: as they would stand).' })
  observations: Observation[];

  /**
   * A batch's outcome as the schema serves it, for the one-request mutation and a staged upload's
   * commit alike. The figures are built only when selected: for 100,000 rows it is seconds of
   * work nobody may ask for.
   */
  static from(catalogue: IndicatorCatalogue, outcome: SubmissionOutcome, access: AccessPolicy): SubmissionResult {
    const { observations, stale, ...counts } = outcome;
    const result = Object.assign(new SubmissionResult(), counts);
    // The figures an answer serves are reads like any other: in the request's audit record (a tester
    // found a write's staleObservations, later months' figures, missing from it). Recorded only when selected.
    const served = (records: typeof observations) => {
      const figures = catalogue.toObservations(records);
      for (const o of figures) access.record(o.indicator, { kind: o.subjectKind, code: o.subjectCode }, o.month);
      return figures;
    };
    Object.defineProperty(result, 'observations', { get: () => served(observations), enumerable: true });
    Object.defineProperty(result, 'staleObservations', { get: () => served(stale), enumerable: true });
    return result;
  }
}

@Directive('@shareable')
@ObjectType({ description: 'An accepted batch in the department’s ledger (报送记录): who reported which month, when, and what it changed.' })
export class SubmissionSummary {
  @Field(() => Int, { description: 'Ledger number of the batch (as SubmissionResult.submissionId).' })
  submissionId: number;
  @Field({ description: 'The key the batch was sent under (one batch per key).' })
  idempotencyKey: string;
  @Field(() => MonthScalar, { description: 'The month (报告期) the batch reported.' })
  month: string;
  @Field({ description: 'Who reported (报送单位/人), as the batch said.' })
  reportedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When the department’s service accepted the batch (UTC).' })
  receivedAt: Date;
  @Field(() => Int, { description: 'Figures reported for the first time.' })
  created: number;
  @Field(() => Int, { description: 'Preliminary figures changed or made final.' })
  updated: number;
  @Field(() => Int, { description: 'Final figures revised (修订).' })
  revised: number;
  @Field(() => Int, { description: 'Figures identical to what was held.' })
  unchanged: number;

  static from(record: SubmissionRecord): SubmissionSummary {
    const { id, idempotencyKey, month, reportedBy, receivedAt, created, updated, revised, unchanged } = record;
    return Object.assign(new SubmissionSummary(), { submissionId: id, idempotencyKey, month, reportedBy, receivedAt: new Date(receivedAt), created, updated, revised, unchanged });
  }
}

/** A refused batch as a GraphQL error: every problem listed, each with its own stable code. */
export function batchError(error: unknown): unknown {
  if (error instanceof BatchRejectedError) {
    return new GraphQLError(error.message, {
      extensions: { code: ErrorCode.BadUserInput, field: 'batch', problems: error.problems },
    });
  }
  if (error instanceof IdempotencyConflictError) {
    const used = error.existing ? { submissionId: error.existing.id, month: error.existing.month } : {};
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.IdempotencyConflict, field: 'batch.idempotencyKey', ...used } });
  }
  return error;
}

export interface ReportingOptions {
  department: ReportingDepartment;
  /** `submitEnergyObservations`, … */
  mutationName: string;
}

/**
 * The reporting surface every subgraph has: its catalogue on `IndicatorCatalogue`, its own
 * mutation for its own indicators, and `history` on the figures it serves.
 */
export function reportingResolvers(options: ReportingOptions): Function[] {
  const { department } = options;

  @Resolver(() => IndicatorCatalogueType)
  class CatalogueResolver {
    // Nullable: each department adds its list to the register's catalogue; down, it nulls only its list.
    @Directive('@listSize(assumedSize: 20)')
    @FieldResolver(() => [Indicator], { name: department.name, nullable: true, description: `Indicators the ${department.name} department publishes; null when the department cannot answer.` })
    indicators(): Indicator[] {
      return department.catalogue.definitions.map((d) => Indicator.from(department.name, d));
    }
  }

  @Resolver()
  class SubmitResolver {
    @Writes(WriteRule.OWNER)
    @Mutation(() => SubmissionResult, {
      // Nullable: in a document of several writes, a refused one nulls itself only (schema/test/nullability.test.ts).
      nullable: true,
      name: options.mutationName,
      description: `Report ${department.name} figures for a month (报送): validated, all or nothing, idempotent under the batch's key; corrections keep the previous figures in history.`,
    })
    async submit(
      @Arg('batch', () => ObservationBatchInput, { description: 'The month’s figures to report, with the idempotency key that makes sending it again safe.' }) batch: ObservationBatchInput,
      @Arg('dryRun', () => Boolean, { defaultValue: false, description: 'Validate only; write nothing.' }) dryRun: boolean,
      @Ctx() ctx: SubgraphContext,
    ): Promise<SubmissionResult> {
      // The write's audit record: its month, and below the submission it made.
      if (typeof batch.month === 'string' && /^\d{4}-\d{2}$/.test(batch.month)) ctx.access.reads.months.add(batch.month);
      try {
        const outcome = await submitBatch(kitEntityManager(ctx.em), department, batch, { dryRun });
        if (outcome.submissionId != null && !outcome.dryRun) ctx.access.reads.submissions.add(outcome.submissionId);
        return SubmissionResult.from(department.catalogue, outcome, ctx.access);
      } catch (error) {
        throw batchError(error);
      }
    }
  }

  @Resolver()
  class SubmissionsResolver {
    /** The reporting page's "recent submissions": the ledger is the owner's business, so only its own clients read it. */
    @Directive('@listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)')
    @Query(() => [SubmissionSummary], {
      name: `${department.name}Submissions`,
      // Nullable like every root field a department serves (README, "When a department fails").
      nullable: true,
      description: `The ${department.name} department’s accepted batches (报送记录), newest first: its own clients only (FORBIDDEN for another department’s). \`first\`: 1–100; null (with an error naming the department) when it cannot answer.`,
    })
    async submissions(
      @Arg('first', () => Int, { defaultValue: 20, description: 'How many of the latest submissions to list, newest first (1 to 100).' }) first: number,
      @Arg('month', () => MonthScalar, { nullable: true, description: 'Only batches of this month.' }) month: string | null | undefined,
      @Ctx() ctx: SubgraphContext,
    ): Promise<SubmissionSummary[]> {
      const field = `${department.name}Submissions`;
      const identity = ctx.access.identity;
      if (identity && identity.department !== department.name) {
        throw forbidden(field, `the submissions ledger belongs to the ${department.name} department; ${withArticle(identity.department)} client may not read it`);
      }
      if (!Number.isInteger(first) || first < 1 || first > 100) {
        throw new GraphQLError(`first must be 1 to 100, got ${first}`, { extensions: { code: ErrorCode.BadUserInput, field: 'first' } });
      }
      const rows = await ctx.em.find(SubmissionRecord, month ? { month } : {}, { orderBy: { id: 'desc' }, limit: first });
      return rows.map((row) => SubmissionSummary.from(row));
    }
  }

  @Resolver(() => Observation)
  class HistoryResolver {
    // Revisions of one figure: a handful; reading them is one more statement per figure.
    @Directive('@listSize(assumedSize: 10)')
    @Directive('@cost(weight: 2)')
    @FieldResolver(() => [ObservationVersion], { description: 'Earlier versions of this figure, newest first (修订历史).' })
    history(@Root() observation: Observation, @Ctx() ctx: SubgraphContext): Promise<ObservationVersion[]> {
      return ctx.figures.history(`${department.name}.history`, department.catalogue, observation) as unknown as Promise<ObservationVersion[]>;
    }
  }

  @Resolver(() => ObservationVersion)
  class VersionResolver {
    // Versions are served as stored rows (ctx.figures.history): the list is computed from the stored implied year-to-date.
    @FieldResolver(() => [String], { description: 'Fields of this version that awaited re-reporting (待重报): ytdValue and, where present, ytdYoyPct; empty when it agreed with the months before. See Observation.staleFields.' })
    staleFields(@Root() version: ObservationVersion): string[] {
      return staleFieldsOf(version);
    }
  }

  @Resolver(() => Indicator)
  class IndicatorTargetsResolver {
    @Directive('@listSize(assumedSize: 12)')
    @FieldResolver(() => [Target], { description: 'Annual targets on this indicator for a year: the city’s and each district’s share (分解目标).' })
    async targets(@Root() indicator: Indicator, @Arg('year', () => Int, { description: 'The year the targets are set for, e.g. 2015.' }) year: number, @Ctx() ctx: SubgraphContext): Promise<Target[]> {
      return (await ctx.figures.targets(year, { indicator: indicator.code })).map((t) => Target.from(t));
    }
  }

  return [CatalogueResolver, SubmitResolver, SubmissionsResolver, HistoryResolver, VersionResolver, IndicatorTargetsResolver];
}

