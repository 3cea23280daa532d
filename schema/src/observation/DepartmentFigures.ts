import { Arg, Field, ObjectType } from 'type-graphql';
import { unknownIndicator } from '../errors';
import { MonthScalar } from '../scalars';
import { IndicatorCatalogue } from './catalogue';
import { Observation } from './Observation';
import type { ObservationRecord } from './ObservationRecord';
import type { SubjectType } from './indicator';

/**
 * What a department's namespace field (`Region.energy(month)`, `Enterprise.finance(month)`, …)
 * returns. Each subgraph subclasses it with typed headline fields; `indicators` lists every figure
 * the department holds for the subject and month.
 */
@ObjectType({ description: "Base of every department figures type (never emitted on its own)." })
export abstract class DepartmentFigures {
  @Field(() => MonthScalar, { description: 'The month these figures are for.' })
  month: string;

  protected observations: Observation[];

  abstract readonly catalogue: IndicatorCatalogue;

  /** Whose figures these are, for the fields that look further (targets, ranking). */
  subject: { kind: SubjectType; code: string; asOf?: string };

  /** Subclasses are built by the namespace resolver from the subject's rows for the month. */
  init(month: string, records: readonly ObservationRecord[], subject: { kind: SubjectType; code: string; asOf?: string }): this {
    this.month = month;
    this.subject = subject;
    this.observations = this.catalogue.toObservations(records);
    return this;
  }

  /** The figure of one indicator, or null. */
  observation(code: string): Observation | null {
    return this.pick(code);
  }

  @Field(() => [Observation], {
    description: 'Every figure the department holds for this subject and month (in catalogue order); `codes` narrows it to those indicators.',
  })
  indicators(
    @Arg('codes', () => [String], { nullable: true, description: 'Indicator codes to return; unknown codes are an error.' })
    codes?: string[] | null,
  ): Observation[] {
    if (!codes) return this.observations;
    for (const code of codes) {
      if (!this.catalogue.has(code)) throw unknownIndicator('indicators.codes', code, this.catalogue.codes());
    }
    return this.observations.filter((o) => codes.includes(o.indicator));
  }

  /** A headline figure, or null when the department has none for this subject and month. */
  protected pick(code: string): Observation | null {
    return this.observations.find((o) => o.indicator === code) ?? null;
  }
}
