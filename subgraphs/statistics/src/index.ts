import 'reflect-metadata';
import { runSubgraph } from '@huishang/schema';
import { statistics } from './subgraph';

runSubgraph(statistics);
