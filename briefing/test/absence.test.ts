/**
 * Why a figure is missing, as the answer tells it: 不予共享 / 未获授权 from the gateway's FORBIDDEN
 * errors (or the catalogue's sharing category for lists that leave a figure out), 未报送 where the
 * caller may read it but nothing was reported, 暂缺 where the owner's service did not answer.
 */
import { Absences, ABSENCE_LABELS, forbiddenAbsence, withheldFrom } from '../src/absence';
import { buildPack, unreportedDepartments } from '../src/model';
import { keepLeadRows, LEAD_ROWS, missingText, renderHtml, TAIL_ROWS } from '../src/render';
import { fixture, meta } from './fixture';

describe('telling the absences apart', () => {
  const sharing = new Map([['FIN_NON_PERFORMING_LOANS', 'NOT_SHARED'], ['FIN_LOANS_OUTSTANDING', 'CONDITIONAL'], ['EN_ELECTRICITY', 'CONDITIONAL']]);
  const path = 'keyEnterprises.edges.3.node.finance.loansOutstanding';

  it('takes the FORBIDDEN errors with a path apart from every other error', () => {
    const { withheld, others } = withheldFrom([
      { message: 'denied', path: ['keyEnterprises', 'edges', 3, 'node', 'finance', 'loansOutstanding'], extensions: { code: 'FORBIDDEN', sharing: 'CONDITIONAL', indicator: 'FIN_LOANS_OUTSTANDING' } },
      { message: 'denied, no path', extensions: { code: 'FORBIDDEN' } },
      { message: 'down', path: ['city', 'energy'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'energy' } },
    ]);
    expect(withheld).toEqual([{ path, sharing: 'CONDITIONAL', indicator: 'FIN_LOANS_OUTSTANDING' }]);
    expect(others.map((e) => e.message)).toEqual(['denied, no path', 'down']);
  });

  it('labels a FORBIDDEN figure by its sharing category: 不予共享 for NOT_SHARED, 未获授权 for a missing grant', () => {
    expect(forbiddenAbsence('NOT_SHARED')).toBe('NOT_SHARED');
    expect(forbiddenAbsence('CONDITIONAL')).toBe('NOT_GRANTED');
    const conditional = new Absences([{ path, sharing: 'CONDITIONAL', indicator: 'FIN_LOANS_OUTSTANDING' }], sharing, 'energy');
    expect(conditional.of('finance', 'FIN_LOANS_OUTSTANDING', path)).toBe('NOT_GRANTED');
    // A withheld parent withholds what is under it; another enterprise's loans were simply not reported.
    const parent = new Absences([{ path: 'keyEnterprises.edges.3.node.finance', sharing: 'NOT_SHARED', indicator: null }], sharing, 'energy');
    expect(parent.of('finance', 'FIN_LOANS_OUTSTANDING', path)).toBe('NOT_SHARED');
    expect(parent.of('finance', 'FIN_LOANS_OUTSTANDING', 'keyEnterprises.edges.4.node.finance.loansOutstanding')).toBe('NOT_REPORTED');
  });

  it('tells a NOT_SHARED figure left out of a list (不予共享) from one its owner did not report (未报送)', () => {
    expect(new Absences([], sharing, 'industry').of('finance', 'FIN_NON_PERFORMING_LOANS')).toBe('NOT_SHARED');
    // The owner itself reads its NOT_SHARED figures: if it has none, none was reported.
    expect(new Absences([], sharing, 'finance').of('finance', 'FIN_NON_PERFORMING_LOANS')).toBe('NOT_REPORTED');
    // A district's conditional figure is readable by everyone: missing means not reported.
    expect(new Absences([], sharing, 'industry').of('energy', 'EN_ELECTRICITY')).toBe('NOT_REPORTED');
    expect(new Absences([], sharing, 'industry', ['energy']).of('energy', 'EN_ELECTRICITY')).toBe('UNAVAILABLE');
    expect(Object.values(ABSENCE_LABELS)).toEqual(['不予共享', '未获授权', '未报送', '暂缺', '1—2月合并发布']);
    // January of an indicator published with February is not late (a tester's January pack said 未报送 for the statistics bureau).
    const merged = new Absences([], sharing, 'industry', [], new Set(['STAT_GROSS_OUTPUT']));
    expect(merged.of('statistics', 'STAT_GROSS_OUTPUT')).toBe('JANUARY_MERGED');
    expect(merged.of('energy', 'EN_ELECTRICITY')).toBe('NOT_REPORTED');
  });

  it('a January pack says 1—2月合并发布 for the statistics bureau’s merged indicators, and names in its key points the departments that reported nothing', () => {
    const data = fixture();
    // The city as a January pack gets it: statistics publishes 1–2月 together (every indicator here), industry and finance have not reported yet.
    for (const dept of ['statistics', 'industry', 'finance'] as const) {
      data.catalogue![dept] = data.city![dept].indicators.map((o) => ({ code: o.indicator, name: o.name, unit: o.unit, department: dept, kind: 'FLOW', sharing: 'UNCONDITIONAL', subjects: ['REGION'], publishedJanFeb: dept === 'statistics' })) as never;
      data.city![dept].indicators = [];
    }
    const model = buildPack(data, meta({ month: '2016-01' }));
    const statistics = model.sources.filter((s) => s.department === 'statistics');
    expect(statistics.length).toBeGreaterThan(0);
    expect(statistics.every((s) => s.absence === 'JANUARY_MERGED')).toBe(true);
    // Statistics is not late; industry and finance are named.
    expect(unreportedDepartments(model)).toEqual(['industry', 'finance']);
    const html = renderHtml(model);
    const summary = html.slice(html.indexOf('id="summary"'), html.indexOf('</div>', html.indexOf('id="summary"')));
    expect(summary).toContain('工信委、金融办本月数据尚未报送');
    expect(html).toContain('data-absence="JANUARY_MERGED">1—2月合并发布</td>');
    expect(html).not.toContain('统计局本月未报送');
  });

  it('names a department that reported nothing readable even when some of its figures are withheld (不予共享)', () => {
    const data = fixture();
    data.viewer = { department: 'industry' };
    // January: finance has reported nothing; one of its indicators is shared with nobody, so industry's pack shows 不予共享 there.
    data.catalogue!.finance = data.city!.finance.indicators.map((o, i) => ({ code: o.indicator, name: o.name, unit: o.unit, department: 'finance', kind: 'FLOW', sharing: i === 0 ? 'NOT_SHARED' : 'UNCONDITIONAL', subjects: ['REGION'] })) as never;
    data.city!.finance.indicators = [];
    const model = buildPack(data, meta({ month: '2016-01' }));
    const finance = model.sources.filter((s) => s.department === 'finance');
    expect(finance.some((s) => s.absence === 'NOT_SHARED')).toBe(true);
    expect(finance.some((s) => s.absence === 'NOT_REPORTED')).toBe(true);
    expect(unreportedDepartments(model)).toContain('finance');
    // Withheld alone is not "not reported": a department whose only missing figures are withheld is not named.
    const withheldOnly = fixture();
    withheldOnly.viewer = { department: 'industry' };
    withheldOnly.catalogue!.finance = withheldOnly.city!.finance.indicators.map((o) => ({ code: o.indicator, name: o.name, unit: o.unit, department: 'finance', kind: 'FLOW', sharing: 'NOT_SHARED', subjects: ['REGION'] })) as never;
    withheldOnly.city!.finance.indicators = [];
    expect(unreportedDepartments(buildPack(withheldOnly, meta({ month: '2016-01' })))).not.toContain('finance');
  });

  it('prints the reason for a missing level, "—" for a growth beside it or a field left empty', () => {
    expect(missingText({ value: null, absence: 'NOT_SHARED', field: 'value', text: '—' })).toBe('不予共享');
    expect(missingText({ value: null, absence: 'NOT_REPORTED', field: 'ytdValue', text: '—' })).toBe('未报送');
    expect(missingText({ value: null, absence: 'NOT_REPORTED', field: 'ytdYoyPct', text: '—' })).toBe('—');
    expect(missingText({ value: null, absence: null, field: 'value', text: '—' })).toBe('—');
    expect(missingText({ value: null, absence: 'NOT_GRANTED', field: 'value', text: '—' }, true)).toBe('—');
    expect(missingText({ value: 1, absence: null, field: 'value', text: '1.00' })).toBe('1.00');
  });
});

describe('in the pack', () => {
  const data = fixture();
  data.viewer = { department: 'industry' };
  data.catalogue.finance = [
    { code: 'FIN_LOANS_OUTSTANDING', name: '贷款余额', unit: '万元', department: 'finance', kind: 'STOCK', derivation: 'REPORTED_ONLY', sharing: 'CONDITIONAL' },
    { code: 'FIN_NON_PERFORMING_LOANS', name: '不良贷款余额', unit: '万元', department: 'finance', kind: 'STOCK', derivation: 'REPORTED_ONLY', sharing: 'NOT_SHARED' },
  ];
  // The first key enterprise's loans withheld (no grant); a district that did not report its electricity.
  data.keyEnterprises.edges[0].node.finance.loansOutstanding = null;
  const weidu = data.city!.districts[0];
  weidu.energy.indicators = weidu.energy.indicators.filter((o) => o.indicator !== 'EN_ELECTRICITY');
  const withheld = [{ path: 'keyEnterprises.edges.0.node.finance.loansOutstanding', sharing: 'CONDITIONAL', indicator: 'FIN_LOANS_OUTSTANDING' }];
  const model = buildPack(data, meta({ withheld }));
  const html = renderHtml(model);

  it('prints 未获授权 for the enterprise’s withheld loans', () => {
    const enterprise = model.keyEnterprises.attention.find((e) => e.creditCode === '9141100270159UP1KM')!;
    expect(enterprise.loans).toMatchObject({ value: null, absence: 'NOT_GRANTED' });
    expect(html).toMatch(/data-subject="9141100270159UP1KM"[^>]*data-field="value"[^>]*data-absence="NOT_GRANTED"[^>]*>未获授权<\/span>/);
  });

  it('prints 不予共享 for the NOT_SHARED indicator in the appendix, never 无数据', () => {
    const row = model.sources.find((s) => s.code === 'FIN_NON_PERFORMING_LOANS')!;
    expect(row).toMatchObject({ figure: null, absence: 'NOT_SHARED' });
    expect(html).toContain('data-absence="NOT_SHARED">不予共享</td>');
    const appendix = html.slice(html.indexOf('id="sources"'), html.indexOf('</table>', html.indexOf('id="sources"')));
    expect(appendix).not.toContain('无数据');
  });

  it('prints 未报送 for the district that did not report, and "—" for its growth', () => {
    const table = model.districtTables.find((t) => t.id === 'districts-industry-energy')!;
    const cell = table.rows.find((r) => r.code === '411002')!.cells[table.columns.findIndex((c) => c.indicator === 'EN_ELECTRICITY')];
    expect(cell.level).toMatchObject({ value: null, absence: 'NOT_REPORTED' });
    const row = html.slice(html.indexOf('id="districts-industry-energy"'));
    const weiduRow = row.slice(row.indexOf('data-region="411002"'), row.indexOf('</tr>', row.indexOf('data-region="411002"')));
    expect(weiduRow).toMatch(/data-indicator="EN_ELECTRICITY"[^>]*data-field="ytdValue"[^>]*data-absence="NOT_REPORTED"[^>]*>未报送<\/span>/);
    expect(weiduRow).toMatch(/data-indicator="EN_ELECTRICITY"[^>]*data-field="ytdYoyPct"[^>]*>—<\/span>/);
  });
});

describe('warnings the caller may not see', () => {
  it('are named with why (未获授权 / 不予共享) and whose data, never left out silently', () => {
    const data = fixture();
    (data.warnings as { loanWithdrawals: unknown }).loanWithdrawals = null;
    const withheld = [
      { path: 'warnings.loanWithdrawals', sharing: 'CONDITIONAL', indicator: 'FIN_LOAN_WITHDRAWAL' },
      { path: 'warnings.keyEnterprises.0.employmentDrop', sharing: 'CONDITIONAL', indicator: 'HR_EMPLOYEES' },
      { path: 'warnings.keyEnterprises.1.employmentDrop', sharing: 'CONDITIONAL', indicator: 'HR_EMPLOYEES' },
    ];
    const model = buildPack(data, meta({ withheld }));
    const html = renderHtml(model);
    expect(html).toContain('data-withheld-warnings="2"');
    expect(html).toContain('【抽贷报告】未获授权（需金融办数据）、【重点企业用工大幅减少】未获授权（需人社局数据）。本部门无权读取其所用数据，本材料不列示这些预警，并非未触发。');
    expect(html).toContain('抽贷报告、重点企业用工大幅减少预警所用数据未获授权，本材料未能判断。');
    expect(renderHtml(buildPack(fixture(), meta()))).not.toContain('data-withheld-warnings');
  });
});

describe('tables on paper', () => {
  it('keep their header with the first two rows and their last two rows together, striped across the bodies', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `<tr class="r" data-i="${i}"><td>${i}</td></tr>`).join('\n');
    const seven = keepLeadRows(`<table><thead><tr><th>h</th></tr></thead><tbody>\n${rows(7)}\n</tbody></table>`);
    const bodies = [...seven.matchAll(/<tbody( class="([\w-]+)")?>([\s\S]*?)<\/tbody>/g)].map((m) => [m[2] ?? '', (m[3].match(/<tr\b/g) ?? []).length]);
    expect(bodies).toEqual([['lead-rows', LEAD_ROWS], ['', 7 - LEAD_ROWS - TAIL_ROWS], ['tail-rows', TAIL_ROWS]]);
    // Every other row striped, counted over the whole table.
    expect([...seven.matchAll(/data-i="(\d)"( data-stripe)?/g)].map((m) => !!m[2])).toEqual([false, true, false, true, false, true, false]);
    // A short table does not break at all; a thead's row is not a body row.
    expect(keepLeadRows(`<tbody>${rows(4)}</tbody>`)).toMatch(/^<tbody class="lead-rows">[\s\S]*<\/tbody>$/);
    expect(keepLeadRows('<thead><tr><th>h</th></tr></thead>')).toBe('<thead><tr><th>h</th></tr></thead>');
  });

  it('is how the whole pack prints: no body without its lead', () => {
    const html = renderHtml(buildPack(fixture(), meta()));
    expect(html).not.toMatch(/<\/thead>\s*<tbody>/);
    expect((html.match(/<tbody class="lead-rows">/g) ?? []).length).toBeGreaterThanOrEqual(8);
  });
});

describe('a figure awaiting re-reporting (待重报)', () => {
  // The city's electricity: its year to date reported 18000, an earlier month corrected since, so the months before imply 18120.
  const data = fixture();
  const electricity = data.city!.energy.indicators.find((o) => o.indicator === 'EN_ELECTRICITY')!;
  Object.assign(electricity, { staleFields: ['ytdValue', 'ytdYoyPct'], impliedYtdValue: 18120 });
  const html = renderHtml(buildPack(data, meta()));

  it('is printed as reported, marked 待重报, with the implied year to date in its provenance', () => {
    const spans = [...html.matchAll(/<span class="fig[^"]*"[^>]*data-indicator="EN_ELECTRICITY"[^>]*data-subject="411000"[^>]*>[^<]*<\/span>(?:<span class="u">[^<]*<\/span>)?(?:<sup[^>]*>[^<]*<\/sup>)*/g)].map((m) => m[0]);
    const ytd = spans.filter((s) => s.includes('data-field="ytdValue"'));
    expect(ytd.length).toBeGreaterThan(0);
    for (const s of ytd) {
      expect(s).toContain(`data-value="${electricity.ytdValue}"`);
      expect(s).toContain('data-stale="true"');
      expect(s).toContain('待重报：前期数据更正后本期累计不再相符，按前期推算累计 18120 万千瓦时');
      expect(s).toMatch(/<sup class="rr">待重报<\/sup>$/);
    }
    // The month's own value is not stale; the growth on the stale year to date is marked, without the implied year to date beside a %.
    for (const s of spans.filter((x) => x.includes('data-field="value"'))) expect(s).not.toContain('待重报');
    const growth = spans.filter((x) => x.includes('data-field="ytdYoyPct"'));
    expect(growth.length).toBeGreaterThan(0);
    for (const s of growth) {
      expect(s).toContain('待重报：前期数据更正后本期累计不再相符');
      expect(s).not.toContain('18120');
    }
  });

  it('the appendix says so in its status column and explains the mark; a pack without one does not', () => {
    const appendix = html.slice(html.indexOf('id="sources"'));
    const row = appendix.slice(appendix.lastIndexOf('<tr>', appendix.indexOf('data-indicator="EN_ELECTRICITY"')), appendix.indexOf('</tr>', appendix.indexOf('data-indicator="EN_ELECTRICITY"')));
    // The implied year to date is printed there: a PDF has no tooltips.
    expect(row).toContain('·待重报（前期推算累计18,120）</td>');
    expect(html).toContain('“待重报”为前期数据更正后本期累计不再相符、待部门重新报送的数据，附表状态栏列有按前期推算的累计值');
    expect(html.slice(html.indexOf('id="summary"'), html.indexOf('</div>', html.indexOf('id="summary"')))).toContain(`<li>${electricity.name}的全市累计值待重报：前期数据更正后本期累计不再相符（标“待重报”），以部门重新报送的数据为准。</li>`);
    expect(renderHtml(buildPack(fixture(), meta()))).not.toContain('待重报');
  });

  it('a pack of final figures with one awaiting re-reporting does not say they are all final (a tester found both on one page)', () => {
    const summary = (h: string) => h.slice(h.indexOf('id="summary"'), h.indexOf('</div>', h.indexOf('id="summary"')));
    const allFinal = (d: ReturnType<typeof fixture>) => JSON.parse(JSON.stringify(d).replace(/"(PRELIMINARY|REVISED)"/g, '"FINAL"')) as ReturnType<typeof fixture>;
    expect(summary(renderHtml(buildPack(allFinal(fixture()), meta())))).toContain('本材料所列数据均为各部门最终数据。');
    const model = buildPack(allFinal(data), meta());
    const marked = [...renderHtml(model).matchAll(/<span class="fig[^"]*"[^>]*data-stale="true"/g)].length;
    const printed = summary(renderHtml(model));
    expect(printed).not.toContain('均为各部门最终数据');
    const counted = /其中(\d+)项累计值待重报/.exec(printed);
    expect(counted).not.toBeNull();
    // Each stale figure of the model once (a figure may be printed in more than one table).
    expect(Number(counted![1])).toBeGreaterThan(0);
    expect(Number(counted![1])).toBeLessThanOrEqual(marked);
  });
});

describe('nothing to judge is not "none found" (a tester’s January pack with industry unreported)', () => {
  const summary = (h: string) => h.slice(h.indexOf('id="summary"'), h.indexOf('</div>', h.indexOf('id="summary"')));

  it('no key enterprise has any figure for the month: not judged, not "0 to watch"', () => {
    const data = fixture();
    for (const edge of data.keyEnterprises!.edges) Object.assign(edge.node, { industry: null, energy: null, hr: null, finance: null });
    // Without the figures, the rules on them have nothing to fire on.
    Object.assign(data.warnings!, { keyEnterprises: [], loanWithdrawals: [] });
    const model = buildPack(data, meta());
    expect(model.keyEnterprises).toMatchObject({ reported: 0, attention: [] });
    expect(model.keyEnterprises.listed).toBeGreaterThan(0);
    const printed = summary(renderHtml(model));
    expect(printed).toContain('重点企业本月数据均未报送，未能判断需关注企业');
    expect(printed).not.toContain('需关注重点企业0家');
    // …and its section says so too, never 无需特别关注 (a tester's January pack said both on two pages).
    const section = renderHtml(model);
    expect(section).toContain('data-key-enterprises-unjudged>百户重点企业');
    expect(section).not.toContain('无需特别关注');
    // With the figures there, the count is said.
    const full = buildPack(fixture(), meta());
    expect(full.keyEnterprises.reported).toBe(full.keyEnterprises.listed);
    expect(summary(renderHtml(full))).toContain(`需关注重点企业${full.keyEnterprises.attention.length}家`);
  });

  it('a year whose project ledger is empty says so, in the key points and its section', () => {
    const data = fixture();
    data.keyProjects = [];
    const html = renderHtml(buildPack(data, meta()));
    expect(summary(html)).toContain('2015年重点项目台账尚未录入项目，未判断项目进度。');
    expect(summary(html)).not.toMatch(/重点项目0个/);
    expect(html).toContain('2015年重点项目台账尚未录入项目，本期不判断项目进度。');
  });
});

describe('the clusters’ section when the reader may not read the clusters’ revenue (finding of a fresh tester)', () => {
  const target = (value: number, actual: number | null, behind: boolean | null) => ({
    target: { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL' as const, value, unit: '万元', scope: 'x', description: '收入目标', source: '许政[2015]39号' },
    actualValue: actual,
    completionPct: actual === null ? null : (actual / value) * 100,
    timeProgressPct: 50,
    gap: actual === null ? null : (actual / value) * 100 - 50,
    behind,
  });
  const cluster = (code: string, revenue: number | null, progress: ReturnType<typeof target> | null, growth = false) => ({
    code,
    name: code === 'emerging' ? '新兴产业' : `集群${code}`,
    enterpriseCount: 10,
    statistics: {
      indicators: revenue === null ? [] : [{ indicator: 'STAT_MAIN_REVENUE', unit: '万元', value: revenue / 6, ytdValue: revenue, yoyPct: 5, ytdYoyPct: 6, enterpriseCount: 10, reportedCount: 10 }],
      targets: [
        ...(progress ? [progress] : []),
        ...(growth ? [{ ...target(18, 12, true), target: { ...target(18, 12, true).target, indicator: 'STAT_GROSS_OUTPUT', measure: 'GROWTH_PCT' as const }, timeProgressPct: null }] : []),
      ],
    },
  });
  const section = (html: string) => html.slice(html.indexOf('id="sec-clusters"'), html.indexOf('</section>', html.indexOf('id="sec-clusters"')));

  it('says the clusters cannot be judged, with the calendar’s time progress — never that none is behind', () => {
    const data = fixture();
    data.clusters = [cluster('a', null, null), cluster('b', null, null), cluster('emerging', null, null)];
    data.clusterRankings = { statistics: ['a', 'b', 'emerging'].map((groupCode) => ({ rank: null, groupCode, value: null, withheld: true })) };
    const html = section(renderHtml(buildPack(data, meta())));
    expect(html).toContain('序时进度为 <strong>50%</strong>');
    expect(html).toContain('各集群是否落后序时进度无法判断（集群收入未获授权）。');
    expect(html).not.toContain('均未落后');
  });

  it('ranks every cluster the statistics bureau ranks, the emerging industries too: no gap in the ranks', () => {
    const data = fixture();
    data.clusters = [cluster('a', 900, target(1000, 900, false)), cluster('emerging', 800, null, true), cluster('b', 100, target(1000, 100, true))];
    data.clusterRankings = { statistics: [{ rank: 1, groupCode: 'a', value: 900, withheld: false }, { rank: 2, groupCode: 'emerging', value: 800, withheld: false }, { rank: 3, groupCode: 'b', value: 100, withheld: false }] };
    const html = section(renderHtml(buildPack(data, meta())));
    const ranks = [...html.matchAll(/<tr data-cluster="([\w-]+)"[^>]*><td class="num">(\d+)<\/td>/g)].map((m) => [m[1], m[2]]);
    expect(ranks).toEqual([['a', '1'], ['emerging', '2'], ['b', '3']]);
    expect(html).toContain('落后序时进度的集群：集群b。');
  });
});
