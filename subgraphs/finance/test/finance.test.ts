import 'reflect-metadata';
import { describeSubgraph } from '@huishang/schema/testing';
import { financeIndicators } from '../src/indicators';
import { finance } from '../src/subgraph';

describeSubgraph({
  definition: finance,
  catalogue: financeIndicators,
  field: 'finance',
  headlines: { loansOutstanding: 'FIN_LOANS_OUTSTANDING', newLoans: 'FIN_NEW_LOANS', newlyFinancedEnterprises: 'FIN_NEWLY_FINANCED_ENTERPRISES', industrialVat: 'FIN_INDUSTRIAL_VAT' },
});
