import { CITY_CODE } from '../identifiers/regionCode';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { DemoCity } from './city';
import { departmentDemos, type CityTarget, type TargetRow } from './plan';

export type { TargetRow } from './plan';

/**
 * Whole units of `total` shared out in proportion to `weights`, summing exactly to the total
 * rounded (the largest-remainder or Hamilton method): each part gets the whole units of its exact
 * share, and the units left over go to the largest remainders, ties to the earlier part. Rounding
 * each share on its own does not add up: 15 产销对接 events over 7 districts rounded up each were 19.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const units = Math.round(total);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (units * w) / sum);
  const parts = exact.map(Math.floor);
  const left = units - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((x, i) => ({ i, remainder: x - Math.floor(x) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (let k = 0; k < left; k++) parts[order[k].i]++;
  return parts;
}

/**
 * A city's targets as target rows: each for the city, then per district an unscoped growth target
 * as it is, and a `split` level target in proportion to the district's enterprises, in whole units
 * that add up to the city's target (apportion).
 */
export function cityTargetRows(city: DemoCity, plan: { year: number; source: string; city: readonly CityTarget[] }): TargetRow[] {
  const targets = plan.city.map(({ split: _split, source, ...t }) => ({ ...t, period: t.period ?? 'YEAR', source: source ?? plan.source }));
  const rows: TargetRow[] = targets.map((t) => ({ ...t, year: plan.year, regionCode: CITY_CODE }));
  const weights = city.districts.map((d) => city.enterprises.filter((e) => e.regionCode === d.code).length);
  const shares = plan.city.map((t) => (t.split === true ? apportion(t.value, weights) : null));
  city.districts.forEach((district, d) => {
    targets.forEach((t, i) => {
      if (t.measure === 'GROWTH_PCT' && t.scope === null) {
        rows.push({ ...t, year: plan.year, regionCode: district.code, description: `${district.name}${t.description}` });
      } else if (shares[i]) {
        rows.push({ ...t, year: plan.year, regionCode: district.code, value: shares[i]![d], description: `${district.name}分解目标${shares[i]![d]}${t.unit}（全市目标: ${t.description}）` });
      }
    });
  });
  return rows;
}

/** The targets on the catalogue's own indicators: each department keeps those it reports. */
export function demoTargets(city: DemoCity, catalogue: IndicatorCatalogue): TargetRow[] {
  return allDemoTargets(city).filter((t) => catalogue.has(t.indicator));
}

/** Every department's demo targets (its demo module's `targets`), department by department in registry order. */
export function allDemoTargets(city: DemoCity): TargetRow[] {
  return departmentDemos().flatMap(({ demo }) => (demo.targets ? cityTargetRows(city, demo.targets) : []));
}
