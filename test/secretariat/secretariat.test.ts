/**
 * The secretariat's ledgers end to end: the industry subgraph's key projects (重点项目) and problem
 * list (问题清单), joined through the gateway with other departments' figures on the same
 * enterprises. Every expected value is read from the owning subgraph's own database here.
 */
import { E2E_TIMEOUT_MS, everyService, startSystem, type GraphQLResult, type Row, type System } from '../support/system';

const MONTH = '2015-06';
const MEETING_DAY = '2015-06-30';
const THRESHOLD_PCT = 85;

let system: System;

beforeAll(async () => {
  // The ledgers are the industry bureau's; the joins read energy's and hr's figures: only these three run.
  system = await startSystem({ enterprises: 60, services: ['industry', 'energy', 'hr'] });
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  if (!system) return;
  const exitCodes = await system.stop();
  expect(exitCodes).toEqual({ ...everyService(null), industry: 0, energy: 0, hr: 0, gateway: 0 });
}, E2E_TIMEOUT_MS);

function expectNoErrors(result: GraphQLResult): void {
  if (result.errors?.length) throw new Error(`unexpected errors (HTTP ${result.status}): ${JSON.stringify(result.errors, null, 2)}`);
  expect(result.status).toBe(200);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'number' || /^\d+$/.test(String(v)) ? Number(v) : Date.parse(String(v)));

describe('a district’s key projects with their enterprises’ power use', () => {
  test(`the district with the most projects built by registered enterprises, ${MONTH}: ledger, progress and the energy department’s figures`, async () => {
    // The district where most 2015 projects have an enterprise with electricity figures: the join is never vacuous.
    const candidates = await system.sql('industry', 'select region_code, count(*) as n from key_project where year = ? and enterprise_code is not null group by region_code order by count(*) desc, region_code', [2015]);
    expect(candidates.length).toBeGreaterThan(0);
    const district: string = candidates[0].region_code;
    const projects = await system.sql('industry', 'select * from key_project where year = ? and region_code = ? order by code', [2015, district]);
    const [region] = await system.sql('industry', 'select name from region where code = ?', [district]);

    const result = await system.query(
      `query DistrictProjects($code: RegionCode!, $month: Month!) {
        region(code: $code) {
          name
          keyProjects(year: 2015) {
            code name stage plannedYearInvestment
            progress(month: $month) { plannedToDate completedToDate completionPct behindSchedule thresholdPct }
            enterprise { creditCode name energy(month: $month) { electricity { value ytdValue unit } } }
          }
        }
      }`,
      { code: district, month: MONTH },
    );
    expectNoErrors(result);
    expect(result.data.region.name).toBe(region.name);
    expect(result.data.region.keyProjects.map((p: Row) => p.code)).toEqual(projects.map((p) => p.code));

    let joined = 0;
    for (const [i, project] of projects.entries()) {
      const answer = result.data.region.keyProjects[i];
      expect({ code: answer.code, name: answer.name, stage: answer.stage, plannedYearInvestment: answer.plannedYearInvestment }).toEqual({
        code: project.code,
        name: project.name,
        stage: project.stage,
        plannedYearInvestment: Number(project.planned_year_investment),
      });
      const [row] = await system.sql('industry', 'select planned_cumulative, completed_cumulative from key_project_month where project_code = ? and month = ?', [project.code, MONTH]);
      if (!row) {
        expect(answer.progress).toBeNull();
      } else {
        const planned = Number(row.planned_cumulative);
        const completed = num(row.completed_cumulative);
        expect(answer.progress).toEqual({
          plannedToDate: planned,
          completedToDate: completed,
          completionPct: completed === null || planned <= 0 ? null : Math.round((completed / planned) * 10_000) / 100,
          behindSchedule: completed === null ? null : planned > 0 && completed < (planned * THRESHOLD_PCT) / 100,
          thresholdPct: THRESHOLD_PCT,
        });
      }
      if (!project.enterprise_code) {
        expect(answer.enterprise).toBeNull();
        continue;
      }
      const [enterprise] = await system.sql('industry', 'select name from enterprise where credit_code = ?', [project.enterprise_code]);
      expect({ creditCode: answer.enterprise.creditCode, name: answer.enterprise.name }).toEqual({ creditCode: project.enterprise_code, name: enterprise.name });
      // The other department's answer, from the other department's database.
      const electricity = await system.sql('energy', "select value, ytd_value from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'ENTERPRISE' and subject_code = ? and month = ?", [project.enterprise_code, MONTH]);
      if (electricity.length === 0) {
        expect(answer.enterprise.energy.electricity).toBeNull();
      } else {
        joined++;
        expect(answer.enterprise.energy.electricity).toEqual({ value: num(electricity[0].value), ytdValue: num(electricity[0].ytd_value), unit: '万千瓦时' });
      }
    }
    expect(joined).toBeGreaterThan(0);
  });

  test(`keyProjects(behindScheduleIn: "${MONTH}") lists exactly the projects the ledger rows put below ${THRESHOLD_PCT}% of plan, with their districts`, async () => {
    const rows = await system.sql(
      'industry',
      `select p.code, r.name as region_name, m.planned_cumulative, m.completed_cumulative
         from key_project p join key_project_month m on m.project_code = p.code join region r on r.code = p.region_code
        where p.year = ? and m.month = ? order by p.code`,
      [2015, MONTH],
    );
    const behind = rows.filter((r) => r.completed_cumulative !== null && Number(r.completed_cumulative) < (Number(r.planned_cumulative) * THRESHOLD_PCT) / 100);
    expect(behind.length).toBeGreaterThanOrEqual(3);
    const result = await system.query(`{ keyProjects(year: 2015, behindScheduleIn: "${MONTH}") { code region { name } progress(month: "${MONTH}") { behindSchedule } } }`);
    expectNoErrors(result);
    expect(result.data.keyProjects).toEqual(behind.map((r) => ({ code: r.code, region: { name: r.region_name }, progress: { behindSchedule: true } })));
  });
});

describe('the problem list', () => {
  /** Status at the end of `on` (UTC+8) from the history rows. */
  function overdue(problem: Row, history: Row[], on: string): boolean {
    if (day(problem.raised_on) > on) return false;
    const end = Date.parse(`${on}T00:00:00+08:00`) + 86_400_000;
    const recorded = history.filter((h) => h.problem_code === problem.code && time(h.changed_at) < end).sort((a, b) => time(a.changed_at) - time(b.changed_at) || a.id - b.id);
    const status = recorded.length ? recorded[recorded.length - 1].to_status : 'OPEN';
    return (status === 'OPEN' || status === 'IN_PROGRESS') && day(problem.deadline) < on;
  }

  test(`every problem with its owner, region, enterprise and overdue flag on ${MEETING_DAY}; problems(overdueOn:) is the overdue ones`, async () => {
    const problems = await system.sql('industry', 'select p.*, r.name as region_name from problem p join region r on r.code = p.region_code order by p.code');
    const history = await system.sql('industry', 'select * from problem_status_change order by problem_code, changed_at, id');
    expect(problems.length).toBeGreaterThan(0);
    const result = await system.query(
      `query Problems($on: Date!) {
        problems { code status owner ownerName deadline region { name } enterprise { creditCode } overdue(on: $on) }
        overdue: problems(overdueOn: $on) { code }
      }`,
      { on: MEETING_DAY },
    );
    expectNoErrors(result);
    const owners: Record<string, string> = { industry: '市工信委', finance: '市金融办', energy: '供电公司', statistics: '市统计局', hr: '市人社局' };
    expect(result.data.problems).toEqual(
      problems.map((p) => ({
        code: p.code,
        status: p.status,
        owner: p.owner,
        ownerName: owners[p.owner],
        deadline: day(p.deadline),
        region: { name: p.region_name },
        enterprise: p.enterprise_code ? { creditCode: p.enterprise_code } : null,
        overdue: overdue(p, history, MEETING_DAY),
      })),
    );
    const expectedOverdue = problems.filter((p) => overdue(p, history, MEETING_DAY)).map((p) => p.code);
    expect(expectedOverdue.length).toBeGreaterThan(0);
    expect(result.data.overdue.map((p: Row) => p.code)).toEqual(expectedOverdue);
  });

  test('an overdue problem’s enterprise with the HR department’s employees (a cross-subgraph join)', async () => {
    const result = await system.query(`{ problems(overdueOn: "${MEETING_DAY}") { code enterprise { creditCode hr(month: "${MONTH}") { employees { value } } } } }`);
    expectNoErrors(result);
    const withEnterprise = result.data.problems.filter((p: Row) => p.enterprise);
    expect(withEnterprise.length).toBeGreaterThan(0);
    for (const p of withEnterprise) {
      const rows = await system.sql('hr', "select value from observation where indicator = 'HR_EMPLOYEES' and subject_type = 'ENTERPRISE' and subject_code = ? and month = ?", [p.enterprise.creditCode, MONTH]);
      expect(p.enterprise.hr.employees).toEqual(rows.length ? { value: num(rows[0].value) } : null);
    }
  });

  test('updateProblemStatus through the gateway appends to the history in the industry database', async () => {
    const [problem] = await system.sql('industry', "select code, status from problem where status = 'OPEN' order by code limit 1");
    const before = await system.sql('industry', 'select count(*) as n from problem_status_change where problem_code = ?', [problem.code]);
    const result = await system.query(
      'mutation($code: String!) { updateProblemStatus(code: $code, status: IN_PROGRESS, by: "市工信委", note: "已转责任单位办理") { code status history { from to by note } } }',
      { code: problem.code },
    );
    expectNoErrors(result);
    expect(result.data.updateProblemStatus.status).toBe('IN_PROGRESS');
    expect(result.data.updateProblemStatus.history.at(-1)).toEqual({ from: 'OPEN', to: 'IN_PROGRESS', by: '市工信委', note: '已转责任单位办理' });
    const after = await system.sql('industry', 'select count(*) as n from problem_status_change where problem_code = ?', [problem.code]);
    expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
    const [row] = await system.sql('industry', 'select status from problem where code = ?', [problem.code]);
    expect(row.status).toBe('IN_PROGRESS');
  });

  test.each([
    ['a day that does not exist', `{ problems(overdueOn: "2015-06-31") { code } }`, /that day does not exist: 2015-06 has days 01 to 30/],
    ['a month that does not exist', `{ problems(overdueOn: "2015-13-01") { code } }`, /month 13 does not exist; use 01 to 12/],
    ['an owner outside the meeting', `{ problems(owner: "国土局") { code } }`, /is not a department of the meeting/],
    ['a malformed enterprise', 'mutation { raiseProblem(input: { enterprise: "91411082MA00000010", category: LAND, description: "用地", raisedBy: "市发改委", raisedOn: "2015-07-01", owner: "industry", deadline: "2015-08-01" }) { code } }', /91411082MA00000010/],
  ])('refuses %s with BAD_USER_INPUT through the gateway', async (_label, query, message) => {
    const result = await system.query(query);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(message);
  });

  test('refuses a bad day given as a variable at the gateway’s edge, like the identifiers', async () => {
    const result = await system.query('query($on: Date!) { problems(overdueOn: $on) { code } }', { on: '2015-02-29' });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/Variable "\$on" got invalid value "2015-02-29".*that day does not exist: 2015-02 has days 01 to 28/);
  });
});
