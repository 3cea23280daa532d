import { CITY_CODE } from '../identifiers/regionCode';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { DemoCity } from './city';
import { departmentDemos, type CityTarget, type TargetRow } from './plan';

export type { TargetRow } from './plan';

/**
 * A city's targets as target rows: each for the city, then per district an unscoped growth target
 * as it is, and a `split` level target in proportion to the district's enterprises (万元 rounded,
 * counts rounded up).
 */
export function cityTargetRows(city: DemoCity, plan: { year: number; source: string; city: readonly CityTarget[] }): TargetRow[] {
  const targets = plan.city.map(({ split: _split, source, ...t }) => ({ ...t, period: t.period ?? 'YEAR', source: source ?? plan.source }));
  const split = plan.city.map((t) => t.split === true);
  const rows: TargetRow[] = targets.map((t) => ({ ...t, year: plan.year, regionCode: CITY_CODE }));
  for (const district of city.districts) {
    const share = city.enterprises.filter((e) => e.regionCode === district.code).length / city.enterprises.length;
    targets.forEach((t, i) => {
      if (t.measure === 'GROWTH_PCT' && t.scope === null) {
        rows.push({ ...t, year: plan.year, regionCode: district.code, description: `${district.name}${t.description}` });
      } else if (split[i]) {
        const value = t.unit === '万元' ? Math.round(t.value * share) : Math.ceil(t.value * share);
        rows.push({ ...t, year: plan.year, regionCode: district.code, value, description: `${district.name}分解目标: ${t.description}` });
      }
    });
  }
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
