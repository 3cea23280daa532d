import { allocateMonthly, enterpriseMonth, seriesRows, type DemoCity, type ObservationRow } from '@huishang/schema';

const REPORTED_BY = '市金融办';

/** A firm counts as newly financed in a month when its new loans exceed 3% of its balance. */
const newlyFinanced = (city: DemoCity) => (regionCode: string, month: string) =>
  city.enterprises.filter((e) => {
    const m = e.regionCode === regionCode ? enterpriseMonth(city, e.creditCode, month) : undefined;
    return m !== undefined && m.newLoans > m.loansOutstanding * 0.03;
  }).length;

/** A city's yearly total spread over the months (more at quarter ends, as guarantee and bridge-loan business runs). */
const PHASE = [0.05, 0.06, 0.1, 0.07, 0.08, 0.11, 0.07, 0.07, 0.1, 0.08, 0.09, 0.12];
const monthly = (yearly: Record<number, number>) => (month: string) => (yearly[Number(month.slice(0, 4))] ?? 0) * PHASE[Number(month.slice(5, 7)) - 1];

/**
 * Guarantees (担保额, 成办发〔2012〕1号 item 三(四)3) and the mutual-aid fund's bridge loans (互助资金调贷,
 * 许政[2015]39号 item 十六: ≥ 20亿元 in 2015): the city's totals spread over a few enterprises a
 * month, larger borrowers more often; a region's figure is the sum of its enterprises', and the
 * guaranteed-enterprise count counts them.
 */
function guaranteesAndBridgeLoans(city: DemoCity) {
  const guarantees = allocateMonthly(city, 'FIN_NEW_GUARANTEES', { total: monthly({ 2012: 380_000, 2013: 430_000, 2014: 500_000, 2015: 580_000 }), count: () => 24, weight: (m) => m.loansOutstanding });
  const bridge = allocateMonthly(city, 'FIN_MUTUAL_AID_BRIDGE_LOANS', { total: monthly({ 2012: 120_000, 2013: 150_000, 2014: 185_000, 2015: 212_000 }), count: () => 9, weight: (m) => m.loansOutstanding });
  const guaranteed = (regionCode: string, month: string) => city.enterprises.filter((e) => e.regionCode === regionCode && (guarantees.get(e.creditCode)?.get(month) ?? 0) > 0).length;
  return { guarantees, bridge, guaranteed };
}

export function financeRows(city: DemoCity): ObservationRow[] {
  const { guarantees, bridge, guaranteed } = guaranteesAndBridgeLoans(city);
  return [
    ...seriesRows(city, { indicator: 'FIN_NEW_GUARANTEES', kind: 'FLOW', enterprise: { include: (e) => guarantees.has(e.creditCode), value: (m, e) => guarantees.get(e.creditCode)!.get(m.month) ?? 0 }, region: 'sum' }, '市金融办'),
    ...seriesRows(city, { indicator: 'FIN_GUARANTEED_ENTERPRISES', kind: 'FLOW', region: guaranteed, decimals: 0 }, '市金融办'),
    ...seriesRows(city, { indicator: 'FIN_MUTUAL_AID_BRIDGE_LOANS', kind: 'FLOW', enterprise: { include: (e) => bridge.has(e.creditCode), value: (m, e) => bridge.get(e.creditCode)!.get(m.month) ?? 0 }, region: 'sum' }, '市金融办'),
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
