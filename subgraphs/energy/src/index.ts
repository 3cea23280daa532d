import 'reflect-metadata';
import { runSubgraph } from '@huishang/schema';
import { energy } from './subgraph';

runSubgraph(energy);
