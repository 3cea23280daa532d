import 'reflect-metadata';
import { startSubgraph } from '@huishang/schema';
import { industry } from './subgraph';

void startSubgraph(industry).catch((error) => {
  console.error('industry subgraph failed to start:', error);
  process.exit(1);
});
