import 'reflect-metadata';
import { isCreditCode, REGIONS } from '@huishang/schema';
import { openTestbed, type Testbed } from '@huishang/schema/testing';
import { industry } from '../src/subgraph';

describe('industry subgraph: the region and enterprise register', () => {
  let bed: Testbed;
  beforeAll(async () => {
    process.env.HUISHANG_DEMO_ENTERPRISES = '60';
    bed = await openTestbed(industry);
  });
  afterAll(async () => bed?.close());

  it('holds every region of the city with its parent', async () => {
    const result = await bed.execute('{ regions { code name level parent { code } children { code } } }');
    expect(result.errors).toBeUndefined();
    const regions = (result.data as any).regions;
    expect(regions.map((r: any) => r.code)).toEqual(REGIONS.map((r) => r.code).sort());
    const city = regions.find((r: any) => r.level === 'CITY');
    expect(city.parent).toBeNull();
    expect(city.children.map((c: any) => c.code).sort()).toEqual(regions.filter((r: any) => r.parent?.code === city.code).map((r: any) => r.code).sort());
  });

  it('filters regions by level', async () => {
    const result = await bed.execute('{ regions(level: ZONE) { code level } }');
    expect((result.data as any).regions.map((r: any) => r.code)).toEqual(REGIONS.filter((r) => r.level === 'ZONE').map((r) => r.code).sort());
  });

  it('registers enterprises with valid credit codes in their region', async () => {
    const rows = await bed.sql<{ credit_code: string; region_code: string }>('select credit_code, region_code from enterprise');
    expect(rows.length).toBe(60);
    for (const row of rows) {
      expect(isCreditCode(row.credit_code)).toBe(true);
      expect(row.credit_code.slice(2, 8)).toBe(row.region_code);
    }
  });

  it('pages through enterprises without gaps or duplicates, in credit-code order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 20; page++) {
      const result: any = await bed.execute(
        'query($after: String) { enterprises(first: 7, after: $after) { totalCount edges { cursor node { creditCode } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expect(result.errors).toBeUndefined();
      const connection = result.data.enterprises;
      total = connection.totalCount;
      seen.push(...connection.edges.map((e: any) => e.node.creditCode));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    const rows = await bed.sql<{ credit_code: string }>('select credit_code from enterprise order by credit_code');
    expect(total).toBe(rows.length);
    expect(seen).toEqual(rows.map((r) => r.credit_code));
  });

  it('filters by region, industry and the key-enterprise list', async () => {
    const [district] = await bed.sql<{ region_code: string }>('select region_code from enterprise group by region_code order by count(*) desc limit 1');
    const result: any = await bed.execute(
      `{ all: enterprises(region: "${district.region_code}", first: 500) { totalCount edges { node { region { code } } } }
         key: enterprises(keyOnly: true, first: 500) { totalCount edges { node { keyEnterprise } } }
         manufacturing: enterprises(industry: "C", first: 500) { totalCount }
         mining: enterprises(industry: "B", first: 500) { totalCount } }`,
    );
    expect(result.errors).toBeUndefined();
    const [inDistrict] = await bed.sql<{ n: number }>('select count(*) as n from enterprise where region_code = ?', [district.region_code]);
    expect(result.data.all.totalCount).toBe(Number(inDistrict.n));
    expect(result.data.all.edges.every((e: any) => e.node.region.code === district.region_code)).toBe(true);
    const [keys] = await bed.sql<{ n: number }>('select count(*) as n from enterprise where key_enterprise = ?', [true]);
    expect(result.data.key.totalCount).toBe(Number(keys.n));
    expect(result.data.key.edges.every((e: any) => e.node.keyEnterprise)).toBe(true);
    expect(result.data.manufacturing.totalCount).toBe(60);
    expect(result.data.mining.totalCount).toBe(0);
  });

  it.each([
    ['first: 0', /"first": must be between 1 and 500, got 0/],
    ['first: 501', /"first": must be between 1 and 500, got 501/],
    ['after: "bm9wZQ"', /"after": "bm9wZQ" is not a cursor this API issued/],
  ])('refuses enterprises(%s) with BAD_USER_INPUT', async (args, message) => {
    const result = await bed.execute(`{ enterprises(${args}) { totalCount } }`);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toMatch(message);
  });

  it('answers null for a valid credit code the register does not hold', async () => {
    const result = await bed.execute('{ enterprise(creditCode: "91350100M000100Y43") { name } }');
    expect(result.errors).toBeUndefined();
    expect((result.data as any).enterprise).toBeNull();
  });
});

describe('industry subgraph: its 2015 targets from 许政[2015]39号', () => {
  let bed: Testbed;
  beforeAll(async () => {
    process.env.HUISHANG_DEMO_ENTERPRISES = '60';
    bed = await openTestbed(industry);
  });
  afterAll(async () => bed?.close());

  it('holds the city targets on its own indicators, as the document states them', async () => {
    const result: any = await bed.execute('{ indicatorCatalogue { industry { code targets(year: 2015) { regionCode region { name } measure value unit source period } } } }');
    expect(result.errors).toBeUndefined();
    const targets = result.data.indicatorCatalogue.industry.flatMap((i: any) => i.targets.map((t: any) => ({ ...t, indicator: i.code })));
    const city = (indicator: string, measure: string, period = 'YEAR') => targets.find((t: any) => t.indicator === indicator && t.measure === measure && t.regionCode === '411000' && t.period === period);
    // Item 一: 13 % for the year, 12.5 % for the first half.
    expect(city('IND_KEY_ENTERPRISE_OUTPUT', 'GROWTH_PCT').value).toBe(13);
    expect(city('IND_KEY_ENTERPRISE_OUTPUT', 'GROWTH_PCT', 'H1').value).toBe(12.5);
    expect(city('IND_PROJECT_INVESTMENT', 'LEVEL')).toMatchObject({ value: 3_000_000, unit: '万元', region: { name: '许昌市' } });
    expect(city('IND_NEW_PROJECT_OUTPUT', 'LEVEL').value).toBe(800_000);
    expect(targets.every((t: any) => t.source === '许政[2015]39号')).toBe(true);
    // Other departments' targets live with them.
    expect(targets.some((t: any) => !t.indicator.startsWith('IND_'))).toBe(false);
  });

  it('splits level targets down to the districts so that they add up to at least the city’s', async () => {
    const rows = await bed.sql<{ region_code: string; value: number }>("select region_code, value from target where indicator = 'IND_PROJECT_INVESTMENT' and measure = 'LEVEL' and year = 2015");
    const city = rows.find((r) => r.region_code === '411000')!;
    const districts = rows.filter((r) => r.region_code !== '411000');
    expect(districts.length).toBe(9);
    expect(districts.reduce((s, r) => s + Number(r.value), 0)).toBeGreaterThanOrEqual(Number(city.value) - 5);
  });
});

describe('industry subgraph: statements per request', () => {
  let bed: Testbed;
  beforeAll(async () => {
    process.env.HUISHANG_DEMO_ENTERPRISES = '60';
    bed = await openTestbed(industry);
  });
  afterAll(async () => bed?.close());

  it('reads every region with its parent and children in three statements', async () => {
    const statements = await bed.countStatements(() => bed.execute('{ regions { code parent { code } children { code } } }'));
    expect(statements).toBe(3);
  });

  it('counts enterprises only when totalCount is asked for', async () => {
    const without = await bed.countStatements(() => bed.execute('{ enterprises(first: 5) { edges { node { creditCode } } } }'));
    const withCount = await bed.countStatements(() => bed.execute('{ enterprises(first: 5) { ...Total edges { node { creditCode } } } } fragment Total on EnterpriseConnection { totalCount }'));
    expect(without).toBe(1);
    expect(withCount).toBe(2);
  });
});
