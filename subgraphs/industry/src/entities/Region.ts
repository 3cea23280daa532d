import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { badUserInput, RegionCodeScalar } from '@huishang/schema';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import type { SubgraphContext } from '@huishang/schema';

export enum RegionLevel {
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
  COUNTY = 'COUNTY',
  ZONE = 'ZONE',
}
registerEnumType(RegionLevel, {
  name: 'RegionLevel',
  valuesConfig: {
    CITY: { description: 'The city (市) itself.' },
    DISTRICT: { description: 'A city district (市辖区, e.g. 魏都区); counties and zones are COUNTY and ZONE.' },
    COUNTY: { description: 'A county or county-level city (县/县级市).' },
    ZONE: { description: 'A development or functional zone (开发区/功能区), locally assigned a code.' },
  },
  description: 'City (市), district (区), county or county-level city (县/县级市), development zone (开发区/功能区).',
});

/** A region of the city. The industry bureau keeps the register; every department adds its figures. */
@Directive('@key(fields: "code")')
@ObjectType({ description: 'A region (地区): the city, a district, a county or a development zone.' })
@Entity({ tableName: 'region' })
export class Region {
  @Field(() => RegionCodeScalar, { description: 'Administrative division code (行政区划代码).' })
  @PrimaryKey({ type: 'string', length: 6 })
  code: string;

  @Field({ description: 'Name (名称), e.g. 魏都区.' })
  @Property({ type: 'string', length: 64 })
  name: string;

  @Field({ description: 'English name.' })
  @Property({ type: 'string', length: 128 })
  nameEn: string;

  @Field(() => RegionLevel, { description: 'Level in the administrative hierarchy.' })
  @Property({ type: 'string', length: 16 })
  level: RegionLevel;

  @Property({ type: 'string', length: 6, nullable: true })
  parentCode: string | null;

  @Field({ description: 'True for zones with no national code, whose code the city assigned (71–79).' })
  @Property({ type: 'boolean' })
  locallyAssigned: boolean;
}

/** A reference by code: null for a well-formed code that is not in the division table, BAD_USER_INPUT for one that is not 6 digits (as the extending subgraphs answer). */
export const regionReference = {
  __resolveReference: (reference: { code: string }, ctx: SubgraphContext) => {
    if (typeof reference.code !== 'string' || !/^\d{6}$/.test(reference.code)) {
      throw badUserInput('_entities.representations', `a Region representation must carry its key "code": ${JSON.stringify(reference.code)} is not 6 digits`, { argument: 'representations', typename: 'Region', keyField: 'code' });
    }
    return ctx.loaders.regions.load(reference.code);
  },
};
