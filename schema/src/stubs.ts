import { Directive, Field, ObjectType } from 'type-graphql';
import { CreditCodeScalar, RegionCodeScalar } from './scalars';

/*
 * The shared entities as the departments that only extend them see them: the key alone. The
 * industry subgraph owns the rest (name, level, enterprises' register). Imported from
 * `@huishang/schema/stubs`, never from the package index, so the owner's full types never meet
 * these in one schema.
 */

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A region (地区): the city, a district, a county or a development zone.' })
export class Region {
  @Field(() => RegionCodeScalar, { description: 'Administrative division code (行政区划代码).' })
  code: string;
}

@Directive('@key(fields: "creditCode")')
@ObjectType({ description: 'An enterprise (企业), identified by its unified social credit code.' })
export class Enterprise {
  @Field(() => CreditCodeScalar, { description: 'Unified social credit code (统一社会信用代码).' })
  creditCode: string;
}

/** Every department resolves a reference by its key: it holds its own figures under that key. */
export const stubReferenceResolvers = {
  Region: { __resolveReference: (reference: { code: string }) => ({ code: reference.code }) },
  Enterprise: { __resolveReference: (reference: { creditCode: string }) => ({ creditCode: reference.creditCode }) },
};
