import 'reflect-metadata';
import { runSubgraph } from '@huishang/schema';
import { industry } from './subgraph';

runSubgraph(industry);
