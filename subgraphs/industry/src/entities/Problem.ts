import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { DateScalar } from '@huishang/schema';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum ProblemStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  RESOLVED = 'RESOLVED',
}
registerEnumType(ProblemStatus, {
  name: 'ProblemStatus',
  valuesConfig: {
    OPEN: { description: 'Open (待办): not yet taken up.' },
    IN_PROGRESS: { description: 'Being handled (办理中).' },
    RESOLVED: { description: 'Resolved (已办结).' },
  },
  description: 'Where a problem on the list stands: open (待办), being handled (办理中), resolved (已办结).',
});

export enum ProblemCategory {
  FINANCING = 'FINANCING',
  ENERGY_SUPPLY = 'ENERGY_SUPPLY',
  LABOUR = 'LABOUR',
  LAND = 'LAND',
  PERMITS = 'PERMITS',
  MARKET = 'MARKET',
  OTHER = 'OTHER',
}
registerEnumType(ProblemCategory, {
  name: 'ProblemCategory',
  valuesConfig: {
    FINANCING: { description: 'Financing (融资): loans, guarantees, bridge loans.' },
    ENERGY_SUPPLY: { description: 'Power and gas supply (用电用气).' },
    LABOUR: { description: 'Labour (用工): hiring, skills.' },
    LAND: { description: 'Land (用地).' },
    PERMITS: { description: 'Permits and approvals (审批).' },
    MARKET: { description: 'Market and orders (市场).' },
    OTHER: { description: 'Anything else (其他).' },
  },
  description: 'Kind of problem: financing (融资), power and gas supply (用电用气), labour (用工), land (用地), permits and approvals (审批), market and orders (市场), other (其他).',
});

/**
 * An entry of the meeting's problem list (问题清单, 许政[2015]39号 item 十): raised by a department,
 * assigned to one of the five, with a deadline. The current status is kept here; every change is
 * appended to `ProblemStatusChange`, never overwritten.
 */
@ObjectType({ description: 'A problem on the consultation meeting’s list (问题清单): who raised it, who owns it, by when, and where it stands.' })
@Entity({ tableName: 'problem' })
@Index({ name: 'problem_region_index', properties: ['regionCode'] })
@Index({ name: 'problem_status_index', properties: ['status'] })
export class Problem {
  @Field({ description: 'List number (编号), the year raised and a number, e.g. WT2015-004.' })
  @PrimaryKey({ type: 'string', length: 16 })
  code: string;

  @Property({ type: 'string', length: 18, nullable: true })
  enterpriseCode: string | null;

  @Property({ type: 'string', length: 6 })
  regionCode: string;

  @Field(() => ProblemCategory)
  @Property({ type: 'string', length: 16 })
  category: ProblemCategory;

  @Field({ description: 'The problem as raised (问题描述).' })
  @Property({ type: 'string', length: 512 })
  description: string;

  @Field({ description: 'Department that raised it (提出单位), e.g. 长葛市工信局.' })
  @Property({ type: 'string', length: 64 })
  raisedBy: string;

  @Field(() => DateScalar, { description: 'Day it was raised (提出日期).' })
  @Property({ type: 'date' })
  raisedOn: string;

  /** A subgraph name of the registry of departments. */
  @Field({ description: 'Owner department (责任单位) by its subgraph name, as the registry of departments lists them.' })
  @Property({ type: 'string', length: 16 })
  owner: string;

  @Field(() => DateScalar, { description: 'Day by which the owner is to resolve it (办结时限).' })
  @Property({ type: 'date' })
  deadline: string;

  @Field(() => ProblemStatus, { description: 'Status now.' })
  @Property({ type: 'string', length: 16 })
  status: ProblemStatus;
}
