import { seriesRows, type DemoCity, type ObservationRow } from '@huishang/schema';

const REPORTED_BY = '国网许昌供电公司';

export function energyRows(city: DemoCity): ObservationRow[] {
  return [
    ...seriesRows(city, { indicator: 'EN_ELECTRICITY', kind: 'FLOW', enterprise: { value: (m) => m.electricity }, region: 'sum' }, REPORTED_BY),
    ...seriesRows(city, { indicator: 'EN_GAS', kind: 'FLOW', enterprise: { value: (m) => m.gas }, region: 'sum', decimals: 3 }, REPORTED_BY),
  ];
}
