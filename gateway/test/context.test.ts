import { emptyReads, takeReads, type ReadsSeen } from '../src/context';

// What a subgraph says it served moves into the request's audit record and out of the answer.
describe('takeReads', () => {
  it('moves every kind of read into the record, leaves none in the answer, and keeps only strings in the named sets', () => {
    const response = {
      extensions: {
        other: 1,
        huishangGrants: 'g1',
        huishangReads: {
          indicators: ['EN_GAS'],
          enterprises: ['91411002BKU465848E'],
          months: ['2015-06'],
          submissions: [3, 1.5],
          ruleReads: ['POWER_DROP:IND_OUTPUT', 7],
          refused: ['FIN_LOANS_OUTSTANDING'],
          refusedEnterprises: ['91411002MA00000001'],
          refusedMonths: ['2015-05', null],
        },
      },
    };
    const seen: ReadsSeen = { indicators: new Set(), enterprises: new Set(), months: new Set(), submissions: new Set() };
    takeReads(response, seen);
    expect(response.extensions).toEqual({ other: 1 });
    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...(v as Set<unknown>)]]))).toEqual({
      indicators: ['EN_GAS'],
      enterprises: ['91411002BKU465848E'],
      months: ['2015-06'],
      submissions: [3],
      ruleReads: ['POWER_DROP:IND_OUTPUT'],
      refused: ['FIN_LOANS_OUTSTANDING'],
      refusedEnterprises: ['91411002MA00000001'],
      refusedMonths: ['2015-05'],
    });
  });

  it('adds to what earlier fetches of the same request reported, and makes no empty optional set', () => {
    const seen = emptyReads();
    takeReads({ extensions: { huishangReads: { indicators: ['A'], refusedMonths: ['2015-06'] } } }, seen);
    takeReads({ extensions: { huishangReads: { indicators: ['B'], refusedMonths: ['2015-07'] } } }, seen);
    expect([...seen.indicators]).toEqual(['A', 'B']);
    expect([...seen.refusedMonths!]).toEqual(['2015-06', '2015-07']);
    expect(seen.refusedEnterprises).toBeUndefined();
  });
});
