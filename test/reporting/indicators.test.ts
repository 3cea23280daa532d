/**
 * The indicators issue 16 item 3 adds, through the gateway (SQLite; PostgreSQL with DATABASE_URL):
 * guarantees and the mutual-aid fund's bridge loans (finance), the orderly-power-use list (energy),
 * inventory reduction and supply-demand matching events (industry), and energy use per unit of
 * industrial value added (statistics, computed on read). Every expected number is computed here
 * from the departments' own databases; the intensity from its sources' rows by its formula.
 */
import { department, workDir, csvText } from '../cli/support';
import { startSystem, type Row, type System } from '../support/system';

const MONTH = '2015-06';
const CITY = '411000';
let system: System;
let regions: string[];
let files: ReturnType<typeof workDir>;

beforeAll(async () => {
  system = await startSystem({ enterprises: 120, services: ['industry', 'finance', 'energy', 'statistics'] });
  regions = [CITY, ...(await system.sql('industry', 'select code from region where parent_code = ? order by code', [CITY])).map((r) => r.code)];
  files = workDir();
});
afterAll(async () => {
  await system?.stop();
  files?.remove();
});

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number, d: number) => Number(v.toFixed(d));

/** What each new indicator is: owner, headline field, unit, kind, sharing, whether reported. */
const NEW = [
  { department: 'finance', code: 'FIN_NEW_GUARANTEES', field: 'newGuarantees', name: '新增担保额', unit: '万元', kind: 'FLOW', sharing: 'CONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'finance', code: 'FIN_GUARANTEED_ENTERPRISES', field: 'guaranteedEnterprises', name: '新增担保贷款户数', unit: '户', kind: 'FLOW', sharing: 'UNCONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'finance', code: 'FIN_MUTUAL_AID_BRIDGE_LOANS', field: 'mutualAidBridgeLoans', name: '企业发展互助资金调贷额', unit: '万元', kind: 'FLOW', sharing: 'CONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'energy', code: 'EN_ORDERLY_CURTAILED_LOAD', field: 'orderlyCurtailedLoad', name: '有序用电压减负荷', unit: '万千瓦', kind: 'STOCK', sharing: 'CONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'energy', code: 'EN_ORDERLY_ENTERPRISES', field: 'orderlyEnterprises', name: '有序用电企业户数', unit: '户', kind: 'STOCK', sharing: 'UNCONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'industry', code: 'IND_INVENTORY_REDUCTION', field: 'inventoryReduction', name: '消化降低库存', unit: '万元', kind: 'FLOW', sharing: 'UNCONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'industry', code: 'IND_MATCHING_EVENTS', field: 'matchingEvents', name: '产销对接活动', unit: '次', kind: 'FLOW', sharing: 'UNCONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'statistics', code: 'STAT_VALUE_ADDED', field: 'valueAdded', name: '规模以上工业增加值（可比价）', unit: '万元', kind: 'FLOW', sharing: 'UNCONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'statistics', code: 'STAT_ENERGY_CONSUMPTION', field: 'energyConsumption', name: '规模以上工业综合能源消费量', unit: '吨标准煤', kind: 'FLOW', sharing: 'UNCONDITIONAL', derivation: 'DERIVED_ALLOWED' },
  { department: 'statistics', code: 'STAT_ENERGY_INTENSITY', field: 'energyIntensity', name: '单位工业增加值能耗', unit: '吨标准煤/万元', kind: 'RATE', sharing: 'UNCONDITIONAL', derivation: 'COMPUTED' },
] as const;
const REPORTED = NEW.filter((n) => n.derivation !== 'COMPUTED');

/** The 2015 targets the seeds set on them (许政[2015]39号 items 十二 and 十六; the Tongxiang paper's item 7). */
const TARGETS = [
  { department: 'finance', indicator: 'FIN_MUTUAL_AID_BRIDGE_LOANS', measure: 'LEVEL', city: 200_000 },
  { department: 'industry', indicator: 'IND_INVENTORY_REDUCTION', measure: 'LEVEL', city: 500_000 },
  { department: 'industry', indicator: 'IND_MATCHING_EVENTS', measure: 'LEVEL', city: 15 },
  { department: 'statistics', indicator: 'STAT_ENERGY_INTENSITY', measure: 'GROWTH_PCT', city: -5 },
] as const;

/** The sources' rows of one region and month, and the intensity they give by the catalogue's formula. */
async function intensityFromDatabase(region: string, month: string) {
  const rows = await system.sql('statistics', "select * from observation where indicator in ('STAT_ENERGY_CONSUMPTION', 'STAT_VALUE_ADDED') and subject_type = 'REGION' and subject_code = ? and month = ?", [region, month]);
  const e = rows.find((r) => r.indicator === 'STAT_ENERGY_CONSUMPTION');
  const v = rows.find((r) => r.indicator === 'STAT_VALUE_ADDED');
  if (!e || !v) return null;
  const ratio = (a: unknown, b: unknown) => (num(a) === null || num(b) === null || !(Number(b) > 0) ? null : round(Number(a) / Number(b), 4));
  const growth = (a: unknown, b: unknown) => (num(a) === null || num(b) === null ? null : round(((1 + Number(a) / 100) / (1 + Number(b) / 100) - 1) * 100, 2));
  return {
    value: ratio(e.value, v.value),
    ytdValue: ratio(e.ytd_value, v.ytd_value),
    yoyPct: growth(e.yoy_pct, v.yoy_pct),
    ytdYoyPct: growth(e.ytd_yoy_pct, v.ytd_yoy_pct),
    version: Number(e.version) + Number(v.version) - 1,
  };
}

describe('the catalogue: each indicator in its owner’s catalogue, once', () => {
  it('lists every new indicator with its unit, kind, sharing and derivation; the intensity as COMPUTED and lower-is-better, its formula in the description', async () => {
    const result = await system.query(`{ indicatorCatalogue { ${['industry', 'finance', 'energy', 'statistics'].map((d) => `${d} { code name nameEn unit kind subjects sharing derivation lowerIsBetter ratioOf { numerator denominator } description targets(year: 2015) { regionCode value measure } }`).join(' ')} } }`);
    expect(result.errors).toBeUndefined();
    const all = Object.entries(result.data.indicatorCatalogue as Record<string, Row[]>).flatMap(([department, list]) => list.map((i) => ({ ...i, department }) as Row));
    for (const n of NEW) {
      const found = all.filter((i) => i.code === n.code || i.name === n.name);
      expect(found.map((i) => ({ department: i.department, code: i.code, name: i.name, unit: i.unit, kind: i.kind, sharing: i.sharing, derivation: i.derivation }))).toEqual([
        { department: n.department, code: n.code, name: n.name, unit: n.unit, kind: n.kind, sharing: n.sharing, derivation: n.derivation },
      ]);
      expect(found[0].nameEn.length).toBeGreaterThan(5);
      expect(found[0].lowerIsBetter).toBe(n.code === 'STAT_ENERGY_INTENSITY');
      expect(found[0].ratioOf).toEqual(n.code === 'STAT_ENERGY_INTENSITY' ? { numerator: 'STAT_ENERGY_CONSUMPTION', denominator: 'STAT_VALUE_ADDED' } : null);
    }
    const intensity = all.find((i) => i.code === 'STAT_ENERGY_INTENSITY')!;
    expect(intensity.description).toMatch(/STAT_ENERGY_CONSUMPTION.*÷.*STAT_VALUE_ADDED/);
    expect(intensity.description).toMatch(/下降5%以上/);
    for (const t of TARGETS) {
      const listed = all.find((i) => i.code === t.indicator)!.targets.find((x: Row) => x.regionCode === CITY && x.measure === t.measure);
      const [row] = await system.sql(t.department, "select value from target where year = 2015 and region_code = ? and indicator = ? and measure = ? and scope is null", [CITY, t.indicator, t.measure]);
      expect(listed.value).toBe(Number(row.value));
      expect(listed.value).toBe(t.city);
    }
  });
});

describe('the figures through the gateway, as each department’s database holds them', () => {
  it.each(REPORTED.map((n) => [n.code, n.department, n] as const))('%s (%s): headline field and indicators(codes:), every region', async (_code, _department, n) => {
    const result = await system.query(`{ regions { code ${n.department}(month: "${MONTH}") { ${n.field} { value ytdValue yoyPct ytdYoyPct unit } indicators(codes: ["${n.code}"]) { value ytdValue } } } }`, undefined, undefined, { token: system.tokens[n.department] });
    expect(result.errors).toBeUndefined();
    const rows = new Map((await system.sql(n.department, "select * from observation where indicator = ? and subject_type = 'REGION' and month = ?", [n.code, MONTH])).map((r) => [r.subject_code, r]));
    expect(rows.size).toBeGreaterThan(1);
    for (const region of result.data.regions) {
      const row = rows.get(region.code);
      const figures = region[n.department];
      if (!row) {
        expect(figures[n.field]).toBeNull();
        continue;
      }
      expect(figures[n.field]).toEqual({ value: num(row.value), ytdValue: num(row.ytd_value), yoyPct: num(row.yoy_pct), ytdYoyPct: num(row.ytd_yoy_pct), unit: n.unit });
      expect(figures.indicators).toEqual([{ value: num(row.value), ytdValue: num(row.ytd_value) }]);
    }
  });

  it('the intensity (单位工业增加值能耗) of every region and month of 2015 is consumption ÷ value added of the bureau’s rows; none in January (1–2月)', async () => {
    const months = Array.from({ length: 12 }, (_, i) => `2015-${String(i + 1).padStart(2, '0')}`);
    const query = `{ ${months.map((m, i) => `m${i}: regions { code statistics(month: "${m}") { energyIntensity { value ytdValue yoyPct ytdYoyPct derived version unit } } }`).join(' ')} }`;
    // Another department's analyst: the intensity and its sources are unconditionally shared.
    const result = await system.query(query, undefined, undefined, { token: system.tokens.energy });
    expect(result.errors).toBeUndefined();
    let compared = 0;
    for (const [i, month] of months.entries()) {
      for (const region of result.data[`m${i}`]) {
        const expected = await intensityFromDatabase(region.code, month);
        const got = region.statistics.energyIntensity;
        if (!expected) {
          expect({ month, region: region.code, got }).toEqual({ month, region: region.code, got: null });
          continue;
        }
        expect({ month, region: region.code, got }).toEqual({ month, region: region.code, got: { ...expected, derived: true, unit: '吨标准煤/万元' } });
        compared++;
      }
    }
    expect(result.data.m0.every((r: Row) => r.statistics.energyIntensity === null)).toBe(true);
    expect(compared).toBe(11 * regions.length);
  });

  it('reading the intensity alone is a read of its two sources in the audit trail', async () => {
    const requestId = `intensity-audit-${Date.now()}`;
    const result = await system.query(`{ region(code: "411024") { statistics(month: "${MONTH}") { energyIntensity { value } } } }`, undefined, undefined, { token: system.tokens.finance, headers: { 'x-request-id': requestId } });
    expect(result.errors).toBeUndefined();
    let rows: Row[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = await system.sql('access', 'select indicators from audit_record where request_id = ?', [requestId]);
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(JSON.parse(rows[0].indicators).sort()).toEqual(['STAT_ENERGY_CONSUMPTION', 'STAT_ENERGY_INTENSITY', 'STAT_VALUE_ADDED']);
  });

  it('follows a revision of a source at once, and `asOf` before it gives the intensity as it stood', async () => {
    const region = '411024';
    const before = await intensityFromDatabase(region, MONTH);
    const [va] = await system.sql('statistics', "select * from observation where indicator = 'STAT_VALUE_ADDED' and subject_type = 'REGION' and subject_code = ? and month = ?", [region, MONTH]);
    const [may] = await system.sql('statistics', "select ytd_value from observation where indicator = 'STAT_VALUE_ADDED' and subject_type = 'REGION' and subject_code = ? and month = '2015-05'", [region]);
    const value = round(Number(va.value) * 1.03, 2);
    const stamp = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const revised = await system.query(
      'mutation($batch: ObservationBatchInput!) { submitStatisticsObservations(batch: $batch) { created revised } }',
      { batch: { idempotencyKey: `intensity-revision-${Date.now()}`, month: MONTH, reportedBy: '统计局测试', status: 'FINAL', observations: [{ indicator: 'STAT_VALUE_ADDED', subjectKind: 'REGION', subjectCode: region, unit: '万元', value, ytdValue: round(Number(may.ytd_value) + value, 2) }] } },
      undefined,
      { token: system.tokens.statistics },
    );
    expect(revised.errors).toBeUndefined();
    expect(revised.data.submitStatisticsObservations.revised).toBe(1);
    const after = await intensityFromDatabase(region, MONTH);
    expect(after!.value).not.toBe(before!.value);
    const read = await system.query(`{ now: region(code: "${region}") { statistics(month: "${MONTH}") { energyIntensity { value ytdValue yoyPct ytdYoyPct version status } } } then: region(code: "${region}") { statistics(month: "${MONTH}", asOf: "${stamp}") { energyIntensity { value ytdValue yoyPct ytdYoyPct version } } } }`);
    expect(read.errors).toBeUndefined();
    expect(read.data.now.statistics.energyIntensity).toEqual({ ...after, status: 'REVISED' });
    expect(read.data.then.statistics.energyIntensity).toEqual(before);
  });
});

describe('targets, completion and time progress', () => {
  it.each(TARGETS.map((t) => [t.indicator, t] as const))('%s: every region with a target, judged from the database’s figures', async (_code, t) => {
    const result = await system.query(`{ regions { code ${t.department}(month: "${MONTH}") { targets { target { indicator measure value unit source period } actualValue completionPct timeProgressPct gap behind } } } }`);
    expect(result.errors).toBeUndefined();
    let judged = 0;
    for (const region of result.data.regions) {
      const progress = region[t.department].targets.filter((p: Row) => p.target.indicator === t.indicator && p.target.measure === t.measure);
      const [target] = await system.sql(t.department, 'select * from target where year = 2015 and region_code = ? and indicator = ? and measure = ?', [region.code, t.indicator, t.measure]);
      if (!target) {
        expect(progress).toEqual([]);
        continue;
      }
      expect(progress).toHaveLength(1);
      const p = progress[0];
      expect(p.target.value).toBe(Number(target.value));
      if (t.measure === 'LEVEL') {
        const [row] = await system.sql(t.department, "select ytd_value from observation where indicator = ? and subject_type = 'REGION' and subject_code = ? and month = ?", [t.indicator, region.code, MONTH]);
        const completion = round((Number(row.ytd_value) / Number(target.value)) * 100, 2);
        expect(p).toMatchObject({ actualValue: Number(row.ytd_value), completionPct: completion, timeProgressPct: 50, gap: round(completion - 50, 2), behind: completion < 50 });
      } else {
        // A fall: the intensity's year-to-date change from its sources, against a ceiling of −5 %.
        const growth = (await intensityFromDatabase(region.code, MONTH))!.ytdYoyPct!;
        expect(p).toMatchObject({ actualValue: growth, completionPct: null, timeProgressPct: null, gap: round(Number(target.value) - growth, 2), behind: growth > Number(target.value) });
        expect(p.target.source).toMatch(/桐乡/);
      }
      judged++;
    }
    expect(judged).toBe(regions.length);
  });

  it('warns (TARGET_BEHIND) for exactly the regions whose intensity fell less than 5 % by more than the threshold, naming the ceiling', async () => {
    const result = await system.query(`{ warnings(month: "${MONTH}") { statisticsTargetsBehind { subjectCode message thresholds { name value } } } }`);
    expect(result.errors).toBeUndefined();
    const warned = result.data.warnings.statisticsTargetsBehind.filter((w: Row) => w.message.includes('STAT_ENERGY_INTENSITY'));
    const gapPoints = Number(result.data.warnings.statisticsTargetsBehind[0]?.thresholds.find((t: Row) => t.name === 'targetGapPoints')?.value ?? 0);
    const expected = [];
    for (const code of regions) {
      const growth = (await intensityFromDatabase(code, MONTH))!.ytdYoyPct!;
      if (round(-5 - growth, 2) < -gapPoints) expected.push(code);
    }
    expect(warned.map((w: Row) => w.subjectCode)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    for (const w of warned) expect(w.message).toMatch(/against the ceiling \(lower is better\) of -5%/);
  });

  it('ranks the districts by the intensity’s fall, the largest fall first (lower is better)', async () => {
    const result = await system.query(`{ region(code: "${CITY}") { statistics(month: "${MONTH}") { ranking(indicator: "STAT_ENERGY_INTENSITY", by: GROWTH) { rank value region { code } } } } }`);
    expect(result.errors).toBeUndefined();
    const expected = [];
    for (const code of regions.slice(1)) expected.push({ code, value: (await intensityFromDatabase(code, MONTH))!.ytdYoyPct! });
    expected.sort((a, b) => a.value - b.value || a.code.localeCompare(b.code));
    const ranking = result.data.region.statistics.ranking;
    expect(ranking.map((r: Row) => ({ code: r.region.code, value: r.value }))).toEqual(expected);
    expect(ranking[0].rank).toBe(1);
  });
});

describe('the orderly-power-use list (有序用电名单)', () => {
  const LIST = (region: string, month: string) =>
    `{ region(code: "${region}") { energy(month: "${month}") { orderlyEnterprises { value } orderlyCurtailedLoad { value } orderlyPowerUse { enterprise { creditCode name } curtailedLoad { subjectCode value unit } } } } }`;

  it('lists, per region and month, exactly the enterprises with a curtailed load, with their loads; the counts agree', async () => {
    const register = new Map((await system.sql('energy', 'select credit_code, region_code from enterprise_register')).map((r) => [r.credit_code, r.region_code]));
    const names = new Map((await system.sql('industry', 'select credit_code, name from enterprise')).map((r) => [r.credit_code, r.name]));
    let listed = 0;
    for (const month of ['2015-05', '2015-06', '2015-07']) {
      const rows = await system.sql('energy', "select subject_code, value from observation where indicator = 'EN_ORDERLY_CURTAILED_LOAD' and subject_type = 'ENTERPRISE' and month = ? and value > 0", [month]);
      for (const region of regions) {
        const result = await system.query(LIST(region, month), undefined, undefined, { token: system.tokens.energy });
        expect(result.errors).toBeUndefined();
        const energy = result.data.region.energy;
        const expected = rows
          .filter((r) => region === CITY || register.get(r.subject_code) === region)
          .map((r) => ({ enterprise: { creditCode: r.subject_code, name: names.get(r.subject_code) }, curtailedLoad: { subjectCode: r.subject_code, value: Number(r.value), unit: '万千瓦' } }))
          .sort((a, b) => b.curtailedLoad.value - a.curtailedLoad.value || a.enterprise.creditCode.localeCompare(b.enterprise.creditCode));
        expect({ region, month, list: energy.orderlyPowerUse }).toEqual({ region, month, list: expected });
        expect(energy.orderlyEnterprises.value).toBe(expected.length);
        expect(energy.orderlyCurtailedLoad.value).toBeCloseTo(expected.reduce((s, e) => s + e.curtailedLoad.value, 0), 2);
        listed += expected.length;
      }
    }
    expect(listed).toBeGreaterThan(0);
  });

  it('is the power company’s conditionally shared data: finance without a grant gets FORBIDDEN for the list only, the counts still; with a grant, the list', async () => {
    const month = '2015-07';
    const denied = await system.query(LIST(CITY, month), undefined, undefined, { token: system.tokens.finance });
    // The list names enterprises; a region's curtailed load sums its listed enterprises (one in a
    // district is that enterprise's load), so it needs the grant too; the count is open.
    expect(denied.errors!.map((e) => ({ code: e.extensions?.code, path: e.path?.join('.') })).sort((a, b) => String(a.path).localeCompare(String(b.path)))).toEqual([
      { code: 'FORBIDDEN', path: 'region.energy.orderlyCurtailedLoad' },
      { code: 'FORBIDDEN', path: 'region.energy.orderlyPowerUse' },
    ]);
    expect(denied.data.region.energy.orderlyPowerUse).toBeNull();
    expect(denied.data.region.energy.orderlyCurtailedLoad).toBeNull();
    // Every district likewise: no path gives a district's load to finance.
    const districts = (await system.sql('energy', "select distinct subject_code from observation where indicator = 'EN_ORDERLY_CURTAILED_LOAD' and subject_type = 'REGION' and subject_code <> ? and month = ?", [CITY, month])).map((r) => String(r.subject_code));
    expect(districts.length).toBeGreaterThan(0);
    const districtsDenied = await system.query(
      `{ ${districts.map((d, i) => `d${i}: region(code: "${d}") { energy(month: "${month}") { orderlyCurtailedLoad { value } indicators(codes: ["EN_ORDERLY_CURTAILED_LOAD"]) { value } } }`).join(' ')} }`,
      undefined,
      undefined,
      { token: system.tokens.finance },
    );
    for (let i = 0; i < districts.length; i++) {
      const energy = districtsDenied.data[`d${i}`].energy;
      expect({ district: districts[i], load: energy?.orderlyCurtailedLoad ?? null, indicators: energy?.indicators ?? null }).toEqual({ district: districts[i], load: null, indicators: null });
    }
    expect(districtsDenied.errors!.length).toBeGreaterThanOrEqual(districts.length * 2);
    expect(districtsDenied.errors!.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    const [count] = await system.sql('energy', "select value from observation where indicator = 'EN_ORDERLY_ENTERPRISES' and subject_code = ? and month = ?", [CITY, month]);
    expect(denied.data.region.energy.orderlyEnterprises.value).toBe(Number(count.value));
    expect(Number(count.value)).toBeGreaterThan(0);

    // The secretariat holds the demo grant; the owner reads its own.
    for (const token of [system.tokens.industry, system.tokens.energy]) {
      const ok = await system.query(LIST(CITY, month), undefined, undefined, { token });
      expect(ok.errors).toBeUndefined();
      expect(ok.data.region.energy.orderlyPowerUse).toHaveLength(Number(count.value));
    }

    const admin = await system.addClient({ department: 'energy', role: 'ADMINISTRATOR' });
    const grant = await system.query(
      'mutation($input: AccessGrantInput!) { grantEnergyAccess(input: $input) { id } }',
      { input: { grantee: 'finance', indicators: ['EN_ORDERLY_CURTAILED_LOAD'], purpose: '有序用电企业的融资协调 (financing for firms on the list)', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
      undefined,
      { token: admin.token },
    );
    expect(grant.errors).toBeUndefined();
    const granted = await system.query(LIST(CITY, month), undefined, undefined, { token: system.tokens.finance });
    expect(granted.errors).toBeUndefined();
    expect(granted.data.region.energy.orderlyPowerUse).toHaveLength(Number(count.value));
  });
});

describe('reporting them like any other indicator', () => {
  it('the templates list the reported ones and leave out the computed intensity; `huishang import` writes them; the intensity follows', async () => {
    const month = '2016-03';
    for (const name of ['finance', 'energy', 'industry', 'statistics'] as const) {
      const dept = department(system, name);
      const template = await dept.cli(['template', '--department', name, '--month', month, '--format', 'csv', '--output', files.path(`${name}.csv`)]);
      expect(template.code).toBe(0);
      const text = (await import('node:fs')).readFileSync(files.path(`${name}.csv`), 'utf8');
      for (const n of NEW.filter((x) => x.department === name)) expect({ code: n.code, inTemplate: text.includes(n.code) }).toEqual({ code: n.code, inTemplate: n.derivation !== 'COMPUTED' });
    }
    const region = '411024';
    const rows = [
      ['STAT_ENERGY_CONSUMPTION', 'REGION', region, '吨标准煤', 30000, null],
      ['STAT_VALUE_ADDED', 'REGION', region, '万元', 40000, null],
    ];
    const stat = department(system, 'statistics');
    const imported = await stat.cli(['import', '--department', 'statistics', '--month', month, files.write('stat.csv', csvText(rows))]);
    expect(imported.code).toBe(0);
    const fin = department(system, 'finance');
    const finRows = [
      ['FIN_MUTUAL_AID_BRIDGE_LOANS', 'REGION', region, '万元', 1234.5, null],
      ['FIN_GUARANTEED_ENTERPRISES', 'REGION', region, '户', 3, null],
    ];
    expect((await fin.cli(['import', '--department', 'finance', '--month', month, files.write('fin.csv', csvText(finRows))])).code).toBe(0);
    const ind = department(system, 'industry');
    expect((await ind.cli(['import', '--department', 'industry', '--month', month, files.write('ind.csv', csvText([['IND_MATCHING_EVENTS', 'REGION', region, '次', 2, null]]))])).code).toBe(0);
    const en = department(system, 'energy');
    expect((await en.cli(['import', '--department', 'energy', '--month', month, files.write('en.csv', csvText([['EN_ORDERLY_ENTERPRISES', 'REGION', region, '户', 4, null]]))])).code).toBe(0);
    for (const [name, code, value] of [
      ['finance', 'FIN_MUTUAL_AID_BRIDGE_LOANS', 1234.5],
      ['finance', 'FIN_GUARANTEED_ENTERPRISES', 3],
      ['industry', 'IND_MATCHING_EVENTS', 2],
      ['energy', 'EN_ORDERLY_ENTERPRISES', 4],
    ] as const) {
      const [row] = await system.sql(name, 'select value from observation where indicator = ? and subject_code = ? and month = ?', [code, region, month]);
      expect({ code, value: Number(row.value) }).toEqual({ code, value });
    }
    const read = await system.query(`{ region(code: "${region}") { statistics(month: "${month}") { energyIntensity { value } } } }`);
    expect(read.data.region.statistics.energyIntensity.value).toBe((await intensityFromDatabase(region, month))!.value);
    expect(read.data.region.statistics.energyIntensity.value).toBe(0.75);

    // The intensity itself is refused, naming its sources; nothing written.
    const refused = await stat.cliStrict(['import', '--department', 'statistics', '--month', month, '--json', files.write('intensity.csv', csvText([['STAT_ENERGY_INTENSITY', 'REGION', region, '吨标准煤/万元', 0.5, null]]))]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('COMPUTED_INDICATOR');
    expect(refused.stdout).toMatch(/STAT_ENERGY_CONSUMPTION ÷ STAT_VALUE_ADDED/);
    expect(await system.sql('statistics', "select * from observation where indicator = 'STAT_ENERGY_INTENSITY'")).toEqual([]);
  });
});
