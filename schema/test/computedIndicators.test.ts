import 'reflect-metadata';
import { IndicatorCatalogue, ratioGrowth, ratioValue } from '../src/observation/catalogue';
import type { IndicatorDefinition } from '../src/observation/indicator';
import type { ObservationRecord } from '../src/observation/ObservationRecord';
import { rankObservations, RankingBasis, targetProgress } from '../src/targets/graphql';
import type { TargetRecord } from '../src/targets/TargetRecord';

/**
 * Computed indicators (`ratioOf`, issue 16: an intensity of two reported indicators): what the
 * catalogue refuses to declare, and the figure it computes from its sources' rows as they stand.
 */
const source = (code: string, fields: Partial<IndicatorDefinition> = {}): IndicatorDefinition => ({
  code,
  name: code,
  nameEn: code,
  unit: '万元',
  kind: 'FLOW',
  subjects: ['REGION'],
  sharing: 'UNCONDITIONAL',
  description: 'test',
  ...fields,
});
const ratio = (fields: Partial<IndicatorDefinition> = {}): IndicatorDefinition =>
  source('XX_RATIO', { kind: 'RATE', unit: 't/万元', ratioOf: { numerator: 'XX_USE', denominator: 'XX_OUTPUT', decimals: 4 }, lowerIsBetter: true, ...fields });

describe('declaring a computed indicator', () => {
  it.each([
    ['a source missing from the catalogue', [source('XX_USE'), ratio()], /XX_OUTPUT, which must be a reported indicator/],
    ['a source that is itself computed', [source('XX_USE'), ratio({ code: 'XX_OUTPUT' }), ratio()], /must be a reported indicator/],
    ['shared more widely than a source', [source('XX_USE', { sharing: 'CONDITIONAL' }), source('XX_OUTPUT'), ratio()], /may not be shared more widely than its source XX_USE/],
    ['for subjects a source is not reported for', [source('XX_USE'), source('XX_OUTPUT'), ratio({ subjects: ['REGION', 'ENTERPRISE'] })], /not reported for all of them/],
  ])('refuses %s', (_label, definitions, message) => {
    expect(() => new IndicatorCatalogue('xx', definitions as IndicatorDefinition[])).toThrow(message);
  });

  it('accepts one as strict as its sources, or stricter', () => {
    expect(() => new IndicatorCatalogue('xx', [source('XX_USE'), source('XX_OUTPUT'), ratio({ sharing: 'CONDITIONAL' })])).not.toThrow();
  });
});

describe('the computed figure', () => {
  const catalogue = new IndicatorCatalogue('xx', [source('XX_USE'), source('XX_OUTPUT'), ratio()]);
  const row = (indicator: string, fields: Partial<ObservationRecord>): ObservationRecord =>
    ({ id: 1, indicator, subjectType: 'REGION', subjectCode: '411024', month: '2015-06', value: null, ytdValue: null, yoyPct: null, ytdYoyPct: null, status: 'FINAL', reportedBy: '统计局', reportedAt: new Date('2015-07-10T01:00:00Z'), version: 1, derived: false, submissionId: null, derivedFields: null, changeReason: null, ...fields }) as ObservationRecord;

  it('is numerator ÷ denominator for the month and the year to date, growth (1 + n) ÷ (1 + d) − 1, with its sources’ provenance', () => {
    const use = row('XX_USE', { value: 300, ytdValue: 1800, yoyPct: 2, ytdYoyPct: 3, version: 2, status: 'REVISED', reportedAt: new Date('2015-07-20T01:00:00Z') });
    const output = row('XX_OUTPUT', { value: 400, ytdValue: 2000, yoyPct: 10, ytdYoyPct: 8.5 });
    const [computed] = catalogue.toObservations([use, output]).filter((o) => o.indicator === 'XX_RATIO');
    expect(computed).toMatchObject({
      value: ratioValue(300, 400, 4),
      ytdValue: 0.9,
      yoyPct: ratioGrowth(2, 10),
      ytdYoyPct: Number((((1.03 / 1.085) - 1) * 100).toFixed(2)),
      status: 'REVISED',
      version: 2,
      derived: true,
      reportedAt: new Date('2015-07-20T01:00:00Z'),
    });
    expect(computed.value).toBe(0.75);
  });

  it.each([
    ['the denominator is missing', [row('XX_USE', { value: 1 })]],
    ['the numerator is missing', [row('XX_OUTPUT', { value: 1 })]],
  ])('is absent when %s', (_label, rows) => {
    expect(catalogue.toObservations(rows).filter((o) => o.indicator === 'XX_RATIO')).toEqual([]);
  });

  it.each([
    ['a zero denominator', { value: 0, ytdValue: 0 }],
    ['a null denominator (1–2月)', { value: null, ytdValue: null }],
  ])('has null values for %s', (_label, output) => {
    const [computed] = catalogue.toObservations([row('XX_USE', { value: 5, ytdValue: 5 }), row('XX_OUTPUT', output)]).filter((o) => o.indicator === 'XX_RATIO');
    expect([computed.value, computed.ytdValue]).toEqual([null, null]);
  });

  it('is never taken from a stored row of the computed indicator', () => {
    const stored = row('XX_RATIO', { value: 99 });
    expect(catalogue.toObservations([stored])).toEqual([]);
  });

  it('is a ceiling target where lower is better (下降5%以上: −5), and ranks lowest first', () => {
    const definition = catalogue.get('XX_RATIO');
    const target = { year: 2015, regionCode: '411024', indicator: 'XX_RATIO', measure: 'GROWTH_PCT', value: -5, unit: '%', scope: null, description: 't', source: 't', period: 'YEAR' } as TargetRecord;
    const at = (ytdYoyPct: number) => ({ indicator: 'XX_RATIO', subjectCode: '411024', month: '2015-06', value: 1, ytdValue: 1, yoyPct: null, ytdYoyPct }) as never;
    expect(targetProgress(target, definition, '2015-06', at(-6))).toMatchObject({ actualValue: -6, gap: 1, behind: false });
    expect(targetProgress(target, definition, '2015-06', at(-5))).toMatchObject({ gap: 0, behind: false });
    expect(targetProgress(target, definition, '2015-06', at(-3.5))).toMatchObject({ gap: -1.5, behind: true });
    const ranks = rankObservations([{ ...(at(-2) as object), subjectCode: '411002' }, { ...(at(-7) as object), subjectCode: '411023' }] as never, definition, RankingBasis.GROWTH);
    expect(ranks.map((r) => [r.regionCode, r.rank, r.value])).toEqual([
      ['411023', 1, -7],
      ['411002', 2, -2],
    ]);
  });
});
