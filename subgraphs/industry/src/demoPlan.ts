import type { DepartmentDemo } from '@huishang/schema';

/**
 * The industry bureau's 2015 targets as 许政[2015]39号 states them: key enterprises' output (the
 * half year's 12.5 % and the year's 13 %, and their share), new projects' output and key-project
 * investment (split down to districts). Its planted key projects and problems are in demo/. No
 * runtime import of the kit: every subgraph process loads this module (schema/src/demo/plan.ts).
 */
export const demo: DepartmentDemo = {
  targets: {
    year: 2015,
    source: '许政[2015]39号',
    city: [
      { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', measure: 'GROWTH_PCT', value: 12.5, unit: '%', scope: null, period: 'H1', description: '百户重点企业产值上半年增长12.5%以上' },
      { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', measure: 'GROWTH_PCT', value: 13, unit: '%', scope: null, description: '百户重点企业产值增长13%以上' },
      { indicator: 'IND_KEY_ENTERPRISE_OUTPUT', measure: 'SHARE_PCT', value: 53, unit: '%', scope: null, description: '百户重点企业产值占全市规模以上工业比重达到53%以上' },
      { indicator: 'IND_NEW_PROJECT_OUTPUT', measure: 'LEVEL', value: 800_000, unit: '万元', scope: null, description: '新投产项目新增产值80亿元以上', split: true },
      { indicator: 'IND_PROJECT_INVESTMENT', measure: 'LEVEL', value: 3_000_000, unit: '万元', scope: null, description: '120个亿元以上重点项目完成投资300亿元以上', split: true },
      { indicator: 'IND_INVENTORY_REDUCTION', measure: 'LEVEL', value: 500_000, unit: '万元', scope: null, description: '帮助企业消化降低库存50亿元以上', split: true },
      { indicator: 'IND_MATCHING_EVENTS', measure: 'LEVEL', value: 15, unit: '次', scope: null, description: '全年开展产销对接活动15次以上', split: true },
    ],
  },
};
