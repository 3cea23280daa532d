/**
 * The end-to-end harness itself (test/support/system.ts): it starts only the subgraphs a test
 * names, starts every system from a copy of the run's seeded template (not the template itself,
 * and without seeding again), and stops whatever it started when a start fails.
 */
import { E2E_TIMEOUT_MS, liveProcessCount, startSystem, type System } from '../support/system';
import { templateSeedRuns } from '../support/templates';

const MONTH = '2015-06';
const DISTRICT = '411002';
const ENTERPRISES = 40;

const count = async (system: System, name: 'industry' | 'energy', table: string): Promise<number> =>
  Number((await system.sql(name, `select count(*) as n from ${table}`))[0].n);

describe('startSystem({ services })', () => {
  let first: System | undefined;
  let second: System | undefined;

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  }, E2E_TIMEOUT_MS);

  test('starts only the named subgraphs; the gateway answers their fields and reports the others as errors', async () => {
    first = await startSystem({ services: ['industry', 'energy'], enterprises: ENTERPRISES });
    expect(first.services).toEqual(['industry', 'energy']);
    const result = await first.query(
      `query ($code: RegionCode!, $month: Month!) { region(code: $code) { code energy(month: $month) { indicators { indicator value } } } }`,
      { code: DISTRICT, month: MONTH },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.region.code).toBe(DISTRICT);
    // The energy rows come from the energy subgraph's own database.
    const rows = await first.sql('energy', "select indicator from observation where subject_type = 'REGION' and subject_code = ? and month = ?", [DISTRICT, MONTH]);
    expect(rows.length).toBeGreaterThan(0);
    const indicators = result.data.region.energy.indicators.map((o: { indicator: string }) => o.indicator);
    expect(indicators.sort()).toEqual(rows.map((r) => r.indicator).sort());
    // finance was not started: its fields fail (how the gateway words it is the gateway's business).
    const finance = await first.query(`query ($code: RegionCode!, $month: Month!) { region(code: $code) { finance(month: $month) { month } } }`, {
      code: DISTRICT,
      month: MONTH,
    });
    expect(finance.errors?.length ?? 0).toBeGreaterThan(0);
    await expect(first.sql('finance', 'select 1')).rejects.toThrow(/finance was not started/);
    expect(first.logs('finance')).toBe('');
  });

  test('a second system starts from a copy of the seeded template: same rows, its own file, no seeding', async () => {
    expect(first).toBeDefined();
    const enterprises = await count(first!, 'industry', 'enterprise');
    const observations = await count(first!, 'energy', 'observation');
    expect(enterprises).toBe(ENTERPRISES);
    // Change the first system's data: a copy is unaffected, a shared file would not be.
    await first!.sql('energy', 'delete from observation');
    expect(await count(first!, 'energy', 'observation')).toBe(0);

    const seeded = templateSeedRuns();
    second = await startSystem({ services: ['industry', 'energy'], enterprises: ENTERPRISES });
    // No seeding process either: the template's key is the same for every system of one size (it once
    // held each system's own demo-clients path, so every start seeded a template of its own).
    expect(templateSeedRuns()).toBe(seeded);
    expect(await count(second, 'industry', 'enterprise')).toBe(enterprises);
    expect(await count(second, 'energy', 'observation')).toBe(observations);
    // Seeding writes "starting: seeding observation rows n of m"; a copied database has its rows already.
    expect(second.logs('energy')).not.toMatch(/seeding observation rows/);
  });
});

test('a start that fails stops every process it started and says which one failed', async () => {
  // The hr subgraph cannot start without a readable gateway public key: it exits 1.
  const before = liveProcessCount();
  await expect(
    startSystem({ services: ['energy', 'hr'], enterprises: ENTERPRISES, templates: false, env: { HUISHANG_GATEWAY_PUBLIC_KEY: 'not a key' } }),
  ).rejects.toThrow(/exited with code 1 before it was ready/);
  expect(liveProcessCount()).toBe(before);
});
