import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { IndustryCodeScalar, MonthScalar } from '@huishang/schema';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ProjectStage {
  PRELIMINARY_WORK = 'PRELIMINARY_WORK',
  UNDER_CONSTRUCTION = 'UNDER_CONSTRUCTION',
  COMPLETED = 'COMPLETED',
  IN_PRODUCTION = 'IN_PRODUCTION',
  AT_CAPACITY = 'AT_CAPACITY',
}
registerEnumType(ProjectStage, {
  name: 'ProjectStage',
  description: 'Where a key project stands: preliminary work (前期), under construction (在建), completed (竣工), in production (投产), at design capacity (达产).',
  valuesConfig: {
    PRELIMINARY_WORK: { description: '前期: approvals, land and design; little built yet.' },
    UNDER_CONSTRUCTION: { description: '在建: under construction.' },
    COMPLETED: { description: '竣工: construction finished and accepted.' },
    IN_PRODUCTION: { description: '投产: producing, below design capacity.' },
    AT_CAPACITY: { description: '达产: producing at design capacity.' },
  },
});

/**
 * A project on the industry bureau's key-project ledger (亿元以上重点项目) for one year. The
 * monthly schedule (planned and completed investment) is `KeyProjectMonth`; completion against
 * the schedule is derived when asked, never stored.
 */
@ObjectType({ description: 'A key project (重点项目, 1亿元 and above) on the industry bureau’s ledger for a year.' })
@Entity({ tableName: 'key_project' })
@Index({ name: 'key_project_year_region_index', properties: ['year', 'regionCode'] })
export class KeyProject {
  @Field({ description: 'Ledger code (项目编号): the list’s year and a number, e.g. XC2015-001.' })
  @PrimaryKey({ type: 'string', length: 16 })
  code: string;

  @Field({ description: 'Project name (项目名称).' })
  @Property({ type: 'string', length: 128 })
  name: string;

  @Field(() => Int, { description: 'Year of the key-project list the project is on (年度).' })
  @Property({ type: 'integer' })
  year: number;

  @Property({ type: 'string', length: 6 })
  regionCode: string;

  /** Credit code of the enterprise building it; null for public projects (parks, grid, roads). */
  @Property({ type: 'string', length: 18, nullable: true })
  enterpriseCode: string | null;

  @Field(() => IndustryCodeScalar, { description: 'Industry of the project (GB/T 4754-2017), e.g. C4210.' })
  @Property({ type: 'string', length: 5 })
  industryCode: string;

  @Field(() => Float, { description: 'Planned total investment (计划总投资), 万元.' })
  @Property({ type: 'double' })
  plannedTotalInvestment: number;

  @Field(() => Float, { description: 'Investment planned for the ledger year (年度计划投资), 万元.' })
  @Property({ type: 'double' })
  plannedYearInvestment: number;

  @Field(() => MonthScalar, { description: 'Month construction starts or started (开工).' })
  @Property({ type: 'string', length: 7 })
  startMonth: string;

  @Field(() => MonthScalar, { description: 'Month the project is planned to be finished (计划竣工).' })
  @Property({ type: 'string', length: 7 })
  endMonth: string;

  @Field(() => ProjectStage, { description: 'Stage as the ledger records it now (项目进度).' })
  @Property({ type: 'string', length: 24 })
  stage: ProjectStage;
}
