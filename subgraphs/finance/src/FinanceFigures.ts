import { DepartmentFigures, Observation } from '@huishang/schema';
import { Field, ObjectType } from 'type-graphql';
import { financeIndicators } from './indicators';

@ObjectType({ description: 'Figures of the financial office (金融办), central bank (人行), regulator (银监) and tax bureaus (国税/地税) for a region or enterprise and month.' })
export class FinanceFigures extends DepartmentFigures {
  readonly catalogue = financeIndicators;

  @Field(() => Observation, { nullable: true, description: 'Loans outstanding at month end (贷款余额), 万元.' })
  get loansOutstanding(): Observation | null {
    return this.pick('FIN_LOANS_OUTSTANDING');
  }

  @Field(() => Observation, { nullable: true, description: 'New loans granted (新增贷款), 万元.' })
  get newLoans(): Observation | null {
    return this.pick('FIN_NEW_LOANS');
  }

  @Field(() => Observation, { nullable: true, description: 'Enterprises newly granted loans (新增获贷企业), 户; regions only.' })
  get newlyFinancedEnterprises(): Observation | null {
    return this.pick('FIN_NEWLY_FINANCED_ENTERPRISES');
  }

  @Field(() => Observation, { nullable: true, description: 'Industrial value-added tax (工业增值税), 万元.' })
  get industrialVat(): Observation | null {
    return this.pick('FIN_INDUSTRIAL_VAT');
  }

  @Field(() => Observation, { nullable: true, description: 'New loan guarantees (新增担保额), 万元 (成办发〔2012〕1号 三(四)3).' })
  get newGuarantees(): Observation | null {
    return this.pick('FIN_NEW_GUARANTEES');
  }

  @Field(() => Observation, { nullable: true, description: 'Enterprises newly granted guaranteed loans (新增担保贷款户数), 户; regions only.' })
  get guaranteedEnterprises(): Observation | null {
    return this.pick('FIN_GUARANTEED_ENTERPRISES');
  }

  @Field(() => Observation, { nullable: true, description: 'Bridge loans from the enterprise mutual-aid fund (企业发展互助资金调贷额), 万元; 2015 target ≥ 20亿元 (许政[2015]39号 十六).' })
  get mutualAidBridgeLoans(): Observation | null {
    return this.pick('FIN_MUTUAL_AID_BRIDGE_LOANS');
  }
}
