import type { IndicatorCatalogue } from '../observation/catalogue';
import type { SubgraphDefinition } from '../kit/subgraph';
import { openTestbed, type Testbed } from './testbed';

export interface ConformanceOptions {
  definition: SubgraphDefinition;
  catalogue: IndicatorCatalogue;
  /** Namespace field on Region and Enterprise. */
  field: string;
  /** Headline field → the indicator it shows. */
  headlines: Record<string, string>;
  /** The subgraph owns Region and Enterprise: resolving references reads its register (one more statement). */
  ownsEntities?: boolean;
}

interface Row {
  indicator: string;
  subject_type: string;
  subject_code: string;
  month: string;
  value: number | null;
  ytd_value: number | null;
  yoy_pct: number | null;
  ytd_yoy_pct: number | null;
}

/** Demo size for unit tests: small enough to seed in a second, large enough to have every kind of firm. */
const UNIT_TEST_ENTERPRISES = '60';

/**
 * What every subgraph must do, asserted the same way for all five: its database migrates to what
 * its entities describe, its demo data matches its catalogue, and its namespace fields answer
 * from its own rows, batched.
 */
export function describeSubgraph(options: ConformanceOptions): void {
  const { definition, catalogue, field } = options;
  describe(`${definition.name} subgraph (conformance)`, () => {
    let bed: Testbed;
    beforeAll(async () => {
      process.env.HUISHANG_DEMO_ENTERPRISES = UNIT_TEST_ENTERPRISES;
      bed = await openTestbed(definition);
    });
    afterAll(async () => bed?.close());

    it('its migrations create exactly what its entities describe', async () => {
      const diff = await bed.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: true });
      expect(diff.trim()).toBe('');
    });

    it('seeds once: a second start adds nothing', async () => {
      const [before] = await bed.sql<{ n: number }>('select count(*) as n from observation');
      await definition.seed?.(bed.orm);
      const [after] = await bed.sql<{ n: number }>('select count(*) as n from observation');
      expect(Number(before.n)).toBeGreaterThan(0);
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('holds rows for every indicator of its catalogue, for the subjects the catalogue names, and no others', async () => {
      const rows = await bed.sql<{ indicator: string; subject_type: string }>('select distinct indicator, subject_type from observation');
      const held = new Set(rows.map((r) => `${r.indicator}/${r.subject_type}`));
      // A computed indicator (ratioOf) is derived on read and has no rows of its own.
      const expected = new Set(catalogue.definitions.filter((d) => !d.ratioOf).flatMap((d) => d.subjects.map((s) => `${d.code}/${s}`)));
      expect([...held].sort()).toEqual([...expected].sort());
    });

    it('derives year-to-date values of flows by summing the months, and gives stocks none', async () => {
      // Region figures the department stores (not a park's ledger, not a computed ratio).
      for (const definitionRow of catalogue.definitions.filter((d) => d.kind !== 'RATE' && !d.ratioOf && d.subjects.includes('REGION'))) {
        const rows = await bed.sql<Row>(
          "select * from observation where indicator = ? and subject_type = 'REGION' and subject_code = '411000' and month between '2015-01' and '2015-06' order by month",
          [definitionRow.code],
        );
        expect(rows.length).toBeGreaterThan(0);
        if (definitionRow.kind === 'STOCK') {
          expect(rows.every((r) => r.ytd_value === null)).toBe(true);
          continue;
        }
        const june = rows.find((r) => r.month === '2015-06')!;
        const combined = rows.find((r) => r.month === '2015-02' && r.value === null);
        const months = rows.filter((r) => r.value !== null);
        const sum = (combined ? Number(combined.ytd_value) : 0) + months.reduce((s, r) => s + Number(r.value), 0);
        expect(Number(june.ytd_value)).toBeCloseTo(sum, 0);
      }
    });

    it(`answers Region.${field}(month) for many regions from its own rows, in one SQL statement`, async () => {
      const codes = ['411002', '411082', '411000'];
      const representations = codes.map((code) => ({ __typename: 'Region', code }));
      const headlineSelection = Object.keys(options.headlines).map((h) => `${h} { indicator value ytdValue }`).join(' ');
      const query = `query($reps: [_Any!]!, $month: Month!) { _entities(representations: $reps) { ... on Region { code ${field}(month: $month) { month ${headlineSelection} indicators { indicator value ytdValue yoyPct ytdYoyPct unit status } } } } }`;
      let result: Awaited<ReturnType<Testbed['execute']>> | undefined;
      const statements = await bed.countStatements(async () => {
        result = await bed.execute(query, { reps: representations, month: '2015-06' });
      });
      expect(result!.errors).toBeUndefined();
      expect(statements).toBe(options.ownsEntities ? 2 : 1);
      const entities = (result!.data as { _entities: { code: string; [k: string]: any }[] })._entities;
      for (const entity of entities) {
        const rows = await bed.sql<Row>("select * from observation where subject_type = 'REGION' and subject_code = ? and month = '2015-06'", [entity.code]);
        const figures = entity[field];
        const computed = new Set(catalogue.definitions.filter((d) => d.ratioOf).map((d) => d.code));
        expect(figures.indicators.map((o: { indicator: string }) => o.indicator).filter((code: string) => !computed.has(code)).sort()).toEqual(rows.map((r) => r.indicator).sort());
        for (const row of rows) {
          const observation = figures.indicators.find((o: { indicator: string }) => o.indicator === row.indicator);
          expect(observation.value).toBe(row.value === null ? null : Number(row.value));
          expect(observation.ytdValue).toBe(row.ytd_value === null ? null : Number(row.ytd_value));
          expect(observation.unit).toBe(catalogue.get(row.indicator).unit);
        }
        for (const [headline, code] of Object.entries(options.headlines)) {
          const row = rows.find((r) => r.indicator === code);
          if (row) expect(figures[headline]).toMatchObject({ indicator: code, value: row.value === null ? null : Number(row.value) });
          else expect(figures[headline]).toBeNull();
        }
      }
    });

    // Two statements whatever the page size: the register (owner: its rows; extending subgraphs:
    // which keys exist, so an unknown one answers null) and the month's figures.
    it('answers for many enterprises in two SQL statements (register, figures)', async () => {
      const enterprises = await bed.sql<{ subject_code: string }>("select distinct subject_code from observation where subject_type = 'ENTERPRISE' order by subject_code");
      const representations = enterprises.map((e) => ({ __typename: 'Enterprise', creditCode: e.subject_code }));
      if (representations.length === 0) return; // a department with region figures only
      let result: Awaited<ReturnType<Testbed['execute']>> | undefined;
      const statements = await bed.countStatements(async () => {
        result = await bed.execute(
          `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enterprise { creditCode ${field}(month: "2015-06") { indicators { indicator value } } } } }`,
          { reps: representations },
        );
      });
      expect(result!.errors).toBeUndefined();
      expect(statements).toBe(2);
      const entities = (result!.data as { _entities: any[] })._entities.filter(Boolean);
      expect(entities.length).toBeGreaterThan(0);
      expect(entities.every((e) => e[field].indicators.length > 0)).toBe(true);
    });

    it('ranks the districts on each of its regional indicators as its rows say', async () => {
      const entities = (query: string) => `{ _entities(representations: [{ __typename: "Region", code: "411000" }]) { ... on Region { ${field}(month: "2015-06") { ${query} } } } }`;
      // Stored indicators (a computed ratio has no rows; test/reporting/indicators.test.ts ranks it from its sources).
      for (const definitionRow of catalogue.definitions.filter((d) => d.subjects.includes('REGION') && !d.ratioOf)) {
        const rows = await bed.sql<Row>("select * from observation where indicator = ? and subject_type = 'REGION' and month = '2015-06' and subject_code <> '411000'", [definitionRow.code]);
        for (const by of ['YEAR_TO_DATE', 'GROWTH'] as const) {
          const result = await bed.execute(entities(`ranking(indicator: "${definitionRow.code}", by: ${by}) { rank regionCode value reported rankedCount reportedCount }`));
          expect(result.errors).toBeUndefined();
          const basis = (r: Row) => {
            const n = (v: number | null) => (v === null ? null : Number(v));
            if (by === 'GROWTH') return definitionRow.kind === 'RATE' ? n(r.ytd_value) : definitionRow.kind === 'STOCK' ? n(r.yoy_pct) : n(r.ytd_yoy_pct);
            return definitionRow.kind === 'STOCK' ? n(r.value) : n(r.ytd_value);
          };
          const expected = rows.filter((r) => basis(r) !== null).sort((a, b) => basis(b)! - basis(a)! || a.subject_code.localeCompare(b.subject_code));
          const listed = (result.data as any)._entities[0][field].ranking as { rank: number | null; regionCode: string; value: number; reported: boolean; rankedCount: number; reportedCount: number }[];
          const ranking = listed.filter((r) => r.rank !== null);
          expect(ranking.map((r) => r.regionCode)).toEqual(expected.map((r) => r.subject_code));
          expect(ranking.map((r) => r.value)).toEqual(expected.map((r) => basis(r)));
          expect(ranking[0]?.rank ?? 1).toBe(1);
          // Every district is listed: the ranked first, then the rest without a rank; counts say how many.
          expect(listed.slice(0, ranking.length)).toEqual(ranking);
          expect(new Set(listed.map((r) => r.regionCode)).size).toBe(listed.length);
          expect(listed.filter((r) => r.reported).map((r) => r.regionCode).sort()).toEqual(rows.map((r) => r.subject_code).sort());
          for (const r of listed) expect([r.rankedCount, r.reportedCount]).toEqual([expected.length, rows.length]);
        }
      }
      const unknown = await bed.execute(entities('ranking(indicator: "NOPE") { rank }'));
      expect(unknown.errors?.[0].extensions?.code).toBe('UNKNOWN_INDICATOR');
    });

    it('says how far each region is towards the targets it holds, against time progress', async () => {
      const targets = await bed.sql<{ region_code: string; indicator: string; measure: string; value: number; scope: string | null; period: string }>('select * from target where year = 2015');
      // June is judged against the first half's target where one is set (H1), else the year's.
      const judged = (code: string) => {
        const mine = targets.filter((t) => t.region_code === code);
        return mine.filter((t) => t.period === 'H1' || (t.period === 'YEAR' && !mine.some((o) => o.period === 'H1' && o.indicator === t.indicator && o.measure === t.measure && o.scope === t.scope)));
      };
      const regions = [...new Set(targets.map((t) => t.region_code))];
      for (const code of regions) {
        const result = await bed.execute(
          `{ _entities(representations: [{ __typename: "Region", code: "${code}" }]) { ... on Region { ${field}(month: "2015-06") { targets { target { indicator measure value scope period } actualValue completionPct timeProgressPct gap behind } } } } }`,
        );
        expect(result.errors).toBeUndefined();
        const progress = (result.data as any)._entities[0][field].targets as any[];
        expect(progress.map((p) => `${p.target.indicator} ${p.target.measure} ${p.target.period} ${p.target.value}`).sort()).toEqual(
          judged(code).map((t) => `${t.indicator} ${t.measure} ${t.period} ${Number(t.value)}`).sort(),
        );
        for (const p of progress) {
          // Time progress for cumulative quantities only: 50 % of the year (100 % of a first half) by June.
          expect(p.timeProgressPct).toBe(p.target.measure === 'LEVEL' ? (p.target.period === 'H1' ? 100 : 50) : null);
          if (p.target.scope || !['LEVEL', 'GROWTH_PCT'].includes(p.target.measure)) {
            expect(p.behind).toBeNull();
            continue;
          }
          // A computed indicator's target is judged from its sources (test/reporting/indicators.test.ts), not from a row.
          if (catalogue.get(p.target.indicator).ratioOf) continue;
          const [row] = await bed.sql<Row>("select * from observation where indicator = ? and subject_type = 'REGION' and subject_code = ? and month = '2015-06'", [p.target.indicator, code]);
          const kind = catalogue.get(p.target.indicator).kind;
          const compared = row && (p.target.measure === 'LEVEL' ? (kind === 'STOCK' ? row.value : row.ytd_value) : kind === 'STOCK' ? row.yoy_pct : row.ytd_yoy_pct);
          if (compared === null || compared === undefined) {
            // No figure (e.g. a district without key enterprises): nothing to judge.
            expect(p.actualValue).toBeNull();
            expect(p.behind).toBeNull();
          } else if (p.target.measure === 'LEVEL') {
            const level = Number(kind === 'STOCK' ? row.value : row.ytd_value);
            expect(p.actualValue).toBe(level);
            expect(p.completionPct).toBeCloseTo((level / p.target.value) * 100, 1);
            expect(p.behind).toBe((level / p.target.value) * 100 < 50);
          } else {
            const growth = Number(kind === 'STOCK' ? row.yoy_pct : row.ytd_yoy_pct);
            expect(p.actualValue).toBe(growth);
            expect(p.behind).toBe(growth < p.target.value);
          }
        }
      }
    });

    it('refuses an unknown indicator code with UNKNOWN_INDICATOR, naming it', async () => {
      const result = await bed.execute(
        `{ _entities(representations: [{ __typename: "Region", code: "411002" }]) { ... on Region { ${field}(month: "2015-06") { indicators(codes: ["NO_SUCH_INDICATOR"]) { value } } } } }`,
      );
      expect(result.errors?.[0].extensions?.code).toBe('UNKNOWN_INDICATOR');
      expect(result.errors?.[0].message).toContain('NO_SUCH_INDICATOR');
    });

    it('refuses a malformed month with BAD_USER_INPUT', async () => {
      const result = await bed.execute(
        `query($m: Month!) { _entities(representations: [{ __typename: "Region", code: "411002" }]) { ... on Region { ${field}(month: $m) { month } } } }`,
        { m: '2015-13' },
      );
      expect(result.errors?.[0].message).toMatch(/month 13 does not exist/);
    });
  });
}
