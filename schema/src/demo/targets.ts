import { CITY_CODE } from '../identifiers/regionCode';
import type { IndicatorCatalogue } from '../observation/catalogue';
import type { TargetRecord } from '../targets/TargetRecord';
import type { DemoCity } from './city';

const SOURCE = '许政[2015]39号';
export type TargetRow = Omit<TargetRecord, 'id'>;

/** The city's 2015 targets as 许政[2015]39号 states them. */
const CITY_2015: (Omit<TargetRow, 'year' | 'regionCode' | 'source' | 'period'> & { period?: TargetRow['period'] })[] = [
  { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', measure: 'GROWTH_PCT', value: 12.5, unit: '%', scope: null, period: 'H1', description: '百户重点企业产值上半年增长12.5%以上' },
  { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', measure: 'GROWTH_PCT', value: 13, unit: '%', scope: null, description: '百户重点企业产值增长13%以上' },
  { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', measure: 'SHARE_PCT', value: 53, unit: '%', scope: null, description: '百户重点企业产值占全市规模以上工业比重达到53%以上' },
  { indicator: 'IND_NEW_PROJECT_OUTPUT', measure: 'LEVEL', value: 800_000, unit: '万元', scope: null, description: '新投产项目新增产值80亿元以上' },
  { indicator: 'IND_PROJECT_INVESTMENT', measure: 'LEVEL', value: 3_000_000, unit: '万元', scope: null, description: '120个亿元以上重点项目完成投资300亿元以上' },
  { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 15_000_000, unit: '万元', scope: '装备制造', description: '装备制造产业集群主营业务收入1500亿元' },
  { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 5_000_000, unit: '万元', scope: '电力装备', description: '电力装备产业集群主营业务收入超500亿元' },
  { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 5_000_000, unit: '万元', scope: '再生金属', description: '再生金属产业集群主营业务收入超500亿元' },
  { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 5_000_000, unit: '万元', scope: '食品加工', description: '食品加工产业集群主营业务收入超500亿元' },
  { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 3_000_000, unit: '万元', scope: '发制品', description: '发制品产业集群主营业务收入超300亿元' },
  { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 3_000_000, unit: '万元', scope: '煤焦化', description: '煤焦化产业集群主营业务收入超300亿元' },
  { indicator: 'STAT_GROSS_OUTPUT', measure: 'GROWTH_PCT', value: 18, unit: '%', scope: '战略性新兴产业', description: '战略性新兴产业产值增长18%以上' },
  { indicator: 'STAT_SALES_RATIO', measure: 'POINTS', value: 0.2, unit: '百分点', scope: null, description: '产销率提高0.2个百分点' },
  { indicator: 'HR_JOB_FAIRS', measure: 'LEVEL', value: 100, unit: '场', scope: null, description: '举办招聘会100场以上' },
  { indicator: 'HR_HIRES', measure: 'LEVEL', value: 15_000, unit: '人', scope: null, description: '帮助企业招工15000人以上' },
  { indicator: 'HR_TRAINEES', measure: 'LEVEL', value: 4_000, unit: '人次', scope: null, description: '培训4000人次以上' },
];

/** Level targets the city splits down to districts (分解下达), in proportion to their enterprises. */
const SPLIT = new Set(['IND_NEW_PROJECT_OUTPUT', 'IND_PROJECT_INVESTMENT', 'HR_JOB_FAIRS', 'HR_HIRES', 'HR_TRAINEES']);

/** The targets on the catalogue's own indicators: each department keeps those it reports. */
export function demoTargets(city: DemoCity, catalogue: IndicatorCatalogue): TargetRow[] {
  return allDemoTargets(city).filter((t) => catalogue.has(t.indicator));
}

export function allDemoTargets(city: DemoCity): TargetRow[] {
  const targets = CITY_2015.map((t) => ({ ...t, period: t.period ?? 'YEAR' }));
  const rows: TargetRow[] = targets.map((t) => ({ ...t, year: 2015, regionCode: CITY_CODE, source: SOURCE }));
  for (const district of city.districts) {
    const share = city.enterprises.filter((e) => e.regionCode === district.code).length / city.enterprises.length;
    for (const t of targets) {
      if (t.measure === 'GROWTH_PCT' && t.scope === null) {
        rows.push({ ...t, year: 2015, regionCode: district.code, source: SOURCE, description: `${district.name}${t.description}` });
      } else if (SPLIT.has(t.indicator)) {
        const value = t.unit === '万元' ? Math.round(t.value * share) : Math.ceil(t.value * share);
        rows.push({ ...t, year: 2015, regionCode: district.code, value, source: SOURCE, description: `${district.name}分解目标: ${t.description}` });
      }
    }
  }
  return rows;
}
