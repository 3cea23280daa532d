/**
 * The pack's own copy of what it needs of the departments' catalogues (LAYOUT_CATALOGUE: units and
 * kinds of the indicators it lays out, used when a department is down and sends no catalogue)
 * against the departments' catalogues themselves, from their built packages: a unit or kind changed
 * there fails here.
 */
import { catalogue } from '../../test/support/figures';
import { SUBGRAPHS } from '../../test/support/system';
import { LAYOUT_CATALOGUE, LAYOUT_INDICATORS } from '../src/model';

describe('the pack’s layout catalogue', () => {
  const departments = Object.fromEntries(SUBGRAPHS.flatMap((name) => catalogue(name).map((entry) => [entry.code, entry] as const)));

  it('has every laid-out indicator, with the unit and kind its department publishes', () => {
    expect(LAYOUT_INDICATORS.length).toBeGreaterThan(10);
    for (const code of LAYOUT_INDICATORS) {
      const published = departments[code];
      expect({ code, published: !!published }).toEqual({ code, published: true });
      expect({ code, ...LAYOUT_CATALOGUE[code] }).toEqual({ code, unit: published.unit, kind: published.kind });
    }
  });

  it('has nothing the pack does not lay out', () => {
    expect(Object.keys(LAYOUT_CATALOGUE).filter((code) => !LAYOUT_INDICATORS.includes(code))).toEqual([]);
  });
});
