/**
 * Cross-department warnings through the gateway (issue 4): each rule fires on the cases the demo
 * city plants and not on the near misses; each warning carries the evidence from every department
 * it used, checked against that department's database; thresholds are configuration.
 */
import { demoCity } from '@huishang/schema';
import { startSystem, SUBGRAPHS, type Row, type SubgraphName, type System } from '../support/system';

const MONTH = '2015-06';
const ENTERPRISES = 120;
const city = demoCity({ seed: 2015, enterprises: ENTERPRISES });
const { powerDrop, employmentDrop, loanWithdrawal } = city.scenarios;

const MONTH_END = '2015-06-30';
/** Planted in the industry subgraph's demo ledger (subgraphs/industry/src/demo/keyProjects.ts). */
const PROJECTS_BEHIND = ['XC2015-007', 'XC2015-023', 'XC2015-041', 'XC2015-054', 'XC2015-066'];
const PROJECTS_NEAR_MISS = ['XC2015-015', 'XC2015-088'];
/** Planted in its problem list: due on the meeting day itself, still in progress then — not overdue. */
const PROBLEM_DUE_ON_THE_DAY = 'WT2015-008';

const WARNING = `fragment w on Warning {
  rule title message subjectKind subjectCode month
  enterprise { creditCode name } region { code name }
  evidence { department role observation { indicator subjectCode month value ytdValue yoyPct ytdYoyPct } fact { ledger entry item month value text unit } }
  thresholds { name value }
}`;
const TARGETS_BEHIND = SUBGRAPHS.map((d) => `${d}TargetsBehind { ...w }`).join('\n  ');
const QUERY = `query($month: Month!) { warnings(month: $month) {
  month
  keyEnterprises { creditCode enterprise { name } powerDrop { ...w } employmentDrop { ...w } }
  loanWithdrawals { ...w }
  projectsBehindSchedule { ...w }
  overdueProblems { ...w }
  ${TARGETS_BEHIND}
} } ${WARNING}`;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const round2 = (v: number) => Number(v.toFixed(2));
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'number' || /^\d+$/.test(String(v)) ? Number(v) : Date.parse(String(v)));

interface ExpectedTargetWarning {
  regionCode: string;
  indicator: string;
  gap: number;
  actual: number;
}

/**
 * The regions behind time progress on a department's targets, computed here from its own tables:
 * year to date (a stock's level) ÷ the annual target against the share of the year gone, or
 * year-to-date growth against the target growth; targets on one cluster (scope) are not judged.
 */
async function expectedTargetsBehind(sys: System, department: SubgraphName, kinds: Map<string, string>, gapPoints: number): Promise<ExpectedTargetWarning[]> {
  const targets = await sys.sql(department, 'select * from target where year = ? order by region_code, id', [2015]);
  const stored = await sys.sql(department, "select * from observation where subject_type = 'REGION' and month = ?", [MONTH]);
  // A computed indicator (catalogue ratioOf: an intensity) has no row: its year-to-date growth from its sources', (1 + n) ÷ (1 + d) − 1.
  const computed = [...RATIOS.entries()].flatMap(([indicator, r]) =>
    [...new Set(stored.map((o) => o.subject_code))].flatMap((code) => {
      const n = stored.find((o) => o.indicator === r.numerator && o.subject_code === code);
      const d = stored.find((o) => o.indicator === r.denominator && o.subject_code === code);
      if (!n || !d || num(n.ytd_yoy_pct) === null || num(d.ytd_yoy_pct) === null) return [];
      return [{ indicator, subject_code: code, ytd_yoy_pct: round2(((1 + Number(n.ytd_yoy_pct) / 100) / (1 + Number(d.ytd_yoy_pct) / 100) - 1) * 100), yoy_pct: null, value: null, ytd_value: null }];
    }),
  );
  const observations = [...stored, ...computed];
  const timeProgress = round2((6 / 12) * 100);
  const expected: ExpectedTargetWarning[] = [];
  for (const t of targets) {
    if (t.scope !== null) continue;
    // June is judged against the first half's target where one is set on the same figure (许政[2015]39号: 12.5 % for H1).
    if (t.period === 'YEAR' && targets.some((h) => h.period === 'H1' && h.region_code === t.region_code && h.indicator === t.indicator && h.measure === t.measure)) continue;
    if (t.period !== 'YEAR' && t.period !== 'H1') continue;
    const o = observations.find((r) => r.indicator === t.indicator && r.subject_code === t.region_code);
    if (!o) continue;
    const stock = kinds.get(t.indicator) === 'STOCK';
    let gap: number | null = null;
    let actual: number | null = null;
    if (t.measure === 'LEVEL') {
      actual = num(stock ? o.value : o.ytd_value);
      if (actual !== null) gap = round2(round2((actual / Number(t.value)) * 100) - timeProgress);
    } else if (t.measure === 'GROWTH_PCT') {
      actual = num(stock ? o.yoy_pct : o.ytd_yoy_pct);
      // Lower is better (an intensity): the target is a ceiling.
      if (actual !== null) gap = round2(LOWER_IS_BETTER.has(t.indicator) ? Number(t.value) - actual : actual - Number(t.value));
    }
    if (gap !== null && gap < 0 && gap < -gapPoints) expected.push({ regionCode: t.region_code, indicator: t.indicator, gap, actual: actual! });
  }
  return expected;
}

/** Computed indicators' sources and the lower-is-better ones, from the catalogue (filled by indicatorKinds). */
const RATIOS = new Map<string, { numerator: string; denominator: string }>();
const LOWER_IS_BETTER = new Set<string>();

async function indicatorKinds(sys: System): Promise<Map<string, string>> {
  const result = await sys.query(`{ indicatorCatalogue { ${SUBGRAPHS.map((d) => `${d} { code kind lowerIsBetter ratioOf { numerator denominator } }`).join(' ')} } }`);
  expect(result.errors).toBeUndefined();
  for (const d of SUBGRAPHS) {
    for (const i of result.data.indicatorCatalogue[d] as { code: string; lowerIsBetter: boolean; ratioOf: { numerator: string; denominator: string } | null }[]) {
      if (i.ratioOf) RATIOS.set(i.code, i.ratioOf);
      if (i.lowerIsBetter) LOWER_IS_BETTER.add(i.code);
    }
  }
  return new Map(SUBGRAPHS.flatMap((d) => result.data.indicatorCatalogue[d].map((i: { code: string; kind: string }) => [i.code, i.kind] as [string, string])));
}

const targetKey = (w: { subjectCode: string; evidence: { observation: { indicator: string } | null }[] }) => `${w.subjectCode} ${w.evidence[0].observation!.indicator}`;

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
      expect(warning.evidence).toMatchObject([
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
    expect(warning.evidence[0]).toMatchObject({ department: 'hr', role: 'employees', observation: { indicator: 'HR_EMPLOYEES', subjectCode: code, month: MONTH, value: Number(employees.value), yoyPct: Number(employees.yoy_pct) } });
    for (const near of employmentDrop.nearMiss) expect(keyEnterprise(near).employmentDrop).toBeNull();
  });

  it('LOAN_WITHDRAWAL fires above 1000万元 or at 50% of undue loans or more, not on the near misses', async () => {
    const codes = report.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode).sort();
    expect(codes).toEqual([...loanWithdrawal.firesByAmount, ...loanWithdrawal.firesByShare].sort());
    for (const warning of report.loanWithdrawals) {
      const [withdrawn] = await system.sql('finance', "select * from observation where indicator = 'FIN_LOAN_WITHDRAWAL' and subject_code = ? and month = ?", [warning.subjectCode, MONTH]);
      const [before] = await system.sql('finance', "select * from observation where indicator = 'FIN_LOANS_OUTSTANDING' and subject_code = ? and month = '2015-05'", [warning.subjectCode]);
      expect(warning.evidence.map((e: { role: string; observation: { value: number } }) => [e.role, e.observation.value])).toEqual([
        ['withdrawal', Number(withdrawn.value)],
        ['undue loans before the withdrawal', Number(before.value)],
      ]);
      expect(Number(withdrawn.value) > 1000 || Number(withdrawn.value) / Number(before.value) >= 0.5).toBe(true);
    }
  });

  it('a loan withdrawal names its enterprise through the gateway (the finance subgraph gives the key, industry the name), key enterprise or not', async () => {
    expect(report.loanWithdrawals.length).toBeGreaterThan(0);
    let nonKey = 0;
    for (const warning of report.loanWithdrawals) {
      const [enterprise] = await system.sql('industry', 'select name, key_enterprise from enterprise where credit_code = ?', [warning.subjectCode]);
      expect(warning).toMatchObject({ subjectKind: 'ENTERPRISE', enterprise: { creditCode: warning.subjectCode, name: enterprise.name }, region: null });
      if (!Boolean(enterprise.key_enterprise)) nonKey++;
    }
    expect(nonKey).toBeGreaterThan(0);
    for (const k of report.keyEnterprises) if (k.powerDrop) expect(k.powerDrop.enterprise).toEqual({ creditCode: k.creditCode, name: k.enterprise.name });
  });
});

describe('the secretariat’s ledgers as warnings (industry)', () => {
  it('PROJECT_BEHIND_SCHEDULE fires on the planted projects and not on the near misses; exactly the ledger rows below 85% of plan', async () => {
    const rows = await system.sql(
      'industry',
      'select p.code, p.name, p.region_code, p.enterprise_code, m.planned_cumulative, m.completed_cumulative, r.name as region_name from key_project p join key_project_month m on m.project_code = p.code join region r on r.code = p.region_code where p.year = ? and m.month = ? order by p.code',
      [2015, MONTH],
    );
    const behind = rows.filter((r) => r.completed_cumulative !== null && Number(r.completed_cumulative) < Number(r.planned_cumulative) * 0.85);
    const warnings = report.projectsBehindSchedule;
    expect(warnings.map((w: Row) => w.subjectCode)).toEqual(behind.map((r) => r.code));
    expect(warnings.map((w: Row) => w.subjectCode)).toEqual(expect.arrayContaining(PROJECTS_BEHIND));
    for (const code of PROJECTS_NEAR_MISS) expect(warnings.map((w: Row) => w.subjectCode)).not.toContain(code);
    for (const [i, w] of warnings.entries()) {
      const row = behind[i];
      expect(w).toMatchObject({ rule: 'PROJECT_BEHIND_SCHEDULE', subjectKind: 'KEY_PROJECT', month: MONTH, region: { code: row.region_code, name: row.region_name } });
      expect(w.enterprise?.creditCode ?? null).toBe(row.enterprise_code);
      expect(w.evidence).toEqual([
        { department: 'industry', role: 'planned to date', observation: null, fact: { ledger: 'KEY_PROJECTS', entry: row.code, item: 'plannedToDate', month: MONTH, value: Number(row.planned_cumulative), text: null, unit: '万元' } },
        { department: 'industry', role: 'completed to date', observation: null, fact: { ledger: 'KEY_PROJECTS', entry: row.code, item: 'completedToDate', month: MONTH, value: Number(row.completed_cumulative), text: null, unit: '万元' } },
      ]);
      expect(w.thresholds).toEqual([{ name: 'projectLagPct', value: 85 }]);
    }
  });

  it(`PROBLEM_OVERDUE lists the problems overdue at the end of ${MONTH_END} by their history, not the one due that day`, async () => {
    const problems = await system.sql('industry', 'select * from problem order by code');
    const history = await system.sql('industry', 'select * from problem_status_change order by problem_code, changed_at, id');
    const names = new Map((await system.sql('industry', 'select credit_code, name from enterprise')).map((e) => [e.credit_code, e.name]));
    const end = Date.parse(`${MONTH_END}T00:00:00+08:00`) + 86_400_000;
    const statusAtEnd = (p: Row) => {
      const recorded = history.filter((h) => h.problem_code === p.code && time(h.changed_at) < end).sort((a, b) => time(a.changed_at) - time(b.changed_at) || a.id - b.id);
      return recorded.length ? recorded[recorded.length - 1].to_status : 'OPEN';
    };
    const overdue = problems.filter((p) => day(p.raised_on) <= MONTH_END && ['OPEN', 'IN_PROGRESS'].includes(statusAtEnd(p)) && day(p.deadline) < MONTH_END);
    const warnings = report.overdueProblems;
    expect(warnings.map((w: Row) => w.subjectCode)).toEqual(overdue.map((p) => p.code));
    expect(warnings).toHaveLength(7);
    expect(warnings.map((w: Row) => w.subjectCode)).not.toContain(PROBLEM_DUE_ON_THE_DAY);
    expect(day(problems.find((p) => p.code === PROBLEM_DUE_ON_THE_DAY)!.deadline)).toBe(MONTH_END);
    for (const [i, w] of warnings.entries()) {
      const p = overdue[i];
      expect(w).toMatchObject({ rule: 'PROBLEM_OVERDUE', subjectKind: 'PROBLEM', month: MONTH, region: { code: p.region_code } });
      expect(w.enterprise).toEqual(p.enterprise_code ? { creditCode: p.enterprise_code, name: names.get(p.enterprise_code) } : null);
      expect(w.evidence.map((e: Row) => [e.role, e.fact.text ?? e.fact.value])).toEqual([
        ['deadline', day(p.deadline)],
        ['status at the end of the day', statusAtEnd(p)],
        ['days past the deadline', Math.round((Date.parse(MONTH_END) - Date.parse(day(p.deadline))) / 86_400_000)],
      ]);
    }
    expect(warnings.some((w: Row) => w.enterprise?.name)).toBe(true);
  });
});

describe('districts behind time progress on a target (TARGET_BEHIND, every department)', () => {
  it('equals the computation from each department’s own targets and figures', async () => {
    const kinds = await indicatorKinds(system);
    let total = 0;
    for (const department of SUBGRAPHS) {
      const expected = await expectedTargetsBehind(system, department, kinds, 0);
      const warnings = report[`${department}TargetsBehind`];
      expect(warnings.map(targetKey)).toEqual(expected.map((e) => `${e.regionCode} ${e.indicator}`));
      const regionNames = new Map((await system.sql('industry', 'select code, name from region')).map((r) => [r.code, r.name]));
      for (const [i, w] of warnings.entries()) {
        expect(w).toMatchObject({ rule: 'TARGET_BEHIND', subjectKind: 'REGION', subjectCode: expected[i].regionCode, month: MONTH, region: { code: expected[i].regionCode, name: regionNames.get(expected[i].regionCode) }, enterprise: null });
        expect(w.evidence[0]).toMatchObject({ department, observation: { indicator: expected[i].indicator, subjectCode: expected[i].regionCode, month: MONTH } });
        expect(w.evidence[1]).toMatchObject({ department, role: 'target', fact: { ledger: 'TARGETS' } });
        expect(w.thresholds).toEqual(expect.arrayContaining([{ name: 'targetGapPoints', value: 0 }]));
        expect(w.message).toContain(String(-expected[i].gap));
      }
      total += warnings.length;
    }
    // The demo city has districts behind: the rule is not vacuous, in industry and in HR.
    expect(report.industryTargetsBehind.length).toBeGreaterThan(0);
    expect(report.hrTargetsBehind.length).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(0);
  });

  it('costs each department two SQL statements, whatever the number of regions and targets (the targets, the month’s figures)', async () => {
    for (const department of ['industry', 'hr'] as const) {
      const before = await system.sqlStatements(department);
      const result = await system.query(`query($month: Month!) { warnings(month: $month) { ${department}TargetsBehind { subjectCode region { code } } } }`, { month: MONTH });
      expect(result.errors).toBeUndefined();
      expect(result.data.warnings[`${department}TargetsBehind`].length).toBeGreaterThan(0);
      // Industry owns Region: reading the regions' rows for `region` is one more statement there.
      expect((await system.sqlStatements(department)) - before).toBe(department === 'industry' ? 3 : 2);
    }
  });
});

describe('thresholds are configuration', () => {
  it('lower power-drop and withdrawal thresholds and a stricter project lag make the near misses fire; a wider target gap drops the small gaps', async () => {
    // A gap threshold that splits the districts behind on industry's and HR's targets: half of them fall short of it.
    const gaps = [...report.industryTargetsBehind, ...report.hrTargetsBehind].map((w: Row) => {
      const t = w.thresholds.find((x: Row) => x.name === 'timeProgressPct');
      const o = w.evidence[0].observation;
      return t ? t.value - (o.ytdValue / w.evidence[1].fact.value) * 100 : w.evidence[1].fact.value - o.ytdYoyPct;
    });
    const gapPoints = Math.floor(gaps.sort((a: number, b: number) => a - b)[Math.floor(gaps.length / 2)]);
    expect(gapPoints).toBeGreaterThan(0);
    const strict = await startSystem({
      enterprises: ENTERPRISES,
      env: { HUISHANG_WARN_POWER_DROP_PCT: '15', HUISHANG_WARN_LOAN_WITHDRAWAL_WAN: '900', HUISHANG_PROJECT_LAG_PCT: '88', HUISHANG_WARN_TARGET_GAP_POINTS: String(gapPoints) },
    });
    try {
      const result = await strict.query(QUERY, { month: MONTH });
      expect(result.errors).toBeUndefined();
      const firing = result.data.warnings.keyEnterprises.filter((k: { powerDrop: unknown }) => k.powerDrop).map((k: { creditCode: string }) => k.creditCode);
      expect(firing.sort()).toEqual([...powerDrop.fires, ...powerDrop.nearMiss].sort());
      const withdrawals = result.data.warnings.loanWithdrawals.map((w: { subjectCode: string }) => w.subjectCode);
      expect(withdrawals).toEqual(expect.arrayContaining(loanWithdrawal.nearMissAmount));
      const projects = result.data.warnings.projectsBehindSchedule.map((w: Row) => w.subjectCode);
      expect(projects).toEqual(expect.arrayContaining([...PROJECTS_BEHIND, ...PROJECTS_NEAR_MISS]));
      expect(result.data.warnings.projectsBehindSchedule[0].thresholds).toEqual([{ name: 'projectLagPct', value: 88 }]);

      const kinds = await indicatorKinds(strict);
      let dropped = 0;
      for (const department of SUBGRAPHS) {
        const expected = await expectedTargetsBehind(strict, department, kinds, gapPoints);
        const warnings = result.data.warnings[`${department}TargetsBehind`];
        expect(warnings.map(targetKey)).toEqual(expected.map((e) => `${e.regionCode} ${e.indicator}`));
        for (const w of warnings) expect(w.thresholds).toEqual(expect.arrayContaining([{ name: 'targetGapPoints', value: gapPoints }]));
        dropped += report[`${department}TargetsBehind`].length - warnings.length;
      }
      expect(dropped).toBeGreaterThan(0);
    } finally {
      await strict.stop();
    }
  });
});
