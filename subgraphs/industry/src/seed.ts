import type { MikroORM } from '@mikro-orm/core';
import { demoCity, demoTargets, districtVariation, Random, seedObservations, seedTargets, seriesRows, streamSeed, type DemoCity, type ObservationRow } from '@huishang/schema';
import { Enterprise } from './entities/Enterprise';
import { Region, RegionLevel } from './entities/Region';
import { industryIndicators } from './indicators';
import { seedSecretariat } from './demo';
import { demoParkOf, demoParkRows, seedParks } from './parks/demo';

const REPORTED_BY = '市工信委';

/** Key-project investment and new-project output per district: the city's totals spread by district weight. */
function districtShare(city: DemoCity, regionCode: string): number {
  const firms = city.enterprises.filter((e) => e.regionCode === regionCode).length;
  return firms / city.enterprises.length;
}

/** Supply-demand matching events (产销对接): a district holds one in a month now and then, about 18 a year city-wide (deterministic per seed, district and month). */
function matchingEvents(city: DemoCity) {
  const perCell = 18 / (12 * city.districts.length);
  return (regionCode: string, month: string) => (new Random(streamSeed(city.seed, `IND_MATCHING_EVENTS|${regionCode}|${month}`)).next() < perCell ? 1 : 0);
}

export function industryRows(city: DemoCity): ObservationRow[] {
  // 2015: ≥ 300亿元 in key projects and ≥ 80亿元 of new output (许政[2015]39号); earlier years lower.
  const yearly = { projects: { 2012: 2_100_000, 2013: 2_450_000, 2014: 2_800_000, 2015: 3_150_000 }, newOutput: { 2012: 520_000, 2013: 610_000, 2014: 700_000, 2015: 820_000 } };
  const phase = [0.04, 0.05, 0.08, 0.09, 0.09, 0.1, 0.08, 0.08, 0.09, 0.09, 0.1, 0.11];
  // Each district keeps its own pace and month-to-month noise (districtVariation), as real ones do.
  const monthly = (totals: Record<number, number>, series: string) => (regionCode: string, month: string) => {
    const year = Number(month.slice(0, 4));
    const m = Number(month.slice(5, 7));
    return totals[year] * phase[m - 1] * districtShare(city, regionCode) * districtVariation(city.seed, series, regionCode, month);
  };
  return [
    ...seriesRows(city, { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', kind: 'FLOW', enterprise: { include: (e) => e.key, value: (m) => m.output }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'IND_PROJECT_INVESTMENT', kind: 'FLOW', region: monthly(yearly.projects, 'IND_PROJECT_INVESTMENT') }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'IND_NEW_PROJECT_OUTPUT', kind: 'FLOW', region: monthly(yearly.newOutput, 'IND_NEW_PROJECT_OUTPUT') }, REPORTED_BY),
    // 许政[2015]39号 item 十二: inventory cut ≥ 50亿元 and ≥ 15 supply-demand matching events in 2015.
    ...seriesRows(city, { indicator: 'IND_INVENTORY_REDUCTION', kind: 'FLOW', region: monthly({ 2012: 380_000, 2013: 420_000, 2014: 460_000, 2015: 515_000 }, 'IND_INVENTORY_REDUCTION') }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'IND_MATCHING_EVENTS', kind: 'FLOW', region: matchingEvents(city), decimals: 0 }, REPORTED_BY),
    // The parks' infrastructure-investment ledger (园区基础设施投资), per park and month.
    ...demoParkRows(city),
  ];
}

/** The register and the bureau's figures for the demo city, written once into an empty database. */
export async function seedIndustry(orm: MikroORM): Promise<void> {
  const em = orm.em.fork();
  const city = demoCity();
  if ((await em.count(Region, {})) === 0) {
    await em.transactional(async (tx) => {
      await tx.insertMany(
        Region,
        city.regions.map((r) => ({ code: r.code, name: r.name, nameEn: r.nameEn, level: r.level as RegionLevel, parentCode: r.parentCode, locallyAssigned: r.locallyAssigned })),
      );
      for (let i = 0; i < city.enterprises.length; i += 500) {
        await tx.insertMany(
          Enterprise,
          city.enterprises.slice(i, i + 500).map((e) => ({
            creditCode: e.creditCode,
            name: e.name,
            regionCode: e.regionCode,
            industryCode: e.industry.code,
            industryName: e.industry.name,
            aboveDesignatedSize: e.aboveDesignatedSize,
            keyEnterprise: e.key,
            parkCode: demoParkOf(e, city.seed),
          })),
        );
      }
    });
  }
  await seedParks(orm);
  await seedTargets(orm, demoTargets(city, industryIndicators));
  await seedObservations(orm, () => industryRows(city));
  await seedSecretariat(orm, city);
}
