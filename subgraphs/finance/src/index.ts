import 'reflect-metadata';
import { runSubgraph } from '@huishang/schema';
import { finance } from './subgraph';

runSubgraph(finance);
