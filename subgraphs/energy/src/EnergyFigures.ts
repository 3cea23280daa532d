import { DepartmentFigures, Observation } from '@huishang/schema';
import { Field, ObjectType } from 'type-graphql';
import { energyIndicators } from './indicators';

@ObjectType({ description: 'Figures of the power company (供电公司) and gas supplier for a region or enterprise and month.' })
export class EnergyFigures extends DepartmentFigures {
  readonly catalogue = energyIndicators;

  @Field(() => Observation, { nullable: true, description: 'Industrial electricity consumption (工业用电量), 万千瓦时.' })
  get electricity(): Observation | null {
    return this.pick('EN_ELECTRICITY');
  }

  @Field(() => Observation, { nullable: true, description: 'Industrial natural gas consumption (工业天然气用量), 万立方米.' })
  get gas(): Observation | null {
    return this.pick('EN_GAS');
  }

  @Field(() => Observation, { nullable: true, description: 'Load curtailed under orderly power use (有序用电压减负荷), 万千瓦: an enterprise on the month’s list, or the sum over a region’s listed enterprises.' })
  get orderlyCurtailedLoad(): Observation | null {
    return this.pick('EN_ORDERLY_CURTAILED_LOAD');
  }

  @Field(() => Observation, { nullable: true, description: 'Enterprises on the orderly-power-use list (有序用电企业户数), 户; regions only.' })
  get orderlyEnterprises(): Observation | null {
    return this.pick('EN_ORDERLY_ENTERPRISES');
  }
}
