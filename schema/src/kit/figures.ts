import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { IndicatorDefinition, SubjectType } from '../observation/indicator';
import type { Observation } from '../observation/Observation';
import { ObservationRecord, type ObservationVersionRecord } from '../observation/ObservationRecord';
import { TargetRecord } from '../targets/TargetRecord';
import { RuleFigure } from '../warnings/graphql';
import type { AccessPolicy } from './access';
import { historyLoader, loadAll, observationLoader, targetLoader, type ObservationKey } from './context';

/** Whose figures: a region or an enterprise, optionally as they stood at a time (ISO string). */
export interface FigureSubject {
  kind: SubjectType;
  code: string;
  asOf?: string;
}

/** The entities behind the read path. The kit registers them in every subgraph's ORM; they are not exported from the package. */
export const FIGURE_ENTITIES = [ObservationRecord, TargetRecord] as const;

/**
 * One subject's figures for one month, as the read path hands them to a resolver: the rows are
 * private, and every way out applies the sharing rules (`AccessPolicy`) and records the read for
 * the audit trail (`extensions.huishangReads`). A number derived from a figure (a completion
 * share, a rank, a sum) must be derived from what `get`/`tryGet`/`visible` returned, so deriving
 * it is a recorded read of its source.
 */
export class SubjectFigures {
  readonly #observations: readonly Observation[];
  readonly #access: AccessPolicy;

  constructor(
    readonly catalogue: IndicatorCatalogue,
    readonly subject: FigureSubject,
    readonly month: string,
    observations: readonly Observation[],
    access: AccessPolicy,
  ) {
    this.#observations = observations;
    this.#access = access;
  }

  /** The figure of one indicator (null when none is reported); FORBIDDEN naming `field` when the caller may not read it. */
  get(field: string, code: string): Observation | null {
    this.#access.check(field, this.catalogue.get(code), this.subject, this.month);
    return this.#observations.find((o) => o.indicator === code) ?? null;
  }

  /**
   * For lists that leave out what the caller may not see (as `indicators` without codes does):
   * `undefined` when the caller may not read the indicator (nothing recorded), else the figure or null.
   */
  tryGet(code: string): Observation | null | undefined {
    const definition = this.catalogue.get(code);
    if (this.#access.denial(definition, this.subject.kind)) return undefined;
    this.#access.record(code, this.subject, this.month);
    return this.#observations.find((o) => o.indicator === code) ?? null;
  }

  /** Every figure the caller may read, in catalogue order; each one is recorded. */
  visible(): Observation[] {
    return this.#observations.filter((o) => this.tryGet(o.indicator) !== undefined);
  }

  /** The figures of the indicators named, each checked (FORBIDDEN naming `field(code)`) and recorded. */
  named(field: string, codes: readonly string[]): Observation[] {
    for (const code of codes) this.#access.check(`${field}(${code})`, this.catalogue.get(code), this.subject, this.month);
    return this.#observations.filter((o) => codes.includes(o.indicator));
  }
}

/** A superseded version of a figure, as `Observation.history` serves it. */
export type FigureVersion = Readonly<ObservationVersionRecord>;

/**
 * The one read path for figures (指标数据): every resolver reads observation rows through
 * `ctx.figures`, never from the database or a loader, because the context holds no raw loader and
 * the package does not export the row entities (`ObservationRecord`, `TargetRecord`) or the
 * loaders. Each method applies the sharing category and the owner's grants and records what was
 * read; batching is kept (per-request DataLoaders: 200 enterprises cost one statement).
 */
export class FigureReader {
  readonly #em: EntityManager;
  readonly #access: AccessPolicy;
  readonly #observations: DataLoader<ObservationKey, ObservationRecord[], string>;
  readonly #history: ReturnType<typeof historyLoader>;
  readonly #targets: ReturnType<typeof targetLoader>;

  constructor(em: EntityManager, access: AccessPolicy) {
    this.#em = em;
    this.#access = access;
    this.#observations = observationLoader(em);
    this.#history = historyLoader(em);
    this.#targets = targetLoader(em);
  }

  /** One subject's figures for a month (current, or as they stood at `subject.asOf`). */
  async subject(catalogue: IndicatorCatalogue, subject: FigureSubject, month: string): Promise<SubjectFigures> {
    const rows = await this.#observations.load({ subjectType: subject.kind, subjectCode: subject.code, month, asOf: subject.asOf });
    return new SubjectFigures(catalogue, subject, month, catalogue.toObservations(rows), this.#access);
  }

  /** Many subjects' figures for a month, in one statement. */
  async subjects(catalogue: IndicatorCatalogue, kind: SubjectType, codes: readonly string[], month: string, asOf?: string): Promise<SubjectFigures[]> {
    const rows = await loadAll(this.#observations, codes.map((code) => ({ subjectType: kind, subjectCode: code, month, asOf })));
    return codes.map((code, i) => new SubjectFigures(catalogue, { kind, code, asOf }, month, catalogue.toObservations(rows[i]), this.#access));
  }

  /**
   * The region figures of one indicator for a ranking (排名通报): a rank is derived from every
   * region's figure, so the caller must be allowed to read the indicator for regions (FORBIDDEN
   * naming `field` otherwise), and each region's figure counts as read.
   */
  async ranking(field: string, catalogue: IndicatorCatalogue, indicator: string, regionCodes: readonly string[], month: string, asOf?: string): Promise<Observation[]> {
    this.#access.require(field, catalogue.get(indicator), 'REGION');
    const all = await this.subjects(catalogue, 'REGION', regionCodes, month, asOf);
    return all.map((figures) => figures.get(field, indicator)).filter((o): o is Observation => o !== null);
  }

  /**
   * Enterprise figures of one indicator for a month with a positive current-month value, in credit
   * code order (a rule's candidates, e.g. the month's loan withdrawals): FORBIDDEN naming `field`
   * unless the caller may read the indicator for enterprises; each figure served is recorded.
   */
  async positive(field: string, catalogue: IndicatorCatalogue, indicator: string, kind: SubjectType, month: string): Promise<Observation[]> {
    const definition: IndicatorDefinition = catalogue.get(indicator);
    this.#access.require(field, definition, kind);
    const rows = await this.#em.find(ObservationRecord, { indicator, subjectType: kind, month, value: { $gt: 0 } }, { orderBy: { subjectCode: 'asc' } });
    const observations = catalogue.toObservations(rows);
    for (const o of observations) this.#access.record(indicator, { kind, code: o.subjectCode }, month);
    return observations;
  }

  /**
   * One subject's figure for another department's rule (用途授权, issue 12): served when this
   * department holds a live grant to `rule.grantee`'s rule `rule.rule` for the indicator, whatever
   * the caller may read itself; never an error (the rule answers at its own field: the kit's
   * `ruleInput`). A served figure is recorded as read; `callerMayRead` says whether the caller could
   * read it by its own rights (the rule shows it as evidence only then).
   */
  async forRule(catalogue: IndicatorCatalogue, rule: { grantee: string; rule: string }, indicator: string, subject: FigureSubject, month: string): Promise<RuleFigure> {
    const definition = catalogue.get(indicator);
    const grant = this.#access.ruleGrant(rule.grantee, rule.rule, indicator);
    const answer: RuleFigure = Object.assign(new RuleFigure(), {
      owner: this.#access.owner,
      grantee: rule.grantee,
      rule: rule.rule,
      indicator,
      grantId: grant?.id ?? null,
      figure: null,
      callerMayRead: this.#access.denial(definition, subject.kind) === null,
    });
    if (!grant) return answer;
    const rows = await this.#observations.load({ subjectType: subject.kind, subjectCode: subject.code, month, asOf: subject.asOf });
    this.#access.record(indicator, subject, month);
    answer.figure = catalogue.toObservations(rows).find((o) => o.indicator === indicator) ?? null;
    return answer;
  }

  /**
   * Earlier versions of a figure, newest first: the same reading rights as the figure itself
   * (FORBIDDEN naming `field`), recorded. A figure of an indicator this department does not hold
   * has no history here.
   */
  async history(field: string, catalogue: IndicatorCatalogue, of: { indicator: string; subjectKind: SubjectType; subjectCode: string; month: string }): Promise<FigureVersion[]> {
    if (!catalogue.has(of.indicator)) return [];
    this.#access.check(field, catalogue.get(of.indicator), { kind: of.subjectKind, code: of.subjectCode }, of.month);
    return this.#history.load({ indicator: of.indicator, subjectType: of.subjectKind, subjectCode: of.subjectCode, month: of.month });
  }

  /**
   * Annual targets (目标任务) as set in municipal documents, by region or by indicator, or all of a
   * year. Targets are published documents, not reported figures: anyone may read them; progress
   * against one is derived from a figure and must read it through `subject(…)`.
   */
  targets(year: number, selector?: { region: string } | { indicator: string }): Promise<TargetRecord[]> {
    if (!selector) return this.#em.find(TargetRecord, { year }, { orderBy: { regionCode: 'asc', id: 'asc' } });
    return this.#targets.load(`${year}|${'region' in selector ? `region:${selector.region}` : `indicator:${selector.indicator}`}`);
  }
}
