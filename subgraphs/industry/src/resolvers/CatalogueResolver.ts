import { CITY_CODE, IndicatorCatalogueType } from '@huishang/schema';
import { Query, Resolver } from 'type-graphql';

@Resolver(() => IndicatorCatalogueType)
export class CatalogueResolver {
  @Query(() => IndicatorCatalogueType, { description: 'Every department’s indicator catalogue (指标目录): one field per department.' })
  indicatorCatalogue(): IndicatorCatalogueType {
    return Object.assign(new IndicatorCatalogueType(), { city: CITY_CODE });
  }
}
