import 'reflect-metadata';
import { describeSubgraph } from '@huishang/schema/testing';
import { energyIndicators } from '../src/indicators';
import { energy } from '../src/subgraph';

describeSubgraph({
  definition: energy,
  catalogue: energyIndicators,
  field: 'energy',
  headlines: { electricity: 'EN_ELECTRICITY', gas: 'EN_GAS' },
});
