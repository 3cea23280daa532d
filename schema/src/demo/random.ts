/** mulberry32: a small seeded generator, so the same seed gives the same city on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(lo: number, hiInclusive: number): number {
    return Math.floor(this.between(lo, hiInclusive + 1));
  }

  /** Standard normal (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(items: readonly { item: T; weight: number }[]): T {
    const total = items.reduce((s, i) => s + i.weight, 0);
    let r = this.next() * total;
    for (const i of items) {
      r -= i.weight;
      if (r <= 0) return i.item;
    }
    return items[items.length - 1].item;
  }
}

/** A seed for one stream derived from a name, so adding a stream does not shift the others. */
export function streamSeed(seed: number, name: string): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * How a district departs from the city's pattern for one series and month, as a factor around 1:
 * a pace of its own for the year (±`yearly`) times a month's noise (±`monthly`). Deterministic
 * per seed, series, district and month. Without it, figures spread over districts by their share of
 * enterprises grow alike everywhere and complete their targets to the same decimal (issue 13).
 */
export function districtVariation(seed: number, series: string, regionCode: string, month: string, spread: { yearly?: number; monthly?: number } = {}): number {
  const yearly = spread.yearly ?? 0.12;
  const monthly = spread.monthly ?? 0.06;
  const pace = 1 + yearly * (2 * new Random(streamSeed(seed, `${series}|${regionCode}|${month.slice(0, 4)}`)).next() - 1);
  const noise = 1 + monthly * (2 * new Random(streamSeed(seed, `${series}|${regionCode}|${month}`)).next() - 1);
  return pace * noise;
}
