import { Directive, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MonthScalar } from '../scalars';
import type { IndicatorDefinition } from './indicator';
import { derivedFieldsOf, staleFieldsOf, type ObservationRecord } from './ObservationRecord';

export enum ObservationStatus {
  PRELIMINARY = 'PRELIMINARY',
  FINAL = 'FINAL',
  REVISED = 'REVISED',
}
registerEnumType(ObservationStatus, {
  name: 'ObservationStatus',
  valuesConfig: {
    PRELIMINARY: { description: 'Preliminary (初步): may still change without becoming a revision.' },
    FINAL: { description: 'Final (最终): a later change to it is a revision (修订).' },
    REVISED: { description: 'Revised (修订) after being final; the earlier versions stay in history.' },
  },
  description: 'Where a figure stands: preliminary (初步), final (最终) or revised after being final (修订).',
});

/**
 * Every field an Observation value carries: all of the type's fields but `history`, which the
 * owner resolves. A subgraph that receives another department's figure through `@requires`
 * selects these (warnings' RULE_FIGURE_SELECTION), so the figure it serves again is whole — a
 * field added to Observation and missing here would be null, or an error where it is non-null;
 * schema/test/composition.test.ts checks this list against the composed supergraph.
 */
export const OBSERVATION_VALUE_FIELDS = [
  'indicator', 'name', 'nameEn', 'unit', 'subjectKind', 'subjectCode', 'month', 'value', 'ytdValue', 'yoyPct', 'ytdYoyPct',
  'status', 'reportedBy', 'reportedAt', 'version', 'derived', 'derivedFields', 'changeReason', 'impliedYtdValue', 'staleFields',
] as const;

export enum SubjectKind {
  REGION = 'REGION',
  ENTERPRISE = 'ENTERPRISE',
  PARK = 'PARK',
}
registerEnumType(SubjectKind, {
  name: 'SubjectKind',
  valuesConfig: {
    REGION: { description: 'A region (地区): the city, a district, a county or a zone.' },
    ENTERPRISE: { description: 'An enterprise (企业), by its unified social credit code.' },
    PARK: { description: 'An industrial park (园区), its own ledger.' },
  },
  description: 'What a figure is about: a region (地区), an enterprise (企业) or an industrial park (园区: the park’s own ledger, e.g. its infrastructure investment 园区基础设施投资; a park’s enterprises’ figures are the departments’ totals on `Park`).',
});

/**
 * A reported figure (指标数据). Identical in every subgraph, hence @shareable: the gateway may
 * take it from whichever department answers.
 */
@Directive('@shareable')
@ObjectType({
  description: 'A reported figure (指标数据): one indicator for one subject and month, with its year-to-date value and growth.',
  // Plain properties, thousands per answer: graphql's own property read, not a middleware-ready wrapper per field.
  simpleResolvers: true,
})
export class Observation {
  @Field({ description: 'Indicator code (指标代码), prefixed by the department that owns the indicator.' })
  indicator: string;

  @Field({ description: 'Indicator name in Chinese (指标名称).' })
  name: string;

  @Field({ description: 'Indicator name in English.' })
  nameEn: string;

  @Field({ description: 'Unit (计量单位): 万元, 万千瓦时, 人, 户, %.' })
  unit: string;

  @Field(() => SubjectKind, { description: 'Whether the subject is a region, an enterprise or a park.' })
  subjectKind: SubjectKind;

  @Field({ description: 'Region code or unified social credit code of the subject.' })
  subjectCode: string;

  @Field(() => MonthScalar, { description: 'Reporting month (报告期).' })
  month: string;

  @Field(() => Float, { nullable: true, description: 'Current-month value (当月值); null where only a year-to-date value is published (1–2月合并).' })
  value: number | null;

  @Field(() => Float, { nullable: true, description: 'Year-to-date value (累计值); null for stock indicators such as loans outstanding.' })
  ytdValue: number | null;

  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the current-month value, % (当月同比).' })
  yoyPct: number | null;

  @Field(() => Float, { nullable: true, description: 'Year-on-year growth of the year-to-date value, % (累计同比).' })
  ytdYoyPct: number | null;

  @Field(() => ObservationStatus, { description: 'Preliminary, final or revised.' })
  status: ObservationStatus;

  @Field({ description: 'Who reported the figure (报送单位/人).' })
  reportedBy: string;

  @Field({ description: 'When the figure was reported.' })
  reportedAt: Date;

  @Field(() => Int, { description: 'Version of the figure: 1 when first reported, one more for each correction or revision (修订).' })
  version: number;

  @Field({ description: 'True when the year-to-date value or a growth rate was computed by the system from reported figures (推算), not reported.' })
  derived: boolean;

  // At most the four value fields: sized so (the gateway's cost limit), not the default ten.
  @Directive('@listSize(assumedSize: 4)')
  @Field(() => [String], {
    description:
      'Which of value, ytdValue, yoyPct and ytdYoyPct the system computed (推算) rather than the department reported: a balance reported with its growth derived lists yoyPct only, so a reader marks that figure, not the balance. Empty when everything was reported; a field the system could not compute (no figure a year before) is null and not listed.',
  })
  derivedFields: string[];

  @Field(() => String, { nullable: true, description: 'Why this version was written when it was not simply reported (修订原因): recomputed after a month it depends on changed, or an implausible figure the submitter confirmed, with their reason.' })
  changeReason: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'The year-to-date the earlier months imply (前期累计 + 本月), when it differs from the reported ytdValue because an earlier month was corrected after this one was reported: the figure awaits re-reporting (待重报) and derived figures of later months build on this value. Null when they agree.',
  })
  impliedYtdValue: number | null;

  // At most ytdValue and ytdYoyPct.
  @Directive('@listSize(assumedSize: 2)')
  @Field(() => [String], {
    description:
      'Fields of this figure that await re-reporting (待重报) after an earlier month was corrected: ytdValue (see impliedYtdValue) and ytdYoyPct where the department reported it (a derived one is recomputed on impliedYtdValue). Empty when the figure agrees with the months before. The department clears it by reporting the month again.',
  })
  staleFields: string[];

  static from(record: ObservationRecord, definition: IndicatorDefinition): Observation {
    return Object.assign(new Observation(), {
      indicator: record.indicator,
      name: definition.name,
      nameEn: definition.nameEn,
      unit: definition.unit,
      subjectKind: record.subjectType as SubjectKind,
      subjectCode: record.subjectCode,
      month: record.month,
      value: record.value,
      ytdValue: record.ytdValue,
      yoyPct: record.yoyPct,
      ytdYoyPct: record.ytdYoyPct,
      status: record.status as ObservationStatus,
      reportedBy: record.reportedBy,
      reportedAt: record.reportedAt,
      version: record.version,
      derived: Boolean(record.derived),
      derivedFields: derivedFieldsOf(record),
      changeReason: record.changeReason ?? null,
      impliedYtdValue: record.impliedYtdValue ?? null,
      staleFields: staleFieldsOf(record),
    });
  }
}
