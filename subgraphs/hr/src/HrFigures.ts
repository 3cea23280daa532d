import { DepartmentFigures, Observation } from '@huishang/schema';
import { Field, ObjectType } from 'type-graphql';
import { hrIndicators } from './indicators';

@ObjectType({ description: 'Figures of the HR and social security bureau (人社局) for a region or enterprise and month.' })
export class HrFigures extends DepartmentFigures {
  readonly catalogue = hrIndicators;

  @Field(() => Observation, { nullable: true, description: 'Employees at month end (用工人数), 人.' })
  get employees(): Observation | null {
    return this.pick('HR_EMPLOYEES');
  }

  @Field(() => Observation, { nullable: true, description: 'Hiring demand reported in the month (用工需求), 人.' })
  get hiringDemand(): Observation | null {
    return this.pick('HR_HIRING_DEMAND');
  }

  @Field(() => Observation, { nullable: true, description: 'Job fairs held (招聘会场次); regions only.' })
  get jobFairs(): Observation | null {
    return this.pick('HR_JOB_FAIRS');
  }

  @Field(() => Observation, { nullable: true, description: 'People hired through public employment services (招工人数); regions only.' })
  get hires(): Observation | null {
    return this.pick('HR_HIRES');
  }

  @Field(() => Observation, { nullable: true, description: 'Vocational trainees (培训人次); regions only.' })
  get trainees(): Observation | null {
    return this.pick('HR_TRAINEES');
  }
}
