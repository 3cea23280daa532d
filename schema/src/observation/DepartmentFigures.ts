import { Directive, Arg, Field, ObjectType } from 'type-graphql';
import { unknownIndicator } from '../errors';
import { MonthScalar } from '../scalars';
import { IndicatorCatalogue } from './catalogue';
import { Observation } from './Observation';
import type { FigureSubject, SubjectFigures } from '../kit/figures';

/**
 * What a department's namespace field (`Region.<department>(month)`, `Enterprise.<department>(month)`)
 * returns. Each subgraph subclasses it with typed headline fields; `indicators` lists every figure
 * the department holds for the subject and month.
 */
@ObjectType({ description: "Base of every department figures type (never emitted on its own)." })
export abstract class DepartmentFigures {
  @Field(() => MonthScalar, { description: 'The month these figures are for.' })
  month: string;

  abstract readonly catalogue: IndicatorCatalogue;

  /** The subject's figures as the kit's read path serves them: every read checked and recorded. */
  protected figures: SubjectFigures;

  /** Whose figures these are, for the fields that look further (targets, ranking). */
  get subject(): FigureSubject {
    return this.figures.subject;
  }

  /** Subclasses are built by the namespace resolver from the read path's figures for the subject and month. */
  init(figures: SubjectFigures): this {
    this.month = figures.month;
    this.figures = figures;
    return this;
  }

  /** The figure of one indicator, or null. */
  observation(code: string): Observation | null {
    return this.pick(code);
  }

  /** For lists that leave out what the caller may not read: undefined when denied, else the figure or null (recorded). */
  readable(code: string): Observation | null | undefined {
    return this.figures.tryGet(code);
  }

  // At most the department's catalogue (≤ 20 indicators), codes or not: an unknown code is an error,
  // and Federation takes only Int slicing arguments (LIST_SIZE_INVALID_SLICING_ARGUMENT for `codes`).
  @Directive('@listSize(assumedSize: 20)')
  @Field(() => [Observation], {
    // Nullable: a code the caller may not read nulls this list (FORBIDDEN), not the department's figures.
    nullable: true,
    description: 'Every figure the department holds for this subject and month (in catalogue order); `codes` narrows it to those indicators.',
  })
  indicators(
    @Arg('codes', () => [String], { nullable: true, description: 'Indicator codes to return; unknown codes are an error.' })
    codes?: string[] | null,
  ): Observation[] {
    // Every figure the caller may see: the list leaves out what it may not, without an error.
    if (!codes) return this.figures.visible();
    for (const code of codes) {
      if (!this.catalogue.has(code)) throw unknownIndicator('indicators.codes', code, this.catalogue.codes());
    }
    // Asked for by name: a figure the caller may not see is an error naming it, not a silent gap.
    return this.figures.named(`${this.catalogue.department}.indicators`, codes);
  }

  /** A headline figure, or null when the department has none for this subject and month; FORBIDDEN when the caller may not read it. */
  protected pick(code: string): Observation | null {
    return this.figures.get(`${this.catalogue.department}.${code}`, code);
  }
}
