import { Entity, Index, PrimaryKey, Property, type MikroORM } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { GraphQLError } from 'graphql';
import { ErrorCode, readingRoleReason, withArticle } from '../errors';
import type { IndicatorDefinition, SharingCategory, SubjectType } from '../observation/indicator';
import { productionMode, type Identity } from './identity';
import { departmentRegistry } from './registry';
import type { AnswerVersions } from './answerVersions';

/**
 * A grant (授权): the owning department lets another department read its conditionally shared
 * (有条件共享) enterprise-level figures, for a stated purpose, until a date. Kept in the owner's own
 * database, so the owner alone decides; revoking keeps the row (who revoked it and when).
 */
@Entity({ tableName: 'access_grant' })
@Index({ name: 'access_grant_grantee_index', properties: ['grantee'] })
export class GrantRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Department allowed to read. */
  @Property({ type: 'string', length: 32 })
  grantee!: string;

  /** Comma-separated indicator codes, or `*` for every conditionally shared indicator of the owner. */
  @Property({ type: 'string', length: 1024 })
  indicators!: string;

  @Property({ type: 'string', length: 512 })
  purpose!: string;

  /** Client id of the owner's administrator who granted it. */
  @Property({ type: 'string', length: 64 })
  grantedBy!: string;

  @Property({ type: 'datetime' })
  grantedAt!: Date;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  revokedBy: string | null = null;

  /**
   * A grant for a rule (用途授权): the grantee's rule of this code (POWER_DROP) may use the figures,
   * and only it; the grantee's clients read nothing more by it. Null: a reading grant.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  rule: string | null = null;
}

/** The `access_grant` table; every subgraph's migration list ends with the kit's AccessGrants migration. */
export function createGrantTable(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.createTable('access_grant', (t) => {
    t.increments('id').primary();
    t.string('grantee', 32).notNullable();
    t.string('indicators', 1024).notNullable();
    t.string('purpose', 512).notNullable();
    t.string('granted_by', 64).notNullable();
    t.datetime('granted_at', { useTz: true }).notNullable();
    t.datetime('expires_at', { useTz: true }).notNullable();
    t.datetime('revoked_at', { useTz: true }).nullable();
    t.string('revoked_by', 64).nullable();
    t.index(['grantee'], 'access_grant_grantee_index');
  });
}

/** Grants for a rule (issue 12): the `rule` column of `access_grant`; null for reading grants. */
export function addGrantRuleColumn(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.alterTable('access_grant', (t) => {
    t.string('rule', 64).nullable();
  });
}

export interface ActiveGrant {
  id: number;
  grantee: string;
  indicators: ReadonlySet<string> | '*';
  expiresAt: number;
  /** Null for a reading grant; the rule's code for a grant to a rule. */
  rule: string | null;
}

/** Statements the logger must not count as a request's: the grants refresh runs beside requests. */
export const BACKGROUND_LABEL = 'background';

/**
 * The owner's unrevoked grants, kept in memory and re-read every few seconds
 * (`HUISHANG_GRANT_REFRESH_MS`, default 5000) and at once after a grant or revocation here: a
 * request never waits on the grants table. Expiry is judged at each read, so a grant stops
 * working the moment it expires; a revocation made on another replica takes effect within one
 * refresh.
 */
export class GrantCache {
  private grants: ActiveGrant[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: MikroORM,
    /** Where a change of the grants is published for the gateway's answer cache (answerVersions.ts). */
    private readonly versions?: AnswerVersions,
  ) {}

  async start(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    await this.refresh();
    const every = Number(env.HUISHANG_GRANT_REFRESH_MS ?? 5_000);
    if (Number.isFinite(every) && every > 0) {
      this.timer = setInterval(() => this.refresh().catch((error) => console.error(`grants refresh failed: ${(error as Error).message}`)), every);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const rows = await this.orm.em.fork().find(GrantRecord, { revokedAt: null }, { orderBy: { id: 'asc' }, loggerContext: { label: BACKGROUND_LABEL } });
    // Production over a database the demo made honours none of the demo's grants (issue 12, item 7).
    const production = productionMode();
    this.grants = rows.filter((row) => !(production && isDemoGrant(row))).map((row) => ({
      id: row.id,
      grantee: row.grantee,
      indicators: row.indicators === '*' ? '*' : new Set(row.indicators.split(',')),
      expiresAt: new Date(row.expiresAt).getTime(),
      rule: row.rule ?? null,
    }));
    // Before a grant or revocation answers (it awaits this refresh): the gateway's cached answers under the old grants are not served again.
    await this.versions?.grantsAre(
      this.grants.map((g) => `${g.id}:${g.grantee}:${g.rule ?? ''}:${g.expiresAt}:${g.indicators === '*' ? '*' : [...g.indicators].join(',')}`).join('|'),
      this.grants.map((g) => g.expiresAt),
    );
  }

  /** The reading grant letting `department` read `indicator` now, if any (a grant to a rule never does). */
  find(department: string, indicator: string, now = Date.now()): ActiveGrant | undefined {
    return this.grants.find((g) => g.rule === null && g.grantee === department && g.expiresAt > now && (g.indicators === '*' || g.indicators.has(indicator)));
  }

  /** The grant letting `department`'s rule `rule` use `indicator` now, if any (reading grants do not). */
  findForRule(department: string, rule: string, indicator: string, now = Date.now()): ActiveGrant | undefined {
    return this.grants.find((g) => g.rule === rule && g.grantee === department && g.expiresAt > now && (g.indicators === '*' || g.indicators.has(indicator)));
  }
}

/** What a request read, reported back to the gateway for the audit trail. */
export class ReadLog {
  readonly indicators = new Set<string>();
  readonly enterprises = new Set<string>();
  readonly months = new Set<string>();
  /** Submission numbers a write created (报送批次号): the gateway keeps them in the write's audit record. */
  readonly submissions = new Set<number>();
  /**
   * Reads a rule did under a grant to it (`RULE:INDICATOR`: the rule's code and the indicator it read):
   * the rule's, not the caller's, so they stay out of `indicators` (the caller neither may read nor
   * receives them; finding t12 #4).
   */
  readonly ruleReads = new Set<string>();
  /**
   * Indicators the caller named and was not served without an error (a ranking on an indicator it
   * may not read lists every entry `withheld`): the audit trail keeps them with the FORBIDDEN
   * errors' indicators (`refusedIndicators`), so such attempts are findable too.
   */
  readonly refused = new Set<string>();
  /**
   * The enterprises and months of figures the caller asked for and was refused (FORBIDDEN): kept
   * apart from what was served, so the trail answers "who tried to read this enterprise's figures".
   */
  readonly refusedEnterprises = new Set<string>();
  readonly refusedMonths = new Set<string>();

  toJSON(): { indicators: string[]; enterprises: string[]; months: string[]; submissions?: number[]; ruleReads?: string[]; refused?: string[]; refusedEnterprises?: string[]; refusedMonths?: string[] } {
    return {
      indicators: [...this.indicators].sort(),
      enterprises: [...this.enterprises].sort(),
      months: [...this.months].sort(),
      // Only when a write made one, so the answers of reads are as before.
      ...(this.submissions.size ? { submissions: [...this.submissions].sort((a, b) => a - b) } : {}),
      ...(this.ruleReads.size ? { ruleReads: [...this.ruleReads].sort() } : {}),
      ...(this.refused.size ? { refused: [...this.refused].sort() } : {}),
      ...(this.refusedEnterprises.size ? { refusedEnterprises: [...this.refusedEnterprises].sort() } : {}),
      ...(this.refusedMonths.size ? { refusedMonths: [...this.refusedMonths].sort() } : {}),
    };
  }
}

export function forbidden(field: string, reason: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`Access denied to "${field}": ${reason}`, { extensions: { code: ErrorCode.Forbidden, field, reason, ...extra } });
}

const CATEGORY_NAMES: Record<SharingCategory, string> = {
  UNCONDITIONAL: 'unconditionally shared (无条件共享)',
  CONDITIONAL: 'conditionally shared (有条件共享)',
  NOT_SHARED: 'not shared (不予共享)',
};

/**
 * One request's view of the sharing rules (政务信息资源共享管理暂行办法, 2016), judged by the
 * department that owns the data:
 * - the owner's own clients see everything it holds;
 * - region-level figures (district aggregates) and a park's own ledger figures of shared indicators are
 *   unconditional, except a region figure that sums a few listed enterprises
 *   (`regionSumsListedEnterprises`), shared as they are;
 * - enterprise-level figures of a CONDITIONAL indicator need a live grant to the caller's department;
 * - NOT_SHARED figures are the owner's alone, at every level.
 * `identity` is null only for in-process callers (a subgraph's own tests): every HTTP request
 * carries the gateway's signed identity or is refused before it gets here.
 */
export class AccessPolicy {
  readonly reads = new ReadLog();

  constructor(
    readonly owner: string,
    readonly identity: Identity | null,
    private readonly grants: GrantCache | null,
  ) {}

  /** Null when allowed; otherwise why not. */
  denial(definition: IndicatorDefinition, subject: SubjectType): string | null {
    const identity = this.identity;
    if (!identity || identity.department === this.owner) return null;
    const category = definition.sharing;
    if (category === 'NOT_SHARED') return `${definition.code} (${definition.name}) is ${CATEGORY_NAMES[category]}: only the ${this.owner} department reads it`;
    // A park's own figures (its ledger: infrastructure investment) are about no enterprise: shared like a district's.
    if (category === 'UNCONDITIONAL' || (subject === 'REGION' && !definition.regionSumsListedEnterprises) || subject === 'PARK') return null;
    if (this.grants?.find(identity.department, definition.code)) return null;
    const what = subject === 'REGION' ? 'of a region (the sum over its listed enterprises, which it discloses)' : 'of an enterprise';
    return `${definition.code} (${definition.name}) ${what} is ${CATEGORY_NAMES[category]}: the ${identity.department} department holds no live grant from ${this.owner}`;
  }

  /**
   * Null when the caller may read a group total (an industry class's, a cluster's, a park's sum over
   * its enterprises) of this indicator; otherwise why not. A
   * group total is read as its enterprises' figures are: unconditional for an unconditionally
   * shared indicator, the owner's alone for a not-shared one, and for a conditionally shared one
   * only with a live grant, whatever the group's size. A per-total minimum (3 enterprises, the
   * statistical practice) is not enough: groups nest and overlap (a cluster and an industry class in
   * it, the city and a district), and the difference of two readable totals would isolate one or
   * two enterprises (finding F1 on issue 16). A total over fewer than 3 enterprises is therefore
   * never an aggregate either.
   */
  groupDenial(definition: IndicatorDefinition): string | null {
    const identity = this.identity;
    if (!identity || identity.department === this.owner) return null;
    const category = definition.sharing;
    if (category === 'NOT_SHARED') return this.denial(definition, 'REGION');
    if (category === 'UNCONDITIONAL') return null;
    if (this.grants?.find(identity.department, definition.code)) return null;
    // It does not say how many enterprises reported it: where a figure is reported only when something
    // happens (抽贷), that count alone would tell whether a one-enterprise group's enterprise had one (a tester's finding).
    return `${definition.code} (${definition.name}) summed over a group's enterprises is read as their own figures (totals of nested groups differ by single enterprises), which are ${CATEGORY_NAMES[category]}: the ${identity.department} department holds no live grant from ${this.owner}`;
  }

  /** `groupDenial` as an error (FORBIDDEN naming `field`); a refusal records the month asked for (`refusedMonths`). */
  requireGroup(field: string, definition: IndicatorDefinition, month?: string): void {
    const denial = this.groupDenial(definition);
    if (denial) throw this.#refusal(field, definition, denial, month);
  }

  /** The FORBIDDEN error of a refused read, the attempt's month recorded (refusals of a whole list or ranking name no enterprise). */
  #refusal(field: string, definition: IndicatorDefinition, denial: string, month: string | undefined): GraphQLError {
    if (month) this.reads.refusedMonths.add(month);
    return forbidden(field, denial, { indicator: definition.code, sharing: definition.sharing, owner: this.owner });
  }

  /** The live grant letting `grantee`'s rule `rule` use `indicator` of this owner (not the caller's reading rights). */
  ruleGrant(grantee: string, rule: string, indicator: string): ActiveGrant | undefined {
    return this.grants?.findForRule(grantee, rule, indicator);
  }

  /**
   * Throws FORBIDDEN naming the field when the caller may not read this indicator for this kind of
   * subject; the refusal records `month` (`refusedMonths`), so a refused list or ranking is found
   * by the audit trail's month filter as a refused single figure is.
   */
  require(field: string, definition: IndicatorDefinition, kind: SubjectType, month?: string): void {
    const denial = this.denial(definition, kind);
    if (denial) throw this.#refusal(field, definition, denial, month);
  }

  /** `require` for one subject, then records the read; a refusal records the attempt's enterprise and month. */
  check(field: string, definition: IndicatorDefinition, subject: { kind: SubjectType; code: string }, month?: string, options: { record?: boolean } = {}): void {
    try {
      this.require(field, definition, subject.kind, month);
    } catch (error) {
      if (subject.kind === 'ENTERPRISE') this.reads.refusedEnterprises.add(subject.code);
      throw error;
    }
    if (options.record !== false) this.record(definition.code, subject, month);
  }

  record(indicator: string, subject: { kind: SubjectType; code: string }, month?: string): void {
    this.reads.indicators.add(indicator);
    if (subject.kind === 'ENTERPRISE') this.reads.enterprises.add(subject.code);
    if (month) this.reads.months.add(month);
  }

  /** Writes are the owner's alone (报送 is the reporting department's own act). */
  requireOwner(field: string, what: string): void {
    const identity = this.identity;
    if (!identity) return;
    if (identity.department !== this.owner) throw forbidden(field, `${what} belong to the ${this.owner} department; ${withArticle(identity.department)} client may not write them`);
    if (identity.role === 'MEETING_MEMBER') throw forbidden(field, readingRoleReason(identity.role, 'reporting is for the department’s analysts, integrations and administrators'));
  }

  /** Administration of the owner's grants: its administrators only. */
  requireOwnerAdministrator(field: string): Identity | null {
    const identity = this.identity;
    if (!identity) return null;
    if (identity.department !== this.owner || identity.role !== 'ADMINISTRATOR') {
      throw forbidden(field, `only an administrator of the ${this.owner} department manages its grants; the caller is ${withArticle(`${identity.department} ${identity.role.toLowerCase().replace('_', ' ')}`)}`);
    }
    return identity;
  }
}

/** The department that chairs the meeting (the registry's `secretariat`, 会商机制的牵头部门) reads every department's enterprise figures for it. */
export const MEETING_SECRETARIAT = departmentRegistry().secretariat;

/**
 * The mark of a grant the demo seeded (`grantedBy`): set at creation by `seedDemoGrants` only (a
 * client id is never this string), checked where grants are evaluated so that production mode
 * honours none of them, like demo clients.
 */
export const DEMO_GRANTOR = 'demo-seed';

/** Whether the demo seeded this grant (see DEMO_GRANTOR). */
export function isDemoGrant(row: Pick<GrantRecord, 'grantedBy'>): boolean {
  return row.grantedBy === DEMO_GRANTOR;
}

/**
 * The demo city's standing grants: every other department lets the secretariat read its
 * conditionally shared enterprise figures for the monthly meeting, and grants each rule the
 * registry says needs its figures (`ruleGrants`: a rule of one department that uses another's
 * figures), both for two years from the seeding. Nothing is granted when the register
 * already has rows (a restart, or real grants).
 */
export async function seedDemoGrants(orm: MikroORM, owner: string): Promise<void> {
  // Production mode grants nothing by itself: grants there are the owners' decisions (`huishang grants`).
  if (productionMode()) return;
  const em = orm.em.fork();
  if ((await em.count(GrantRecord, {})) > 0) return;
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 2 * 365 * 24 * 3600 * 1000);
  const base = { grantedBy: DEMO_GRANTOR, grantedAt: now, expiresAt, revokedAt: null, revokedBy: null };
  if (owner !== MEETING_SECRETARIAT) {
    em.create(GrantRecord, {
      ...base,
      grantee: MEETING_SECRETARIAT,
      indicators: '*',
      purpose: '工业经济运行会商 (the monthly industrial-economy consultation meeting): the secretariat follows key enterprises',
      rule: null,
    });
  }
  for (const need of ruleGrantsFrom(owner)) {
    em.create(GrantRecord, { ...base, grantee: need.grantee, indicators: need.indicators.join(','), purpose: need.purpose, rule: need.rule });
  }
  await em.flush();
}

/** What the registry says other departments' rules need from `owner` (their `ruleGrants`). */
export function ruleGrantsFrom(owner: string): { grantee: string; rule: string; indicators: string[]; purpose: string }[] {
  return departmentRegistry().departments.flatMap((d) => (d.ruleGrants ?? []).filter((g) => g.owner === owner).map((g) => ({ grantee: d.name, rule: g.rule, indicators: g.indicators, purpose: g.purpose })));
}
