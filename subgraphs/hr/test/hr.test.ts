import 'reflect-metadata';
import { describeSubgraph } from '@huishang/schema/testing';
import { hrIndicators } from '../src/indicators';
import { hr } from '../src/subgraph';

describeSubgraph({
  definition: hr,
  catalogue: hrIndicators,
  field: 'hr',
  headlines: { employees: 'HR_EMPLOYEES', hiringDemand: 'HR_HIRING_DEMAND', jobFairs: 'HR_JOB_FAIRS', hires: 'HR_HIRES', trainees: 'HR_TRAINEES' },
});
