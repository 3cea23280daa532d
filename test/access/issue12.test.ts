/**
 * The examples (issue 12), each as a named test through the real gateway: the ranking
 * leak with the energy token, the problem list written by whom it may be, back-dated problems.
 * The kinds behind them are swept in sweep.test.ts (reads) and writes.test.ts (writes).
 */
import { startSystem, type GraphQLResult, type System } from '../support/system';

jest.setTimeout(300_000);

let system: System;
const MONTH = '2015-06';

beforeAll(async () => {
  system = await startSystem({ enterprises: 40 });
});

afterAll(async () => {
  await system?.stop();
});

const codes = (result: GraphQLResult) => (result.errors ?? []).map((e) => e.extensions?.code);

async function auditOf(requestId: string): Promise<{ indicators: string[]; outcome: string }> {
  const [row] = await system.sql('access', 'select indicators, outcome from audit_record where request_id = ?', [requestId]);
  return { indicators: JSON.parse(row.indicators), outcome: row.outcome };
}

describe('reads', () => {
  const ranking = (indicator: string) =>
    `{ region(code: "411000") { finance(month: "${MONTH}") { ranking(indicator: "${indicator}", by: CURRENT_MONTH) { rank value region { code } } } } }`;

  it('the ranking leak: energy ranking FIN_NON_PERFORMING_LOANS (NOT_SHARED) gets FORBIDDEN at the ranking, no district value', async () => {
    const result = await system.query(ranking('FIN_NON_PERFORMING_LOANS'), undefined, undefined, { token: system.tokens.energy, headers: { 'x-request-id': 'issue12-ranking-leak' } });
    expect(codes(result)).toEqual(['FORBIDDEN']);
    expect(result.errors![0].extensions).toMatchObject({ field: 'finance.ranking', indicator: 'FIN_NON_PERFORMING_LOANS', sharing: 'NOT_SHARED' });
    expect(result.errors![0].path).toEqual(['region', 'finance', 'ranking']);
    expect(result.errors![0].message).toMatch(/not shared/);
    expect(JSON.stringify(result.data ?? null)).not.toMatch(/"value"/);
    // Nothing served, so nothing of it is in the audit record.
    expect((await auditOf('issue12-ranking-leak')).indicators).not.toContain('FIN_NON_PERFORMING_LOANS');
  });

  it('the owner ranks it, and the audit record lists the indicator it ranked', async () => {
    const result = await system.query(ranking('FIN_NON_PERFORMING_LOANS'), undefined, undefined, { token: system.tokens.finance, headers: { 'x-request-id': 'issue12-ranking-owner' } });
    expect(result.errors).toBeUndefined();
    expect(result.data.region.finance.ranking.length).toBeGreaterThan(3);
    expect((await auditOf('issue12-ranking-owner')).indicators).toEqual(['FIN_NON_PERFORMING_LOANS']);
  });

  it('a conditional indicator’s district ranking is unconditional, and audited', async () => {
    const result = await system.query(ranking('FIN_LOANS_OUTSTANDING'), undefined, undefined, { token: system.tokens.energy, headers: { 'x-request-id': 'issue12-ranking-conditional' } });
    expect(result.errors).toBeUndefined();
    expect((await auditOf('issue12-ranking-conditional')).indicators).toEqual(['FIN_LOANS_OUTSTANDING']);
  });
});

describe('the problem list: the secretariat and the owning department write it', () => {
  const update = (code: string, token: string, status = 'RESOLVED') =>
    system.query(`mutation { updateProblemStatus(code: "${code}", status: ${status}, by: "市金融办", note: "办结") { code status history { to by note } } }`, undefined, undefined, { token });
  let financeProblem: string;

  beforeAll(async () => {
    const [row] = await system.sql('industry', "select code from problem where owner = 'finance' and status <> 'RESOLVED' order by code limit 1");
    financeProblem = row.code;
  });

  it('an energy meeting member’s updateProblemStatus → FORBIDDEN, nothing written', async () => {
    const member = await system.addClient({ department: 'energy', role: 'MEETING_MEMBER' });
    const before = await system.sql('industry', 'select count(*) as n from problem_status_change');
    const result = await update(financeProblem, member.token);
    expect(codes(result)).toEqual(['FORBIDDEN']);
    expect(result.errors![0].message).toMatch(/meeting members/);
    expect(Number((await system.sql('industry', 'select count(*) as n from problem_status_change'))[0].n)).toBe(Number(before[0].n));
  });

  it('an energy analyst may not update a problem finance owns; finance may, recorded as finance whatever `by` says', async () => {
    const energy = await update(financeProblem, system.tokens.energy);
    expect(codes(energy)).toEqual(['FORBIDDEN']);
    expect(energy.errors![0].message).toMatch(/owned by finance/);
    const finance = await update(financeProblem, system.tokens.finance, 'IN_PROGRESS');
    expect(finance.errors).toBeUndefined();
    expect(finance.data.updateProblemStatus.history.at(-1)).toEqual({ to: 'IN_PROGRESS', by: '市金融办', note: '办结' });
    const secretariat = await update(financeProblem, system.tokens.industry);
    expect(secretariat.errors).toBeUndefined();
    expect(secretariat.data.updateProblemStatus.history.at(-1).by).toBe('市工信委');
  });

  const raise = (token: string, raisedOn: string, extra = '') =>
    system.query(
      `mutation { raiseProblem(input: { region: "411082", category: LAND, description: "用地指标", raisedBy: "市金融办", raisedOn: "${raisedOn}", owner: "industry", deadline: "2099-12-31"${extra} }) { code raisedBy raisedOn history { by note } } }`,
      undefined,
      undefined,
      { token },
    );
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  it('back-dated problems (before the current month) are refused; nothing written', async () => {
    const before = await system.sql('industry', 'select count(*) as n from problem');
    const result = await raise(system.tokens.industry, `${MONTH}-15`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/before the current month/);
    expect(Number((await system.sql('industry', 'select count(*) as n from problem'))[0].n)).toBe(Number(before[0].n));
  });

  it('a problem dated after today (2030-01-01) is refused; nothing written', async () => {
    const before = await system.sql('industry', 'select count(*) as n from problem');
    const result = await raise(system.tokens.industry, '2030-01-01');
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/after today/);
    expect(result.errors![0].extensions).toMatchObject({ field: 'input.raisedOn' });
    expect(Number((await system.sql('industry', 'select count(*) as n from problem'))[0].n)).toBe(Number(before[0].n));
  });

  it('raised today by the secretariat: the raiser is the caller’s department, not what the input says', async () => {
    const result = await raise(system.tokens.industry, today);
    expect(result.errors).toBeUndefined();
    expect(result.data.raiseProblem.raisedBy).toBe('市工信委');
  });

  it('a department raises only problems it owns', async () => {
    const result = await raise(system.tokens.energy, today);
    expect(codes(result)).toEqual(['FORBIDDEN']);
  });

  it('an administrator corrects a back-dated problem with a reason, kept in the history', async () => {
    const admin = await system.addClient({ department: 'industry', role: 'ADMINISTRATOR' });
    const missing = await raise(admin.token, `${MONTH}-15`);
    expect(codes(missing)).toEqual(['BAD_USER_INPUT']);
    const corrected = await raise(admin.token, `${MONTH}-15`, ', correctionReason: "六月会商漏记"');
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data.raiseProblem.raisedOn).toBe(`${MONTH}-15`);
    expect(corrected.data.raiseProblem.history[0].note).toBe('correction: 六月会商漏记');
  });
});

describe('the audit trail by department', () => {
  const ranking = (department: string, indicator: string) =>
    `{ region(code: "411000") { ${department}(month: "${MONTH}") { ranking(indicator: "${indicator}", by: CURRENT_MONTH) { rank } } } }`;
  const trail = (token: string) => system.query('{ auditTrail(first: 1000) { requestId department indicators } }', undefined, undefined, { token });
  type Row = { requestId: string; department: string | null; indicators: string[] };

  it('an energy administrator sees only records of energy clients and of reads of energy indicators; an auditor sees all', async () => {
    const financeOnly = await system.query(ranking('finance', 'FIN_NON_PERFORMING_LOANS'), undefined, undefined, { token: system.tokens.finance, headers: { 'x-request-id': 'issue12-audit-finance-only' } });
    expect(financeOnly.errors).toBeUndefined();
    const industryReadsEnergy = await system.query(ranking('energy', 'EN_ELECTRICITY'), undefined, undefined, { token: system.tokens.industry, headers: { 'x-request-id': 'issue12-audit-industry-energy' } });
    expect(industryReadsEnergy.errors).toBeUndefined();
    const energyOwn = await system.query('{ regions { code } }', undefined, undefined, { token: system.tokens.energy, headers: { 'x-request-id': 'issue12-audit-energy-own' } });
    expect(energyOwn.errors).toBeUndefined();

    const admin = await system.addClient({ department: 'energy', role: 'ADMINISTRATOR' });
    const seen = await trail(admin.token);
    expect(seen.errors).toBeUndefined();
    const rows: Row[] = seen.data.auditTrail;
    expect(rows.every((r) => r.department === 'energy' || r.indicators.some((code) => code.startsWith('EN_')))).toBe(true);
    const ids = rows.map((r) => r.requestId);
    expect(ids).toEqual(expect.arrayContaining(['issue12-audit-industry-energy', 'issue12-audit-energy-own']));
    expect(ids).not.toContain('issue12-audit-finance-only');

    const auditor = await system.addClient({ department: 'statistics', role: 'AUDITOR' });
    const all = await trail(auditor.token);
    expect(all.errors).toBeUndefined();
    const allIds = (all.data.auditTrail as Row[]).map((r) => r.requestId);
    expect(allIds).toEqual(expect.arrayContaining(['issue12-audit-finance-only', 'issue12-audit-industry-energy', 'issue12-audit-energy-own']));
    expect(allIds.length).toBeGreaterThan(ids.length);
    // The auditor checks the chain too; an analyst does neither.
    expect((await system.query('{ auditTrailIntegrity { ok } }', undefined, undefined, { token: auditor.token })).data.auditTrailIntegrity.ok).toBe(true);
    expect(codes(await trail(system.tokens.energy))).toEqual(['FORBIDDEN']);
  });
});
