import { DepartmentFigures, Observation } from '@huishang/schema';
import { Field, ObjectType } from 'type-graphql';
import { industryIndicators } from './indicators';

@ObjectType({ description: 'Figures of the industry bureau (工信委) and development and reform (发改委) for a region or enterprise and month.' })
export class IndustryFigures extends DepartmentFigures {
  readonly catalogue = industryIndicators;

  @Field(() => Observation, { nullable: true, description: 'Gross output of the 100 key enterprises (百户重点企业工业总产值), 万元.' })
  get keyEnterpriseOutput(): Observation | null {
    return this.pick('IND_KEY_ENTERPRISE_OUTPUT');
  }

  @Field(() => Observation, { nullable: true, description: 'Investment completed in key projects ≥ 1亿元 (亿元以上重点项目完成投资), 万元; regions only.' })
  get projectInvestment(): Observation | null {
    return this.pick('IND_PROJECT_INVESTMENT');
  }

  @Field(() => Observation, { nullable: true, description: 'New output from projects coming on stream (新投产项目新增产值), 万元; regions only.' })
  get newProjectOutput(): Observation | null {
    return this.pick('IND_NEW_PROJECT_OUTPUT');
  }

  @Field(() => Observation, { nullable: true, description: 'Finished-goods inventory reduced (消化降低库存), 万元; regions only; 2015 target ≥ 50亿元 (许政[2015]39号 十二).' })
  get inventoryReduction(): Observation | null {
    return this.pick('IND_INVENTORY_REDUCTION');
  }

  @Field(() => Observation, { nullable: true, description: 'Supply-demand matching events held (产销对接活动), 次; regions only; 2015 target ≥ 15 (许政[2015]39号 十二).' })
  get matchingEvents(): Observation | null {
    return this.pick('IND_MATCHING_EVENTS');
  }
}
