/**
 * Monthly reporting through the gateway (issue 3): departments submit, re-submit, correct and
 * revise their figures; every rule refuses bad input with its code and writes nothing; the meeting
 * can still read a figure as it stood before a correction.
 */
import { catalogue } from '../support/figures';
import { SUBGRAPHS, startSystem, type GraphQLResult, type Row, type SubgraphName, type System } from '../support/system';

const SUBMIT = (department: string) => `submit${department[0].toUpperCase()}${department.slice(1)}Observations`;

const RESULT_FIELDS = 'submissionId idempotencyKey replayed dryRun created updated revised unchanged observations { indicator subjectCode value ytdValue yoyPct ytdYoyPct status version derived }';

interface Row_ {
  indicator: string;
  subjectKind: 'REGION' | 'ENTERPRISE';
  subjectCode: string;
  unit: string;
  value?: number | null;
  ytdValue?: number | null;
  yoyPct?: number | null;
  ytdYoyPct?: number | null;
}

let system: System;
let enterprises: string[];
let counter = 0;
const newKey = (label: string) => `test-${label}-${Date.now()}-${counter++}`;

async function submit(department: SubgraphName, batch: { idempotencyKey?: string; month: string; status?: string; reportedBy?: string; observations: Row_[] }, dryRun = false): Promise<GraphQLResult> {
  return system.query(
    `mutation($batch: ObservationBatchInput!, $dryRun: Boolean!) { result: ${SUBMIT(department)}(batch: $batch, dryRun: $dryRun) { ${RESULT_FIELDS} } }`,
    {
      batch: {
        idempotencyKey: batch.idempotencyKey ?? newKey(department),
        reportedBy: batch.reportedBy ?? '测试员',
        status: batch.status ?? 'PRELIMINARY',
        month: batch.month,
        observations: batch.observations,
        // These figures test the ledger, not plausibility (test/reporting/figures.test.ts does): round numbers far from the demo city's history.
        acceptOutliers: { reason: 'test figures' },
      },
      dryRun,
    },
    undefined,
    // Each department reports its own figures, as its own demo analyst.
    { token: system.tokens[department] },
  );
}

/** Everything a department's database holds that reporting can change: to prove nothing was written. */
async function snapshot(department: SubgraphName): Promise<string> {
  const parts: Row[][] = [];
  for (const table of ['observation', 'observation_history', 'submission']) {
    parts.push(await system.sql(department, `select * from ${table} order by id`));
  }
  return JSON.stringify(parts);
}

function problemsOf(result: GraphQLResult): { code: string; field: string; index: number | null }[] {
  expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  return result.errors![0].extensions!.problems as never;
}

beforeAll(async () => {
  system = await startSystem({ enterprises: 60 });
  enterprises = (await system.sql('energy', 'select credit_code from enterprise_register order by credit_code')).map((r) => r.credit_code);
});
afterAll(async () => {
  const codes = await system?.stop();
  if (codes) expect(Object.values(codes).every((c) => c === 0)).toBe(true);
});

describe('the indicator catalogue', () => {
  it('lists every department’s indicators in one query, as each subgraph defines them', async () => {
    const result = await system.query(`{ indicatorCatalogue { city ${SUBGRAPHS.map((s) => `${s} { code name nameEn unit unitMultiplier kind subjects sharing regionSumsListedEnterprises derivation department frequency description }`).join(' ')} } }`);
    expect(result.errors).toBeUndefined();
    for (const department of SUBGRAPHS) {
      const listed = result.data.indicatorCatalogue[department];
      expect(listed.map((i: { code: string }) => i.code)).toEqual(catalogue(department).map((c) => c.code));
      expect(listed.every((i: { department: string }) => i.department === department)).toBe(true);
      // How a district figure is shared is in the graph, not only in prose: as each definition says.
      expect(listed.map((i: { code: string; sharing: string; regionSumsListedEnterprises: boolean }) => [i.code, i.sharing, i.regionSumsListedEnterprises])).toEqual(
        catalogue(department).map((c) => [c.code, c.sharing, c.regionSumsListedEnterprises]),
      );
    }
    // The flagged ones include the key enterprises' output and 抽贷 (finding 3 of a fresh tester's report).
    const flagged = SUBGRAPHS.flatMap((d) => result.data.indicatorCatalogue[d].filter((i: { regionSumsListedEnterprises: boolean }) => i.regionSumsListedEnterprises).map((i: { code: string }) => i.code));
    expect(flagged).toEqual(expect.arrayContaining(['IND_KEY_ENTERPRISE_OUTPUT', 'FIN_LOAN_WITHDRAWAL']));
    const vaGrowth = result.data.indicatorCatalogue.statistics.find((i: { code: string }) => i.code === 'STAT_VALUE_ADDED_GROWTH');
    expect(vaGrowth).toMatchObject({ derivation: 'REPORTED_ONLY', kind: 'RATE', unit: '%', unitMultiplier: 1 });
    const electricity = result.data.indicatorCatalogue.energy.find((i: { code: string }) => i.code === 'EN_ELECTRICITY');
    expect(electricity).toMatchObject({ derivation: 'DERIVED_ALLOWED', unit: '万千瓦时', unitMultiplier: 10000, sharing: 'CONDITIONAL' });
  });
});

describe('submitting a month', () => {
  const month = '2016-01';
  let key: string;
  let batch: Row_[];

  it('creates the figures and derives what the catalogue allows, saying so', async () => {
    key = newKey('create');
    batch = enterprises.slice(0, 3).map((code, i) => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE' as const, subjectCode: code, unit: '万千瓦时', value: 100 + i }));
    const result = await submit('energy', { idempotencyKey: key, month, observations: batch });
    expect(result.errors).toBeUndefined();
    expect(result.data.result).toMatchObject({ replayed: false, created: 3, updated: 0, revised: 0, unchanged: 0 });
    for (const [i, code] of enterprises.slice(0, 3).entries()) {
      const [lastYear] = await system.sql('energy', "select value from observation where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = '2015-01'", [code]);
      const [stored] = await system.sql('energy', "select * from observation where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = ?", [code, month]);
      expect(Number(stored.value)).toBe(100 + i);
      // January: the year to date is the month; growth compares with January 2015.
      expect(Number(stored.ytd_value)).toBe(100 + i);
      expect(Number(stored.yoy_pct)).toBeCloseTo(((100 + i) / Number(lastYear.value) - 1) * 100, 1);
      expect(Boolean(stored.derived)).toBe(true);
    }
    const read = await system.query(`{ enterprise(creditCode: "${enterprises[0]}") { energy(month: "${month}") { electricity { value ytdValue derived version status } } } }`);
    expect(read.data.enterprise.energy.electricity).toEqual({ value: 100, ytdValue: 100, derived: true, version: 1, status: 'PRELIMINARY' });
  });

  it('changes nothing when the same batch comes again under the same key, and says so', async () => {
    const before = await snapshot('energy');
    const result = await submit('energy', { idempotencyKey: key, month, observations: batch });
    expect(result.errors).toBeUndefined();
    expect(result.data.result).toMatchObject({ replayed: true, created: 3 });
    expect(await snapshot('energy')).toBe(before);
  });

  it('refuses the same key with different content', async () => {
    const before = await snapshot('energy');
    const result = await submit('energy', { idempotencyKey: key, month, observations: [{ ...batch[0], value: 999 }] });
    expect(result.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    // It names the batch the key was used for (a tester's clerk could not tell which): its number, month, who, when.
    const [used] = await system.sql('energy', 'select id, month, reported_by from submission where idempotency_key = ?', [key]);
    expect(result.errors![0].extensions).toMatchObject({ field: 'batch.idempotencyKey', submissionId: Number(used.id), month: used.month });
    expect(result.errors![0].message).toContain(`(submission ${used.id}, ${used.month}, reported by ${used.reported_by} at `);
    expect(result.errors![0].message).toMatch(/use a new key for new content, or send that batch unchanged to get its answer again/);
    expect(await snapshot('energy')).toBe(before);
  });

  it('validates without writing on a dry run', async () => {
    const before = await snapshot('energy');
    const result = await submit('energy', { month, observations: [{ ...batch[0], value: 5 }] }, true);
    expect(result.data.result).toMatchObject({ dryRun: true, submissionId: null });
    expect(await snapshot('energy')).toBe(before);
  });

  it('accepts statistics’ combined January–February (1–2月): year to date only, nothing derived', async () => {
    const result = await submit('statistics', {
      month: '2016-02',
      observations: [{ indicator: 'STAT_GROSS_OUTPUT', subjectKind: 'REGION', subjectCode: '411002', unit: '万元', value: null, ytdValue: 123456.7, ytdYoyPct: 8.8 }],
    });
    expect(result.errors).toBeUndefined();
    const read = await system.query('{ region(code: "411002") { jan: statistics(month: "2016-01") { grossOutput { value } } feb: statistics(month: "2016-02") { grossOutput { value ytdValue ytdYoyPct derived } } } }');
    expect(read.data.region.jan.grossOutput).toBeNull();
    expect(read.data.region.feb.grossOutput).toEqual({ value: null, ytdValue: 123456.7, ytdYoyPct: 8.8, derived: false });
  });
});

describe('correcting figures', () => {
  it('makes a preliminary figure final', async () => {
    // The demo's latest month (2015-12) is preliminary.
    const [row] = await system.sql('energy', "select * from observation where indicator = 'EN_GAS' and subject_code = ? and month = '2015-12'", [enterprises[5]]);
    expect(row.status).toBe('PRELIMINARY');
    const result = await submit('energy', {
      month: '2015-12',
      status: 'FINAL',
      observations: [{ indicator: 'EN_GAS', subjectKind: 'ENTERPRISE', subjectCode: enterprises[5], unit: '万立方米', value: Number(row.value), ytdValue: Number(row.ytd_value), yoyPct: Number(row.yoy_pct), ytdYoyPct: Number(row.ytd_yoy_pct) }],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.result).toMatchObject({ updated: 1 });
    expect(result.data.result.observations[0]).toMatchObject({ status: 'FINAL', version: 2, value: Number(row.value) });
  });

  it('revises a final figure: the new one is REVISED, the old one stays readable, and asOf shows what the meeting saw', async () => {
    const code = enterprises[7];
    const [original] = await system.sql('energy', "select * from observation where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = '2015-06'", [code]);
    expect(original.status).toBe('FINAL');
    const beforeRevision = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const result = await submit('energy', {
      month: '2015-06',
      status: 'FINAL',
      reportedBy: '供电公司营销部',
      observations: [{ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE', subjectCode: code, unit: '万千瓦时', value: Number(original.value) + 10, ytdValue: Number(original.ytd_value) + 10 }],
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.result).toMatchObject({ revised: 1, created: 0 });

    const read = await system.query(
      `query($asOf: DateTimeISO!) { enterprise(creditCode: "${code}") {
        now: energy(month: "2015-06") { electricity { value status version reportedBy history { version value status reportedBy supersededAt } } }
        then: energy(month: "2015-06", asOf: $asOf) { electricity { value status version } }
      } }`,
      { asOf: beforeRevision },
    );
    expect(read.errors).toBeUndefined();
    const now = read.data.enterprise.now.electricity;
    expect(now).toMatchObject({ value: Number(original.value) + 10, status: 'REVISED', version: 2, reportedBy: '供电公司营销部' });
    expect(now.history).toEqual([expect.objectContaining({ version: 1, value: Number(original.value), status: 'FINAL', reportedBy: original.reported_by })]);
    expect(read.data.enterprise.then.electricity).toEqual({ value: Number(original.value), status: 'FINAL', version: 1 });
    // Before anything was reported for that month, there was nothing to see.
    const beforeAll_ = await system.query(`{ enterprise(creditCode: "${code}") { energy(month: "2015-06", asOf: "2015-07-01T00:00:00Z") { electricity { value } } } }`);
    expect(beforeAll_.data.enterprise.energy.electricity).toBeNull();
  });

  it('refuses to take a final figure back to preliminary, writing nothing', async () => {
    const [row] = await system.sql('energy', "select * from observation where indicator = 'EN_GAS' and subject_code = ? and month = '2015-05'", [enterprises[9]]);
    const before = await snapshot('energy');
    const result = await submit('energy', {
      month: '2015-05',
      status: 'PRELIMINARY',
      observations: [
        { indicator: 'EN_GAS', subjectKind: 'ENTERPRISE', subjectCode: enterprises[9], unit: '万立方米', value: Number(row.value) + 1 },
        { indicator: 'EN_GAS', subjectKind: 'ENTERPRISE', subjectCode: enterprises[10], unit: '万立方米', value: 1 },
      ],
    });
    // Both figures of 2015-05 are final already: each is named.
    expect(problemsOf(result)).toEqual([0, 1].map((index) => expect.objectContaining({ index, code: 'STATUS_REGRESSION', field: 'status' })));
    expect(await snapshot('energy')).toBe(before);
  });
});

describe('every validation rule refuses with its code and writes nothing', () => {
  const good = (): Row_ => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE', subjectCode: enterprises[1], unit: '万千瓦时', value: 12 });
  const alterCheck = (code: string) => code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  const cases: [string, () => { department?: SubgraphName; month?: string; observations: Row_[] }, string, string][] = [
    ['another department’s indicator', () => ({ observations: [{ ...good(), indicator: 'FIN_NEW_LOANS', unit: '万元' }] }), 'UNKNOWN_INDICATOR', 'indicator'],
    ['an unknown indicator', () => ({ observations: [{ ...good(), indicator: 'EN_COAL' }] }), 'UNKNOWN_INDICATOR', 'indicator'],
    ['a unit that is not the catalogue’s', () => ({ observations: [{ ...good(), unit: '亿千瓦时' }] }), 'UNIT_MISMATCH', 'unit'],
    ['a credit code with its check character changed', () => ({ observations: [{ ...good(), subjectCode: alterCheck(enterprises[1]) }] }), 'BAD_IDENTIFIER', 'subjectCode'],
    ['a region code that does not exist', () => ({ observations: [{ ...good(), subjectKind: 'REGION', subjectCode: '411099' }] }), 'BAD_IDENTIFIER', 'subjectCode'],
    ['an enterprise the register does not hold', () => ({ observations: [{ ...good(), subjectCode: '91350100M000100Y43' }] }), 'UNKNOWN_SUBJECT', 'subjectCode'],
    ['a subject the indicator is not reported for', () => ({ department: 'industry', observations: [{ indicator: 'IND_PROJECT_INVESTMENT', subjectKind: 'ENTERPRISE', subjectCode: enterprises[1], unit: '万元', value: 1 }] }), 'SUBJECT_NOT_REPORTED', 'subjectKind'],
    ['a month in the future', () => ({ month: '2099-01', observations: [good()] }), 'FUTURE_MONTH', 'month'],
    ['negative kWh', () => ({ observations: [{ ...good(), value: -5 }] }), 'OUT_OF_RANGE', 'value'],
    ['no value at all', () => ({ observations: [{ ...good(), value: null }] }), 'MISSING_VALUE', 'value'],
    ['a year-to-date value for a stock', () => ({ department: 'finance', observations: [{ indicator: 'FIN_LOANS_OUTSTANDING', subjectKind: 'ENTERPRISE', subjectCode: enterprises[1], unit: '万元', value: 10, ytdValue: 10 }] }), 'NOT_APPLICABLE', 'ytdValue'],
    ['the same figure twice', () => ({ observations: [good(), { ...good(), value: 13 }] }), 'DUPLICATE_ROW', 'indicator'],
    ['an empty batch', () => ({ observations: [] }), 'BAD_BATCH', 'observations'],
  ];

  it.each(cases)('%s', async (_label, make, code, field) => {
    const { department = 'energy', month = '2016-03', observations } = make();
    const before = await snapshot(department);
    const result = await submit(department, { month, observations });
    const problems = problemsOf(result);
    expect(problems).toContainEqual(expect.objectContaining({ code, field }));
    expect(result.errors![0].message).toMatch(/batch refused, nothing was written/);
    expect(await snapshot(department)).toBe(before);
  });

  it('a bad month literal is refused at the gateway before any subgraph', async () => {
    const result = await system.query(`mutation { submitEnergyObservations(batch: { idempotencyKey: "k", month: "2016-13", reportedBy: "x", observations: [] }) { created } }`, undefined, undefined, { token: system.tokens.energy });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(/month 13 does not exist/);
  });

  it('one bad row among 500 good ones: nothing written', async () => {
    const rows: Row_[] = [];
    for (const code of enterprises) for (const indicator of ['EN_ELECTRICITY', 'EN_GAS']) rows.push({ indicator, subjectKind: 'ENTERPRISE', subjectCode: code, unit: indicator === 'EN_GAS' ? '万立方米' : '万千瓦时', value: 1 });
    while (rows.length < 500) rows.push(...rows.slice(0, 500 - rows.length).map((r) => ({ ...r })));
    // Spread over months is not possible in one batch: keep 500 distinct rows by using the regions too.
    const distinct = new Map(rows.map((r) => [`${r.indicator}|${r.subjectCode}`, r]));
    const batch = [...distinct.values()];
    batch.splice(Math.floor(batch.length / 2), 1, { ...batch[Math.floor(batch.length / 2)], unit: '亿元' });
    const before = await snapshot('energy');
    const result = await submit('energy', { month: '2016-04', observations: batch });
    expect(problemsOf(result)).toEqual([expect.objectContaining({ index: Math.floor(batch.length / 2), code: 'UNIT_MISMATCH' })]);
    expect(await snapshot('energy')).toBe(before);
  });
});

describe('concurrent batches for the same department and month', () => {
  it('end as if applied one after the other: nothing duplicated, nothing lost', async () => {
    const month = '2016-05';
    const codes = enterprises.slice(0, 20);
    const batchA: Row_[] = codes.map((code) => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE', subjectCode: code, unit: '万千瓦时', value: 111 }));
    const batchB: Row_[] = codes.slice(10).concat(enterprises.slice(20, 30)).map((code) => ({ indicator: 'EN_ELECTRICITY', subjectKind: 'ENTERPRISE', subjectCode: code, unit: '万千瓦时', value: 222 }));
    const [a, b] = await Promise.all([
      submit('energy', { month, status: 'FINAL', observations: batchA }),
      submit('energy', { month, status: 'FINAL', observations: batchB }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const rows = await system.sql('energy', "select subject_code, value, version from observation where indicator = 'EN_ELECTRICITY' and month = ?", [month]);
    expect(rows).toHaveLength(30);
    const history = await system.sql('energy', "select subject_code, value from observation_history where indicator = 'EN_ELECTRICITY' and month = ?", [month]);
    const overlap = new Set(codes.slice(10));
    // Overlapping rows: one batch's value now, the other's in history (the second revised the first).
    const aFirst = a.data.result.created === 20;
    for (const row of rows) {
      if (overlap.has(row.subject_code)) {
        expect(Number(row.value)).toBe(aFirst ? 222 : 111);
        expect(Number(row.version)).toBe(2);
      } else {
        expect(Number(row.value)).toBe(codes.includes(row.subject_code) ? 111 : 222);
      }
    }
    expect(history.map((h) => h.subject_code).sort()).toEqual([...overlap].sort());
    expect(history.every((h) => Number(h.value) === (aFirst ? 111 : 222))).toBe(true);
    const counts = [a.data.result, b.data.result];
    expect(counts.reduce((s, c) => s + c.created, 0)).toBe(30);
    expect(counts.reduce((s, c) => s + c.revised, 0)).toBe(10);
  });
});
