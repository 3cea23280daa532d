/**
 * The one ranking rule of every ranking the graph serves (排名通报: districts, groups, parks'
 * ledgers): standard competition ranking ("1224"). Items with a value come first, best first
 * (highest, or lowest where lower is better, e.g. an intensity of use per output), equal values sharing a
 * rank and listed by code; items without a value follow, by code, without a rank (许政[2015]39号
 * item 二: a ranking bulletin names every district, ranked or not).
 */
export interface Ranked<T> {
  item: T;
  value: number;
  /** 1 is first; equal values share the rank of the first of them (1, 2, 2, 4). */
  rank: number;
}

export function rankBy<T>(
  items: readonly T[],
  value: (item: T) => number | null,
  code: (item: T) => string,
  options: { lowerIsBetter?: boolean } = {},
): { ranked: Ranked<T>[]; unranked: T[] } {
  const sign = options.lowerIsBetter ? -1 : 1;
  const valued = items.map((item) => ({ item, value: value(item) })).filter((x): x is { item: T; value: number } => x.value !== null && Number.isFinite(x.value));
  valued.sort((a, b) => sign * (b.value - a.value) || code(a.item).localeCompare(code(b.item)));
  const ranked: Ranked<T>[] = [];
  valued.forEach((x, i) => ranked.push({ ...x, rank: i > 0 && valued[i - 1].value === x.value ? ranked[i - 1].rank : i + 1 }));
  const unranked = items.filter((item) => { const v = value(item); return v === null || !Number.isFinite(v); }).sort((a, b) => code(a).localeCompare(code(b)));
  return { ranked, unranked };
}
