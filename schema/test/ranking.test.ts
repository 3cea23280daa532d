import { rankBy } from '../src/kit/ranking';

/** The one ranking rule (kit/ranking.ts) every ranking of the graph uses: districts, groups, parks' ledgers. */
describe('rankBy: standard competition ranking', () => {
  const items = [
    { code: 'd', v: 5 },
    { code: 'a', v: 7 },
    { code: 'c', v: 5 },
    { code: 'e', v: null },
    { code: 'b', v: 9 },
    { code: 'f', v: 1 },
    { code: '0', v: Number.NaN },
  ];
  const rank = (lowerIsBetter?: boolean) => {
    const { ranked, unranked } = rankBy(items, (x) => x.v, (x) => x.code, { lowerIsBetter });
    return { ranked: ranked.map((r) => [r.item.code, r.rank]), unranked: unranked.map((x) => x.code) };
  };

  it('highest first; equal values share the rank of the first of them and are listed by code (1, 2, 3, 3, 5)', () => {
    expect(rank()).toEqual({ ranked: [['b', 1], ['a', 2], ['c', 3], ['d', 3], ['f', 5]], unranked: ['0', 'e'] });
  });

  it('lowest first where lower is better (an intensity)', () => {
    expect(rank(true)).toEqual({ ranked: [['f', 1], ['c', 2], ['d', 2], ['a', 4], ['b', 5]], unranked: ['0', 'e'] });
  });

  it('an empty list, or nothing with a value, ranks nothing', () => {
    expect(rankBy([], () => 1, () => '')).toEqual({ ranked: [], unranked: [] });
    expect(rankBy([{ c: 'x' }], () => null, (x) => x.c)).toEqual({ ranked: [], unranked: [{ c: 'x' }] });
  });
});
