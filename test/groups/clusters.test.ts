/**
 * Industries and clusters (issue 16 item 1), through the gateway: every department's totals over a
 * cluster's or an industry's enterprises equal the sums of those enterprises' figures in that
 * department's own database (read here directly); growth is computed from the summed values, never
 * summed; the group disclosure rule (a total over fewer than 3 enterprises is an enterprise figure)
 * holds for totals, targets and rankings; the audit records every enterprise a total read.
 */
import { catalogue } from '../support/figures';
import { startSystem, SUBGRAPHS, type GraphQLResult, type Row, type System } from '../support/system';

let system: System;
const MONTH = '2015-06';

beforeAll(async () => {
  system = await startSystem({});
});
afterAll(async () => {
  await system?.stop();
});

interface Member {
  creditCode: string;
  regionCode: string;
  industryCode: string;
}

/** The register as the industry bureau keeps it (its own database). */
async function register(): Promise<Member[]> {
  const rows = await system.sql('industry', 'select credit_code, region_code, industry_code from enterprise');
  return rows.map((r) => ({ creditCode: r.credit_code, regionCode: r.region_code, industryCode: r.industry_code }));
}

/** Each indicator's sums over `members` in the department's own database: value, ytd, count, and the growth of the sums. */
async function expectedTotals(department: string, members: readonly string[]): Promise<Map<string, { value: number | null; ytd: number | null; count: number; rows: Row[] }>> {
  const rows = await system.sql(department, "select indicator, subject_code, value, ytd_value, yoy_pct, ytd_yoy_pct from observation where subject_type = 'ENTERPRISE' and month = ?", [MONTH]);
  const set = new Set(members);
  const out = new Map<string, { value: number | null; ytd: number | null; count: number; rows: Row[] }>();
  for (const r of rows.filter((r) => set.has(r.subject_code))) {
    const e = out.get(r.indicator) ?? { value: null, ytd: null, count: 0, rows: [] };
    if (r.value !== null) e.value = (e.value ?? 0) + Number(r.value);
    if (r.ytd_value !== null) e.ytd = (e.ytd ?? 0) + Number(r.ytd_value);
    e.count++;
    e.rows.push(r);
    out.set(r.indicator, e);
  }
  return out;
}

const CLUSTER_PREFIXES: Record<string, string[]> = { tobacco: ['C16'], 'power-equipment': ['C382'], equipment: ['C33', 'C34', 'C35', 'C36', 'C37', 'C38', 'C39', 'C40'] };

function totalsQuery(department: string, root: string, region: string | null): string {
  return `{ ${root} { enterpriseCount ${department}(month: "${MONTH}"${region ? `, region: "${region}"` : ''}) { enterpriseCount region indicators { indicator value ytdValue yoyPct ytdYoyPct enterpriseCount reportedCount summed } } } }`;
}

describe('totals equal the sums of the enterprises’ figures in each department’s database', () => {
  const cases: { name: string; root: string; prefixes: string[]; region: string | null }[] = [
    { name: 'cluster tobacco, city', root: 'g: cluster(code: "tobacco")', prefixes: CLUSTER_PREFIXES.tobacco, region: null },
    { name: 'cluster power-equipment in 长葛市', root: 'g: cluster(code: "power-equipment")', prefixes: CLUSTER_PREFIXES['power-equipment'], region: '411082' },
    { name: 'cluster equipment (overlapping divisions), city', root: 'g: cluster(code: "equipment")', prefixes: CLUSTER_PREFIXES.equipment, region: null },
    { name: 'industry C38 (division), city', root: 'g: industry(code: "C38")', prefixes: ['C38'], region: null },
    { name: 'industry C1620 (class) in 魏都区', root: 'g: industry(code: "C1620")', prefixes: ['C1620'], region: '411002' },
  ];
  for (const c of cases) {
    it.each(SUBGRAPHS.map((d) => [d]))(`${c.name}: %s`, async (department) => {
      const all = await register();
      const members = all.filter((m) => c.prefixes.some((p) => m.industryCode.startsWith(p)) && (c.region === null || m.regionCode === c.region)).map((m) => m.creditCode);
      expect(members.length).toBeGreaterThan(0);
      // The industry bureau's analyst: the secretariat, granted every department's enterprise figures.
      const result = await system.query(totalsQuery(department, c.root, c.region));
      expect(result.errors).toBeUndefined();
      const totals = result.data.g[department];
      expect(totals.enterpriseCount).toBe(members.length);
      expect(totals.region).toBe(c.region);
      const expected = await expectedTotals(department, members);
      // The secretariat reads every department's indicators but those not shared (不予共享), which stay their owner's.
      const notShared = new Set(department === 'industry' ? [] : catalogue(department).filter((i) => i.sharing === 'NOT_SHARED').map((i) => i.code));
      expect(totals.indicators.map((t: { indicator: string }) => t.indicator).sort()).toEqual([...expected.keys()].filter((code) => !notShared.has(code)).sort());
      for (const t of totals.indicators) {
        const e = expected.get(t.indicator)!;
        expect(t.reportedCount).toBe(e.count);
        expect(t.enterpriseCount).toBe(members.length);
        if (!t.summed) {
          // Rates are not summed.
          expect([t.value, t.ytdValue, t.yoyPct, t.ytdYoyPct]).toEqual([null, null, null, null]);
          continue;
        }
        if (e.value === null) expect(t.value).toBeNull();
        else expect(t.value).toBeCloseTo(e.value, 3);
        if (t.ytdValue !== null) expect(t.ytdValue).toBeCloseTo(e.ytd!, 3);
        // Growth from summed values and summed last-year values, never a sum or mean of growths.
        const valued = e.rows.filter((r) => r.value !== null);
        // A part at −100 % has no last-year value to derive (0 ÷ 0): the total's growth is then null.
        if (valued.every((r) => r.yoy_pct !== null && Number(r.yoy_pct) > -100) && valued.length) {
          const lastYear = valued.reduce((s, r) => s + Number(r.value) / (1 + Number(r.yoy_pct) / 100), 0);
          expect(t.yoyPct).toBeCloseTo((e.value! / lastYear - 1) * 100, 1);
        } else expect(t.yoyPct).toBeNull();
      }
    });
  }
});

describe('cluster targets (许政[2015]39号 items 七 and 九) and rankings', () => {
  it('judges each cluster’s summed revenue against its target with time progress, and ranks the clusters by it', async () => {
    const result = await system.query(`{
      clusters { code name statistics(month: "${MONTH}") { indicators(codes: ["STAT_MAIN_REVENUE"]) { ytdValue } targets { target { indicator measure value scope } actualValue completionPct timeProgressPct gap behind } } }
      clusterRankings { statistics(month: "${MONTH}", indicator: "STAT_MAIN_REVENUE") { rank groupCode value withheld } }
    }`);
    expect(result.errors).toBeUndefined();
    const clusters = result.data.clusters as { code: string; statistics: { indicators: { ytdValue: number }[]; targets: any[] } }[];
    expect(clusters.map((c) => c.code)).toEqual(['equipment', 'power-equipment', 'recycled-metal', 'food', 'hair-products', 'coal-coking', 'autos', 'textiles', 'biomedicine', 'elevators', 'tobacco', 'emerging']);
    const targetRows = await system.sql('statistics', "select scope, indicator, measure, value from target where year = 2015 and scope is not null and region_code = '411000'");
    expect(targetRows.length).toBe(12);
    for (const c of clusters) {
      const rows = targetRows.filter((t) => t.scope === c.code);
      expect(c.statistics.targets.map((t) => t.target.scope)).toEqual(rows.map(() => c.code));
      for (const p of c.statistics.targets) {
        if (p.target.measure === 'LEVEL') {
          expect(p.actualValue).toBeCloseTo(c.statistics.indicators[0].ytdValue, 3);
          expect(p.completionPct).toBeCloseTo((p.actualValue / p.target.value) * 100, 1);
          expect(p.timeProgressPct).toBe(50);
          expect(p.behind).toBe(p.completionPct < 50);
        } else {
          // Item 九: growth of the emerging industries' output ≥ 18 %; no time progress for a growth rate.
          expect(p.target).toMatchObject({ indicator: 'STAT_GROSS_OUTPUT', measure: 'GROWTH_PCT', value: 18 });
          expect(p.timeProgressPct).toBeNull();
          expect(p.gap).toBeCloseTo(p.actualValue - 18, 1);
        }
      }
    }
    const ranks = result.data.clusterRankings.statistics as { rank: number; groupCode: string; value: number }[];
    const byRevenue = [...clusters].sort((a, b) => b.statistics.indicators[0].ytdValue - a.statistics.indicators[0].ytdValue);
    expect(ranks.map((r) => r.groupCode)).toEqual(byRevenue.map((c) => c.code));
    expect(ranks[0].rank).toBe(1);
  });
});

describe('sharing: a group total is read as its enterprises’ figures are', () => {
  const codes = (r: GraphQLResult) => (r.errors ?? []).map((e) => e.extensions?.code);
  const REGIONS = ['411002', '411023', '411024', '411025', '411081', '411082', '411071', '411072', '411073'];
  // A district with one tobacco enterprise in the register: its "total" is that enterprise's figure.
  const oneTobaccoRegion = async () => {
    const tobacco = (await register()).filter((m) => m.industryCode.startsWith('C16'));
    const region = REGIONS.find((r) => tobacco.filter((m) => m.regionCode === r).length === 1);
    expect(region).toBeDefined();
    return region!;
  };

  it('never serves a department without a grant a conditionally shared total, in any cluster or industry, city or district, by list, by code or in a ranking', async () => {
    // Every cluster and the industry divisions of the register, for the city and each district: the
    // nested cells whose differences would otherwise isolate single enterprises (finding F1).
    const divisions = (await system.query('{ industries(level: DIVISION, within: "C") { code enterpriseCount } }')).data.industries.filter((d: { enterpriseCount: number }) => d.enterpriseCount > 0).map((d: { code: string }) => d.code);
    const cells: string[][] = [];
    const clusterCodes = ['equipment', 'power-equipment', 'recycled-metal', 'food', 'hair-products', 'coal-coking', 'autos', 'textiles', 'biomedicine', 'elevators', 'tobacco', 'emerging'];
    for (const region of [null, ...REGIONS]) {
      // Requests per region and kind (the gateway's token and root-field limits).
      const cell: string[] = [];
      const divisionCells: string[] = [];
      cells.push(cell, divisionCells);
      const args = `month: "${MONTH}"${region ? `, region: "${region}"` : ''}`;
      for (const [i, c] of clusterCodes.entries()) cell.push(`c${i}_${region ?? 'city'}: cluster(code: "${c}") { ${SUBGRAPHS.map((d) => `${d}(${args}) { indicators { indicator reportedCount } targets { actualValue completionPct gap behind withheld } }`).join(' ')} }`);
      for (const d of divisions) divisionCells.push(`${d}_${region ?? 'city'}: industry(code: "${d}") { ${SUBGRAPHS.map((x) => `${x}(${args}) { indicators { indicator reportedCount } }`).join(' ')} }`);
    }
    const conditional = new Map(SUBGRAPHS.flatMap((d) => catalogue(d).filter((i) => i.sharing !== 'UNCONDITIONAL').map((i) => [i.code, d] as [string, string])));
    let served = 0;
    let unconditional = 0;
    let withheldTargets = 0;
    for (const caller of ['energy', 'hr']) {
      for (const request of cells) {
      const result = await system.query(`{ ${request.join('\n')} }`, undefined, undefined, { token: system.tokens[caller] });
      expect(result.errors).toBeUndefined();
      for (const [cell, group] of Object.entries(result.data as Record<string, Record<string, { indicators: { indicator: string }[]; targets?: { actualValue: number | null; withheld: boolean }[] } | null>>)) {
        for (const [department, totals] of Object.entries(group)) {
          for (const t of totals?.indicators ?? []) {
            served++;
            if (!conditional.has(t.indicator)) unconditional++;
            // Only the caller's own indicators and unconditionally shared ones.
            expect({ caller, cell, department, indicator: t.indicator, allowed: department === caller || !conditional.has(t.indicator) }).toEqual({ caller, cell, department, indicator: t.indicator, allowed: true });
          }
          // Progress towards a cluster's revenue target is derived from a conditional total: the target
          // is listed withheld, its progress null (left out, it read as "no target").
          if (department === 'statistics') {
            for (const t of totals?.targets ?? []) {
              withheldTargets++;
              expect({ caller, cell, t }).toEqual({ caller, cell, t: { actualValue: null, completionPct: null, gap: null, behind: null, withheld: true } });
            }
          }
          if (department === caller) expect((totals?.targets ?? []).every((t) => !t.withheld)).toBe(true);
        }
      }
      }
      // By code: FORBIDDEN, for the one-enterprise cell and a large one alike.
      for (const region of [await oneTobaccoRegion(), null]) {
        const named = await system.query(`{ cluster(code: "tobacco") { statistics(month: "${MONTH}"${region ? `, region: "${region}"` : ''}) { indicators(codes: ["STAT_MAIN_REVENUE"]) { ytdValue } } } }`, undefined, undefined, { token: system.tokens[caller] });
        expect({ caller, region, codes: codes(named) }).toEqual({ caller, region, codes: ['FORBIDDEN'] });
        expect(JSON.stringify(named.data)).not.toMatch(/ytdValue":\d/);
        // The refusal does not say how many enterprises reported it (for 抽贷-like figures, that alone tells a one-enterprise cell's).
        expect(named.errors![0].extensions).not.toHaveProperty('contributors');
        expect(named.errors![0].message).not.toMatch(/\d+ enterprise/);
      }
      // Ranked: every cluster withheld, no value, no rank.
      const ranking = await system.query(`{ clusterRankings { statistics(month: "${MONTH}", indicator: "STAT_MAIN_REVENUE") { rank value withheld total { ytdValue } } } }`, undefined, undefined, { token: system.tokens[caller] });
      expect(ranking.errors).toBeUndefined();
      expect(new Set(ranking.data.clusterRankings.statistics.map((r: unknown) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ rank: null, value: null, withheld: true, total: null })]));
    }
    // Not vacuous: the callers' own and the unconditionally shared totals were served.
    expect(served).toBeGreaterThan(unconditional);
    expect(unconditional).toBeGreaterThan(0);
    // The cluster revenue targets were listed, withheld (the walk is not vacuous).
    expect(withheldTargets).toBeGreaterThan(0);
  });

  it('serves them with a grant, a one-enterprise total being that enterprise’s own figure', async () => {
    const ONE = await oneTobaccoRegion();
    const [one] = (await register()).filter((m) => m.industryCode.startsWith('C16') && m.regionCode === ONE);
    // The secretariat holds statistics' grant (the demo's standing grant).
    const granted = await system.query(`{ cluster(code: "tobacco") { statistics(month: "${MONTH}", region: "${ONE}") { enterpriseCount indicators(codes: ["STAT_MAIN_REVENUE"]) { ytdValue reportedCount } } } }`);
    expect(granted.errors).toBeUndefined();
    expect(granted.data.cluster.statistics.enterpriseCount).toBe(1);
    const [row] = await system.sql('statistics', "select ytd_value from observation where subject_type = 'ENTERPRISE' and indicator = 'STAT_MAIN_REVENUE' and month = ? and subject_code = ?", [MONTH, one.creditCode]);
    expect(granted.data.cluster.statistics.indicators[0].ytdValue).toBeCloseTo(Number(row.ytd_value), 3);
  });

  it('never serves a not-shared indicator’s total to another department, however many enterprises', async () => {
    const result = await system.query(`{ cluster(code: "equipment") { finance(month: "${MONTH}") { indicators(codes: ["FIN_NON_PERFORMING_LOANS"]) { value } } } }`, undefined, undefined, { token: system.tokens.statistics });
    expect(codes(result)).toEqual(['FORBIDDEN']);
    const own = await system.query(`{ cluster(code: "equipment") { finance(month: "${MONTH}") { indicators(codes: ["FIN_NON_PERFORMING_LOANS"]) { value } } } }`, undefined, undefined, { token: system.tokens.finance });
    expect(own.errors).toBeUndefined();
  });

  it('records in the audit trail the indicator and every enterprise a total was summed from', async () => {
    // The secretariat's analyst: energy's standing grant lets it read the total.
    const reader = await system.addClient({ department: 'industry', role: 'ANALYST', name: 'cluster audit reader' });
    const read = await system.query(`query ClusterAudit { cluster(code: "tobacco") { energy(month: "${MONTH}") { indicators(codes: ["EN_ELECTRICITY"]) { value reportedCount } } } }`, undefined, undefined, { token: reader.token });
    expect(read.errors).toBeUndefined();
    const members = (await register()).filter((m) => m.industryCode.startsWith('C16')).map((m) => m.creditCode).sort();
    const admin = await system.addClient({ department: 'industry', role: 'ADMINISTRATOR' });
    const trail = await system.query('query($filter: AuditFilter) { auditTrail(filter: $filter, first: 1000) { clientId operationName indicators enterprises months } }', { filter: { indicator: 'EN_ELECTRICITY', month: MONTH } }, undefined, { token: admin.token });
    expect(trail.errors).toBeUndefined();
    const mine = trail.data.auditTrail.filter((r: { clientId: string }) => r.clientId === reader.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ operationName: 'ClusterAudit', indicators: ['EN_ELECTRICITY'], months: [MONTH] });
    expect(mine[0].enterprises).toEqual(members);
  });
});

describe('industries and clusters as things to start from', () => {
  it('lists GB/T 4754 divisions with Chinese names, a cluster’s industries, and an enterprise’s clusters', async () => {
    const result = await system.query(`{
      industries(level: DIVISION, within: "C") { code name level enterpriseCount }
      industry(code: "C3435") { name level parentCode }
      cluster(code: "elevators") { name nameEn industryCodes source industries { code name } enterpriseCount }
      enterprises(industry: "C3435", first: 1) { edges { node { creditCode clusters { code } industryClass { code } } } }
    }`);
    expect(result.errors).toBeUndefined();
    const divisions = result.data.industries;
    expect(divisions).toHaveLength(31);
    expect(divisions.find((d: { code: string }) => d.code === 'C38')).toMatchObject({ name: '电气机械和器材制造业', level: 'DIVISION' });
    expect(result.data.industry).toMatchObject({ name: '电梯、自动扶梯及升降机制造', level: 'CLASS', parentCode: 'C343' });
    const count = await system.sql('industry', "select count(*) as n from enterprise where industry_code like 'C3435%'");
    expect(result.data.cluster).toMatchObject({ name: '电梯', industryCodes: ['C3435'], source: '许政[2015]39号 item 七', enterpriseCount: Number(count[0].n) });
    expect(result.data.enterprises.edges[0].node.clusters.map((c: { code: string }) => c.code).sort()).toEqual(['elevators', 'equipment']);
  });

  it('refuses to rank groups on a rate (not summed), naming the indicator', async () => {
    for (const indicator of catalogue('statistics').filter((i) => ['STAT_VALUE_ADDED_GROWTH', 'STAT_SALES_RATIO'].includes(i.code)).map((i) => i.code)) {
      const result = await system.query(`{ clusterRankings { statistics(month: "${MONTH}", indicator: "${indicator}") { rank } } }`);
      expect({ indicator, code: result.errors?.[0].extensions?.code, argument: result.errors?.[0].extensions?.argument }).toEqual({ indicator, code: 'BAD_USER_INPUT', argument: 'indicator' });
    }
  });

  it('refuses an unknown cluster and a malformed industry code with BAD_USER_INPUT', async () => {
    const unknown = await system.query('{ cluster(code: "steel") { name } }');
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0].message).toContain('equipment');
    const malformed = await system.query('{ industry(code: "C05") { name } }');
    expect(malformed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps members off the API (for @requires only)', async () => {
    const result = await system.query('{ cluster(code: "tobacco") { members { creditCode } } }');
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('a total over figures awaiting re-reporting (待重报)', () => {
  it('counts the enterprises whose year to date is stale and gives the total the earlier months imply; the figures summed stay as reported', async () => {
    const members = (await register()).filter((m) => m.industryCode.startsWith('C16')).map((m) => m.creditCode);
    const rows = await system.sql('energy', "select subject_code, month, value, ytd_value from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'ENTERPRISE' and month between '2015-04' and '2015-12'");
    const of = (code: string, month: string) => rows.find((r) => r.subject_code === code && r.month === month);
    // A tobacco enterprise with April, May and June reported: May corrected up 5 %, its year to date derived from April's.
    const later = ['2015-06', '2015-07', '2015-08', '2015-09', '2015-10', '2015-11', '2015-12'];
    const code = members.find((c) => ['2015-04', '2015-05', ...later].every((m) => of(c, m)?.value != null && of(c, m)?.ytd_value != null))!;
    expect(code).toBeDefined();
    const may = Math.round(Number(of(code, '2015-05')!.value) * 1.05 * 100) / 100;
    const correction = await system.query(
      'mutation($batch: ObservationBatchInput!) { submitEnergyObservations(batch: $batch) { revised staleObservations { subjectCode month ytdValue impliedYtdValue } } }',
      { batch: { idempotencyKey: `stale-total-${Date.now()}`, reportedBy: '测试员', status: 'FINAL', month: '2015-05', observations: [{ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE', subjectCode: code, unit: '万千瓦时', value: may }] } },
      undefined,
      { token: system.tokens.energy },
    );
    expect(correction.errors).toBeUndefined();
    // Every later month of the year is behind: each implies the one before (as implied) plus its own value.
    let ytd = Number(of(code, '2015-04')!.ytd_value) + may;
    const expected = later.map((month) => {
      ytd = Math.round((ytd + Number(of(code, month)!.value)) * 1e4) / 1e4;
      return { subjectCode: code, month, ytdValue: Number(of(code, month)!.ytd_value), impliedYtdValue: ytd };
    });
    expect(correction.data.submitEnergyObservations.staleObservations).toEqual(expected);
    const implied = expected[0].impliedYtdValue;

    const result = await system.query(`{ cluster(code: "tobacco") { energy(month: "${MONTH}") { indicators { indicator ytdValue staleCount impliedYtdValue } } } }`);
    expect(result.errors).toBeUndefined();
    const total = result.data.cluster.energy.indicators.find((t: { indicator: string }) => t.indicator === 'EN_ELECTRICITY');
    const june = (await system.sql('energy', "select subject_code, ytd_value, implied_ytd_value from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'ENTERPRISE' and month = ?", [MONTH])).filter((r) => members.includes(r.subject_code));
    const reported = june.reduce((s, r) => s + Number(r.ytd_value ?? 0), 0);
    expect(june.filter((r) => r.implied_ytd_value !== null).map((r) => r.subject_code)).toEqual([code]);
    expect(total.staleCount).toBe(1);
    expect(total.ytdValue).toBeCloseTo(reported, 3);
    expect(total.impliedYtdValue).toBeCloseTo(reported - Number(of(code, '2015-06')!.ytd_value) + implied, 3);
  });
});
