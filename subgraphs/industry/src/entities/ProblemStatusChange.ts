import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { ProblemStatus } from './Problem';

/** One change of a problem's status, appended, never updated: the first row of a problem is its raising (from null). */
@ObjectType({ description: 'A change of a problem’s status (办理记录); the first one records it being raised.' })
@Entity({ tableName: 'problem_status_change' })
@Index({ name: 'problem_status_change_problem_index', properties: ['problemCode', 'changedAt'] })
export class ProblemStatusChange {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 16 })
  problemCode: string;

  @Field(() => ProblemStatus, { name: 'from', nullable: true, description: 'Status before; null when the problem was raised.' })
  @Property({ type: 'string', length: 16, nullable: true })
  fromStatus: ProblemStatus | null = null;

  @Field(() => ProblemStatus, { name: 'to', description: 'Status after.' })
  @Property({ type: 'string', length: 16 })
  toStatus: ProblemStatus;

  @Field(() => GraphQLISODateTime, { name: 'at', description: 'When the change was recorded.' })
  @Property({ type: 'datetime' })
  changedAt: Date;

  @Field({ name: 'by', description: 'Who recorded it (department or person).' })
  @Property({ type: 'string', length: 64 })
  changedBy: string;

  @Field(() => String, { nullable: true, description: 'Why, or what was done (办理情况).' })
  @Property({ type: 'string', length: 512, nullable: true })
  note: string | null = null;
}
