/**
 * A department's catalogue says, for every CONDITIONAL indicator reported for enterprises and
 * regions, whether a region's figure sums a few listed enterprises (then it is shared as theirs are)
 * or is a census total: a forgotten flag served one enterprise's new guarantees as its district's
 * total to every department (a tester's finding). The decision is required, never defaulted.
 */
import { IndicatorCatalogue, type IndicatorDefinition } from '@huishang/schema';

const conditional = (extra: Partial<IndicatorDefinition>): IndicatorDefinition => ({
  code: 'X_GUARANTEES',
  name: '担保额',
  nameEn: 'Guarantees',
  unit: '万元',
  kind: 'FLOW',
  subjects: ['ENTERPRISE', 'REGION'],
  sharing: 'CONDITIONAL',
  description: 'test',
  ...extra,
});

it('refuses a CONDITIONAL enterprise-and-region indicator without regionSumsListedEnterprises, naming it and the choice', () => {
  expect(() => new IndicatorCatalogue('tax', [conditional({})])).toThrow(/tax: X_GUARANTEES is CONDITIONAL .*set regionSumsListedEnterprises — true when .*false when/);
});

it.each([true, false])('accepts the decision either way (%s)', (flag) => {
  expect(new IndicatorCatalogue('tax', [conditional({ regionSumsListedEnterprises: flag })]).get('X_GUARANTEES').regionSumsListedEnterprises).toBe(flag);
});

it('asks nothing of an indicator reported for one level only, or shared unconditionally', () => {
  expect(() => new IndicatorCatalogue('tax', [conditional({ subjects: ['ENTERPRISE'] })])).not.toThrow();
  expect(() => new IndicatorCatalogue('tax', [conditional({ sharing: 'UNCONDITIONAL' })])).not.toThrow();
});
