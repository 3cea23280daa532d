import type { MikroORM } from '@mikro-orm/core';
import { monthRange, Random, reportingFor, streamSeed, type DemoCity, type DemoEnterprise, type ObservationRow } from '@huishang/schema';
import { ParkKind, ParkRecord, ParkTargetRecord } from './entities';
import { PARK_COMPLETED, PARK_PLANNED } from './ledger';

const REPORTED_BY = '市工信委';

export interface DemoPark {
  code: string;
  name: string;
  nameEn: string;
  regionCode: string;
  kind: ParkKind;
  /** Infrastructure investment planned for 2015, 万元 (earlier years lower). */
  plan2015: number;
  /** Completed ÷ planned in 2015, by quarter: below 1 the park falls behind (the meeting’s 落后 rows). */
  pace: readonly [number, number, number, number];
  /** Which of its district's enterprises the register places in the park. */
  takes: (e: DemoEnterprise) => boolean;
}

/**
 * The demo city's parks (Xuchang 许昌): its 产业集聚区 and the two zones, each in its district (the
 * zones' parks in the zone). Investment: a few hundred million 元 a park a quarter (成办发〔2012〕1号
 * sets 0.5–2.5亿元 a quarter for each Chengdu park, 45亿元 for all; Guiyang 2011: ten parks 7.54亿元 in
 * 1–2月); 鄢陵 and 襄城 fall behind in the first half of 2015, 许昌县(尚集) in the first quarter only.
 */
export const DEMO_PARKS: readonly DemoPark[] = [
  { code: 'P41107101', name: '许昌经济技术开发区', nameEn: 'Xuchang Economic and Technological Development Zone', regionCode: '411071', kind: ParkKind.DEVELOPMENT_ZONE, plan2015: 128_000, pace: [1.06, 1.04, 1.02, 1.0], takes: () => true },
  { code: 'P41107201', name: '许昌城乡一体化示范区产业集聚区', nameEn: 'Urban–Rural Integration Demonstration Zone cluster district', regionCode: '411072', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 112_000, pace: [1.02, 1.01, 1.0, 1.0], takes: () => true },
  { code: 'P41102301', name: '许昌县(尚集)产业集聚区', nameEn: 'Xuchang County (Shangji) cluster district', regionCode: '411023', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 76_000, pace: [0.88, 1.09, 1.0, 1.0], takes: (e) => e.industry.cluster !== 'food' },
  { code: 'P41102401', name: '鄢陵县产业集聚区', nameEn: 'Yanling County cluster district', regionCode: '411024', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 52_000, pace: [0.74, 0.71, 0.9, 1.0], takes: () => true },
  { code: 'P41102501', name: '襄城县产业集聚区', nameEn: 'Xiangcheng County cluster district', regionCode: '411025', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 64_000, pace: [0.86, 0.82, 0.95, 1.0], takes: () => true },
  { code: 'P41108101', name: '禹州市产业集聚区', nameEn: 'Yuzhou cluster district', regionCode: '411081', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 84_000, pace: [1.03, 0.98, 1.0, 1.0], takes: () => true },
  { code: 'P41108201', name: '长葛市产业集聚区', nameEn: 'Changge cluster district', regionCode: '411082', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 92_000, pace: [1.05, 1.02, 1.0, 1.0], takes: (e) => e.industry.cluster !== 'recycled-metal' },
  // 长葛市大周产业集聚区: the recycled-metal cluster's park (再生金属, 许政[2015]39号 item 七).
  { code: 'P41108202', name: '长葛市大周产业集聚区', nameEn: 'Changge Dazhou cluster district (recycled metal)', regionCode: '411082', kind: ParkKind.CLUSTER_DISTRICT, plan2015: 38_000, pace: [0.97, 1.0, 1.0, 1.0], takes: (e) => e.industry.cluster === 'recycled-metal' },
];

/** Share of a year's plan per month (roads and pipes are laid from spring; December books the most). */
const PHASE = [0.04, 0.05, 0.08, 0.08, 0.09, 0.1, 0.08, 0.08, 0.09, 0.09, 0.1, 0.12];
const YEAR_SCALE: Record<number, number> = { 2012: 0.72, 2013: 0.8, 2014: 0.9, 2015: 1 };

/**
 * The park an enterprise of the demo register is in, or null: about 70 % of the firms of a district
 * with parks are in one (the one whose `takes` accepts it), the rest outside every park.
 */
export function demoParkOf(e: DemoEnterprise, seed: number): string | null {
  const candidates = DEMO_PARKS.filter((p) => p.regionCode === e.regionCode && p.takes(e));
  if (candidates.length === 0) return null;
  const draw = new Random(streamSeed(seed, `park:${e.creditCode}`)).next();
  return draw < 0.7 ? candidates[0].code : null;
}

const r2 = (v: number) => Number(v.toFixed(2));

/** Planned and completed investment of a park per month, 2012–2015, 万元 (2012 only for 2013's growth). */
function simulate(park: DemoPark, seed: number): { month: string; planned: number; completed: number }[] {
  const random = new Random(streamSeed(seed, `park-ledger:${park.code}`));
  return monthRange('2012-01', '2015-12').map((month) => {
    const year = Number(month.slice(0, 4));
    const m = Number(month.slice(5, 7));
    const planned = r2(park.plan2015 * YEAR_SCALE[year] * PHASE[m - 1]);
    const pace = year === 2015 ? park.pace[Math.floor((m - 1) / 3)] : 0.97 + 0.06 * random.next();
    return { month, planned, completed: r2(planned * pace * (0.98 + 0.04 * random.next())) };
  });
}

/** The ledger as observations of subject kind PARK, 2013–2015, year to date and growth included. */
export function demoParkRows(city: DemoCity): ObservationRow[] {
  const rows: ObservationRow[] = [];
  for (const park of DEMO_PARKS) {
    const series = simulate(park, city.seed);
    for (const [indicator, pick] of [[PARK_PLANNED, 'planned'], [PARK_COMPLETED, 'completed']] as const) {
      const ytd = new Map<string, number>();
      const values = new Map(series.map((s) => [s.month, s[pick]]));
      let running = 0;
      for (const s of series) {
        running = s.month.endsWith('-01') ? s[pick] : running + s[pick];
        ytd.set(s.month, r2(running));
      }
      for (const s of series) {
        if (s.month < '2013-01') continue;
        const lastYear = `${Number(s.month.slice(0, 4)) - 1}${s.month.slice(4)}`;
        const growth = (now: number, before: number | undefined) => (before ? r2((now / before - 1) * 100) : null);
        rows.push({
          indicator, subjectType: 'PARK', subjectCode: park.code, month: s.month,
          value: s[pick], ytdValue: ytd.get(s.month)!, yoyPct: growth(s[pick], values.get(lastYear)), ytdYoyPct: growth(ytd.get(s.month)!, ytd.get(lastYear)),
          ...reportingFor(s.month, REPORTED_BY),
        });
      }
    }
  }
  return rows;
}

const QUARTERS = ['Q1', 'Q2', 'Q3', 'Q4'] as const;
const QUARTER_NAMES = { Q1: '一季度', Q2: '二季度', Q3: '三季度', Q4: '四季度' };
const TARGET_SOURCE = '许昌市2015年园区基础设施投资目标（演示，按成办发〔2012〕1号分季下达）';
const yi = (wan: number) => `${Number((wan / 10_000).toFixed(2))}亿元`;

/** 2015 targets: each park's plan by quarter and for the year, rounded to 100万元, and the same for all parks together. */
export function demoParkTargets(): Omit<ParkTargetRecord, 'id'>[] {
  const targets: Omit<ParkTargetRecord, 'id'>[] = [];
  const round100 = (v: number) => Math.round(v / 100) * 100;
  const totals = { Q1: 0, Q2: 0, Q3: 0, Q4: 0, YEAR: 0 };
  for (const park of DEMO_PARKS) {
    QUARTERS.forEach((q, i) => {
      const value = round100(park.plan2015 * PHASE.slice(i * 3, i * 3 + 3).reduce((a, b) => a + b, 0));
      totals[q] += value;
      targets.push({ year: 2015, period: q, parkCode: park.code, value, description: `${park.name}${QUARTER_NAMES[q]}完成基础设施投资${yi(value)}以上`, source: TARGET_SOURCE });
    });
    const year = round100(park.plan2015);
    totals.YEAR += year;
    targets.push({ year: 2015, period: 'YEAR', parkCode: park.code, value: year, description: `${park.name}全年完成基础设施投资${yi(year)}以上`, source: TARGET_SOURCE });
  }
  for (const q of [...QUARTERS, 'YEAR'] as const) {
    targets.push({ year: 2015, period: q, parkCode: null, value: totals[q], description: `全市园区${q === 'YEAR' ? '全年' : QUARTER_NAMES[q]}完成基础设施投资${yi(totals[q])}`, source: TARGET_SOURCE });
  }
  return targets;
}

/** The park list and the 2015 targets, written once into empty tables (the register's park codes are the seed's). */
export async function seedParks(orm: MikroORM): Promise<void> {
  const em = orm.em.fork();
  if ((await em.count(ParkRecord, {})) === 0) {
    await em.transactional(async (tx) => {
      await tx.insertMany(ParkRecord, DEMO_PARKS.map(({ code, name, nameEn, regionCode, kind }) => ({ code, name, nameEn, regionCode, kind })));
      await tx.insertMany(ParkTargetRecord, demoParkTargets());
    });
  }
}
