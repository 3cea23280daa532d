import { IndicatorCatalogue } from '@huishang/schema';

/** What the financial office (金融办), central bank branch (人行), banking regulator (银监) and tax bureaus (国税/地税) report. */
export const financeIndicators = new IndicatorCatalogue('finance', [
  {
    code: 'FIN_LOANS_OUTSTANDING',
    name: '贷款余额',
    nameEn: 'Loans outstanding',
    unit: '万元',
    kind: 'STOCK',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    minimum: 0,
    description: 'Balance of bank loans at month end (人行 credit statistics).',
  },
  {
    code: 'FIN_NEW_LOANS',
    name: '新增贷款',
    nameEn: 'New loans granted',
    unit: '万元',
    kind: 'FLOW',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    minimum: 0,
    description: 'Loans granted in the month.',
  },
  {
    code: 'FIN_NEWLY_FINANCED_ENTERPRISES',
    name: '新增获贷企业',
    nameEn: 'Enterprises newly granted loans',
    unit: '户',
    kind: 'FLOW',
    subjects: ['REGION'],
    sharing: 'UNCONDITIONAL',
    minimum: 0,
    description: 'Industrial enterprises that received a loan in the month.',
  },
  {
    code: 'FIN_INDUSTRIAL_VAT',
    name: '工业增值税',
    nameEn: 'Industrial value-added tax',
    unit: '万元',
    kind: 'FLOW',
    subjects: ['ENTERPRISE', 'REGION'],
    sharing: 'CONDITIONAL',
    minimum: 0,
    description: 'VAT collected from industrial enterprises (国税).',
  },
]);
