import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { CreditCodeScalar, IndustryCodeScalar } from '@huishang/schema';
import { Directive, Field, ObjectType } from 'type-graphql';
import type { SubgraphContext } from '@huishang/schema';

/** The enterprise register (企业名录) kept by the industry bureau. */
@Directive('@key(fields: "creditCode")')
@ObjectType({ description: 'An enterprise (企业), identified by its unified social credit code.' })
@Entity({ tableName: 'enterprise' })
@Index({ name: 'enterprise_region_index', properties: ['regionCode', 'creditCode'] })
@Index({ name: 'enterprise_park_index', properties: ['parkCode'] })
export class Enterprise {
  @Field(() => CreditCodeScalar, { description: 'Unified social credit code (统一社会信用代码).' })
  @PrimaryKey({ type: 'string', length: 18 })
  creditCode: string;

  @Field({ description: 'Registered name (企业名称).' })
  @Property({ type: 'string', length: 128 })
  name: string;

  @Property({ type: 'string', length: 6 })
  regionCode: string;

  @Field(() => IndustryCodeScalar, { description: 'Industry class (行业代码, GB/T 4754-2017), e.g. C3823.' })
  @Property({ type: 'string', length: 5 })
  industryCode: string;

  @Field({ description: 'Name of the industry class (行业名称).' })
  @Property({ type: 'string', length: 64 })
  industryName: string;

  @Field({ description: 'Above designated size (规模以上工业企业): main-business revenue of 2000万元 a year or more.' })
  @Property({ type: 'boolean' })
  aboveDesignatedSize: boolean;

  @Field({ description: 'On the list of 100 key enterprises (百户重点企业).' })
  @Property({ type: 'boolean' })
  keyEnterprise: boolean;

  /** The park the enterprise is in (所在园区): a park code of the park list (`park.code`), null outside every park. Served as `Enterprise.park`. */
  @Property({ type: 'string', length: 9, nullable: true })
  parkCode: string | null = null;
}

export const enterpriseReference = {
  __resolveReference: (reference: { creditCode: string }, ctx: SubgraphContext) => ctx.loaders.enterprises.load(reference.creditCode),
};
