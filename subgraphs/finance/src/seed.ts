import { enterpriseMonth, seriesRows, type DemoCity, type ObservationRow } from '@huishang/schema';

const REPORTED_BY = '市金融办';

/** A firm counts as newly financed in a month when its new loans exceed 3% of its balance. */
const newlyFinanced = (city: DemoCity) => (regionCode: string, month: string) =>
  city.enterprises.filter((e) => {
    const m = e.regionCode === regionCode ? enterpriseMonth(city, e.creditCode, month) : undefined;
    return m !== undefined && m.newLoans > m.loansOutstanding * 0.03;
  }).length;

export function financeRows(city: DemoCity): ObservationRow[] {
  return [
    ...seriesRows(city, { indicator: 'FIN_LOANS_OUTSTANDING', kind: 'STOCK', enterprise: { value: (m) => m.loansOutstanding }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'FIN_NEW_LOANS', kind: 'FLOW', enterprise: { value: (m) => m.newLoans }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'FIN_NEWLY_FINANCED_ENTERPRISES', kind: 'FLOW', region: newlyFinanced(city), decimals: 0 }, REPORTED_BY),
    // Only enterprises that ever had a loan withdrawn report the figure.
    ...seriesRows(
      city,
      { indicator: 'FIN_LOAN_WITHDRAWAL', kind: 'FLOW', enterprise: { include: (e) => [...city.series.get(e.creditCode)!.values()].some((m) => m.loanWithdrawal > 0), value: (m) => m.loanWithdrawal }, region: 'sum' },
      REPORTED_BY,
    ),
    // Non-performing balances: the enterprises that ever had a loan withdrawn, 4% of their balance.
    ...seriesRows(
      city,
      {
        indicator: 'FIN_NON_PERFORMING_LOANS',
        kind: 'STOCK',
        enterprise: { include: (e) => [...city.series.get(e.creditCode)!.values()].some((m) => m.loanWithdrawal > 0), value: (m) => m.loansOutstanding * 0.04 },
        region: 'sum',
      },
      '银监分局',
    ),
    ...seriesRows(city, { indicator: 'FIN_INDUSTRIAL_VAT', kind: 'FLOW', enterprise: { value: (m) => m.vat }, region: 'sum' }, '市国税局'),
  ];
}
