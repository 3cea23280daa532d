import { DepartmentFigures, Observation } from '@huishang/schema';
import { Field, ObjectType } from 'type-graphql';
import { statisticsIndicators } from './indicators';

@ObjectType({ description: 'Official figures of the statistics bureau (统计局) for a region or enterprise and month.' })
export class StatisticsFigures extends DepartmentFigures {
  readonly catalogue = statisticsIndicators;

  @Field(() => Observation, { nullable: true, description: 'Growth of value-added of industry above designated size at comparable prices (规上工业增加值增速), %; regions only.' })
  get valueAddedGrowth(): Observation | null {
    return this.pick('STAT_VALUE_ADDED_GROWTH');
  }

  @Field(() => Observation, { nullable: true, description: 'Gross output of industry above designated size (规上工业总产值), 万元.' })
  get grossOutput(): Observation | null {
    return this.pick('STAT_GROSS_OUTPUT');
  }

  @Field(() => Observation, { nullable: true, description: 'Main-business revenue (主营业务收入), 万元.' })
  get mainRevenue(): Observation | null {
    return this.pick('STAT_MAIN_REVENUE');
  }

  @Field(() => Observation, { nullable: true, description: 'Total profit (利润总额), 万元.' })
  get totalProfit(): Observation | null {
    return this.pick('STAT_TOTAL_PROFIT');
  }

  @Field(() => Observation, { nullable: true, description: 'Sales-to-output ratio (产品销售率), %.' })
  get salesRatio(): Observation | null {
    return this.pick('STAT_SALES_RATIO');
  }

  @Field(() => Observation, { nullable: true, description: 'Industrial fixed-asset investment (工业投资), 万元; regions only.' })
  get industrialInvestment(): Observation | null {
    return this.pick('STAT_INDUSTRIAL_INVESTMENT');
  }

  @Field(() => Observation, { nullable: true, description: 'Value-added of industry above designated size at comparable prices (规上工业增加值, 可比价), 万元; regions only.' })
  get valueAdded(): Observation | null {
    return this.pick('STAT_VALUE_ADDED');
  }

  @Field(() => Observation, { nullable: true, description: 'Energy consumption of industry above designated size (规上工业综合能源消费量), 吨标准煤; regions only.' })
  get energyConsumption(): Observation | null {
    return this.pick('STAT_ENERGY_CONSUMPTION');
  }

  @Field(() => Observation, { nullable: true, description: 'Energy use per unit of industrial value-added (单位工业增加值能耗), 吨标准煤/万元: energy consumption ÷ value-added at comparable prices, computed from the two figures above; regions only; to fall ≥ 5 % (Tongxiang 2008 paper, 发展目标7).' })
  get energyIntensity(): Observation | null {
    return this.pick('STAT_ENERGY_INTENSITY');
  }
}
