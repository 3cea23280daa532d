import { Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import { ALIAS_SHADOWS_FIELD, ALIAS_SHADOWS_KEY, aliasShadowsKeyRule, entityKeyFields, requiresSelections } from '../src/aliasKeys';
import { readSupergraph } from '../src/supergraph';

/** The committed supergraph: its keys and @requires are what the planner joins on. */
const sdl = readSupergraph({}).sdl;
const schema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const rule = aliasShadowsKeyRule(entityKeyFields(sdl), requiresSelections(sdl));
const refusals = (query: string) => validate(schema, parse(query), [rule]).map((e) => e.extensions);

describe('aliasShadowsKeyRule (apollographql/federation#3036)', () => {
  it('refuses an alias named like the field powerDrop @requires (upstream: a warning computed from another field\'s values)', () => {
    expect(refusals('{ warnings(month: "2015-06") { keyEnterprises { creditCode powerDropOutput: keyEnterpriseOutput { value } powerDrop { message } } } }')).toEqual([
      expect.objectContaining({ code: ALIAS_SHADOWS_FIELD, alias: 'powerDropOutput', field: 'keyEnterpriseOutput' }),
    ]);
    // The required field is inaccessible (issue 12: the output under a grant to the rule), so aliases inside the public output are harmless.
    expect(refusals('{ warnings(month: "2015-06") { keyEnterprises { creditCode keyEnterpriseOutput { value: yoyPct yoyPct: value } powerDrop { message } } } }')).toEqual([]);
  });

  it('allows aliases named like an Observation field on every figure outside the @requires selection (the tester’s case), in fragments too', () => {
    // Observation is named inside powerDrop's @requires only under the inaccessible RuleFigure: no figure a client can select is on that path.
    for (const query of [
      '{ region(code: "411002") { hr(month: "2015-06") { employees { value: yoyPct } } } }',
      '{ region(code: "411002") { energy(month: "2015-06") { electricity { month: indicator subjectCode: unit yoyPct: value } } } }',
      '{ enterprise(creditCode: "91411002198HX5609R") { industry(month: "2015-06") { indicators { value: ytdValue ytdValue: value } } } }',
      '{ region(code: "411002") { hr(month: "2015-06") { employees { ...O } } } } fragment O on Observation { value: yoyPct reportedAt: reportedBy }',
      '{ warnings(month: "2015-06") { keyEnterprises { keyEnterpriseOutput { value: yoyPct } powerDrop { message } } } }',
    ]) {
      expect(refusals(query)).toEqual([]);
    }
  });

  it('keeps ALIAS_SHADOWS_KEY for key fields, in fragments too', () => {
    expect(refusals('{ region(code: "411002") { ...R } } fragment R on Region { code: name }')).toEqual([
      expect.objectContaining({ code: ALIAS_SHADOWS_KEY, alias: 'code', field: 'name', keyField: 'code' }),
    ]);
  });

  it('allows aliases named like no key or required field (the meeting pack\'s rankings), and an alias that is the field itself', () => {
    expect(refusals('{ region(code: "411002") { code: code regionName: name districts: children { code } statistics(month: "2015-06") { valueAddedGrowth: ranking(indicator: "STAT_VALUE_ADDED_GROWTH", by: GROWTH) { rank } } } }')).toEqual([]);
  });
});
