import 'reflect-metadata';
import { CITY_CODE, DISTRICTS } from '@huishang/schema';
import { openTestbed, type Testbed } from '@huishang/schema/testing';
import { industry } from '../src/subgraph';

/**
 * The key-project ledger (重点项目): every expected value is computed here from the rows in the
 * subgraph's own database (`key_project`, `key_project_month`), never copied from an answer.
 */

interface ProjectRow {
  code: string;
  name: string;
  year: number;
  region_code: string;
  enterprise_code: string | null;
  industry_code: string;
  planned_total_investment: number;
  planned_year_investment: number;
  start_month: string;
  end_month: string;
  stage: string;
}
interface MonthRow {
  project_code: string;
  month: string;
  planned_cumulative: number;
  completed_cumulative: number | null;
}

const MONTH = '2015-06';
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** What the ledger should say for a month, from the stored row and a threshold. */
function expectedProgress(row: MonthRow, thresholdPct: number) {
  const planned = Number(row.planned_cumulative);
  const completed = num(row.completed_cumulative);
  return {
    month: row.month,
    plannedToDate: planned,
    completedToDate: completed,
    completionPct: completed === null || planned <= 0 ? null : Math.round((completed / planned) * 10_000) / 100,
    behindSchedule: completed === null ? null : planned > 0 && completed < (planned * thresholdPct) / 100,
    thresholdPct,
  };
}

function withThreshold<T>(value: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = process.env.HUISHANG_PROJECT_LAG_PCT;
  if (value === undefined) delete process.env.HUISHANG_PROJECT_LAG_PCT;
  else process.env.HUISHANG_PROJECT_LAG_PCT = value;
  return run().finally(() => {
    if (before === undefined) delete process.env.HUISHANG_PROJECT_LAG_PCT;
    else process.env.HUISHANG_PROJECT_LAG_PCT = before;
  });
}

describe('industry subgraph: the key-project ledger (重点项目)', () => {
  let bed: Testbed;
  let projects: ProjectRow[];
  let months: MonthRow[];
  const juneRow = (code: string) => months.find((m) => m.project_code === code && m.month === MONTH);
  const ratioInJune = (code: string) => {
    const row = juneRow(code);
    return row && row.completed_cumulative !== null && Number(row.planned_cumulative) > 0 ? Number(row.completed_cumulative) / Number(row.planned_cumulative) : null;
  };

  beforeAll(async () => {
    delete process.env.HUISHANG_PROJECT_LAG_PCT;
    process.env.HUISHANG_DEMO_ENTERPRISES = '60';
    bed = await openTestbed(industry);
    projects = await bed.sql<ProjectRow>('select * from key_project order by code');
    months = await bed.sql<MonthRow>('select * from key_project_month order by project_code, month');
  });
  afterAll(async () => bed?.close());

  it('holds the 2015 list of 许政[2015]39号: 120 projects of 1亿元 and more, planning at least 300亿元 for the year, and a few from 2013–2014', async () => {
    const list2015 = projects.filter((p) => Number(p.year) === 2015);
    expect(list2015).toHaveLength(120);
    expect(list2015.every((p) => Number(p.planned_total_investment) >= 10_000)).toBe(true);
    expect(list2015.reduce((s, p) => s + Number(p.planned_year_investment), 0)).toBeGreaterThanOrEqual(3_000_000);
    expect(list2015.every((p) => /^XC2015-\d{3}$/.test(p.code))).toBe(true);
    expect(projects.filter((p) => Number(p.year) === 2013 || Number(p.year) === 2014).length).toBeGreaterThanOrEqual(3);
    // Every district has projects, and every enterprise named is in the register.
    expect(new Set(list2015.map((p) => p.region_code))).toEqual(new Set(DISTRICTS.map((d) => d.code)));
    const register = new Set((await bed.sql<{ credit_code: string }>('select credit_code from enterprise')).map((r) => r.credit_code));
    expect(projects.filter((p) => p.enterprise_code).every((p) => register.has(p.enterprise_code!))).toBe(true);
    // Schedules are cumulative: they never fall, and December's plan is the year's.
    for (const p of projects) {
      const schedule = months.filter((m) => m.project_code === p.code);
      expect(schedule.length).toBeGreaterThan(0);
      expect(schedule.every((m) => m.month.startsWith(String(p.year)))).toBe(true);
      for (let i = 1; i < schedule.length; i++) {
        expect(Number(schedule[i].planned_cumulative)).toBeGreaterThanOrEqual(Number(schedule[i - 1].planned_cumulative));
        expect(Number(schedule[i].completed_cumulative)).toBeGreaterThanOrEqual(Number(schedule[i - 1].completed_cumulative));
      }
      expect(Number(schedule[schedule.length - 1].planned_cumulative)).toBe(Number(p.planned_year_investment));
    }
  });

  it('answers keyProjects(year) with the ledger rows and their schedules, in code order', async () => {
    const result: any = await bed.execute(
      `{ keyProjects(year: 2015) { code name year industryCode plannedTotalInvestment plannedYearInvestment startMonth endMonth stage
           region { code } enterprise { creditCode } schedule { month plannedCumulative completedCumulative } } }`,
    );
    expect(result.errors).toBeUndefined();
    const expected = projects.filter((p) => Number(p.year) === 2015);
    expect(result.data.keyProjects.map((p: any) => p.code)).toEqual(expected.map((p) => p.code));
    for (const [i, p] of expected.entries()) {
      expect(result.data.keyProjects[i]).toEqual({
        code: p.code,
        name: p.name,
        year: 2015,
        industryCode: p.industry_code,
        plannedTotalInvestment: Number(p.planned_total_investment),
        plannedYearInvestment: Number(p.planned_year_investment),
        startMonth: p.start_month,
        endMonth: p.end_month,
        stage: p.stage,
        region: { code: p.region_code },
        enterprise: p.enterprise_code ? { creditCode: p.enterprise_code } : null,
        schedule: months
          .filter((m) => m.project_code === p.code)
          .map((m) => ({ month: m.month, plannedCumulative: Number(m.planned_cumulative), completedCumulative: num(m.completed_cumulative) })),
      });
    }
  });

  it('filters by region (the city code means all) and by stage', async () => {
    const district = projects.find((p) => Number(p.year) === 2015)!.region_code;
    const result: any = await bed.execute(
      `{ district: keyProjects(year: 2015, region: "${district}") { code region { code } }
         city: keyProjects(year: 2015, region: "${CITY_CODE}") { code }
         building: keyProjects(year: 2015, stage: UNDER_CONSTRUCTION) { code stage }
         both: keyProjects(year: 2015, region: "${district}", stage: UNDER_CONSTRUCTION) { code }
         y2014: keyProjects(year: 2014) { code year } }`,
    );
    expect(result.errors).toBeUndefined();
    const of = (filter: (p: ProjectRow) => boolean) => projects.filter(filter).map((p) => p.code);
    expect(result.data.district.map((p: any) => p.code)).toEqual(of((p) => Number(p.year) === 2015 && p.region_code === district));
    expect(result.data.city.map((p: any) => p.code)).toEqual(of((p) => Number(p.year) === 2015));
    expect(result.data.building.map((p: any) => p.code)).toEqual(of((p) => Number(p.year) === 2015 && p.stage === 'UNDER_CONSTRUCTION'));
    expect(result.data.both.map((p: any) => p.code)).toEqual(of((p) => Number(p.year) === 2015 && p.region_code === district && p.stage === 'UNDER_CONSTRUCTION'));
    expect(result.data.y2014.map((p: any) => p.code)).toEqual(of((p) => Number(p.year) === 2014));
    expect(result.data.y2014.length).toBeGreaterThan(0);
  });

  it('derives progress(month) from the schedule row: completed ÷ planned to date, behind below 85% of plan', async () => {
    const result: any = await bed.execute(`{ keyProjects(year: 2015) { code progress(month: "${MONTH}") { month plannedToDate completedToDate completionPct behindSchedule thresholdPct } } }`);
    expect(result.errors).toBeUndefined();
    for (const project of result.data.keyProjects) {
      const row = juneRow(project.code);
      expect(project.progress).toEqual(row ? expectedProgress(row, 85) : null);
    }
  });

  it('has projects clearly behind in June 2015 (below 70%) and near misses just above 85% that are not flagged', async () => {
    const list2015 = projects.filter((p) => Number(p.year) === 2015).map((p) => p.code);
    const clearlyBehind = list2015.filter((c) => (ratioInJune(c) ?? 1) < 0.7);
    const nearMisses = list2015.filter((c) => (ratioInJune(c) ?? 0) >= 0.85 && (ratioInJune(c) ?? 0) < 0.9);
    expect(clearlyBehind.length).toBeGreaterThanOrEqual(3);
    expect(clearlyBehind.length).toBeLessThanOrEqual(8);
    expect(nearMisses.length).toBeGreaterThanOrEqual(1);

    const result: any = await bed.execute(`{ keyProjects(year: 2015, behindScheduleIn: "${MONTH}") { code progress(month: "${MONTH}") { behindSchedule completionPct } } }`);
    expect(result.errors).toBeUndefined();
    const flagged = result.data.keyProjects.map((p: any) => p.code);
    expect(flagged).toEqual(list2015.filter((c) => (ratioInJune(c) ?? 1) < 0.85));
    expect(flagged).toEqual(expect.arrayContaining(clearlyBehind));
    for (const code of nearMisses) expect(flagged).not.toContain(code);
    expect(result.data.keyProjects.every((p: any) => p.progress.behindSchedule === true)).toBe(true);
    // Most projects keep to their schedule.
    expect(flagged.length).toBeLessThan(list2015.length / 10);
  });

  it('flips the near misses when HUISHANG_PROJECT_LAG_PCT is raised to 90', async () => {
    const list2015 = projects.filter((p) => Number(p.year) === 2015).map((p) => p.code);
    const nearMisses = list2015.filter((c) => (ratioInJune(c) ?? 0) >= 0.85 && (ratioInJune(c) ?? 0) < 0.9);
    const query = `{ keyProjects(year: 2015, behindScheduleIn: "${MONTH}") { code progress(month: "${MONTH}") { thresholdPct behindSchedule } } }`;
    const at85: any = await withThreshold(undefined, () => bed.execute(query));
    const at90: any = await withThreshold('90', () => bed.execute(query));
    expect(at90.errors).toBeUndefined();
    const codes = (r: any) => r.data.keyProjects.map((p: any) => p.code);
    expect(codes(at90)).toEqual(list2015.filter((c) => (ratioInJune(c) ?? 1) < 0.9));
    expect(codes(at90).filter((c: string) => !codes(at85).includes(c))).toEqual(nearMisses);
    expect(at90.data.keyProjects.every((p: any) => p.progress.thresholdPct === 90)).toBe(true);
    // A single project, asked directly, flips too.
    const one = `{ keyProject(code: "${nearMisses[0]}") { progress(month: "${MONTH}") { behindSchedule thresholdPct } } }`;
    expect(((await withThreshold(undefined, () => bed.execute(one))) as any).data.keyProject.progress).toEqual({ behindSchedule: false, thresholdPct: 85 });
    expect(((await withThreshold('90', () => bed.execute(one))) as any).data.keyProject.progress).toEqual({ behindSchedule: true, thresholdPct: 90 });
  });

  it('refuses a threshold that is not a percentage', async () => {
    const result = await withThreshold('ninety', () => bed.execute(`{ keyProjects(year: 2015) { progress(month: "${MONTH}") { behindSchedule } } }`));
    expect(result.errors?.[0].message).toMatch(/HUISHANG_PROJECT_LAG_PCT must be a percentage above 0 and at most 100, got "ninety"/);
  });

  it('answers null progress for a month outside the schedule, and keyProject(code) by code', async () => {
    const p = projects.find((x) => Number(x.year) === 2015)!;
    const result: any = await bed.execute(
      `{ keyProject(code: "${p.code}") { code name progress(month: "2014-12") { completionPct } dec: progress(month: "2015-12") { plannedToDate } }
         missing: keyProject(code: "XC2015-999") { code } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.keyProject).toMatchObject({ code: p.code, name: p.name, progress: null, dec: { plannedToDate: Number(p.planned_year_investment) } });
    expect(result.data.missing).toBeNull();
  });

  it('lists a region’s projects on Region.keyProjects(year); the city’s are all of them', async () => {
    const result: any = await bed.execute('{ regions { code keyProjects(year: 2015) { code } } }');
    expect(result.errors).toBeUndefined();
    for (const region of result.data.regions) {
      const expected = projects.filter((p) => Number(p.year) === 2015 && (region.code === CITY_CODE || p.region_code === region.code)).map((p) => p.code);
      expect({ region: region.code, codes: region.keyProjects.map((p: any) => p.code) }).toEqual({ region: region.code, codes: expected });
    }
  });

  it.each([
    ['keyProjects(year: 2015, behindScheduleIn: "2014-06") { code }', 'behindScheduleIn', /must be a month of 2015/],
    ['keyProjects(year: 20150) { code }', 'year', /must be a year between 1949 and 2100/],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (selection, field, message) => {
    const result = await bed.execute(`{ ${selection} }`);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0].message).toMatch(message);
  });

  it('refuses a malformed month or region with BAD_USER_INPUT', async () => {
    for (const selection of ['keyProjects(year: 2015, behindScheduleIn: "2015-13") { code }', 'keyProjects(year: 2015, region: "419999") { code }']) {
      const result = await bed.execute(`{ ${selection} }`);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('reads schedules, progress, regions and enterprises of any number of projects in the same number of statements', async () => {
    const selection = `code schedule { month } progress(month: "${MONTH}") { behindSchedule } region { name } enterprise { name }`;
    const district = projects.find((p) => Number(p.year) === 2015 && p.enterprise_code)!.region_code;
    const all = await bed.countStatements(() => bed.execute(`{ keyProjects(year: 2015) { ${selection} } }`));
    const few = await bed.countStatements(() => bed.execute(`{ keyProjects(year: 2015, region: "${district}") { ${selection} } }`));
    const behind = await bed.countStatements(() => bed.execute(`{ keyProjects(year: 2015, behindScheduleIn: "${MONTH}") { ${selection} } }`));
    // projects, their schedules, their regions, their enterprises
    expect(all).toBe(4);
    expect(few).toBe(4);
    expect(behind).toBe(4);
    // The regions, then one statement each for their projects, schedules, the projects' regions and enterprises.
    const byRegion = await bed.countStatements(() => bed.execute(`{ regions { keyProjects(year: 2015) { ${selection} } } }`));
    expect(byRegion).toBe(5);
  });
});
