import type { IndicatorDefinition, SharingCategory } from './indicator';
import { Observation } from './Observation';
import { ytdOf, type ObservationRecord } from './ObservationRecord';

/** A department's indicators, in the order its bulletin prints them. */
export class IndicatorCatalogue {
  private readonly byCode: Map<string, IndicatorDefinition>;
  private readonly order: Map<string, number>;

  constructor(
    readonly department: string,
    readonly definitions: readonly IndicatorDefinition[],
  ) {
    this.byCode = new Map(definitions.map((d) => [d.code, d]));
    this.order = new Map(definitions.map((d, i) => [d.code, i]));
    if (this.byCode.size !== definitions.length) throw new Error(`${department}: duplicate indicator codes`);
    for (const d of definitions) {
      // Whether a region's figure discloses the enterprises it sums is the department's to say, never a
      // default: a forgotten flag served one enterprise's guarantees as its district's total to everyone.
      if (d.sharing === 'CONDITIONAL' && !d.ratioOf && d.subjects.includes('ENTERPRISE') && d.subjects.includes('REGION') && typeof d.regionSumsListedEnterprises !== 'boolean') {
        throw new Error(
          `${department}: ${d.code} is CONDITIONAL and reported for enterprises and regions: set regionSumsListedEnterprises — true when a region's figure sums a few listed enterprises (it is then shared as their figures are), false when it is a census total of the district that discloses no enterprise`,
        );
      }
    }
    for (const d of definitions) {
      if (!d.ratioOf) continue;
      for (const source of [d.ratioOf.numerator, d.ratioOf.denominator]) {
        const s = this.byCode.get(source);
        if (!s || s.ratioOf) throw new Error(`${department}: ${d.code} is computed from ${source}, which must be a reported indicator of the same catalogue`);
        if (SHARING_RANK[d.sharing] < SHARING_RANK[s.sharing]) throw new Error(`${department}: ${d.code} (${d.sharing}) may not be shared more widely than its source ${source} (${s.sharing})`);
        if (!d.subjects.every((k) => s.subjects.includes(k))) throw new Error(`${department}: ${d.code} is for ${d.subjects.join(', ')}, but ${source} is not reported for all of them`);
      }
    }
  }

  /** The indicators a computed one is read from (its `ratioOf` sources); empty for a reported one. */
  sourcesOf(code: string): string[] {
    const r = this.get(code).ratioOf;
    return r ? [r.numerator, r.denominator] : [];
  }

  /** Reported indicators: those a department submits (every one but the computed). */
  reported(): IndicatorDefinition[] {
    return this.definitions.filter((d) => !d.ratioOf);
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  get(code: string): IndicatorDefinition {
    const definition = this.byCode.get(code);
    if (!definition) throw new Error(`${this.department}: no indicator ${code}`);
    return definition;
  }

  codes(): string[] {
    return this.definitions.map((d) => d.code);
  }

  toObservations(records: readonly ObservationRecord[]): Observation[] {
    const stored = records.filter((r) => this.byCode.has(r.indicator) && !this.byCode.get(r.indicator)!.ratioOf);
    return [...stored, ...this.computed(stored)]
      .sort((a, b) => this.order.get(a.indicator)! - this.order.get(b.indicator)!)
      .map((r) => Observation.from(r, this.byCode.get(r.indicator)!));
  }

  /** The computed indicators' figures (`ratioOf`) of each subject and month the rows hold, from the rows of their sources. */
  private computed(records: readonly ObservationRecord[]): ObservationRecord[] {
    const ratios = this.definitions.filter((d) => d.ratioOf);
    if (ratios.length === 0) return [];
    const bySubject = new Map<string, Map<string, ObservationRecord>>();
    for (const r of records) {
      const key = `${r.subjectType}|${r.subjectCode}|${r.month}`;
      let rows = bySubject.get(key);
      if (!rows) bySubject.set(key, (rows = new Map()));
      rows.set(r.indicator, r);
    }
    const out: ObservationRecord[] = [];
    for (const rows of bySubject.values()) {
      for (const d of ratios) {
        const n = rows.get(d.ratioOf!.numerator);
        const q = rows.get(d.ratioOf!.denominator);
        if (!n || !q || !d.subjects.includes(n.subjectType)) continue;
        out.push(ratioRecord(d, n, q));
      }
    }
    return out;
  }
}

const SHARING_RANK: Record<SharingCategory, number> = { UNCONDITIONAL: 0, CONDITIONAL: 1, NOT_SHARED: 2 };

const roundTo = (v: number | null, decimals: number): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(decimals)));

/** numerator ÷ denominator, null unless both are given and the denominator is positive. */
export function ratioValue(numerator: number | null, denominator: number | null, decimals: number): number | null {
  return numerator === null || denominator === null || !(denominator > 0) ? null : roundTo(numerator / denominator, decimals);
}

/** Growth of a ratio from its parts' growth, %: (1 + n%) ÷ (1 + d%) − 1; null unless both are given. */
export function ratioGrowth(numeratorPct: number | null, denominatorPct: number | null): number | null {
  return numeratorPct === null || denominatorPct === null || !(1 + denominatorPct / 100 > 0) ? null : roundTo(((1 + numeratorPct / 100) / (1 + denominatorPct / 100) - 1) * 100, 2);
}

/**
 * A computed figure as a row: the formula of `IndicatorDefinition.ratioOf` over the sources' rows
 * as they stand (at the moment they were read at). Provenance from its sources: the weaker status
 * (preliminary if either is), the later report time, the version counting both sources'
 * corrections (n + d − 1), and `derived: true`.
 */
function ratioRecord(d: IndicatorDefinition, n: ObservationRecord, q: ObservationRecord): ObservationRecord {
  const decimals = d.ratioOf!.decimals;
  const status = n.status === 'PRELIMINARY' || q.status === 'PRELIMINARY' ? 'PRELIMINARY' : n.status === 'REVISED' || q.status === 'REVISED' ? 'REVISED' : 'FINAL';
  const nAt = new Date(n.reportedAt as unknown as string | Date);
  const qAt = new Date(q.reportedAt as unknown as string | Date);
  return {
    ...n,
    indicator: d.code,
    value: ratioValue(n.value, q.value, decimals),
    ytdValue: ratioValue(n.ytdValue, q.ytdValue, decimals),
    yoyPct: ratioGrowth(n.yoyPct, q.yoyPct),
    ytdYoyPct: ratioGrowth(n.ytdYoyPct, q.ytdYoyPct),
    status,
    reportedBy: n.reportedBy === q.reportedBy ? n.reportedBy : `${n.reportedBy}; ${q.reportedBy}`,
    reportedAt: nAt >= qAt ? nAt : qAt,
    version: n.version + q.version - 1,
    derived: true,
    submissionId: null,
    derivedFields: 'value,ytdValue,yoyPct,ytdYoyPct',
    changeReason: `computed: ${n.indicator} ÷ ${q.indicator}`,
    // A source awaiting re-reporting (待重报) makes the ratio's year-to-date stale too: the ratio of the implied ones.
    impliedYtdValue: n.impliedYtdValue != null || q.impliedYtdValue != null ? ratioValue(ytdOf(n), ytdOf(q), decimals) : null,
  } as ObservationRecord;
}
