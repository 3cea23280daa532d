import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum TargetMeasure {
  LEVEL = 'LEVEL',
  GROWTH_PCT = 'GROWTH_PCT',
  SHARE_PCT = 'SHARE_PCT',
  POINTS = 'POINTS',
}
registerEnumType(TargetMeasure, {
  name: 'TargetMeasure',
  description: 'What a target fixes: a level for the year (总量), growth over last year (增速, %), a share (占比, %) or a change in points (百分点).',
});

/** An annual target (目标任务) the city set for itself or split down to a district (分解下达). */
@ObjectType({ description: 'An annual target (目标任务) for a region, as set in a municipal document.' })
@Entity({ tableName: 'target' })
@Index({ name: 'target_year_region_index', properties: ['year', 'regionCode'] })
export class Target {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id: number;

  @Field(() => Int)
  @Property({ type: 'integer' })
  year: number;

  @Property({ type: 'string', length: 6 })
  regionCode: string;

  @Field({ description: 'Indicator the target is measured on (any department’s code), e.g. "IND_PROJECT_INVESTMENT".' })
  @Property({ type: 'string', length: 64 })
  indicator: string;

  @Field(() => TargetMeasure)
  @Property({ type: 'string', length: 16 })
  measure: TargetMeasure;

  @Field(() => Float, { description: 'The minimum to reach (≥).' })
  @Property({ type: 'double' })
  value: number;

  @Field({ description: 'Unit of the value: 万元, %, 场, 人, 个.' })
  @Property({ type: 'string', length: 16 })
  unit: string;

  @Field(() => String, { nullable: true, description: 'Part of the economy the target covers (产业集群), when narrower than the indicator.' })
  @Property({ type: 'string', length: 64, nullable: true })
  scope: string | null;

  @Field({ description: 'The target as the document words it.' })
  @Property({ type: 'string', length: 256 })
  description: string;

  @Field({ description: 'Document that set it, e.g. 许政[2015]39号.' })
  @Property({ type: 'string', length: 64 })
  source: string;
}
