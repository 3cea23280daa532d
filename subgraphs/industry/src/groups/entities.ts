import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { EnterpriseGroupMember, IndustryCodeScalar } from '@huishang/schema';

export enum IndustryLevel {
  SECTION = 'SECTION',
  DIVISION = 'DIVISION',
  GROUP = 'GROUP',
  CLASS = 'CLASS',
}
registerEnumType(IndustryLevel, {
  name: 'IndustryLevel',
  description: 'Level of a GB/T 4754-2017 code: section (门类, `C`), division (大类, `C38`), group (中类, `C382`), class (小类, `C3823`).',
  valuesConfig: {
    SECTION: { description: 'Section (门类): one letter, `C` for manufacturing.' },
    DIVISION: { description: 'Division (大类): a letter and two digits, `C38`.' },
    GROUP: { description: 'Group (中类): a letter and three digits, `C382`.' },
    CLASS: { description: 'Class (小类): a letter and four digits, `C3823`.' },
  },
});

/** What every group entity of this subgraph carries: its enterprises, for the departments' totals. */
@ObjectType({ description: 'Base of the group entities (never emitted on its own).' })
abstract class EnterpriseGroup {
  /** The enterprises of the register in the group (credit code and region): `@inaccessible`, for the departments' `@requires` only. */
  @Directive('@inaccessible')
  @Field(() => [EnterpriseGroupMember], { description: 'The group’s enterprises (credit code and region), for the departments’ totals (@requires); not served to clients.' })
  members: EnterpriseGroupMember[];

  @Field(() => Int, { description: 'Enterprises of the register in the group (企业数).' })
  get enterpriseCount(): number {
    return this.members.length;
  }
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'An industry (行业) of GB/T 4754-2017: a section, division, group or class, with the enterprises of the register under it. Every department adds its totals over them.' })
export class Industry extends EnterpriseGroup {
  @Field(() => IndustryCodeScalar, { description: 'Industry code (行业代码): `C`, `C38`, `C382`, `C3823`.' })
  code: string;

  @Field(() => IndustryLevel, { description: 'Section, division, group or class.' })
  level: IndustryLevel;

  @Field(() => String, { nullable: true, description: 'Chinese name (行业名称) as the standard gives it; null where this register does not carry it.' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'English name (sections only).' })
  nameEn: string | null;

  @Field(() => IndustryCodeScalar, { nullable: true, description: 'The code one level up (a class’s group, a division’s section); null for a section.' })
  parentCode: string | null;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'An industrial cluster (产业集群) of the city, kept by the industry bureau: a named set of industry codes (许政[2015]39号 item 七; the emerging industries 新兴产业 of item 九 are one too). Every department adds its totals over the cluster’s enterprises; the statistics bureau keeps its revenue targets.' })
export class Cluster extends EnterpriseGroup {
  @Field({ description: 'Stable code, e.g. `equipment`, `power-equipment`, `emerging`.' })
  code: string;

  @Field({ description: 'Chinese name (产业集群名称), e.g. 装备制造.' })
  name: string;

  @Field({ description: 'English name.' })
  nameEn: string;

  @Field(() => [IndustryCodeScalar], { description: 'The industry codes that make up the cluster: an enterprise whose class lies under one of them belongs to it.' })
  industryCodes: string[];

  @Field({ description: 'The document that sets the cluster and its target, e.g. 许政[2015]39号 item 七.' })
  source: string;
}
