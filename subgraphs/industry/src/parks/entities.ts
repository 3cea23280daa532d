import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { EnterpriseGroupMember, ParkCodeScalar } from '@huishang/schema';
import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ParkKind {
  DEVELOPMENT_ZONE = 'DEVELOPMENT_ZONE',
  CLUSTER_DISTRICT = 'CLUSTER_DISTRICT',
  INDUSTRIAL_PARK = 'INDUSTRIAL_PARK',
  FUNCTIONAL_ZONE = 'FUNCTIONAL_ZONE',
}
registerEnumType(ParkKind, {
  name: 'ParkKind',
  description: 'What kind of park (园区类型): a development zone (经济技术开发区 / 高新技术产业开发区), an industrial cluster district (产业集聚区, Henan’s form), an industrial park (工业园区) or an industry functional zone (产业功能区, 成办发〔2012〕1号).',
  valuesConfig: {
    DEVELOPMENT_ZONE: { description: '经济技术开发区 / 高新技术产业开发区: a development zone.' },
    CLUSTER_DISTRICT: { description: '产业集聚区: an industrial cluster district (河南省).' },
    INDUSTRIAL_PARK: { description: '工业园区: an industrial park.' },
    FUNCTIONAL_ZONE: { description: '产业功能区: an industry functional zone (成都).' },
  },
});

/** The industry bureau's park list (园区名录): one row per park. Codes: `parseParkCode` (schema/src/identifiers/parkCode.ts). */
@Entity({ tableName: 'park' })
@Index({ name: 'park_region_index', properties: ['regionCode'] })
export class ParkRecord {
  @PrimaryKey({ type: 'string', length: 9 })
  code: string;

  @Property({ type: 'string', length: 64 })
  name: string;

  @Property({ type: 'string', length: 128 })
  nameEn: string;

  @Property({ type: 'string', length: 6 })
  regionCode: string;

  @Property({ type: 'string', length: 24 })
  kind: ParkKind;
}

/**
 * A target for a park's infrastructure investment (园区基础设施投资目标) for a period of a year, 万元;
 * `parkCode` null: the target for all the city's parks together (成办发〔2012〕1号: 45亿元 in the
 * first quarter for all parks, 天府新城高新技术产业区 ≥ 2.5亿元). A park's targets are not district
 * targets, so they are kept here, not in the kit's `target` table (whose targets are per region).
 */
@Entity({ tableName: 'park_investment_target' })
@Index({ name: 'park_investment_target_year_index', properties: ['year', 'parkCode'] })
export class ParkTargetRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  year!: number;

  /** YEAR, H1/H2, Q1…Q4 (the kit's target periods). */
  @Property({ type: 'string', length: 8 })
  period!: 'YEAR' | 'H1' | 'H2' | 'Q1' | 'Q2' | 'Q3' | 'Q4';

  @Property({ type: 'string', length: 9, nullable: true })
  parkCode: string | null = null;

  /** 万元, at least this much (以上: the bound included). */
  @Property({ type: 'double' })
  value!: number;

  @Property({ type: 'string', length: 256 })
  description!: string;

  @Property({ type: 'string', length: 128 })
  source!: string;
}

/** An industrial park as the graph serves it; `members` feed every department's totals over its enterprises. */
@Directive('@key(fields: "code")')
@ObjectType({
  description:
    'An industrial park (园区: 产业集聚区, 开发区, 工业园区) on the industry bureau’s park list: its district, its enterprises (the register’s `Enterprise.park`), its infrastructure-investment ledger (园区基础设施投资) with targets, and every department’s totals over its enterprises.',
})
export class Park {
  @Field(() => ParkCodeScalar, { description: 'Park code (园区代码): "P", the 6-digit code of its district and a 2-digit number, e.g. "P41108201"; never reused or renumbered.' })
  code: string;

  @Field({ description: 'Name (园区名称), e.g. 长葛市产业集聚区.' })
  name: string;

  @Field({ description: 'English name.' })
  nameEn: string;

  @Field(() => ParkKind, { description: 'Kind of park (园区类型).' })
  kind: ParkKind;

  regionCode: string;

  /** The register's enterprises in the park (credit code and region): `@inaccessible`, for the departments' `@requires` only. */
  @Directive('@inaccessible')
  @Field(() => [EnterpriseGroupMember], { description: 'The park’s enterprises (credit code and region), for the departments’ totals (@requires); not served to clients.' })
  members: EnterpriseGroupMember[];

  @Field(() => Int, { description: 'Enterprises of the register in the park (入园企业数).' })
  get enterpriseCount(): number {
    return this.members.length;
  }
}
