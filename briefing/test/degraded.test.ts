import { buildPack, allFigures } from '../src/model';
import { renderHtml } from '../src/render';
import { fillUnavailable, fromWithoutRegister, registerUnavailable, unavailableDepartments, type WithoutRegisterData } from '../src/degraded';
import { DEPARTMENTS, type MeetingPackData } from '../src/types';
import { fixture, meta } from './fixture';

/** What the gateway answers with the finance subgraph down: every `finance` field null, the lists of its warnings too. */
function withFinanceDown(data: MeetingPackData): MeetingPackData {
  const walk = (value: unknown, key: string | null): unknown => {
    if (key === 'finance' || key === 'loanWithdrawals' || key === 'financeTargetsBehind') return null;
    if (Array.isArray(value)) return value.map((v) => walk(v, null));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(data, null) as MeetingPackData;
}

describe('a pack with a department down', () => {
  const down = { message: 'x', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'finance' } };

  it('knows the departments from the coded errors, and refuses any other error', () => {
    expect(unavailableDepartments([down, { ...down, extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'finance' } }])).toEqual(['finance']);
    expect(unavailableDepartments([down, { message: 'y', extensions: { code: 'FORBIDDEN' } }])).toBeNull();
    expect(unavailableDepartments([{ message: 'z', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'audit' } }])).toBeNull();
  });

  it('is built from the other departments, with the missing one marked 暂缺 in every section', () => {
    const model = buildPack(fillUnavailable(withFinanceDown(fixture()), ['finance']), meta({ unavailable: ['finance'] }));
    const figures = allFigures(model);
    const byDepartment = (d: string) => figures.filter((f) => f.department === d && f.value !== null).length;
    expect(byDepartment('finance')).toBe(0);
    for (const d of DEPARTMENTS.filter((d) => d !== 'finance')) expect(byDepartment(d)).toBeGreaterThan(0);
    const html = renderHtml(model);
    expect(html).toContain('金融办（金融办、人行、银监、国税/地税）数据服务本次不可用');
    // Each section notes the department only where it draws on it: finance's loans and VAT are in
    // the headline, the districts, the trends and the key enterprises; every department has targets
    // and the warnings compare departments; the parks' ledger, the clusters and the problem list are
    // other departments' (a tester read "本节…暂缺" above sections with no finance figure).
    const noted = [...html.matchAll(/<section id="(sec-[^"]+)">\n<h2>[^<]*<\/h2>\n(<p class="unavailable-note">[^<]*<\/p>)?/g)].map((m) => [m[1], m[2] ?? null] as const);
    const withNote = noted.filter(([, note]) => note).map(([id]) => id);
    expect(withNote).toEqual(['sec-headline', 'sec-districts', 'sec-targets', 'sec-trends', 'sec-attention', 'sec-warnings']);
    expect(noted.map(([id]) => id)).toEqual(expect.arrayContaining(['sec-parks', 'sec-problems', 'sec-appendix']));
    for (const [, note] of noted) if (note) expect(note).toBe('<p class="unavailable-note">本节金融办数据暂缺（数据服务不可用）。</p>');
    expect(html).toContain('金融办（金融办、人行、银监、国税/地税；数据服务本次不可用，数据暂缺）');
    // The appendix keeps the department's rows the pack knows of, each 暂缺, and says why only those.
    const appendix = html.slice(html.indexOf('<table id="sources">'), html.indexOf('</table>', html.indexOf('<table id="sources">')));
    const financeRows = [...appendix.matchAll(/<tr[^>]*><td class="center">金融办<\/td><td>([^<]+)<br><span class="code">([A-Z_]+)<\/span>[\s\S]*?<\/tr>/g)];
    expect(financeRows.map((r) => r[2]).sort()).toEqual(['FIN_INDUSTRIAL_VAT', 'FIN_LOANS_OUTSTANDING', 'FIN_NEW_LOANS']);
    for (const row of financeRows) expect(row[0]).toContain('data-absence="UNAVAILABLE">暂缺');
    expect(financeRows.find((r) => r[2] === 'FIN_LOANS_OUTSTANDING')![1]).toBe('贷款余额');
    expect(html).toContain('金融办数据服务本次不可用，其指标目录未能读取：上表只列本材料版式中的该部门主要指标，均暂缺。');
    // Its units and kinds come from the pack's layout: loans are a stock (月末, not 累计), in 万元.
    expect(financeRows.find((r) => r[2] === 'FIN_LOANS_OUTSTANDING')![0]).toContain('<td class="center">万元</td>');
    const loans = model.headline.find((h) => h.indicator === 'FIN_LOANS_OUTSTANDING')!;
    expect(loans.kind).toBe('STOCK');
    // The loans chart: its points 暂缺 (not 未报送), its axis in 万元, its note says why (a tester's said 均未报送, 月末余额（）).
    const chart = model.trends.find((t) => t.indicator === 'FIN_LOANS_OUTSTANDING')!;
    expect(new Set(chart.series.flatMap((s) => s.points.map((p) => p.absence)))).toEqual(new Set(['UNAVAILABLE']));
    expect(chart.units[0]).toMatch(/^[万亿]元$/); // shown in 亿元 as in the full pack
    const trends = html.slice(html.indexOf('<section id="sec-trends">'), html.indexOf('</section>', html.indexOf('<section id="sec-trends">')));
    expect(trends).not.toContain('（）');
    expect(trends).toContain('数据状态：暂缺（数据服务不可用）');
    expect(html).toContain('请在该部门恢复后重新生成');
    // The count of key enterprises to watch is a lower bound, and says so (loans not judged).
    expect(html).toMatch(/需关注重点企业\d+家（贷款数据暂缺，相关条件未判断）/);
    // The targets' counts in the key points are the other departments' and say so.
    expect(html).toMatch(/序时进度[\d.]+%，(\d+个地区有目标任务落后于序时进度|各地区目标任务均未落后于序时进度)（金融办数据暂缺，其目标任务未计入）/);
  });

  it('with hr down: its notes say 暂缺, not 未报送; its indicators keep their names; no name is said twice', () => {
    const walk = (value: unknown, key: string | null): unknown => {
      if (key === 'hr') return null;
      if (Array.isArray(value)) return value.map((v) => walk(v, null));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
      return value;
    };
    const html = renderHtml(buildPack(fillUnavailable(walk(fixture(), null) as MeetingPackData, ['hr']), meta({ unavailable: ['hr'] })));
    // A tester's pack: cells 暂缺 beside a note "人社局本月未报送", a banner "人社局（人社局）", notes "人社局（HR_EMPLOYEES）".
    expect(html).not.toContain('人社局本月未报送');
    expect(html).toContain('人社局数据服务本次不可用，数据暂缺。');
    expect(html).toContain('注意：人社局数据服务本次不可用');
    expect(html).not.toContain('人社局（人社局');
    expect(html).not.toMatch(/人社局（[^）]*HR_[A-Z_]+/);
    expect(html).toContain('人社局（用工人数');
    // The month's warnings are not the whole count: hr's rules were not judged, and the key points say so.
    expect(html).toMatch(/本月(预警\d+条（[^）]*）|无预警)；人社局数据服务不可用，其预警规则本次未判断/);
  });

  it('with hr down and no key enterprise figure: 用工 is 暂缺, the others 未报送 (it said all four were 未报送)', () => {
    const walk = (value: unknown, key: string | null): unknown => {
      if (key === 'hr') return null;
      if (key === 'industry' || key === 'energy' || key === 'finance') {
        // The other departments answered but have nothing for the key enterprises this month.
        if (value && typeof value === 'object' && !Array.isArray(value) && ('keyEnterpriseOutput' in value || 'electricity' in value || 'loansOutstanding' in value)) {
          return Object.fromEntries(Object.keys(value).map((k) => [k, null]));
        }
      }
      if (Array.isArray(value)) return value.map((v) => walk(v, null));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
      return value;
    };
    const data = fillUnavailable(walk(fixture(), null) as MeetingPackData, ['hr']);
    for (const edge of data.keyEnterprises?.edges ?? []) {
      const node = edge.node as unknown as Record<string, unknown>;
      for (const d of ['industry', 'energy', 'finance']) node[d] = null;
    }
    const html = renderHtml(buildPack(data, meta({ unavailable: ['hr'] })));
    // The key points say it (the section's own lead says the same where no warning names an enterprise).
    expect(html).toContain('重点企业本月用工数据暂缺（人社局数据服务不可用），产值、用电、贷款数据未报送，未能判断需关注企业');
    expect(html).not.toContain('重点企业本月数据均未报送');
  });

  it('is unchanged when every department answered', () => {
    expect(renderHtml(buildPack(fillUnavailable(fixture(), []), meta()))).not.toContain('暂缺（数据服务不可用）');
  });
});

/**
 * What `withoutRegister` answers with industry down, made from the fixture: the other departments'
 * figures, the regions' names in `division`, no register field at all.
 */
function withoutRegisterAnswer(data: MeetingPackData): WithoutRegisterData {
  const others = <T extends Record<string, unknown>>(o: T | null) => (o ? Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'industry')) : null);
  const division = (r: { code: string; name: string; level: string; locallyAssigned: boolean }) => ({ name: r.name, level: r.level, locallyAssigned: r.locallyAssigned });
  const { districts, previousQuarter: _pq, name: _n, level: _l, locallyAssigned: _la, ...city } = data.city as unknown as Record<string, unknown> & { districts: { code: string; name: string; level: string; locallyAssigned: boolean }[] };
  const months = Object.fromEntries(Object.entries(data).filter(([k]) => /^m\d\d$/.test(k)).map(([k, v]) => [k, others(v as Record<string, unknown>)]));
  const warnings = data.warnings as unknown as Record<string, unknown>;
  return {
    withoutRegister: {
      catalogue: others(data.catalogue as unknown as Record<string, unknown>),
      city: { ...others(city), code: data.city!.code, division: division(data.city as never), districts: districts.map((d) => ({ ...others(d), division: division(d), code: d.code })) } as never,
      warnings: { month: warnings.month, loanWithdrawals: warnings.loanWithdrawals, statisticsTargetsBehind: warnings.statisticsTargetsBehind, energyTargetsBehind: warnings.energyTargetsBehind, financeTargetsBehind: warnings.financeTargetsBehind, hrTargetsBehind: warnings.hrTargetsBehind },
      ...months,
    } as never,
  };
}

describe('a pack with the register’s department (industry) down', () => {
  it('is detected from an answer without the city', () => {
    expect(registerUnavailable({ ...fixture(), city: null } as never, ['industry'])).toBe(true);
    expect(registerUnavailable(fixture(), ['finance'])).toBe(false);
    expect(registerUnavailable({ ...fixture(), city: null } as never, [])).toBe(false);
  });

  it('is built from the register-free answer: districts named from the division table, industry 暂缺, the others shown', () => {
    const data = fromWithoutRegister(withoutRegisterAnswer(fixture()), ['industry'])!;
    expect(data.city!.districts.map((d) => d.name)).toEqual(fixture().city!.districts.map((d) => d.name));
    const model = buildPack(data, meta({ unavailable: ['industry'] }));
    const figures = allFigures(model);
    const byDepartment = (d: string) => figures.filter((f) => f.department === d && f.value !== null).length;
    expect(byDepartment('industry')).toBe(0);
    for (const d of DEPARTMENTS.filter((d) => d !== 'industry')) expect(byDepartment(d)).toBeGreaterThan(0);
    // The register's ledgers are not available, never shown as empty.
    expect(model.keyProjects).toBeNull();
    expect(model.problems).toBeNull();
    const html = renderHtml(model);
    // Every section drawing on industry or its register notes it; the trends (statistics, energy,
    // finance) and the clusters (statistics) do not.
    const noted = [...html.matchAll(/<section id="(sec-[^"]+)">\n<h2>[^<]*<\/h2>\n(<p class="unavailable-note">本节工信委数据暂缺（数据服务不可用）。<\/p>)?/g)];
    expect(noted.filter((m) => m[2]).map((m) => m[1])).toEqual(['sec-headline', 'sec-districts', 'sec-targets', 'sec-clusters', 'sec-attention', 'sec-parks', 'sec-warnings', 'sec-problems']);
    // The clusters' section stays, 暂缺, so the sections keep their numbers (a tester's pack dropped
    // it and renumbered the rest; test/resilience/withoutDepartment checks the real pack), and their
    // targets are not listed as "cannot be judged from departments' data" in the targets' section.
    expect(html).toContain('【暂缺】产业集群名单及主营业务收入</strong>：工信委数据服务本次不可用');
    expect(model.targets.unjudged.filter((u) => /集群|新兴产业/.test(u.description))).toEqual([]);
    expect(noted.filter((m) => !m[2]).map((m) => m[1])).toEqual(expect.arrayContaining(['sec-trends']));
    // No list is not an empty list: a tester's pack said 需关注重点企业0家 and 无需特别关注.
    expect(model.keyEnterprises.unavailable).toBe(true);
    expect(html).not.toMatch(/需关注重点企业0家|无需特别关注|百户重点企业0家/);
    expect(html).toContain('重点企业名单暂缺（工信委数据服务不可用），未判断需关注企业');
    expect(html).toContain('【暂缺】百户重点企业名单</strong>：工信委数据服务本次不可用，本期材料暂缺此项。');
    // The register's parts say why in words, not by a field name of the answer.
    expect(html).toContain('【暂缺】重点项目台账</strong>：工信委数据服务本次不可用');
    expect(html).not.toContain('网关的回答中没有');
    expect(html).toContain('工信委数据服务不可用，其预警规则及按重点企业名单判断的预警本次未判断');
    expect(html).toContain('园区基础设施投资、重点项目和问题清单暂缺（工信委数据服务不可用）。');
  });

  it('gives no pack when the register-free answer has no city either', () => {
    expect(fromWithoutRegister({ withoutRegister: null }, ['industry'])).toBeNull();
  });
});

