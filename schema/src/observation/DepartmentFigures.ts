import { Arg, Field, ObjectType } from 'type-graphql';
import { unknownIndicator } from '../errors';
import { MonthScalar } from '../scalars';
import { IndicatorCatalogue } from './catalogue';
import { Observation } from './Observation';
import type { ObservationRecord } from './ObservationRecord';
import type { SubjectType } from './indicator';
import type { AccessPolicy } from '../kit/access';

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

  /** The request's sharing rules; absent for in-process use. */
  protected access?: AccessPolicy;

  /** Subclasses are built by the namespace resolver from the subject's rows for the month. */
  init(month: string, records: readonly ObservationRecord[], subject: { kind: SubjectType; code: string; asOf?: string }, access?: AccessPolicy): this {
    this.month = month;
    this.subject = subject;
    this.observations = this.catalogue.toObservations(records);
    this.access = access;
    return this;
  }

  /** The figure of one indicator, or null. */
  observation(code: string): Observation | null {
    return this.pick(code);
  }

  @Field(() => [Observation], {
    // Nullable: a code the caller may not read nulls this list (FORBIDDEN), not the department's figures.
    nullable: true,
    description: 'Every figure the department holds for this subject and month (in catalogue order); `codes` narrows it to those indicators.',
  })
  indicators(
    @Arg('codes', () => [String], { nullable: true, description: 'Indicator codes to return; unknown codes are an error.' })
    codes?: string[] | null,
  ): Observation[] {
    if (!codes) {
      // Every figure the caller may see: the list leaves out what it may not, without an error.
      return this.observations.filter((o) => {
        if (this.access?.denial(this.catalogue.get(o.indicator), this.subject.kind)) return false;
        this.access?.record(o.indicator, this.subject, this.month);
        return true;
      });
    }
    for (const code of codes) {
      if (!this.catalogue.has(code)) throw unknownIndicator('indicators.codes', code, this.catalogue.codes());
    }
    // Asked for by name: a figure the caller may not see is an error naming it, not a silent gap.
    for (const code of codes) this.access?.check(`${this.catalogue.department}.indicators(${code})`, this.catalogue.get(code), this.subject, this.month);
    return this.observations.filter((o) => codes.includes(o.indicator));
  }

  /** A headline figure, or null when the department has none for this subject and month; FORBIDDEN when the caller may not read it. */
  protected pick(code: string): Observation | null {
    this.access?.check(`${this.catalogue.department}.${code}`, this.catalogue.get(code), this.subject, this.month);
    return this.observations.find((o) => o.indicator === code) ?? null;
  }
}
