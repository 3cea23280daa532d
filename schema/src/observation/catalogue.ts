import type { IndicatorDefinition } from './indicator';
import { Observation } from './Observation';
import type { ObservationRecord } from './ObservationRecord';

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
    return records
      .filter((r) => this.byCode.has(r.indicator))
      .sort((a, b) => this.order.get(a.indicator)! - this.order.get(b.indicator)!)
      .map((r) => Observation.from(r, this.byCode.get(r.indicator)!));
  }
}
