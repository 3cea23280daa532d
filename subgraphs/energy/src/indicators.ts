import { IndicatorCatalogue } from '@huishang/schema';

/** What the power company (供电公司) and the gas supplier report each month. */
export const energyIndicators = new IndicatorCatalogue('energy', [
  {
    code: 'EN_ELECTRICITY',
    name: '工业用电量',
    nameEn: 'Industrial electricity consumption',
    unit: '万千瓦时',
    kind: 'FLOW',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    regionSumsListedEnterprises: false,
    minimum: 0,
    description: 'Metered by the power company; follows output closely, so a sharp fall with steady reported output is a warning sign.',
  },
  {
    code: 'EN_GAS',
    name: '工业天然气用量',
    nameEn: 'Industrial natural gas consumption',
    unit: '万立方米',
    kind: 'FLOW',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    regionSumsListedEnterprises: false,
    minimum: 0,
    description: 'Metered by the gas supplier.',
  },
  {
    code: 'EN_ORDERLY_CURTAILED_LOAD',
    name: '有序用电压减负荷',
    nameEn: 'Load curtailed under orderly power use',
    unit: '万千瓦',
    kind: 'STOCK',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    // A district with one listed enterprise would give its load away as the district's figure (tester, issue 16).
    regionSumsListedEnterprises: true,
    minimum: 0,
    description:
      'The orderly-power-use list (有序用电名单): the peak load the power company had an enterprise shift, avoid or shed (错峰、避峰、限电) in the month under the city\'s orderly power use plan (有序用电预案; 成办发〔2012〕1号 item 三(五), Longwan 2006 item 5 深化完善有序用电方案). An enterprise is on the month\'s list when it has a figure above zero (`orderlyPowerUse`); a region\'s figure is the sum over its listed enterprises, so it is shared as theirs are: another department needs the power company\'s grant at every level (a district with one listed enterprise would disclose it). Not summed over months (a load, not energy). Conditional like the enterprise\'s electricity.',
  },
  {
    code: 'EN_ORDERLY_ENTERPRISES',
    name: '有序用电企业户数',
    nameEn: 'Enterprises on the orderly-power-use list',
    unit: '户',
    kind: 'STOCK',
    subjects: ['REGION'],
    sharing: 'UNCONDITIONAL',
    minimum: 0,
    description: 'How many enterprises of the region are on the month\'s orderly-power-use list (有序用电名单: a load curtailed above zero, EN_ORDERLY_CURTAILED_LOAD); a count, so shared without condition.',
  },
]);
