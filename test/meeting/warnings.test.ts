/**
 * Cross-department warnings through the gateway (issue 4): each rule fires on the cases the demo
 * city plants and not on the near misses; each warning carries the evidence from every department
 * it used, checked against that department's database; thresholds are configuration.
 */
import { demoCity } from '@huishang/schema';
import { startSystem, type System } from '../support/system';

const MONTH = '2015-06';
const ENTERPRISES = 120;
const city = demoCity({ seed: 2015, enterprises: ENTERPRISES });
const { powerDrop, employmentDrop, loanWithdrawal } = city.scenarios;

const WARNING = 'fragment w on Warning { rule title message subjectCode month evidence { department role observation { indicator subjectCode month value yoyPct } } thresholds { name value } }';
const QUERY = `query($month: Month!) { warnings(month: $month) {
  month
  keyEnterprises { creditCode enterprise { name } powerDrop { ...w } employmentDrop { ...w } }
  loanWithdrawals { ...w }
} } ${WARNING}`;

let system: System;
let report: any;

beforeAll(async () => {
  system = await startSystem({ enterprises: ENTERPRISES });
  const result = await system.query(QUERY, { month: MONTH });
  expect(result.errors).toBeUndefined();
  report = result.data.warnings;
});
afterAll(async () => {
  await system?.stop();
});

const keyEnterprise = (code: string) => report.keyEnterprises.find((k: { creditCode: string }) => k.creditCode === code);

describe('warnings(month) through the gateway', () => {
  it('lists the key enterprises of the register', async () => {
    const key = await system.sql('industry', 'select credit_code from enterprise where key_enterprise = ? order by credit_code', [true]);
    expect(report.keyEnterprises.map((k: { creditCode: string }) => k.creditCode)).toEqual(key.map((k) => k.credit_code));
  });

  it('POWER_DROP fires where electricity fell while output held, with evidence from energy and industry', async () => {
    for (const code of powerDrop.fires) {
      const warning = keyEnterprise(code).powerDrop;
      expect(warning).toMatchObject({ rule: 'POWER_DROP', subjectCode: code, month: MONTH });
      const [electricity] = await system.sql('energy', "select * from observation where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = ?", [code, MONTH]);
      const [output] = await system.sql('industry', "select * from observation where indicator = 'IND_KEY_ENTERPRISE_OUTPUT' and subject_code = ? and month = ?", [code, MONTH]);
      expect(warning.evidence).toEqual([
        { department: 'energy', role: 'electricity', observation: { indicator: 'EN_ELECTRICITY', subjectCode: code, month: MONTH, value: Number(electricity.value), yoyPct: Number(electricity.yoy_pct) } },
        { department: 'industry', role: 'output', observation: { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', subjectCode: code, month: MONTH, value: Number(output.value), yoyPct: Number(output.yoy_pct) } },
      ]);
      expect(Number(electricity.yoy_pct)).toBeLessThanOrEqual(-20);
      expect(warning.thresholds).toEqual(expect.arrayContaining([{ name: 'powerDropPct', value: 20 }]));
    }
  });

  it('POWER_DROP does not fire on the near miss (−17%) nor where output fell as well', () => {
    for (const code of [...powerDrop.nearMiss, ...powerDrop.outputFellToo]) expect(keyEnterprise(code).powerDrop).toBeNull();
    const firing = report.keyEnterprises.filter((k: { powerDrop: unknown }) => k.powerDrop).map((k: { creditCode: string }) => k.creditCode);
    expect(firing.sort()).toEqual([...powerDrop.fires].sort());
  });

  it('EMPLOYMENT_DROP fires on the planted fall and not on the near miss', async () => {
    const [code] = employmentDrop.fires;
    const warning = keyEnterprise(code).employmentDrop;
    const [employees] = await system.sql('hr', "select * from observation where indicator = 'HR_EMPLOYEES' and subject_code = ? and month = ?", [code, MONTH]);
    expect(warning.evidence[0]).toEqual({ department: 'hr', role: 'employees', observation: { indicator: 'HR_EMPLOYEES', subjectCode: code, month: MONTH, value: Number(employees.value), yoyPct: Number(employees.yoy_pct) } });
    for (const near of employmentDrop.nearMiss) expect(keyEnterprise(near).employmentDrop).toBeNull();
  });

  it('LOAN_WITHDRAWAL fires above 1000万元 or above 50% of undue loans, not on the near misses', async () => {
    const codes = report.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode).sort();
    expect(codes).toEqual([...loanWithdrawal.firesByAmount, ...loanWithdrawal.firesByShare].sort());
    for (const warning of report.loanWithdrawals) {
      const [withdrawn] = await system.sql('finance', "select * from observation where indicator = 'FIN_LOAN_WITHDRAWAL' and subject_code = ? and month = ?", [warning.subjectCode, MONTH]);
      const [before] = await system.sql('finance', "select * from observation where indicator = 'FIN_LOANS_OUTSTANDING' and subject_code = ? and month = '2015-05'", [warning.subjectCode]);
      expect(warning.evidence.map((e: { role: string; observation: { value: number } }) => [e.role, e.observation.value])).toEqual([
        ['withdrawal', Number(withdrawn.value)],
        ['undue loans before the withdrawal', Number(before.value)],
      ]);
      expect(Number(withdrawn.value) > 1000 || Number(withdrawn.value) / Number(before.value) > 0.5).toBe(true);
    }
  });
});

describe('thresholds are configuration', () => {
  it('a lower power-drop threshold makes the near miss fire', async () => {
    const strict = await startSystem({ enterprises: ENTERPRISES, env: { HUISHANG_WARN_POWER_DROP_PCT: '15', HUISHANG_WARN_LOAN_WITHDRAWAL_WAN: '900' } });
    try {
      const result = await strict.query(QUERY, { month: MONTH });
      expect(result.errors).toBeUndefined();
      const firing = result.data.warnings.keyEnterprises.filter((k: { powerDrop: unknown }) => k.powerDrop).map((k: { creditCode: string }) => k.creditCode);
      expect(firing.sort()).toEqual([...powerDrop.fires, ...powerDrop.nearMiss].sort());
      const withdrawals = result.data.warnings.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode);
      expect(withdrawals).toEqual(expect.arrayContaining(loanWithdrawal.nearMissAmount));
    } finally {
      await strict.stop();
    }
  });
});
