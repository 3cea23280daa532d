/**
 * The meeting's monthly tables through the gateway (issue 4): districts ranked on any department's
 * indicator with their names from the register, and each district's progress towards its targets
 * against time progress (序时进度) — checked against figures computed here from the departments'
 * own databases.
 */
import { startSystem, type Row, type System } from '../support/system';

const MONTH = '2015-06';
let system: System;

beforeAll(async () => {
  system = await startSystem({ enterprises: 120 });
});
afterAll(async () => {
  await system?.stop();
});

describe('ranking the districts (排名通报)', () => {
  it.each([
    ['statistics', 'STAT_GROSS_OUTPUT', 'YEAR_TO_DATE', (r: Row) => r.ytd_value],
    ['statistics', 'STAT_GROSS_OUTPUT', 'GROWTH', (r: Row) => r.ytd_yoy_pct],
    ['energy', 'EN_ELECTRICITY', 'YEAR_TO_DATE', (r: Row) => r.ytd_value],
    ['finance', 'FIN_LOANS_OUTSTANDING', 'YEAR_TO_DATE', (r: Row) => r.value],
    ['hr', 'HR_EMPLOYEES', 'GROWTH', (r: Row) => r.yoy_pct],
    ['statistics', 'STAT_VALUE_ADDED_GROWTH', 'GROWTH', (r: Row) => r.ytd_value],
  ] as const)('%s %s by %s', async (department, indicator, by, basis) => {
    const result = await system.query(
      `{ region(code: "411000") { ${department}(month: "${MONTH}") { ranking(indicator: "${indicator}", by: ${by}) { rank value region { code name level } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const ranking = result.data.region[department].ranking;
    const rows = await system.sql(department, "select * from observation where indicator = ? and subject_type = 'REGION' and month = ? and subject_code <> '411000'", [indicator, MONTH]);
    const names = new Map((await system.sql('industry', 'select code, name from region')).map((r) => [r.code, r.name]));
    const expected = rows
      .filter((r) => basis(r) !== null)
      .map((r) => ({ code: r.subject_code, value: Number(basis(r)) }))
      .sort((a, b) => b.value - a.value || a.code.localeCompare(b.code));
    expect(ranking.map((r: { region: { code: string } }) => r.region.code)).toEqual(expected.map((e) => e.code));
    expect(ranking.map((r: { value: number }) => r.value)).toEqual(expected.map((e) => e.value));
    expect(ranking.map((r: { region: { name: string } }) => r.region.name)).toEqual(expected.map((e) => names.get(e.code)));
    expect(ranking[0].rank).toBe(1);
    expect(ranking.every((r: { region: { level: string } }) => r.region.level !== 'CITY')).toBe(true);
  });
});

describe('targets against time progress (序时进度)', () => {
  it('gives every district its progress on every department’s targets in one query', async () => {
    const result = await system.query(`{
      regions { code
        industry(month: "${MONTH}") { targets { ...progress } }
        hr(month: "${MONTH}") { targets { ...progress } }
        statistics(month: "${MONTH}") { targets { ...progress } }
      }
    }
    fragment progress on TargetProgress { target { indicator measure value scope period region { code } } actualValue completionPct timeProgressPct gap behind }`);
    expect(result.errors).toBeUndefined();
    let judged = 0;
    let behind = 0;
    for (const region of result.data.regions) {
      for (const department of ['industry', 'hr', 'statistics'] as const) {
        const held = await system.sql(department, 'select * from target where year = 2015 and region_code = ?', [region.code]);
        // June is judged against a first-half target where one is set on the same figure (H1), else the year's.
        const judgedInJune = held.filter((t) => t.period === 'H1' || !held.some((h) => h.period === 'H1' && h.indicator === t.indicator && h.measure === t.measure && h.scope === t.scope));
        const progress = region[department].targets;
        expect(progress.map((p: { target: { indicator: string; measure: string; value: number; period: string } }) => `${p.target.indicator} ${p.target.measure} ${p.target.period} ${p.target.value}`).sort()).toEqual(
          judgedInJune.map((t) => `${t.indicator} ${t.measure} ${t.period} ${Number(t.value)}`).sort(),
        );
        for (const p of progress) {
          expect(p.target.region.code).toBe(region.code);
          // Time progress is for cumulative quantities only.
          expect(p.timeProgressPct).toBe(p.target.measure === 'LEVEL' ? 50 : null);
          if (p.target.measure !== 'LEVEL' || p.target.scope) continue;
          const [row] = await system.sql(department, "select * from observation where indicator = ? and subject_type = 'REGION' and subject_code = ? and month = ?", [p.target.indicator, region.code, MONTH]);
          const completion = (Number(row.ytd_value) / p.target.value) * 100;
          expect(p.completionPct).toBeCloseTo(completion, 1);
          expect(p.behind).toBe(completion < 50);
          judged++;
          if (p.behind) behind++;
        }
      }
    }
    // The demo city has level targets in every district, some of them behind time progress.
    expect(judged).toBeGreaterThanOrEqual(40);
    expect(behind).toBeGreaterThan(0);
  });
});
