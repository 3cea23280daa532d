import type { DepartmentDemo } from '@huishang/schema';

/** The statistics bureau's 2015 targets as 许政[2015]39号 states them (item 七: the clusters' revenue, `scope` the cluster's code as the industry bureau keeps it; item 九: growth of emerging industries; the sales ratio). No runtime import of the kit (schema/src/demo/plan.ts). */
export const demo: DepartmentDemo = {
  targets: {
    year: 2015,
    source: '许政[2015]39号',
    city: [
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 15_000_000, unit: '万元', scope: 'equipment', description: '装备制造产业集群主营业务收入1500亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 5_000_000, unit: '万元', scope: 'power-equipment', description: '电力装备产业集群主营业务收入超500亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 5_000_000, unit: '万元', scope: 'recycled-metal', description: '再生金属产业集群主营业务收入超500亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 5_000_000, unit: '万元', scope: 'food', description: '食品加工产业集群主营业务收入超500亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 3_000_000, unit: '万元', scope: 'hair-products', description: '发制品产业集群主营业务收入超300亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 3_000_000, unit: '万元', scope: 'coal-coking', description: '煤焦化产业集群主营业务收入超300亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 1_000_000, unit: '万元', scope: 'autos', description: '汽车及零部件产业集群主营业务收入超100亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 1_000_000, unit: '万元', scope: 'textiles', description: '纺织箱包产业集群主营业务收入超100亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 1_000_000, unit: '万元', scope: 'biomedicine', description: '生物医药产业集群主营业务收入超100亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 1_000_000, unit: '万元', scope: 'elevators', description: '电梯产业集群主营业务收入超100亿元' },
      { indicator: 'STAT_MAIN_REVENUE', measure: 'LEVEL', value: 1_000_000, unit: '万元', scope: 'tobacco', description: '烟草产业集群主营业务收入超100亿元' },
      { indicator: 'STAT_GROSS_OUTPUT', measure: 'GROWTH_PCT', value: 18, unit: '%', scope: 'emerging', description: '战略性新兴产业产值增长18%以上' },
      { indicator: 'STAT_SALES_RATIO', measure: 'POINTS', value: 0.2, unit: '百分点', scope: null, description: '产销率提高0.2个百分点' },
    ],
  },
};
