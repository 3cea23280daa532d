import { IndicatorCatalogue } from '@huishang/schema';

/** What the industry bureau (工信委) and development and reform (发改委) report each month. */
export const industryIndicators = new IndicatorCatalogue('industry', [
  {
    code: 'IND_KEY_ENTERPRISE_OUTPUT',
    name: '百户重点企业工业总产值',
    nameEn: 'Gross output of the 100 key enterprises',
    unit: '万元',
    kind: 'FLOW',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    minimum: 0,
    description: 'Monitored monthly by the industry bureau for the key-enterprise list (百户重点企业); the 2015 target is growth ≥ 13% for the year.',
  },
  {
    code: 'IND_PROJECT_INVESTMENT',
    name: '亿元以上重点项目完成投资',
    nameEn: 'Investment completed in key projects of 100 million yuan and above',
    unit: '万元',
    kind: 'FLOW',
    subjects: ['REGION'],
    sharing: 'UNCONDITIONAL',
    minimum: 0,
    description: 'From the key-project ledger (重点项目); the 2015 target is ≥ 300亿元 over 120 projects.',
  },
  {
    code: 'IND_NEW_PROJECT_OUTPUT',
    name: '新投产项目新增产值',
    nameEn: 'New output from projects coming on stream',
    unit: '万元',
    kind: 'FLOW',
    subjects: ['REGION'],
    sharing: 'UNCONDITIONAL',
    minimum: 0,
    description: 'Output added by projects that started production this year; the 2015 target is ≥ 80亿元.',
  },
]);
