import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { IndicatorDefinition, SubjectType } from '../observation/indicator';
import type { Observation } from '../observation/Observation';
import { ObservationRecord, ObservationVersionRecord } from '../observation/ObservationRecord';
import { TargetRecord } from '../targets/TargetRecord';
import { RuleFigure } from '../warnings/graphql';
import { groupTotal, type GroupFigure } from '../observation/GroupFigure';
import type { AccessPolicy } from './access';
import { refuseFutureAsOf } from './asOf';
import { historyLoader, loadAll, observationLoader, targetLoader, type ObservationKey } from './context';

/**
 * Whose figures: a region or an enterprise, and the moment they are read at (ISO string; absent:
 * now). A reader bound to a moment (`ctx.figures.at(asOf)`) sets `asOf` on every subject it reads,
 * so a number derived from what it hands out (a rank, a warning, a target's progress) is as of the
 * same moment.
 */
export interface FigureSubject {
  kind: SubjectType;
  code: string;
  asOf?: string;
}

/** A moment as the reader takes it: a Date, an ISO string, or nothing (now). */
export type FigureMoment = Date | string | null | undefined;

function momentString(at: FigureMoment): string | undefined {
  if (at === null || at === undefined) return undefined;
  return typeof at === 'string' ? new Date(at).toISOString() : at.toISOString();
}

/**
 * The moment a figure was read at, for figures read "as of" one: its `history` then lists only the
 * versions already superseded at that moment (a later correction is not history yet).
 */
const READ_AT = new WeakMap<object, string>();

function stamp<T extends object>(observations: T[], asOf: string | undefined): T[] {
  if (asOf !== undefined) for (const o of observations) READ_AT.set(o, asOf);
  return observations;
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
    this.#observations = stamp([...observations], subject.asOf);
    this.#access = access;
  }

  /** The figure of one indicator (null when none is reported); FORBIDDEN naming `field` when the caller may not read it. */
  get(field: string, code: string): Observation | null {
    this.#access.check(field, this.catalogue.get(code), this.subject, this.month);
    this.#sources(code);
    return this.#observations.find((o) => o.indicator === code) ?? null;
  }

  /** A computed figure (`ratioOf`) is a read of its sources too: each is recorded for the audit trail. */
  #sources(code: string): void {
    for (const source of this.catalogue.sourcesOf(code)) this.#access.record(source, this.subject, this.month);
  }

  /**
   * For lists that leave out what the caller may not see (as `indicators` without codes does):
   * `undefined` when the caller may not read the indicator (nothing recorded), else the figure or null.
   */
  tryGet(code: string): Observation | null | undefined {
    const definition = this.catalogue.get(code);
    if (this.#access.denial(definition, this.subject.kind)) return undefined;
    this.#access.record(code, this.subject, this.month);
    this.#sources(code);
    return this.#observations.find((o) => o.indicator === code) ?? null;
  }

  /** Every figure the caller may read, in catalogue order; each one is recorded. */
  visible(): Observation[] {
    return this.#observations.filter((o) => this.tryGet(o.indicator) !== undefined);
  }

  /**
   * The figures of the indicators named, each checked (FORBIDDEN naming `field(code)`) and recorded.
   * All are checked before any is recorded: one refusal nulls the whole list, so none of it was
   * served (the audit record listed the readable ones as read; a tester's finding).
   */
  named(field: string, codes: readonly string[]): Observation[] {
    for (const code of codes) this.#access.check(`${field}(${code})`, this.catalogue.get(code), this.subject, this.month, { record: false });
    for (const code of codes) {
      this.#access.record(code, this.subject, this.month);
      this.#sources(code);
    }
    return this.#observations.filter((o) => codes.includes(o.indicator));
  }
}

/**
 * A group's figures for one month (an industry class's, a cluster's, a park's): its enterprises' figures
 * as the department holds them, handed out only as totals (`GroupFigure`). Every way out applies
 * the group disclosure rule (`AccessPolicy.groupDenial`: a total is read as its enterprises'
 * figures are) and records the read: the indicator, the month and each enterprise
 * whose figure went into the total.
 */
export class GroupFigures {
  readonly #figures: ReadonlyMap<string, Observation[]>;
  readonly #access: AccessPolicy;

  constructor(
    readonly catalogue: IndicatorCatalogue,
    /** The enterprises the totals are over (credit codes). */
    readonly members: readonly string[],
    readonly month: string,
    perEnterprise: readonly Observation[][],
    access: AccessPolicy,
    readonly asOf: string | undefined,
  ) {
    const byIndicator = new Map<string, Observation[]>();
    for (const observations of perEnterprise) for (const o of observations) byIndicator.set(o.indicator, [...(byIndicator.get(o.indicator) ?? []), o]);
    this.#figures = byIndicator;
    this.#access = access;
  }

  #total(code: string): { total: GroupFigure; sources: Observation[] } {
    const sources = this.#figures.get(code) ?? [];
    return { total: groupTotal(this.catalogue.get(code), this.month, this.members.length, sources), sources };
  }

  #record(code: string, sources: readonly Observation[]): void {
    this.#access.reads.indicators.add(code);
    this.#access.reads.months.add(this.month);
    for (const o of sources) this.#access.record(code, { kind: 'ENTERPRISE', code: o.subjectCode }, this.month);
  }

  /** The total of one indicator (null when no enterprise of the group reported it); FORBIDDEN naming `field` when the caller may not read it. */
  get(field: string, code: string): GroupFigure | null {
    const { total, sources } = this.#total(code);
    this.#access.requireGroup(field, this.catalogue.get(code), this.month);
    this.#record(code, sources);
    return sources.length ? total : null;
  }

  /** Undefined when the caller may not read the total (nothing recorded), else the total or null (recorded). */
  tryGet(code: string): GroupFigure | null | undefined {
    const { total, sources } = this.#total(code);
    if (this.#access.groupDenial(this.catalogue.get(code))) return undefined;
    this.#record(code, sources);
    return sources.length ? total : null;
  }

  /** Every total the caller may read, in catalogue order, of the indicators some enterprise of the group reported. */
  visible(): GroupFigure[] {
    return this.catalogue.codes().filter((code) => this.#figures.has(code)).map((code) => this.tryGet(code)).filter((t): t is GroupFigure => !!t);
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
  /** The moment every read of this reader is at (ISO string); undefined: now. */
  readonly asOf: string | undefined;

  constructor(em: EntityManager, access: AccessPolicy, shared?: { from: FigureReader; asOf: string | undefined }) {
    this.#em = em;
    this.#access = access;
    this.#observations = shared ? shared.from.#observations : observationLoader(em);
    this.#history = shared ? shared.from.#history : historyLoader(em);
    this.#targets = shared ? shared.from.#targets : targetLoader(em);
    this.asOf = shared?.asOf;
  }

  /**
   * The same read path at a moment ("as the meeting saw it"): every figure, rank, warning and
   * target progress read through the result is the version valid at `asOf` (null/undefined: now).
   * The loaders are shared, so batching still spans the request. Every field that takes `asOf`
   * reads through this, and passes its moment on in the keys of the entities it returns
   * (`WarningReport`, `KeyEnterpriseMonth`), so another department's part is read at it too.
   */
  at(asOf: FigureMoment): FigureReader {
    const at = momentString(asOf);
    if (at === this.asOf) return this;
    refuseFutureAsOf(at);
    return new FigureReader(this.#em, this.#access, { from: this, asOf: at });
  }

  /** A subject at this reader's moment, unless it names its own (a namespace's figures carry theirs). */
  #at(subject: FigureSubject): FigureSubject {
    return subject.asOf !== undefined || this.asOf === undefined ? subject : { ...subject, asOf: this.asOf };
  }

  /** One subject's figures for a month (current, or as they stood at `subject.asOf` or the reader's moment). */
  async subject(catalogue: IndicatorCatalogue, subject: FigureSubject, month: string): Promise<SubjectFigures> {
    subject = this.#at(subject);
    const rows = await this.#observations.load({ subjectType: subject.kind, subjectCode: subject.code, month, asOf: subject.asOf });
    return new SubjectFigures(catalogue, subject, month, catalogue.toObservations(rows), this.#access);
  }

  /** Many subjects' figures for a month, in one statement. */
  async subjects(catalogue: IndicatorCatalogue, kind: SubjectType, codes: readonly string[], month: string, asOf: string | undefined = this.asOf): Promise<SubjectFigures[]> {
    const rows = await loadAll(this.#observations, codes.map((code) => ({ subjectType: kind, subjectCode: code, month, asOf })));
    return codes.map((code, i) => new SubjectFigures(catalogue, { kind, code, asOf }, month, catalogue.toObservations(rows[i]), this.#access));
  }

  /**
   * A group's figures for a month: every member enterprise's figures in one statement, handed out
   * as totals through `GroupFigures` (the group disclosure rule, recorded reads). At the reader's
   * moment, like every other read.
   */
  async group(catalogue: IndicatorCatalogue, members: readonly string[], month: string): Promise<GroupFigures> {
    const rows = await loadAll(this.#observations, members.map((code) => ({ subjectType: 'ENTERPRISE' as const, subjectCode: code, month, asOf: this.asOf })));
    return new GroupFigures(catalogue, members, month, rows.map((r) => stamp(catalogue.toObservations(r), this.asOf)), this.#access, this.asOf);
  }

  /**
   * The region figures of one indicator for a ranking (排名通报): a rank is derived from every
   * region's figure, so the caller must be allowed to read the indicator for regions (FORBIDDEN
   * naming `field` otherwise), and each region's figure counts as read.
   */
  async ranking(field: string, catalogue: IndicatorCatalogue, indicator: string, regionCodes: readonly string[], month: string, asOf: string | undefined = this.asOf): Promise<Observation[]> {
    this.#access.require(field, catalogue.get(indicator), 'REGION', month);
    const all = await this.subjects(catalogue, 'REGION', regionCodes, month, asOf);
    return all.map((figures) => figures.get(field, indicator)).filter((o): o is Observation => o !== null);
  }

  /**
   * Enterprise figures of one indicator for a month with a positive current-month value, in credit
   * code order (a rule's candidates, e.g. the month's loan withdrawals): FORBIDDEN naming `field`
   * unless the caller may read the indicator for enterprises; each figure served is recorded. At the
   * reader's moment: the versions valid then (a figure submitted later is not a candidate).
   */
  async positive(field: string, catalogue: IndicatorCatalogue, indicator: string, kind: SubjectType, month: string): Promise<Observation[]> {
    const definition: IndicatorDefinition = catalogue.get(indicator);
    this.#access.require(field, definition, kind, month);
    let observations: Observation[];
    if (this.asOf === undefined) {
      const rows = await this.#em.find(ObservationRecord, { indicator, subjectType: kind, month, value: { $gt: 0 } }, { orderBy: { subjectCode: 'asc' } });
      observations = catalogue.toObservations(rows);
    } else {
      // Candidates among current and superseded versions reported by then; the loader then picks the one valid at the moment.
      const at = new Date(this.asOf);
      const where = { indicator, subjectType: kind, month, reportedAt: { $lte: at } };
      const codes = new Set([
        ...(await this.#em.find(ObservationRecord, where, { fields: ['subjectCode'] })).map((r) => r.subjectCode),
        ...(await this.#em.find(ObservationVersionRecord, { ...where, supersededAt: { $gt: at } }, { fields: ['subjectCode'] })).map((r) => r.subjectCode),
      ]);
      const sorted = [...codes].sort();
      const rows = await loadAll(this.#observations, sorted.map((code) => ({ subjectType: kind, subjectCode: code, month, asOf: this.asOf })));
      observations = stamp(rows.flatMap((r) => catalogue.toObservations(r)).filter((o) => o.indicator === indicator && o.value !== null && o.value > 0), this.asOf);
    }
    for (const o of observations) this.#access.record(indicator, { kind, code: o.subjectCode }, month);
    return observations;
  }

  /**
   * One subject's figure for another department's rule (用途授权, issue 12): served when this
   * department holds a live grant to `rule.grantee`'s rule `rule.rule` for the indicator, whatever
   * the caller may read itself; never an error (the rule answers at its own field: the kit's
   * `ruleInput`). A served figure is recorded as read; `callerMayRead` says whether the caller could
   * read it by its own rights (the rule shows it as evidence only then). Recorded as the caller's
   * read only then; otherwise as the rule's (`ReadLog.ruleReads`), never as the caller's figure read.
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
    subject = this.#at(subject);
    const rows = await this.#observations.load({ subjectType: subject.kind, subjectCode: subject.code, month, asOf: subject.asOf });
    // The caller's read only when its own rights cover it (the rule then shows it as evidence); otherwise the rule's.
    if (answer.callerMayRead) this.#access.record(indicator, subject, month);
    else this.#access.reads.ruleReads.add(`${rule.rule}:${indicator}`);
    answer.figure = stamp(catalogue.toObservations(rows), subject.asOf).find((o) => o.indicator === indicator) ?? null;
    return answer;
  }

  /**
   * Earlier versions of a figure, newest first: the same reading rights as the figure itself
   * (FORBIDDEN naming `field`), recorded. A figure of an indicator this department does not hold
   * has no history here. At the reader's moment: only the versions already superseded then.
   */
  async history(field: string, catalogue: IndicatorCatalogue, of: { indicator: string; subjectKind: SubjectType; subjectCode: string; month: string }): Promise<FigureVersion[]> {
    if (!catalogue.has(of.indicator)) return [];
    this.#access.check(field, catalogue.get(of.indicator), { kind: of.subjectKind, code: of.subjectCode }, of.month);
    const versions = await this.#history.load({ indicator: of.indicator, subjectType: of.subjectKind, subjectCode: of.subjectCode, month: of.month });
    const asOf = this.asOf ?? READ_AT.get(of);
    if (asOf === undefined) return versions;
    const at = new Date(asOf).getTime();
    return versions.filter((v) => new Date(v.supersededAt as unknown as string | Date).getTime() <= at);
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
