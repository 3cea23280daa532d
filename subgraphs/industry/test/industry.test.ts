import 'reflect-metadata';
import { describeSubgraph } from '@huishang/schema/testing';
import { industryIndicators } from '../src/indicators';
import { industry } from '../src/subgraph';

describeSubgraph({
  definition: industry,
  catalogue: industryIndicators,
  field: 'industry',
  ownsEntities: true,
  headlines: { keyEnterpriseOutput: 'IND_KEY_ENTERPRISE_OUTPUT', projectInvestment: 'IND_PROJECT_INVESTMENT', newProjectOutput: 'IND_NEW_PROJECT_OUTPUT' },
});
