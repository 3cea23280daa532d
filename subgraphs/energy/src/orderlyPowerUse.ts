import { CITY_CODE, Observation, RegisteredEnterprise, type SubgraphContext } from '@huishang/schema';
import { Enterprise } from '@huishang/schema/stubs';
import { Ctx, Directive, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { EnergyFigures } from './EnergyFigures';
import { energyIndicators } from './indicators';

@ObjectType({ description: 'An enterprise on the month’s orderly-power-use list (有序用电名单), as the power company keeps it.' })
export class OrderlyPowerUseEntry {
  @Field(() => Enterprise, { description: 'The enterprise (its register entry and other departments’ figures through the graph).' })
  enterprise: Enterprise;

  @Field(() => Observation, { description: 'Load it was asked to shift, avoid or shed (有序用电压减负荷, EN_ORDERLY_CURTAILED_LOAD), 万千瓦.' })
  curtailedLoad: Observation;
}

/**
 * The orderly-power-use list (有序用电, 成办发〔2012〕1号 item 三(五)): the enterprises with a
 * curtailed load above zero in the month, read through the kit's read path (ctx.figures.positive),
 * so the enterprise figures' sharing category applies — another department needs the power
 * company's grant for EN_ORDERLY_CURTAILED_LOAD (FORBIDDEN otherwise, the list only) — and every
 * entry is in the audit trail. A region's list is its enterprises by the department's own register.
 */
@Resolver(() => EnergyFigures)
export class OrderlyPowerUseList {
  @Directive('@listSize(assumedSize: 50)')
  @FieldResolver(() => [OrderlyPowerUseEntry], {
    nullable: true,
    description:
      'The orderly-power-use list (有序用电名单) for the month: the enterprises of this region (or this enterprise) with a load curtailed, largest first. Enterprise figures, conditionally shared: FORBIDDEN (this list nulled) for a department without the power company’s grant; the counts (orderlyEnterprises) are unconditional.',
  })
  async orderlyPowerUse(@Root() figures: EnergyFigures, @Ctx() ctx: SubgraphContext): Promise<OrderlyPowerUseEntry[]> {
    const { kind, code, asOf } = figures.subject;
    const listed = await ctx.figures.at(asOf ?? null).positive('energy.orderlyPowerUse', energyIndicators, 'EN_ORDERLY_CURTAILED_LOAD', 'ENTERPRISE', figures.month);
    let shown = listed;
    if (kind === 'ENTERPRISE') shown = listed.filter((o) => o.subjectCode === code);
    else if (code !== CITY_CODE && listed.length > 0) {
      const register = await ctx.em.find(RegisteredEnterprise, { creditCode: { $in: listed.map((o) => o.subjectCode) } });
      const inRegion = new Set(register.filter((r) => r.regionCode === code).map((r) => r.creditCode));
      shown = listed.filter((o) => inRegion.has(o.subjectCode));
    }
    return shown
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || a.subjectCode.localeCompare(b.subjectCode))
      .map((o) => Object.assign(new OrderlyPowerUseEntry(), { enterprise: Object.assign(new Enterprise(), { creditCode: o.subjectCode }), curtailedLoad: o }));
  }
}
