import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { SubjectType } from './indicator';

export type ObservationStatusValue = 'PRELIMINARY' | 'FINAL' | 'REVISED';

/** What a version of a figure holds: the current one and every superseded one alike. */
abstract class ObservationFields {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64 })
  indicator!: string;

  @Property({ type: 'string', length: 16 })
  subjectType!: SubjectType;

  @Property({ type: 'string', length: 18 })
  subjectCode!: string;

  @Property({ type: 'string', length: 7 })
  month!: string;

  /** Current-month value (当月). Null where only a year-to-date value is published (1–2月). */
  @Property({ type: 'double', nullable: true })
  value: number | null = null;

  /** Year-to-date value (累计). */
  @Property({ type: 'double', nullable: true })
  ytdValue: number | null = null;

  /** Year-on-year growth of the current-month value, % (当月同比). */
  @Property({ type: 'double', nullable: true })
  yoyPct: number | null = null;

  /** Year-on-year growth of the year-to-date value, % (累计同比). */
  @Property({ type: 'double', nullable: true })
  ytdYoyPct: number | null = null;

  @Property({ type: 'string', length: 16 })
  status!: ObservationStatusValue;

  @Property({ type: 'string', length: 64 })
  reportedBy!: string;

  @Property({ type: 'datetime' })
  reportedAt!: Date;

  /** Year-to-date or growth was computed by the system from reported figures, not reported (null: rows from before reporting existed). */
  @Property({ type: 'boolean', nullable: true })
  derived: boolean | null = null;

  /** The submission that wrote this version; null for seeded demo data. */
  @Property({ type: 'integer', nullable: true })
  submissionId: number | null = null;

  /**
   * Which of value, ytdValue, yoyPct, ytdYoyPct the system computed (comma-separated), so a
   * recomputation after a source month's revision touches those and never a reported figure.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  derivedFields: string | null = null;

  /** Why this version was written when not simply reported: recomputed after a source month changed, or an implausible figure confirmed (acceptOutliers). */
  @Property({ type: 'string', length: 1024, nullable: true })
  changeReason: string | null = null;

  /**
   * The year-to-date the earlier months imply (the previous month's year-to-date, itself as
   * implied, plus this month's value) when it differs from the reported `ytdValue` because an
   * earlier month was corrected after this one was reported: the figure awaits re-reporting
   * (待重报). Null when they agree or cannot be judged. Set and cleared only by a submission (see
   * followSources in reporting/submit); derivations and the year-to-date check use it in place
   * of the stale figure.
   */
  @Property({ type: 'double', nullable: true })
  impliedYtdValue: number | null = null;

  /**
   * For a year-to-date that does not add up and was confirmed so (YTD_INCONSISTENT with
   * acceptOutliers, e.g. 口径调整): the previous month's year-to-date it was confirmed against.
   * The confirmation holds while the months before still give that; when a correction moves them,
   * the figure awaits re-reporting with the same offset (impliedYtdValue = ytdValue + the move),
   * and when they come back, the mark goes. Null for a figure that adds up.
   */
  @Property({ type: 'double', nullable: true })
  confirmedPreviousYtd: number | null = null;
}

/**
 * A figure's year-to-date as the months before it imply: the reported one, or, while that awaits
 * re-reporting after an earlier month's correction, the implied one (issue 16). Derivations, the
 * year-to-date check, computed ratios and group totals' implied sums read this.
 */
export const ytdOf = (r: { ytdValue: number | null; impliedYtdValue?: number | null }): number | null => r.impliedYtdValue ?? r.ytdValue;

/**
 * The fields of a figure that await re-reporting (待重报): its year-to-date, and its year-to-date
 * growth when the department reported it (a derived one is computed on the implied year-to-date).
 */
export function staleFieldsOf(r: { impliedYtdValue?: number | null; ytdYoyPct: number | null; derivedFields?: string | null }): string[] {
  if (r.impliedYtdValue == null) return [];
  const derived = (r.derivedFields ?? '').split(',');
  return r.ytdYoyPct === null || derived.includes('ytdYoyPct') ? ['ytdValue'] : ['ytdValue', 'ytdYoyPct'];
}

/**
 * The fields of a figure the system computed (推算): as recorded; for a row recorded only as
 * `derived` (written before the fields were kept), every field but the month's value, which
 * `derived` has always meant (the year-to-date or a growth rate).
 */
export function derivedFieldsOf(r: { derived?: boolean | number | null; derivedFields?: string | null; value: number | null; ytdValue: number | null; yoyPct: number | null; ytdYoyPct: number | null }): string[] {
  const fields = r.derivedFields ? r.derivedFields.split(',') : r.derived ? ['ytdValue', 'yoyPct', 'ytdYoyPct'] : [];
  // A field that could not be computed (no figure a year before) is null, not a computed figure.
  return fields.filter((f): f is 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct' => (f === 'value' || f === 'ytdValue' || f === 'yoyPct' || f === 'ytdYoyPct') && r[f] !== null && r[f] !== undefined);
}

/**
 * One reported figure as it stands: an indicator for a subject (region or enterprise) and month.
 * Every subgraph has this table; its first migration creates it (`createObservationTable`).
 */
@Entity({ tableName: 'observation' })
@Unique({ name: 'observation_subject_unique', properties: ['indicator', 'subjectType', 'subjectCode', 'month'] })
@Index({ name: 'observation_lookup_index', properties: ['month', 'subjectType', 'subjectCode'] })
export class ObservationRecord extends ObservationFields {
  /** 1 for the first report; each change that keeps the old figure in history adds one. */
  @Property({ type: 'integer', default: 1 })
  version!: number;
}

/**
 * A superseded version of an observation (append-only): what the figure was before a correction
 * or revision, and until when. Together with `observation` it answers "as it stood at time T".
 */
@Entity({ tableName: 'observation_history' })
@Unique({ name: 'observation_history_version_unique', properties: ['indicator', 'subjectType', 'subjectCode', 'month', 'version'] })
@Index({ name: 'observation_history_subject_index', properties: ['month', 'subjectType', 'subjectCode'] })
export class ObservationVersionRecord extends ObservationFields {
  @Property({ type: 'integer' })
  version!: number;

  /** When the next version replaced this one. */
  @Property({ type: 'datetime' })
  supersededAt!: Date;
}
