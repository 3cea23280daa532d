import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { MonthScalar } from '@huishang/schema';
import { Field, Float, ObjectType } from 'type-graphql';

/**
 * One month of a key project's schedule in its ledger year: investment planned to date and, once
 * the bureau has recorded it, investment completed to date. Both are cumulative from January of
 * the ledger year (or from the start month, if later) — the year-to-date figures the meeting reads.
 */
@ObjectType('ProjectMonth', { description: 'A month of a key project’s investment schedule: planned and completed, year to date (累计), 万元.' })
@Entity({ tableName: 'key_project_month' })
export class KeyProjectMonth {
  [PrimaryKeyProp]?: ['projectCode', 'month'];

  @PrimaryKey({ type: 'string', length: 16 })
  projectCode: string;

  @Field(() => MonthScalar)
  @PrimaryKey({ type: 'string', length: 7 })
  month: string;

  @Field(() => Float, { description: 'Investment planned from the start of the year to the end of this month (计划累计), 万元.' })
  @Property({ type: 'double' })
  plannedCumulative: number;

  @Field(() => Float, { nullable: true, description: 'Investment completed from the start of the year to the end of this month (完成累计), 万元; null until recorded.' })
  @Property({ type: 'double', nullable: true })
  completedCumulative: number | null = null;
}
