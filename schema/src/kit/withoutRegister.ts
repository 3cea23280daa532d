import { Arg, Directive, Field, FieldResolver, GraphQLISODateTime, ObjectType, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { CITY_CODE, findRegion, REGIONS } from '../identifiers/regionCode';
import { IndicatorCatalogueType } from '../reporting/graphql';
import { MONTH_ARGUMENT, MonthScalar, RegionCodeScalar } from '../scalars';
import { WarningReportType, warningReport } from '../warnings/graphql';

/*
 * Entry points that do not go through the register (README, "When a department fails"): every
 * query of the meeting starts at the register's root fields (`region`, `regions`, `enterprises`,
 * `warnings`, `indicatorCatalogue`), so with the register's department down nothing of the others
 * could be reached. Every department that extends the shared entities also serves these, from
 * the national division table (GB/T 2260) it validates RegionCode against anyway — never from the
 * register — and they are @shareable: the gateway's planner sends them to any one of those
 * departments. They are separate names (not a second `region` root field), so no plan of an
 * ordinary query changes: a client reaches for them only when the register's department is down
 * (the meeting pack's fallback document, briefing/queries/meeting-pack-without-register.graphql).
 */

@Directive('@shareable')
@ObjectType({ description: 'A region as the national division table names it (行政区划, GB/T 2260: the table every department validates RegionCode against), not as the register keeps it.' })
export class RegionDivision {
  @Field({ description: 'Name (名称), e.g. 魏都区.' })
  name: string;
  @Field({ description: 'English name.' })
  nameEn: string;
  @Field({ description: 'CITY, DISTRICT, COUNTY or ZONE (市, 区, 县/县级市, 开发区/功能区).' })
  level: string;
  @Field({ description: 'True for zones with no national code, whose code the city assigned (71–79).' })
  locallyAssigned: boolean;
}

@Directive('@shareable')
@ObjectType({
  description:
    'Entry points that do not go through the register (不经企业名录的入口): served by every department that extends the shared entities, so the other departments’ figures can be read while the register’s department is down. Key-only entities: their figures come from each department as usual.',
})
export class WithoutRegister {
  /** The answer carries no state: every field resolves from its arguments. */
  city: string;
}

/**
 * The resolvers of the register-free entry points for a department that extends Region (its
 * key-only `Region` class): `Query.withoutRegister { region(code) warnings(month)
 * indicatorCatalogue }`, and on Region `division` and `subdivisions` from the division table.
 */
export function withoutRegisterResolvers(Region: ClassType): Function[] {
  const stub = (code: string) => Object.assign(new Region(), { code });

  @Resolver(() => WithoutRegister)
  class WithoutRegisterResolver {
    @Directive('@shareable')
    @Query(() => WithoutRegister, {
      nullable: true,
      description:
        'Entry points that do not go through the register (its keeper, the secretariat): the regions, the month’s warning report and the catalogue as every other department can serve them. For clients that must go on while the register’s department is down (the meeting pack); null when the department serving it cannot answer.',
    })
    withoutRegister(): WithoutRegister {
      return Object.assign(new WithoutRegister(), { city: CITY_CODE });
    }

    @FieldResolver(() => Region, { nullable: true, description: 'A region of the city by its code (key only; its name in `division`); null if the division table has none.' })
    region(@Arg('code', () => RegionCodeScalar) code: string): unknown {
      return findRegion(code) ? stub(code) : null;
    }

    @FieldResolver(() => WarningReportType, { description: 'The month’s warning report (key only): each department adds its own rules to it, as on `Query.warnings`.' })
    warnings(
      @Arg('month', () => MonthScalar, MONTH_ARGUMENT) month: string,
      @Arg('asOf', () => GraphQLISODateTime, { nullable: true, description: 'Judge the warnings on the figures as they stood at this time (as the meeting saw them); null: now.' }) asOf: Date | null,
    ): WarningReportType {
      return warningReport(month, asOf);
    }

    @FieldResolver(() => IndicatorCatalogueType, { description: 'The city’s indicator catalogue (key only): each department adds its own list, as on `Query.indicatorCatalogue`.' })
    indicatorCatalogue(@Root() entry: WithoutRegister): IndicatorCatalogueType {
      return Object.assign(new IndicatorCatalogueType(), { city: entry.city });
    }
  }

  @Resolver(() => Region)
  class RegionDivisionResolver {
    @Directive('@shareable')
    @FieldResolver(() => RegionDivision, { nullable: true, description: 'The region as the national division table names it (行政区划): name and level without the register, as every department holds them.' })
    division(@Root() region: { code: string }): RegionDivision | null {
      const record = findRegion(region.code);
      return record ? Object.assign(new RegionDivision(), { name: record.name, nameEn: record.nameEn, level: record.level, locallyAssigned: record.locallyAssigned }) : null;
    }

    @Directive('@shareable')
    // A city's districts, counties and zones: about a dozen (the cost limit's list size).
    @Directive('@listSize(assumedSize: 12)')
    @FieldResolver(() => [Region], { nullable: true, description: 'The regions directly under this one in the division table (下辖地区), in code order (key only), without the register.' })
    subdivisions(@Root() region: { code: string }): unknown[] {
      return REGIONS.filter((r) => r.parentCode === region.code)
        .map((r) => r.code)
        .sort()
        .map(stub);
    }
  }

  return [WithoutRegisterResolver, RegionDivisionResolver];
}
