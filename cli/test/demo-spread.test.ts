/**
 * The demo city looks like a city (issue 13): its districts differ as real ones do. For the sizes
 * the services and the end-to-end tests use, computed from what each department seeds:
 * - no indicator grows by the same percentage in every district in any month;
 * - no target split down to districts is completed to the same decimal by all of them in any
 *   month, and by June 2015 completion rates spread over at least a few points.
 */
import { allDemoTargets, demoCity, type ObservationRow } from '@huishang/schema';
import { energyRows } from '../../subgraphs/energy/src/seed';
import { financeRows } from '../../subgraphs/finance/src/seed';
import { hrRows } from '../../subgraphs/hr/src/seed';
import { industryRows } from '../../subgraphs/industry/src/seed';
import { statisticsRows } from '../../subgraphs/statistics/src/seed';

const SIZES = [520, 120, 60];

describe.each(SIZES)('a demo city of %i enterprises', (enterprises) => {
  const city = demoCity({ seed: 2015, enterprises });
  const districts = city.districts.map((d) => d.code);
  const rows: ObservationRow[] = [energyRows, financeRows, hrRows, industryRows, statisticsRows].flatMap((f) => f(city));
  const regional = rows.filter((r) => r.subjectType === 'REGION' && districts.includes(r.subjectCode));

  it('no indicator has the same growth in every district in any month', () => {
    const groups = new Map<string, number[]>();
    for (const r of regional) {
      for (const field of ['yoyPct', 'ytdYoyPct'] as const) {
        if (r[field] === null) continue;
        const key = `${r.indicator} ${field} ${r.month}`;
        groups.set(key, [...(groups.get(key) ?? []), r[field]!]);
      }
    }
    const alike = [...groups].filter(([, values]) => values.length === districts.length && new Set(values).size === 1).map(([key]) => key);
    expect(groups.size).toBeGreaterThan(100);
    expect(alike).toEqual([]);
  });

  it('no district target is completed to the same decimal everywhere, and completion spreads by June', () => {
    const targets = allDemoTargets(city).filter((t) => t.measure === 'LEVEL' && t.scope === null && districts.includes(t.regionCode));
    const indicators = [...new Set(targets.map((t) => t.indicator))];
    expect(indicators.length).toBeGreaterThan(2);
    const byKey = new Map(regional.map((r) => [`${r.indicator} ${r.subjectCode} ${r.month}`, r]));
    for (const indicator of indicators) {
      for (const month of city.months.filter((m) => m.startsWith('2015-') && m >= '2015-02')) {
        const rates: number[] = [];
        for (const t of targets.filter((x) => x.indicator === indicator)) {
          const ytd = byKey.get(`${indicator} ${t.regionCode} ${month}`)?.ytdValue ?? null;
          if (ytd !== null) rates.push(Number(((ytd / t.value) * 100).toFixed(1)));
        }
        if (rates.length < districts.length) continue;
        expect({ indicator, month, alike: new Set(rates).size === 1 }).toEqual({ indicator, month, alike: false });
        if (month === '2015-06') expect({ indicator, spread: Math.max(...rates) - Math.min(...rates) >= 3 }).toEqual({ indicator, spread: true });
      }
    }
  });
});
