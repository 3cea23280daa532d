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
    minimum: 0,
    description: 'Metered by the gas supplier.',
  },
]);
