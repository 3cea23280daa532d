import { Arg, Ctx, Directive, Field, GraphQLISODateTime, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { badUserInput, notFound } from '../errors';
import type { IndicatorCatalogue } from '../observation/catalogue';
import { GrantRecord, isDemoGrant, ruleGrantsFrom } from './access';
import { productionMode } from './identity';
import type { SubgraphContext } from './context';
import { SUBGRAPH_NAMES } from './services';
import { Writes, WriteRule } from './authorization';

@Directive('@shareable')
@ObjectType('AccessGrant', { description: 'A grant (授权): the owning department lets another read its conditionally shared (有条件共享) enterprise figures, for a purpose, until a date.' })
export class AccessGrant {
  @Field(() => Int, { description: 'Number of the grant in the owner’s register.' })
  id: number;
  @Field({ description: 'Department that owns the data and granted access.' })
  owner: string;
  @Field({ description: 'Department allowed to read.' })
  grantee: string;
  @Field(() => [String], { description: 'Indicator codes covered; ["*"] for all of the owner’s conditionally shared indicators.' })
  indicators: string[];
  @Field({ description: 'Why the grantee needs the data (用途), as stated when granted.' })
  purpose: string;
  @Field({ description: 'Client id of the owner’s administrator who granted it.' })
  grantedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was granted (UTC).' })
  grantedAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it stops being honoured (UTC); every grant has an end.' })
  expiresAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was revoked (UTC); null unless revoked.' })
  revokedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Client id of the administrator who revoked it; null unless revoked.' })
  revokedBy: string | null;
  @Field({ description: 'Neither revoked nor expired now, and (in production mode) not one the demo made.' })
  active: boolean;
  @Field(() => String, { nullable: true, description: 'Why the grant is not active (revoked, expired, or made by the demo and so not honoured in production mode); null when active.' })
  inactiveReason: string | null;
  @Field(() => String, { nullable: true, description: 'A grant to a rule (用途授权): the grantee’s warning rule of this code (POWER_DROP) may use the figures, and its clients read nothing more by it; null for a reading grant.' })
  rule: string | null;

  static from(owner: string, row: GrantRecord, now = Date.now()): AccessGrant {
    const inactiveReason = row.revokedAt
      ? `revoked by ${row.revokedBy ?? 'an administrator'}`
      : new Date(row.expiresAt).getTime() <= now
        ? 'expired'
        : productionMode() && isDemoGrant(row)
          ? 'made by the demo (grantedBy "demo-seed"): production mode honours no demo grant; an administrator of the owner grants it anew'
          : null;
    return Object.assign(new AccessGrant(), {
      id: row.id,
      owner,
      grantee: row.grantee,
      indicators: row.indicators.split(','),
      purpose: row.purpose,
      grantedBy: row.grantedBy,
      grantedAt: new Date(row.grantedAt),
      expiresAt: new Date(row.expiresAt),
      revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
      revokedBy: row.revokedBy,
      active: inactiveReason === null,
      inactiveReason,
      rule: row.rule ?? null,
    });
  }
}

@InputType('AccessGrantInput', { description: 'A grant an owner department gives another (数据共享授权): which indicators, for what purpose, until when.' })
export class AccessGrantInput {
  @Field({ description: 'Department to grant: a subgraph name of the registry of departments.' })
  grantee: string;
  @Field(() => [String], { nullable: true, description: 'Conditionally shared indicator codes; omitted: all of them.' })
  indicators?: string[] | null;
  @Field({ description: 'Purpose (用途): required, recorded, shown to both sides.' })
  purpose: string;
  @Field(() => GraphQLISODateTime, { description: 'When the grant ends; at most five years ahead.' })
  expiresAt: Date;
  @Field(() => String, { nullable: true, description: 'Grant to a rule of the grantee (e.g. POWER_DROP) instead of its clients: the rule may use the figures, the grantee reads nothing more. Omitted: a reading grant.' })
  rule?: string | null;
}

const capitalised = (name: string) => name[0].toUpperCase() + name.slice(1);
const FIVE_YEARS_MS = 5 * 366 * 24 * 3600 * 1000;

/**
 * Every department's grant register on the graph: `grantFinanceAccess`, `revokeFinanceGrant`,
 * `financeGrants`. The owner's administrators grant and revoke; the owner sees all its grants,
 * other departments the grants made to them.
 */
export function grantResolvers(owner: string, catalogue: IndicatorCatalogue): Function[] {
  const conditional = catalogue.definitions.filter((d) => d.sharing === 'CONDITIONAL').map((d) => d.code);

  @Resolver()
  class GrantResolver {
    // Nullable like every root field a department serves: its outage nulls this field, not the whole answer (README, "When a department fails").
    @Directive('@listSize(assumedSize: 50)')
    @Query(() => [AccessGrant], { name: `${owner}Grants`, nullable: true, description: `Grants of the ${owner} department’s conditionally shared data (授权登记): all of them for its own clients, those made to the caller’s department for others; null (with an error naming the department) when it cannot answer.` })
    async grants(
      @Arg('includeInactive', { defaultValue: false, description: 'Also revoked and expired grants.' }) includeInactive: boolean,
      @Ctx() ctx: SubgraphContext,
    ): Promise<AccessGrant[]> {
      const identity = ctx.access.identity;
      const where = identity && identity.department !== owner ? { grantee: identity.department } : {};
      const rows = await ctx.em.find(GrantRecord, where, { orderBy: { id: 'asc' } });
      return rows.map((row) => AccessGrant.from(owner, row)).filter((g) => includeInactive || g.active);
    }

    @Writes(WriteRule.OWNER_ADMINISTRATOR)
    @Mutation(() => AccessGrant, { nullable: true, name: `grant${capitalised(owner)}Access`, description: `Grant another department read access to the ${owner} department’s conditionally shared enterprise figures (administrators of ${owner} only).` })
    async grant(@Arg('input', () => AccessGrantInput, { description: 'Who is granted which indicators, for what purpose, until when.' }) input: AccessGrantInput, @Ctx() ctx: SubgraphContext): Promise<AccessGrant> {
      const field = `grant${capitalised(owner)}Access`;
      const identity = ctx.access.requireOwnerAdministrator(field);
      if (!(SUBGRAPH_NAMES as readonly string[]).includes(input.grantee)) throw badUserInput('input.grantee', `unknown department ${JSON.stringify(input.grantee)}; one of ${SUBGRAPH_NAMES.join(', ')}`);
      if (input.grantee === owner) throw badUserInput('input.grantee', `the ${owner} department needs no grant to read its own data`);
      const indicators = input.indicators ?? ['*'];
      if (indicators.length === 0) throw badUserInput('input.indicators', 'name at least one indicator, or omit the list for all');
      for (const code of indicators) {
        if (code === '*' && indicators.length === 1) continue;
        if (!catalogue.has(code)) throw badUserInput('input.indicators', `unknown indicator ${JSON.stringify(code)}; ${owner} publishes ${catalogue.codes().join(', ')}`, { code: 'UNKNOWN_INDICATOR' });
        const sharing = catalogue.get(code).sharing;
        if (sharing !== 'CONDITIONAL') {
          throw badUserInput('input.indicators', `${code} is ${sharing === 'NOT_SHARED' ? 'not shared (不予共享): it cannot be granted' : 'unconditionally shared: it needs no grant'}; conditionally shared ones are ${conditional.join(', ')}`);
        }
      }
      const rule = input.rule?.trim() || null;
      if (rule !== null) {
        // Only a rule the registry lists (`ruleGrants` in subgraphs/departments.json) for this owner and grantee.
        const allowed = ruleGrantsFrom(owner).filter((g) => g.grantee === input.grantee).map((g) => g.rule);
        if (!allowed.includes(rule)) {
          throw badUserInput('input.rule', `${JSON.stringify(input.rule)} is not a rule of the ${input.grantee} department that uses ${owner}'s figures; ${allowed.length ? `allowed: ${allowed.join(', ')}` : `none is listed (ruleGrants in subgraphs/departments.json): omit rule for a reading grant`}`, { allowed });
        }
      }
      const purpose = input.purpose.trim();
      if (purpose.length < 4) throw badUserInput('input.purpose', 'state the purpose (用途) in a few words');
      const now = Date.now();
      const expires = new Date(input.expiresAt).getTime();
      if (!(expires > now)) throw badUserInput('input.expiresAt', 'must be in the future');
      if (expires - now > FIVE_YEARS_MS) throw badUserInput('input.expiresAt', 'at most five years ahead; renew it then');
      const row = ctx.em.create(GrantRecord, {
        grantee: input.grantee,
        indicators: indicators.join(','),
        purpose,
        grantedBy: identity?.clientId ?? 'internal',
        grantedAt: new Date(now),
        expiresAt: new Date(expires),
        revokedAt: null,
        revokedBy: null,
        rule,
      });
      await ctx.em.flush();
      await ctx.grants?.refresh();
      return AccessGrant.from(owner, row);
    }

    @Writes(WriteRule.OWNER_ADMINISTRATOR)
    @Mutation(() => AccessGrant, { nullable: true, name: `revoke${capitalised(owner)}Grant`, description: `Revoke a grant of the ${owner} department (administrators of ${owner} only); the record stays, marked revoked.` })
    async revoke(@Arg('id', () => Int, { description: 'The grant’s id (AccessGrant.id).' }) id: number, @Ctx() ctx: SubgraphContext): Promise<AccessGrant> {
      const identity = ctx.access.requireOwnerAdministrator(`revoke${capitalised(owner)}Grant`);
      const row = await ctx.em.findOne(GrantRecord, { id });
      if (!row) throw notFound('Grant', String(id));
      if (!row.revokedAt) {
        row.revokedAt = new Date();
        row.revokedBy = identity?.clientId ?? 'internal';
        await ctx.em.flush();
        await ctx.grants?.refresh();
      }
      return AccessGrant.from(owner, row);
    }
  }

  return [GrantResolver];
}
