import { CITY_CODE, IndicatorCatalogueType } from '@huishang/schema';
import { Query, Resolver } from 'type-graphql';

@Resolver(() => IndicatorCatalogueType)
export class CatalogueResolver {
  @Query(() => IndicatorCatalogueType, { nullable: true, description: 'Every department’s indicator catalogue (指标目录): one field per department; null (with an error naming the department) when the industry department cannot answer.' })
  indicatorCatalogue(): IndicatorCatalogueType {
    return Object.assign(new IndicatorCatalogueType(), { city: CITY_CODE });
  }
}
