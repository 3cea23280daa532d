import { allFigures, buildPack, PackDataError, quarterToDate, type PackModel } from '../src/model';
import { renderHtml } from '../src/render';
import { formatValue } from '../src/format';
import { fixture, meta, MONTH, obs } from './fixture';

const cell = (model: PackModel, tableId: string, region: string, indicator: string) => {
  const table = model.districtTables.find((t) => t.id === tableId)!;
  const row = table.rows.find((r) => r.code === region)!;
  return row.cells[table.columns.findIndex((c) => c.indicator === indicator)];
};

describe('headline figures', () => {
  const model = buildPack(fixture(), meta());
  const byCode = new Map(model.headline.map((h) => [h.indicator, h]));

  it('reads year-to-date and growth for flows, printing 万元 as 亿元 and keeping the reported value', () => {
    const output = byCode.get('STAT_GROSS_OUTPUT')!;
    expect(output.primary).toMatchObject({ value: 2482690.61, unit: '万元', text: '248.27', displayUnit: '亿元', field: 'ytdValue', department: 'statistics', status: 'FINAL' });
    expect(formatValue(2482690.61, '万元')).toBe('248.27');
    // Counts are whole; any other measure keeps what was reported, up to four decimals (an intensity, a load in 万千瓦).
    expect([formatValue(15, '次'), formatValue(56592, '人'), formatValue(0.7153, '吨标准煤/万元'), formatValue(14.095, '万千瓦'), formatValue(123456, '吨标准煤')]).toEqual(['15', '56,592', '0.7153', '14.095', '123,456']);
    expect(output.growth).toMatchObject({ value: 11.7, text: '11.7', field: 'ytdYoyPct' });
    expect(output.month).toMatchObject({ value: 480606.28, text: '48.06', field: 'value' });
    expect(output.primaryLabel).toBe('1–6月累计');
  });

  it('reads a rate as reported (value-added growth year to date, never derived)', () => {
    const va = byCode.get('STAT_VALUE_ADDED_GROWTH')!;
    expect(va.kind).toBe('RATE');
    expect(va.primary).toMatchObject({ value: 9.9, text: '9.9', displayUnit: '%', field: 'ytdValue' });
    expect(va.month).toMatchObject({ value: 10, field: 'value' });
    expect(va.growth).toBeNull();
  });

  it('reads stocks at month end with their year-on-year growth, and keeps the status', () => {
    const loans = byCode.get('FIN_LOANS_OUTSTANDING')!;
    expect(loans.kind).toBe('STOCK');
    expect(loans.primary).toMatchObject({ value: 881724.58, text: '88.17', field: 'value' });
    expect(loans.growth).toMatchObject({ value: -2 });
    const employees = byCode.get('HR_EMPLOYEES')!;
    expect(employees.primary).toMatchObject({ value: 56592, text: '56,592', displayUnit: '人', status: 'PRELIMINARY' });
    expect(model.meta.statusCounts.PRELIMINARY).toBeGreaterThan(0);
  });

  it('marks 推 on the field the system computed only: a balance reported beside a derived growth is not 推', () => {
    const data = fixture();
    const loans = data.city!.finance.indicators.find((o) => o.indicator === 'FIN_LOANS_OUTSTANDING')!;
    Object.assign(loans, { derived: true, derivedFields: ['yoyPct'] });
    const h = buildPack(data, meta()).headline.find((x) => x.indicator === 'FIN_LOANS_OUTSTANDING')!;
    expect({ balance: h.primary.derived, growth: h.growth!.derived }).toEqual({ balance: false, growth: true });
    // A figure from an older document (no derivedFields) keeps `derived` for every field.
    const older = fixture();
    Object.assign(older.city!.finance.indicators.find((o) => o.indicator === 'FIN_LOANS_OUTSTANDING')!, { derived: true });
    expect(buildPack(older, meta()).headline.find((x) => x.indicator === 'FIN_LOANS_OUTSTANDING')!.primary.derived).toBe(true);
  });

  it('prints a growth’s % beside its number, before its marks (8.1%初, never 8.1初%)', () => {
    const html = renderHtml(model);
    const card = html.slice(html.indexOf('data-headline="HR_EMPLOYEES"'), html.indexOf('</div>\n</div>', html.indexOf('data-headline="HR_EMPLOYEES"')));
    expect(card).toMatch(/data-field="yoyPct"[^>]*>8\.1<\/span><span class="u">%<\/span><sup class="st st-preliminary">/);
    expect(html).not.toMatch(/<\/sup>(<sup[^>]*>[^<]*<\/sup>)*%/);
  });
});

describe('district table: ranks carried from the departments’ rankings', () => {
  const model = buildPack(fixture(), meta());

  it('takes each district’s rank from the ranking as delivered, not from its own value', () => {
    // 鄢陵县 has the highest growth (19.2) but the delivered ranking says 2: the pack says 2.
    const yanling = cell(model, 'districts-statistics', '411024', 'STAT_GROSS_OUTPUT');
    expect(yanling.growth).toMatchObject({ value: 19.2, rank: 2, rankOf: 3, rankBasis: 'GROWTH' });
    // Ties stay ties.
    expect(cell(model, 'districts-statistics', '411071', 'STAT_GROSS_OUTPUT').growth!.rank).toBe(1);
    expect(cell(model, 'districts-statistics', '411002', 'STAT_GROSS_OUTPUT').growth!.rank).toBe(1);
    expect(cell(model, 'districts-statistics', '411002', 'STAT_GROSS_OUTPUT').level).toMatchObject({ value: 223300, rank: 1, rankBasis: 'YEAR_TO_DATE', text: '22.33' });
  });

  it('ranks a rate on its growth ranking and gives it no growth column', () => {
    const va = cell(model, 'districts-statistics', '411071', 'STAT_VALUE_ADDED_GROWTH');
    expect(va.growth).toBeNull();
    expect(va.level).toMatchObject({ field: 'ytdValue', rank: 1, rankBasis: 'GROWTH' });
  });

  it('leaves a district out of a ranking unranked (no invented rank)', () => {
    expect(cell(model, 'districts-industry-energy', '411024', 'EN_ELECTRICITY').level.rank).toBeNull();
    expect(cell(model, 'districts-industry-energy', '411024', 'EN_ELECTRICITY').growth!.rank).toBeNull();
  });

  it('has every department across the tables, and a city row without ranks', () => {
    expect(new Set(model.districtTables.flatMap((t) => t.departments))).toEqual(new Set(['statistics', 'industry', 'energy', 'finance', 'hr']));
    for (const table of model.districtTables) {
      expect(table.rows.map((r) => r.code)).toEqual(['411002', '411024', '411071']);
      expect(table.cityRow.cells.every((c) => c.level.rank === null)).toBe(true);
    }
  });

  it('prints the rank next to the value in the HTML', () => {
    const html = renderHtml(model);
    const row = html.slice(html.indexOf('<tr class="" data-region="411024"'), html.indexOf('</tr>', html.indexOf('<tr class="" data-region="411024"')));
    expect(row).toMatch(/data-indicator="STAT_GROSS_OUTPUT"[^>]*data-field="ytdYoyPct"[^>]*data-value="19.2"[^>]*>19\.2<\/span><span class="rk[^"]*" data-rank="2"/);
  });
});

describe('targets against time progress (序时进度)', () => {
  const model = buildPack(fixture(), meta());
  const level = model.targets.groups.find((g) => g.indicator === 'IND_PROJECT_INVESTMENT' && g.measure === 'LEVEL')!;
  const growth = model.targets.groups.find((g) => g.indicator === 'IND_KEY_ENTERPRISE_OUTPUT' && g.measure === 'GROWTH_PCT')!;

  it('flags the district the department judged behind time progress', () => {
    const weidu = level.rows.find((r) => r.code === '411002')!;
    expect(weidu).toMatchObject({ behind: true, completion: expect.objectContaining({ value: 40, field: 'completionPct' }) });
    expect(level.rows.find((r) => r.code === '411024')!.behind).toBe(false);
    expect(model.targets.timeProgressPct).toBe(50);
    expect(model.targets.behindDistricts.map((d) => d.code)).toEqual(['411002', '411071']);
    expect(model.targets.behindDistricts[0].behind).toEqual(['亿元以上重点项目完成投资']);
  });

  it('carries the behind flag as delivered, even where completion alone would say otherwise', () => {
    // 开发区: 52.3% of its project-investment target, not behind; behind on key-enterprise growth (0.9% vs 13%).
    const zone = level.rows.find((r) => r.code === '411071')!;
    expect(zone.behind).toBe(false);
    expect(growth.rows.find((r) => r.code === '411071')).toMatchObject({ behind: true, actual: expect.objectContaining({ value: 0.9 }) });
  });

  it('puts the city first and lists what cannot be judged (shares, one cluster) apart', () => {
    expect(level.rows[0]).toMatchObject({ code: '411000', isCity: true, behind: true });
    expect(model.targets.unjudged.map((u) => u.description).sort()).toEqual(['IND_KEY_ENTERPRISE_OUTPUT 目标', 'STAT_MAIN_REVENUE 目标']);
  });

  it('marks behind districts in the HTML', () => {
    const html = renderHtml(model);
    const row = html.slice(html.indexOf('<tr class="behind" data-region="411002"'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('<span class="flag" data-behind="true">落后</span>');
    expect(html).toContain('data-behind-region="411002"');
    expect(html).not.toContain('<tr class="behind" data-region="411024"');
  });

  it('prints each total’s city target under the table, and each cell’s title says what the percentage divides', () => {
    const html = renderHtml(model);
    const line = html.slice(html.indexOf('<p class="note" id="city-targets">'));
    const printed = line.slice(0, line.indexOf('</p>'));
    const levels = model.targets.groups.filter((g) => g.measure === 'LEVEL');
    expect(levels.length).toBeGreaterThan(0);
    for (const g of levels) {
      const city = g.rows.find((r) => r.isCity)!;
      const part = printed.slice(printed.indexOf(`data-city-target="${g.id}"`));
      expect(part).toContain(`data-value="${city.targetValue.value}"`);
      expect(part.slice(0, part.indexOf('</span></span>'))).toContain(`${formatValue(city.targetValue.value, g.unit)}</span><span class="u">`);
    }
    // Growth targets are printed in their cells (累计增速 / 目标), not in the line.
    expect(printed).not.toContain(`data-city-target="${growth.id}"`);
    const weidu = level.rows.find((r) => r.code === '411002')!;
    expect(weidu.completion!.note).toContain(`累计 ${formatValue(weidu.actual.value, level.unit)}`);
    expect(weidu.completion!.note).toContain(`÷ 全年目标 ${formatValue(weidu.targetValue.value, level.unit)}`);
    expect((weidu.actual.value! / weidu.targetValue.value!) * 100).toBeCloseTo(weidu.completion!.value!, 1);
  });
});

describe('trends', () => {
  const model = buildPack(fixture(), meta());

  it('has twelve months, oldest first, ending with the meeting month', () => {
    for (const chart of model.trends) {
      expect(chart.months).toHaveLength(12);
      expect(chart.months[0]).toBe('2014-07');
      expect(chart.months[11]).toBe(MONTH);
      for (const s of chart.series) expect(s.points.map((p) => p.month)).toEqual(chart.months);
    }
  });

  it('leaves gaps where a month is missing (1–2月 statistics, a month not answered)', () => {
    const va = model.trends.find((t) => t.indicator === 'STAT_VALUE_ADDED_GROWTH')!;
    const current = va.series.find((s) => s.field === 'value')!;
    expect(current.points[va.months.indexOf('2015-01')].value).toBeNull();
    expect(current.points[va.months.indexOf('2015-02')].value).toBeNull();
    const loans = model.trends.find((t) => t.indicator === 'FIN_LOANS_OUTSTANDING')!;
    expect(loans.series[0].points[loans.months.indexOf('2014-08')].value).toBeNull(); // m10 was null
    expect(loans.series[0].points[11].value).toBe(881724.58);
  });
});

describe('quarterly dispatch (季调度)', () => {
  it('derives the quarter to date from two year-to-date values, marked as derived', () => {
    const now = obs('STAT_GROSS_OUTPUT', '411000', '2015-06', { ytdValue: 2482690.61, ytdYoyPct: 11.7 });
    const before = obs('STAT_GROSS_OUTPUT', '411000', '2015-03', { ytdValue: 1200000, ytdYoyPct: 10 });
    const q = quarterToDate(now, before, false);
    expect(q.value).toBeCloseTo(1282690.61, 2);
    const lastYear = 2482690.61 / 1.117 - 1200000 / 1.1;
    expect(q.growth).toBeCloseTo((1282690.61 / lastYear - 1) * 100, 1);
    expect(q.derived).toBe(true);
    expect(quarterToDate(now, null, true)).toMatchObject({ value: 2482690.61, growth: 11.7 });
  });

  it('adds the quarter section with city and district quarter figures', () => {
    const model = buildPack(fixture({ quarterly: true }), meta({ quarterly: true }));
    expect(model.meta.title).toBe('许昌市2015年第二季度工业经济运行调度会材料');
    const q = model.quarter!;
    expect(q).toMatchObject({ label: '第二季度', period: '4–6月', previousQuarterEnd: '2015-03', firstQuarter: false });
    const output = q.city.find((f) => f.indicator === 'STAT_GROSS_OUTPUT')!;
    expect(output.main).toMatchObject({ field: 'qtdValue', derived: true });
    expect(output.main.value).toBeCloseTo(1282690.61, 2);
    expect(output.months.map((m) => m.month)).toEqual(['2015-04', '2015-05', '2015-06']);
    const loans = q.city.find((f) => f.indicator === 'FIN_LOANS_OUTSTANDING')!;
    expect(loans.growth!.value).toBeCloseTo(1724.58, 2);
    const weidu = q.districts.find((d) => d.code === '411002')!;
    expect(weidu.cells[0].qtd.value).toBeCloseTo(223300 - 100000, 2);
    expect(buildPack(fixture(), meta()).quarter).toBeNull();
  });
});

describe('key enterprises and warnings', () => {
  const model = buildPack(fixture(), meta());

  it('lists the key enterprises needing attention with the reason, warned ones first', () => {
    expect(model.keyEnterprises.total).toBe(2);
    expect(model.keyEnterprises.attention.map((e) => e.creditCode)).toEqual(['9141100270159UP1KM']);
    expect(model.keyEnterprises.attention[0].reasons).toEqual(['预警：重点企业用电量大幅下降而产值未降', '用电量当月同比下降30.0%']);
  });

  it('tells each warning in Chinese from its evidence, naming the reporting departments', () => {
    const power = model.warnings.find((w) => w.rule === 'POWER_DROP')!;
    expect(power.subjectName).toBe('许昌远东电梯有限公司');
    expect(power.summary).toBe('工业用电量70.33万千瓦时，同比下降30.0%（供电公司报）；百户重点企业产值7,065.23万元，同比增长6.0%（工信委报）。');
    expect(power.evidence.map((e) => [e.departmentLabel, e.value.indicator, e.value.value])).toEqual([
      ['供电公司', 'EN_ELECTRICITY', 70.33],
      ['工信委', 'IND_KEY_ENTERPRISE_OUTPUT', 7065.23],
    ]);
    expect(power.thresholds).toEqual(['用电量同比降幅达到20%', '同期产值降幅不超过5%']);
  });

  it('places an enterprise outside the key list by the region in its credit code', () => {
    const loan = model.warnings.find((w) => w.rule === 'LOAN_WITHDRAWAL')!;
    expect(loan).toMatchObject({ subjectName: null, regionName: '魏都区' });
    expect(loan.summary).toContain('抽贷额占抽贷前未到期贷款的20.0%');
    expect(loan.evidence[1].value.month).toBe('2015-05');
  });

  it('states the 抽贷 rule as 许政[2015]39号 十五 writes it: 超过 for the amount (strict), 以上 for the share (inclusive)', () => {
    const loan = model.warnings.find((w) => w.rule === 'LOAN_WITHDRAWAL')!;
    expect(loan.thresholds).toEqual(['抽贷金额超过1,000万元', '或占未到期贷款50%以上']);
  });
});

describe('warnings from the ledgers and the targets', () => {
  const data = fixture();
  const fact = (entry: string, item: string, fields: object) => ({ ledger: 'KEY_PROJECTS', entry, item, month: MONTH, value: null, text: null, unit: null, ...fields });
  data.warnings.projectsBehindSchedule = [
    {
      rule: 'PROJECT_BEHIND_SCHEDULE', title: '重点项目投资进度滞后', message: 'behind', subjectKind: 'KEY_PROJECT', subjectCode: 'XC2015-007', month: MONTH,
      enterprise: null, region: { code: '411082', name: '长葛市' },
      evidence: [
        { department: 'industry', role: 'planned to date', observation: null, fact: fact('XC2015-007', 'plannedToDate', { value: 10000, unit: '万元' }) },
        { department: 'industry', role: 'completed to date', observation: null, fact: fact('XC2015-007', 'completedToDate', { value: 5200, unit: '万元' }) },
      ],
      thresholds: [{ name: 'projectLagPct', value: 85 }],
    },
  ];
  data.warnings.overdueProblems = [
    {
      rule: 'PROBLEM_OVERDUE', title: '问题逾期未办结', message: 'overdue', subjectKind: 'PROBLEM', subjectCode: 'WT2015-006', month: MONTH,
      enterprise: { creditCode: '9141100209D8154Q4B', name: '许昌某某机械有限公司' }, region: { code: '411081', name: '禹州市' },
      evidence: [{ department: 'industry', role: 'status at the end of the day', observation: null, fact: { ...fact('WT2015-006', 'status', { text: 'OPEN' }), ledger: 'PROBLEMS', month: null } }],
      thresholds: [],
    },
  ];
  data.warnings.hrTargetsBehind = [
    {
      rule: 'TARGET_BEHIND', title: '目标任务落后序时进度', message: 'behind', subjectKind: 'REGION', subjectCode: '411002', month: MONTH,
      enterprise: null, region: { code: '411002', name: '魏都区' },
      evidence: [
        { department: 'hr', role: 'year to date', observation: obs('HR_HIRES', '411002', MONTH, { value: 100, ytdValue: 400 }), fact: null },
        { department: 'hr', role: 'target', observation: null, fact: { ...fact('2015 411002 HR_HIRES LEVEL', 'annual target', { value: 1000, unit: '人' }), ledger: 'TARGETS', month: null } },
      ],
      thresholds: [{ name: 'targetGapPoints', value: 0 }, { name: 'timeProgressPct', value: 50 }],
    },
  ];
  const model = buildPack(data, meta());

  it('names the subject and tells the evidence in Chinese: project, problem’s enterprise, district', () => {
    const project = model.warnings.find((w) => w.rule === 'PROJECT_BEHIND_SCHEDULE')!;
    expect(project).toMatchObject({ subjectCode: 'XC2015-007', regionName: '长葛市' });
    expect(project.summary).toContain('完成计划累计的52.0%');
    expect(project.thresholds).toEqual(['完成投资低于计划累计的85%']);
    const problem = model.warnings.find((w) => w.rule === 'PROBLEM_OVERDUE')!;
    expect(problem).toMatchObject({ subjectName: '许昌某某机械有限公司', regionName: '禹州市' });
    expect(problem.evidence[0].value.text).toBe('待办');
    const target = model.warnings.find((w) => w.rule === 'TARGET_BEHIND')!;
    expect(target).toMatchObject({ subjectName: '魏都区', regionName: null });
    expect(target.evidence[0].value.value).toBe(400);
    expect(target.summary).toContain('完成全年目标的40.0%，序时进度50.0%');
    // Not in the targets table (no HR_HIRES target there): it keeps its card, as does the project
    // absent from the key-project table (no ledger in this answer).
    const html = renderHtml(model);
    expect(html).toContain('data-rule="TARGET_BEHIND"');
    expect(html).toContain('data-rule="PROJECT_BEHIND_SCHEDULE"');
    expect(html).not.toContain('data-rule-summary=');
  });

  it('tells a warning once when its subject is a row of a table: counted in the warnings section, no card', () => {
    const withTarget = fixture();
    withTarget.warnings = { ...data.warnings };
    withTarget.city!.districts[0].hr.targets = [
      {
        target: { indicator: 'HR_HIRES', measure: 'LEVEL', value: 1000, unit: '人', scope: null, description: '招工人数目标', source: '许政[2015]39号' },
        actual: { indicator: 'HR_HIRES', status: 'FINAL', derived: false, reportedBy: '魏都区人社局', reportedAt: '2015-07-10T01:00:00.000Z' },
        actualValue: 400, completionPct: 40, timeProgressPct: 50, gap: -10, behind: true,
      },
    ];
    const html = renderHtml(buildPack(withTarget, meta()));
    expect(html).toContain('data-rule-summary="TARGET_BEHIND" data-count="1"');
    expect(html).toMatch(/【目标任务落后序时进度】<\/span>1条（魏都区），明细见“三、目标任务完成情况”表/);
    expect(html).not.toContain('data-rule="TARGET_BEHIND"');
    expect(html).toContain('data-rule="PROJECT_BEHIND_SCHEDULE"');
    // A quarterly pack leads with the quarter: its targets are 四, and the reference says so (a tester found 三 there).
    const quarterly = fixture({ quarterly: true });
    quarterly.warnings = { ...data.warnings };
    quarterly.city!.districts[0].hr.targets = withTarget.city!.districts[0].hr.targets;
    const q = renderHtml(buildPack(quarterly, meta({ quarterly: true })));
    expect(q).toMatch(/<section id="sec-targets">\n<h2>四、目标任务完成情况/);
    expect(q).toMatch(/1条（魏都区），明细见“四、目标任务完成情况”表/);
  });
});

describe('a warning card reads in one unit and in Chinese', () => {
  const data = fixture();
  const fact = (ledger: string, entry: string, item: string, fields: object) => ({ ledger, entry, item, month: MONTH, value: null, text: null, unit: null, ...fields });
  data.warnings.industryTargetsBehind = [
    {
      rule: 'TARGET_BEHIND', title: '目标任务落后序时进度', message: 'behind', subjectKind: 'REGION', subjectCode: '411024', month: MONTH,
      enterprise: null, region: { code: '411024', name: '鄢陵县' },
      evidence: [
        { department: 'industry', role: 'year to date', observation: obs('IND_PROJECT_INVESTMENT', '411024', MONTH, { value: 60000, ytdValue: 369200 }), fact: null },
        { department: 'industry', role: 'target', observation: null, fact: { ...fact('TARGETS', '2015 411024 IND_PROJECT_INVESTMENT LEVEL', 'annual target', { value: 800000, unit: '万元' }), month: null } },
      ],
      thresholds: [{ name: 'targetGapPoints', value: 0 }, { name: 'timeProgressPct', value: 50 }],
    },
  ];
  data.warnings.overdueProblems = [
    {
      rule: 'PROBLEM_OVERDUE', title: '问题逾期未办结', message: 'overdue', subjectKind: 'PROBLEM', subjectCode: 'WT2015-004', month: MONTH,
      enterprise: null, region: { code: '411024', name: '鄢陵县' },
      evidence: [
        { department: 'industry', role: 'deadline', observation: null, fact: fact('PROBLEMS', 'WT2015-004', 'deadline', { text: '2015-05-31' }) },
        { department: 'industry', role: 'days past the deadline', observation: null, fact: fact('PROBLEMS', 'WT2015-004', 'daysOverdue', { value: 30, unit: '天' }) },
      ],
      thresholds: [],
    },
  ];
  const model = buildPack(data, meta());
  const html = renderHtml(model);
  const card = (rule: string) => html.slice(html.indexOf(`data-rule="${rule}"`), html.indexOf('</div>\n', html.indexOf('</table>', html.indexOf(`data-rule="${rule}"`))));

  it('prints a district’s year to date and its target both in 亿元 (city scale), never 亿元 beside 万元', () => {
    const target = model.warnings.find((w) => w.rule === 'TARGET_BEHIND')!;
    expect(target.evidence.map((e) => [e.value.text, e.value.displayUnit])).toEqual([['36.92', '亿元'], ['80.00', '亿元']]);
    expect(target.summary).toContain('累计完成36.92亿元');
    expect(target.summary).toContain('全年目标80.00亿元');
    // As printed (the raw value in 万元 stays in the title and data attributes, for tracing).
    expect(card('TARGET_BEHIND').replace(/<[^>]*>/g, '')).not.toContain('万元');
  });

  it('names the ledger and its keeper in the 指标 and 报送单位 columns, never a field name, and prints no empty 判定条件', () => {
    const problem = card('PROBLEM_OVERDUE');
    expect(problem).toContain('<th>部门</th><th>数据项</th><th>指标</th>');
    for (const field of ['plannedToDate', 'deadline', 'daysOverdue', 'PROBLEM_OVERDUE']) expect(problem).not.toMatch(new RegExp(`>[^<]*${field}[^<]*<`));
    expect(problem).toContain('<td>问题清单</td>');
    expect(problem).toContain('会商办公室（市工信委）');
    expect(problem).toContain('30天');
    expect(problem).not.toContain('判定条件');
    expect(html).not.toContain('判定条件：。');
    expect(card('TARGET_BEHIND')).toContain('判定条件：落后超过0个百分点；序时进度50%。');
  });
});

/** Two parks at the end of June: one ahead of its second-quarter target, one behind; all parks together. */
function parkLedger() {
  const progress = (period: string, value: number, actualValue: number, timeProgressPct: number) => {
    const completionPct = Number(((actualValue / value) * 100).toFixed(2));
    return { target: { period, value, description: `目标${period}`, source: '演示目标' }, actualValue, completionPct, timeProgressPct, gap: Number((completionPct - timeProgressPct).toFixed(2)), behind: completionPct < timeProgressPct };
  };
  const obs = (code: string, value: number, ytdValue: number) => ({ indicator: 'IND_PARK_INFRA_INVESTMENT', name: '园区基础设施投资完成额', unit: '万元', subjectCode: code, month: MONTH, value, ytdValue, yoyPct: null, ytdYoyPct: null, status: 'FINAL' as const, derived: false, reportedBy: '市工信委', reportedAt: '2015-07-10T01:00:00Z', version: 1 });
  return {
    month: MONTH, parkCount: 2, reportedCount: 2, plannedToDate: 90000, completedToDate: 80000,
    targets: [progress('Q2', 40000, 33000, 100), progress('YEAR', 150000, 80000, 50)],
    parks: [
      { rank: 1, parkCode: 'P41107101', parkName: '许昌经济技术开发区', region: { name: '许昌经济技术开发区' }, planCompletionPct: 104, planned: null, completed: obs('P41107101', 8000, 52000), targets: [progress('Q2', 25000, 26250, 100), progress('YEAR', 100000, 52000, 50)] },
      { rank: 2, parkCode: 'P41102401', parkName: '鄢陵县产业集聚区', region: { name: '鄢陵县' }, planCompletionPct: 70, planned: null, completed: obs('P41102401', 2000, 28000), targets: [progress('Q2', 15000, 10650, 100), progress('YEAR', 50000, 28000, 50)] },
    ],
  };
}

describe('the parks (园区基础设施投资)', () => {
  it('is a marked place when the answer has no park ledger', () => {
    const html = renderHtml(buildPack(fixture(), meta()));
    expect(html).toContain('data-pending="parkInfrastructure"');
  });

  it('prints each park’s quarter and year against its targets in 亿元, the behind row red and flagged, all parks last', () => {
    const data = fixture();
    data.city!.parkInfrastructure = parkLedger();
    const model = buildPack(data, meta());
    expect(model.parks).toMatchObject({ parkCount: 2, reportedCount: 2, behind: 1 });
    expect(model.parks!.rows.map((r) => [r.code, r.rank, r.periodLabel, r.behind, r.periodActual.text, r.periodCompletionPct.text])).toEqual([
      ['P41107101', 1, '二季度', false, '2.63', '105.0'],
      ['P41102401', 2, '二季度', true, '1.07', '71.0'],
    ]);
    const html = renderHtml(model);
    const table = html.slice(html.indexOf('id="parks"'), html.indexOf('</table>', html.indexOf('id="parks"')));
    expect(table).toMatch(/<tr class="behind" data-park="P41102401" data-behind="true"[^>]*>[\s\S]*?落后/);
    expect(table).toMatch(/<tr class="" data-park="P41107101" data-behind="false"/);
    expect(table).not.toMatch(/data-park="P41107101"[^<]*>[^]*?落后[^]*?data-park="P41102401"/);
    expect(table).toMatch(/<tr class="total behind" data-park="ALL" data-behind="true"[\s\S]*?全市园区/);
    expect(table).toContain('<th>目标<br><span class="u">亿元</span></th>');
    expect(html).toContain('全市2个园区二季度完成基础设施投资3.30亿元');
  });

  it('prints each park’s own year time progress (phased by its quarter targets) beside its year completion, and the whole ledger’s in the lead', () => {
    const data = fixture();
    const ledger = parkLedger();
    // Phased by each park's own quarter targets: the parks' year time progress differ.
    Object.assign(ledger.parks[1].targets[1], { timeProgressPct: 47.5 });
    Object.assign(ledger.targets[1], { timeProgressPct: 49.2 });
    data.city!.parkInfrastructure = ledger;
    const html = renderHtml(buildPack(data, meta()));
    const table = html.slice(html.indexOf('id="parks"'), html.indexOf('</table>', html.indexOf('id="parks"')));
    expect(table).toContain('<th colspan="4">全年</th>');
    const rowOf = (code: string) => table.slice(table.indexOf(`data-park="${code}"`)).split('</tr>')[0];
    const cells = (code: string) => [...rowOf(code).matchAll(/data-field="timeProgressPct" data-value="([^"]*)"/g)].map((m) => m[1]);
    expect(cells('P41107101')).toEqual(['100', '50']);
    expect(cells('P41102401')).toEqual(['100', '47.5']);
    expect(cells('ALL')).toEqual(['100', '49.2']);
    expect(html).toContain('（全年序时进度49.2%，按季度目标分解）');
  });

  // Findings F1/F3/F4/F6 (issue 16): the 全年 column judged as the ledger judges it, the year's
  // ranking in December, and a month without targets or with parks not reported.
  const parkTable = (html: string) => html.slice(html.indexOf('id="parks"'), html.indexOf('</table>', html.indexOf('id="parks"')));
  const parkSection = (html: string) => html.slice(html.indexOf('sec-parks'), html.indexOf('</table>', html.indexOf('id="parks"')) + 400);
  it.each([
    // case, month, change to the ledger, expectations on the section
    ['year behind only', '2015-06', (l: ReturnType<typeof parkLedger>) => { Object.assign(l.parks[0].targets[1], { timeProgressPct: 60, gap: -8, behind: true }); }, { behind: 2, yearFlag: ['P41107101'], contains: ['2个园区落后于序时进度', '排名按完成二季度目标的比例'], absent: ['目标：。'] }],
    ['December ranks on the year', '2015-12', (l: ReturnType<typeof parkLedger>) => { for (const p of [...l.parks, l]) for (const t of p.targets) t.target.period = t.target.period === 'Q2' ? 'Q4' : t.target.period; }, { behind: 1, yearFlag: [], contains: ['排名按完成全年目标的比例', '四季度'], absent: ['排名按完成四季度目标的比例'] }],
    ['no targets, parks not reported', '2016-01', (l: ReturnType<typeof parkLedger>) => { l.targets = []; l.reportedCount = 1; l.parks[0].targets = []; l.parks[1].targets = []; (l.parks[1] as any).completed = null; l.parks[0].rank = null as any; l.parks[1].rank = null as any; }, { behind: 0, yearFlag: [], contains: ['目标未下达', '未报送', '已报送1个'], absent: ['目标：。', '均达到序时进度', '—亿元', '—%'] }],
  ])('parks: %s', (_name, month, change, expected) => {
    const data = fixture();
    const ledger = parkLedger();
    ledger.month = month;
    change(ledger);
    data.city!.parkInfrastructure = ledger as any;
    const model = buildPack(data, meta({ month }));
    expect(model.parks!.behind).toBe(expected.behind);
    const html = renderHtml(model);
    const table = parkTable(html);
    const section = parkSection(html);
    for (const code of ['P41107101', 'P41102401']) {
      const row = new RegExp(`data-park="${code}"[^>]*data-year-behind="(true|false|null)"[^>]*>([\\s\\S]*?)</tr>`).exec(table)!;
      // The year's completion cell, before its time progress (the row's last cell).
      const yearCell = row[2].split('<td').at(-2)!;
      expect({ code, flagged: yearCell.includes('落后') }).toEqual({ code, flagged: expected.yearFlag.includes(code) });
    }
    for (const text of expected.contains) expect(section).toContain(text);
    for (const text of expected.absent) expect(section).not.toContain(text);
  });
});

describe('ledgers', () => {
  it('are null (a marked place in the pack) when the answer has none', () => {
    const model = buildPack(fixture(), meta());
    expect(model.keyProjects).toBeNull();
    expect(model.problems).toBeNull();
    const html = renderHtml(model);
    expect(html).toContain('data-pending="keyProjects"');
    expect(html).toContain('data-pending="problems"');
  });

  it('show projects behind schedule or late to start, and problems open at the month end, overdue first', () => {
    const data = fixture();
    const project = (code: string, stage: string, startMonth: string, completionPct: number, behindSchedule: boolean) => ({
      code,
      name: `项目${code}`,
      stage,
      startMonth,
      endMonth: '2016-12',
      plannedYearInvestment: 30000,
      region: { code: '411082', name: '长葛市' },
      enterprise: null,
      progress: { month: MONTH, plannedToDate: 20000, completedToDate: 200 * completionPct, completionPct, behindSchedule, thresholdPct: 85 },
    });
    data.keyProjects = [
      project('XC2015-001', 'UNDER_CONSTRUCTION', '2015-01', 60, true),
      project('XC2015-002', 'UNDER_CONSTRUCTION', '2015-01', 86.1, false), // near miss: the ledger says not behind
      project('XC2015-003', 'PRELIMINARY_WORK', '2015-03', 90, false), // should have started in March
      project('XC2015-004', 'PRELIMINARY_WORK', '2015-09', 100, false), // starts later: fine
    ];
    const change = (from: string | null, to: string, at: string, note: string) => ({ from, to, at, by: '市工信委', note });
    const problem = (code: string, raisedOn: string, deadline: string, status: string, overdue: boolean, history: ReturnType<typeof change>[]) => ({
      code, category: 'FINANCING', description: `问题${code}`, raisedBy: '长葛市工信局', raisedOn, owner: 'finance', ownerName: '金融办', deadline, status, overdue,
      region: { code: '411082', name: '长葛市' }, enterprise: { creditCode: '91411082MA00000000', name: '长葛天诚合金有限公司' }, history,
    });
    data.problems = [
      // Open at the month end, not yet due.
      problem('WT2015-001', '2015-04-02', '2015-07-31', 'OPEN', false, [change(null, 'OPEN', '2015-04-02T01:00:00Z', '列入问题清单')]),
      // In progress and overdue at the month end, resolved in July (status now: resolved).
      problem('WT2015-002', '2015-03-02', '2015-05-31', 'RESOLVED', true, [
        change(null, 'OPEN', '2015-03-02T01:00:00Z', '列入问题清单'),
        change('OPEN', 'IN_PROGRESS', '2015-04-01T01:00:00Z', '已约谈银行'),
        change('IN_PROGRESS', 'RESOLVED', '2015-07-20T01:00:00Z', '续贷到位'),
      ]),
      // Resolved before the month end: not listed.
      problem('WT2015-003', '2015-03-02', '2015-05-31', 'RESOLVED', false, [change(null, 'OPEN', '2015-03-02T01:00:00Z', '列入问题清单'), change('OPEN', 'RESOLVED', '2015-05-02T01:00:00Z', '已解决')]),
      // Raised after the month end: not in a June pack.
      problem('WT2015-004', '2015-07-02', '2015-08-31', 'OPEN', false, [change(null, 'OPEN', '2015-07-02T01:00:00Z', '列入问题清单')]),
    ];
    data.city!.parkInfrastructure = parkLedger();
    const model = buildPack(data, meta());
    expect(model.keyProjects).toMatchObject({ year: 2015, total: 4, behind: 1, thresholdPct: 85 });
    expect(model.keyProjects!.attention.map((p) => [p.code, p.behindSchedule, p.stage])).toEqual([
      ['XC2015-001', true, '在建'],
      ['XC2015-003', false, '前期'],
    ]);
    expect(model.keyProjects!.attention[1].reasons).toEqual(['计划2015年3月开工，仍处前期']);
    expect(model.problems).toMatchObject({ monthEnd: '2015-06-30', raised: 3, overdueCount: 1 });
    expect(model.problems!.open.map((p) => [p.code, p.overdue, p.statusAtMonthEnd, p.statusNow])).toEqual([
      ['WT2015-002', true, '办理中', '已办结'],
      ['WT2015-001', false, '待办', null],
    ]);
    expect(model.problems!.open[0].latest).toBe('2015-04-01 已约谈银行');
    const html = renderHtml(model);
    expect(html).not.toContain('data-pending=');
    expect(html).toContain('data-problem="WT2015-002" data-overdue="true"');
    expect(html).toContain('data-project="XC2015-001" data-behind="true"');
    expect(html).not.toContain('data-project="XC2015-002"');
  });
});

describe('traceability', () => {
  it('gives every printed figure its indicator code, department, subject and month', () => {
    const model = buildPack(fixture({ quarterly: true }), meta({ quarterly: true }));
    const figures = allFigures(model);
    expect(figures.length).toBeGreaterThan(200);
    for (const f of figures) {
      expect(f.indicator).toMatch(/^[A-Z]+_[A-Z_]+$/);
      expect(['industry', 'statistics', 'energy', 'finance', 'hr']).toContain(f.department);
      expect(f.subjectCode).toBeTruthy();
      expect(f.month).toMatch(/^\d{4}-\d{2}$/);
    }
  });

  it('prints every number of the HTML, the appendix’s too, with its provenance in its title', () => {
    const html = renderHtml(buildPack(fixture({ quarterly: true }), meta({ quarterly: true })));
    const spans = [...html.matchAll(/<span class="fig[^"]*"([^>]*)>/g)].map((m) => m[1]);
    expect(spans.length).toBeGreaterThan(200);
    const untitled = spans.filter((a) => !/ title="[A-Z]+_[A-Z_]+ /.test(a));
    expect(untitled).toEqual([]);
    const appendix = html.slice(html.indexOf('id="sources"'), html.indexOf('</table>', html.indexOf('id="sources"')));
    const appendixSpans = [...appendix.matchAll(/<span class="fig[^"]*"[^>]*title="([^"]*)"/g)].map((m) => m[1]);
    expect(appendixSpans.length).toBeGreaterThan(20);
    // In the department's own unit (原单位), as the appendix's heading says.
    expect(appendixSpans.every((t) => t.includes('原值：'))).toBe(true);
  });

  it('refuses an answer without the city', () => {
    const data = fixture();
    data.city = null;
    expect(() => buildPack(data, meta())).toThrow(PackDataError);
  });
});
