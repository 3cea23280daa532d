/**
 * "As the meeting saw it" (issues 11 and 13), through the gateway: every read that carries figures
 * or things derived from them, asked as of a moment T, shows the figures as they stood at T. Figures
 * submitted or revised after T are in none of them: the month's warnings and their evidence (a
 * rule of one department over its own figures, a rule over the key enterprises, targets behind
 * time progress), rankings, and targets' progress. Asked without asOf, the same reads show them.
 */
import { startSystem, type GraphQLResult, type SubgraphName, type System } from '../support/system';

let system: System;
let counter = 0;
const MONTH = '2024-02'; // outside the demo data: every figure of the month is this test's
const CITY = '411000';

interface Row {
  indicator: string;
  subjectKind: 'REGION' | 'ENTERPRISE';
  subjectCode: string;
  unit: string;
  value?: number | null;
  ytdValue?: number | null;
  yoyPct?: number | null;
}

async function submit(department: SubgraphName, month: string, observations: Row[]): Promise<void> {
  const result = await system.query(
    `mutation($batch: ObservationBatchInput!) { result: submit${department[0].toUpperCase()}${department.slice(1)}Observations(batch: $batch) { submissionId } }`,
    // Confirmed: the values are chosen for the rules, not to look plausible.
    { batch: { idempotencyKey: `asof-${Date.now()}-${counter++}`, reportedBy: '测试员', status: 'FINAL', month, observations, acceptOutliers: { reason: 'as-of test figures' } } },
    undefined,
    { token: system.tokens[department] },
  );
  expect(result.errors).toBeUndefined();
}

async function read(department: SubgraphName, query: string, asOf: string | null): Promise<GraphQLResult['data']> {
  const result = await system.query(query, { asOf }, undefined, { token: system.tokens[department] });
  expect(result.errors).toBeUndefined();
  return result.data;
}

const loan = (indicator: string, code: string, value: number): Row => ({ indicator, subjectKind: 'ENTERPRISE', subjectCode: code, unit: '万元', value });
const power = (code: string, value: number, ytdValue: number): Row => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'REGION', subjectCode: code, unit: '万千瓦时', value, ytdValue });

let T: string;
let firms: string[];
let key: string;
let districts: string[];

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
  firms = (await system.sql('finance', 'select credit_code from enterprise_register order by credit_code limit 2')).map((r) => String(r.credit_code));
  [key] = (await system.sql('industry', 'select credit_code from enterprise where key_enterprise = ? order by credit_code limit 1', [true])).map((r) => String(r.credit_code));
  districts = (await system.sql('industry', "select code from region where parent_code = '411000' order by code limit 3")).map((r) => String(r.code));
  await system.sql(
    'energy',
    "insert into target (year, region_code, indicator, measure, value, unit, description, source, period) values (2024, ?, 'EN_ELECTRICITY', 'LEVEL', 100000, '万千瓦时', 'as-of test target', 'test', 'YEAR')",
    [districts[0]],
  );

  // Before T: firm 0 withdraws 1200万元 (抽贷: more than 1000万元); district 0 at 600 of its 100000 target (behind);
  // districts 0 and 1 ranked 300, 100.
  await submit('finance', '2024-01', [loan('FIN_LOANS_OUTSTANDING', firms[0], 10000), loan('FIN_LOANS_OUTSTANDING', firms[1], 10000)]);
  await submit('finance', MONTH, [loan('FIN_LOAN_WITHDRAWAL', firms[0], 1200)]);
  await submit('energy', MONTH, [power(districts[0], 300, 600), power(districts[1], 100, 200)]);
  T = new Date().toISOString();

  // After T: firm 0's withdrawal revised to 100 (no longer 抽贷), firm 1 withdraws 2000; district 0 revised to
  // 50000 year to date (on schedule), district 1 to 400, district 2 reports 500; the key enterprise's
  // employees fall by half.
  await submit('finance', MONTH, [loan('FIN_LOAN_WITHDRAWAL', firms[0], 100), loan('FIN_LOAN_WITHDRAWAL', firms[1], 2000)]);
  await submit('energy', MONTH, [power(districts[0], 300, 50000), power(districts[1], 400, 800), power(districts[2], 500, 1000)]);
  await submit('hr', MONTH, [{ indicator: 'HR_EMPLOYEES', subjectKind: 'ENTERPRISE', subjectCode: key, unit: '人', value: 50, yoyPct: -50 }]);
}, 600_000); // six processes starting on a shared machine
afterAll(async () => {
  await system?.stop();
});

describe('warnings(month, asOf) and their evidence', () => {
  const query = `query($asOf: DateTimeISO) { warnings(month: "${MONTH}", asOf: $asOf) { month asOf loanWithdrawals { subjectCode evidence { role observation { value reportedAt } } } } }`;

  it('a rule over one department’s figures (抽贷) judges the figures valid at T, with their evidence', async () => {
    const then = (await read('finance', query, T)).warnings;
    expect(then.asOf).toBe(T);
    expect(then.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode)).toEqual([firms[0]]);
    const withdrawal = then.loanWithdrawals[0].evidence.find((e: { role: string }) => e.role === 'withdrawal');
    expect(withdrawal.observation.value).toBe(1200);
    expect(new Date(withdrawal.observation.reportedAt).getTime()).toBeLessThanOrEqual(new Date(T).getTime());
    const now = (await read('finance', query, null)).warnings;
    expect(now.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode)).toEqual([firms[1]]);
  });

  it('targets behind time progress are judged on the figures valid at T', async () => {
    const q = `query($asOf: DateTimeISO) { warnings(month: "${MONTH}", asOf: $asOf) { energyTargetsBehind { subjectCode evidence { observation { ytdValue } } } } }`;
    const then = (await read('energy', q, T)).warnings.energyTargetsBehind.filter((w: { subjectCode: string }) => w.subjectCode === districts[0]);
    expect(then.map((w: { evidence: { observation: { ytdValue: number } | null }[] }) => w.evidence[0].observation!.ytdValue)).toEqual([600]);
    const now = (await read('energy', q, null)).warnings.energyTargetsBehind.filter((w: { subjectCode: string }) => w.subjectCode === districts[0]);
    expect(now).toEqual([]);
  });

  it('a rule over the key enterprises (another department’s entity) is judged at T too', async () => {
    const q = `query($asOf: DateTimeISO) { warnings(month: "${MONTH}", asOf: $asOf) { keyEnterprises { creditCode employmentDrop { rule } } } }`;
    const drop = (data: GraphQLResult['data']) => data.warnings.keyEnterprises.find((k: { creditCode: string }) => k.creditCode === key).employmentDrop;
    expect(drop(await read('hr', q, T))).toBeNull();
    expect(drop(await read('hr', q, null))).toEqual({ rule: 'EMPLOYMENT_DROP' });
  });

  it('the entry point without the register takes asOf the same way', async () => {
    const q = `query($asOf: DateTimeISO) { withoutRegister { warnings(month: "${MONTH}", asOf: $asOf) { loanWithdrawals { subjectCode } } } }`;
    expect((await read('finance', q, T)).withoutRegister.warnings.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode)).toEqual([firms[0]]);
  });
});

describe('rankings and targets’ progress as of T', () => {
  const query = `query($asOf: DateTimeISO) { region(code: "${CITY}") { energy(month: "${MONTH}", asOf: $asOf) { ranking(indicator: "EN_ELECTRICITY", by: CURRENT_MONTH) { rank regionCode value reported } } } }`;

  it('a ranking ranks the figures valid at T; a district that reported later is not reported', async () => {
    const ranked = (data: GraphQLResult['data']) =>
      data.region.energy.ranking.filter((r: { reported: boolean }) => r.reported).map((r: { rank: number; regionCode: string; value: number }) => [r.rank, r.regionCode, r.value]);
    expect(ranked(await read('energy', query, T))).toEqual([
      [1, districts[0], 300],
      [2, districts[1], 100],
    ]);
    expect(ranked(await read('energy', query, null))).toEqual([
      [1, districts[2], 500],
      [2, districts[1], 400],
      [3, districts[0], 300],
    ]);
  });

  it('a figure read at T has as history only the versions superseded by T, not the correction made later', async () => {
    const q = `query($asOf: DateTimeISO) { region(code: "${districts[1]}") { energy(month: "${MONTH}", asOf: $asOf) { electricity { value version history { value version } } } } }`;
    expect((await read('energy', q, T)).region.energy.electricity).toMatchObject({ value: 100, history: [] });
    const now = (await read('energy', q, null)).region.energy.electricity;
    expect(now.value).toBe(400);
    expect(now.history.map((v: { value: number }) => v.value)).toEqual([100]);
  });

  it('a target’s progress is judged on the figure valid at T', async () => {
    const q = `query($asOf: DateTimeISO) { region(code: "${districts[0]}") { energy(month: "${MONTH}", asOf: $asOf) { targets { target { description } actualValue behind } } } }`;
    const mine = (data: GraphQLResult['data']) => data.region.energy.targets.find((t: { target: { description: string } }) => t.target.description === 'as-of test target');
    expect(mine(await read('energy', q, T))).toMatchObject({ actualValue: 600, behind: true });
    expect(mine(await read('energy', q, null))).toMatchObject({ actualValue: 50000, behind: false });
  });
});

describe('a moment that has not come', () => {
  it('is refused (BAD_USER_INPUT naming asOf), on figures, group totals and warnings alike, not answered as now', async () => {
    const tomorrow = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const queries = [
      `query($asOf: DateTimeISO) { region(code: "${CITY}") { energy(month: "${MONTH}", asOf: $asOf) { electricity { value } } } }`,
      `query($asOf: DateTimeISO) { warnings(month: "${MONTH}", asOf: $asOf) { loanWithdrawals { subjectCode } } }`,
      `query($asOf: DateTimeISO) { enterprise(creditCode: "${firms[0]}") { finance(month: "${MONTH}", asOf: $asOf) { indicators { indicator value } } } }`,
    ];
    for (const query of queries) {
      const result = await system.query(query, { asOf: tomorrow }, undefined, { token: system.tokens.finance });
      const codes = (result.errors ?? []).map((e) => e.extensions?.code);
      expect({ query, codes: [...new Set(codes)] }).toEqual({ query, codes: ['BAD_USER_INPUT'] });
      expect(result.errors![0].message).toMatch(/asOf.*in the future.*leave asOf out/);
    }
    // The warning report is refused once, at its root field, before any department's rule runs (a
    // tester saw one error at an internal field and the rest of the report missing).
    for (const root of ['warnings', 'withoutRegister']) {
      const inner = `warnings(month: "${MONTH}", asOf: $asOf) { keyEnterprises { enterprise { name } powerDrop { message } employmentDrop { message } } loanWithdrawals { message } }`;
      const result = await system.query(`query($asOf: DateTimeISO) { ${root === 'warnings' ? inner : `withoutRegister { ${inner} }`} }`, { asOf: tomorrow }, undefined, { token: system.tokens.industry });
      expect({ root, errors: result.errors!.map((e) => ({ code: e.extensions?.code, path: e.path })) }).toEqual({
        root,
        errors: [{ code: 'BAD_USER_INPUT', path: root === 'warnings' ? ['warnings'] : ['withoutRegister', 'warnings'] }],
      });
    }
    // A moment a little ahead (another machine's clock) is still now.
    const soon = await system.query(queries[0], { asOf: new Date(Date.now() + 60_000).toISOString() }, undefined, { token: system.tokens.finance });
    expect(soon.errors).toBeUndefined();
  });
});
