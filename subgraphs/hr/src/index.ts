import 'reflect-metadata';
import { runSubgraph } from '@huishang/schema';
import { hr } from './subgraph';

runSubgraph(hr);
