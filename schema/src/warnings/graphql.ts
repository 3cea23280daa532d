import { GraphQLError } from 'graphql';
import { refuseFutureAsOf } from '../kit/asOf';
import { Directive, Field, Float, GraphQLISODateTime, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ErrorCode } from '../errors';
import { CreditCodeScalar, MonthScalar } from '../scalars';
import { Observation, OBSERVATION_VALUE_FIELDS } from '../observation/Observation';

export enum WarningSubjectKind {
  REGION = 'REGION',
  ENTERPRISE = 'ENTERPRISE',
  KEY_PROJECT = 'KEY_PROJECT',
  PROBLEM = 'PROBLEM',
}
registerEnumType(WarningSubjectKind, {
  name: 'WarningSubjectKind',
  valuesConfig: {
    REGION: { description: 'A region (地区), by its code.' },
    ENTERPRISE: { description: 'An enterprise (企业), by its unified social credit code.' },
    KEY_PROJECT: { description: 'A key project (重点项目), by its code.' },
    PROBLEM: { description: 'A problem on the list (问题清单), by its code.' },
  },
  description: 'What a warning is about: a region (地区), an enterprise (企业), a key project (重点项目) or a problem on the list (问题清单).',
});

@Directive('@shareable')
@ObjectType({ description: 'An entry of a ledger a rule used (重点项目台账, 问题清单, 目标任务): a figure or a fact that is not a reported observation.' })
export class LedgerFact {
  @Field({ description: 'The ledger: KEY_PROJECTS (重点项目台账), PROBLEMS (问题清单), TARGETS (目标任务) or GRANTS (授权登记: a figure used under a grant to the rule, not shown).' })
  ledger: string;
  @Field({ description: 'The entry: a project code (XC2015-007), a problem code (WT2015-004), a target’s indicator and region.' })
  entry: string;
  @Field({ description: 'What the value is, e.g. "plannedToDate", "completedToDate", "deadline", "status", "target".' })
  item: string;
  @Field(() => MonthScalar, { nullable: true, description: 'Month the value is for, where it is monthly.' })
  month: string | null;
  @Field(() => Float, { nullable: true, description: 'A numeric value.' })
  value: number | null;
  @Field(() => String, { nullable: true, description: 'A value that is not a number: a date, a status.' })
  text: string | null;
  @Field(() => String, { nullable: true, description: 'Unit of the value: 万元, %, 人.' })
  unit: string | null;
}

export function ledgerFact(fact: Pick<LedgerFact, 'ledger' | 'entry' | 'item'> & Partial<LedgerFact>): LedgerFact {
  return Object.assign(new LedgerFact(), { month: null, value: null, text: null, unit: null }, fact);
}

@Directive('@shareable')
@ObjectType({ description: 'A figure a warning rule used, and which department reported it.' })
export class Evidence {
  @Field({ description: 'Department that reported the figure: a subgraph name of the registry of departments.' })
  department: string;
  @Field({ description: 'What the figure is in the rule, e.g. "withdrawal", "balance before".' })
  role: string;
  @Field(() => Observation, { nullable: true, description: 'The reported figure; null when the evidence is a ledger entry (`fact`).' })
  observation: Observation | null;
  @Field(() => LedgerFact, { nullable: true, description: 'The ledger entry (key projects, problem list, targets); null when the evidence is a reported figure.' })
  fact: LedgerFact | null;
}

export function observationEvidence(department: string, role: string, observation: Observation): Evidence {
  return Object.assign(new Evidence(), { department, role, observation, fact: null });
}

export function factEvidence(department: string, role: string, fact: LedgerFact): Evidence {
  return Object.assign(new Evidence(), { department, role, observation: null, fact });
}

@Directive('@shareable')
@ObjectType({ description: 'A threshold a rule was judged with (configuration, not code).' })
export class ThresholdSetting {
  @Field()
  name: string;
  @Field(() => Float)
  value: number;
}

@Directive('@shareable')
@ObjectType({ description: 'A warning (预警): the rule that fired, on what, and the evidence from every department it used.' })
export class Warning {
  @Field({ description: 'Stable rule code: LOAN_WITHDRAWAL, POWER_DROP, EMPLOYMENT_DROP, PROJECT_BEHIND_SCHEDULE, PROBLEM_OVERDUE, TARGET_BEHIND.' })
  rule: string;
  @Field({ description: 'The rule in Chinese, as the meeting names it.' })
  title: string;
  @Field({ description: 'What happened, in a sentence.' })
  message: string;
  @Field(() => WarningSubjectKind)
  subjectKind: WarningSubjectKind;
  @Field({ description: 'Region code, credit code, project code (XC2015-007) or problem code (WT2015-004) of the subject.' })
  subjectCode: string;
  @Field(() => MonthScalar)
  month: string;
  @Directive('@listSize(assumedSize: 4)')
  @Field(() => [Evidence])
  evidence: Evidence[];
  @Directive('@listSize(assumedSize: 4)')
  @Field(() => [ThresholdSetting])
  thresholds: ThresholdSetting[];
  // `enterprise` and `region` are added by each subgraph's `warningSubjectResolvers`, on its own
  // Enterprise and Region types (the owner's in the register's keeper, the key-only stubs elsewhere).
  /** Credit code of the enterprise the warning is about, if any: `enterprise`. */
  enterpriseCode?: string | null;
  /** Region the warning is about, if any: `region`. */
  regionCode?: string | null;
}

/** A warning; `enterprise` defaults to an ENTERPRISE subject, `region` to a REGION subject. */
export function warning(fields: Omit<Warning, 'enterpriseCode' | 'regionCode'> & { enterpriseCode?: string | null; regionCode?: string | null }): Warning {
  return Object.assign(new Warning(), {
    enterpriseCode: fields.subjectKind === WarningSubjectKind.ENTERPRISE ? fields.subjectCode : null,
    regionCode: fields.subjectKind === WarningSubjectKind.REGION ? fields.subjectCode : null,
    ...fields,
  });
}

/**
 * The month's warnings (预警预报), one object the departments add their rules to: the meeting's
 * secretariat serves `Query.warnings(month, asOf)`. `asOf` is part of the key, so every department
 * judges its rules on the figures as they stood at that moment (or now when null).
 */
@Directive('@key(fields: "month asOf")')
@ObjectType('WarningReport', { description: 'The warnings of a month (预警预报), each department adding the rules it can judge.' })
export class WarningReportType {
  @Field(() => MonthScalar)
  month: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The moment the warnings are judged at (figures as they stood then, 截至某时); null: as the figures stand now.' })
  asOf: Date | null;
}

/** A representation's `asOf` (ISO string or null) as the entity holds it. */
export function momentOf(asOf: unknown): Date | null {
  return asOf === null || asOf === undefined ? null : new Date(String(asOf));
}

export function warningReport(month: string, asOf: Date | null | undefined): WarningReportType {
  // Refused at the report's root field, once, before any department's rule is asked (one error at `warnings`).
  refuseFutureAsOf(asOf);
  return Object.assign(new WarningReportType(), { month, asOf: asOf ?? null });
}

export const warningReportReference = {
  __resolveReference: (reference: { month: string; asOf?: unknown }) => warningReport(reference.month, momentOf(reference.asOf)),
};

/**
 * A key enterprise in a month (重点企业月度): the entity a cross-department rule hangs on, so one
 * department can require another's figure for the same enterprise and month, at the report's moment.
 */
@Directive('@key(fields: "creditCode month asOf")')
@ObjectType('KeyEnterpriseMonth', { description: 'A key enterprise (百户重点企业) in a month, watched by the cross-department rules.' })
export class KeyEnterpriseMonthType {
  @Field(() => CreditCodeScalar)
  creditCode: string;
  @Field(() => MonthScalar)
  month: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The moment the rules are judged at (the report’s `asOf`); null: now.' })
  asOf: Date | null;
}

export const keyEnterpriseMonthReference = {
  __resolveReference: (reference: { creditCode: string; month: string; asOf?: unknown }) =>
    Object.assign(new KeyEnterpriseMonthType(), { creditCode: reference.creditCode, month: reference.month, asOf: momentOf(reference.asOf) }),
};

export function thresholdList(values: Record<string, number>): ThresholdSetting[] {
  return Object.entries(values).map(([name, value]) => Object.assign(new ThresholdSetting(), { name, value }));
}

/**
 * A figure another department's rule uses under a grant to that rule (用途授权, issue 12): the owner
 * serves it to the rule's department through `@requires`, judged by the owner's grant to the rule,
 * not by the caller's reading rights. Inaccessible: only the query planner fetches it, so a refusal
 * never lands at a field the caller did not select; the rule turns it into its own answer or a
 * coded error at its own path (`ruleInput`).
 */
@Directive('@shareable')
@Directive('@inaccessible')
@ObjectType('RuleFigure', { description: 'A figure a rule of another department uses under a grant to that rule (用途授权); fetched for @requires only.' })
export class RuleFigure {
  @Field({ description: 'Department that owns the figure and granted (or not) its use.' })
  owner: string;
  @Field({ description: 'Department whose rule uses it.' })
  grantee: string;
  @Field({ description: 'The rule: POWER_DROP.' })
  rule: string;
  @Field({ description: 'Indicator code of the figure.' })
  indicator: string;
  @Field(() => Int, { nullable: true, description: 'The live grant to the rule; null when there is none (then `figure` is null too).' })
  grantId: number | null;
  @Field(() => Observation, { nullable: true, description: 'The figure, when granted; null when not granted or not reported.' })
  figure: Observation | null;
  @Field({ description: 'Whether the caller may read the figure by its own rights: only then may the rule show it as evidence.' })
  callerMayRead: boolean;
}

/** What a rule's `@requires` selects of a RuleFigure: every field, and the whole figure (OBSERVATION_VALUE_FIELDS). */
export const RULE_FIGURE_SELECTION = `owner grantee rule indicator grantId callerMayRead figure { ${OBSERVATION_VALUE_FIELDS.join(' ')} }`;

/** What a rule may use of another department's figure: the figure (null when not reported), and whether the caller may see it. */
export interface RuleInput {
  figure: Observation | null;
  grantId: number;
  callerMayRead: boolean;
  owner: string;
  indicator: string;
}

/**
 * A rule's input from another department, or the coded error at the rule's own field: without a
 * live grant to the rule, RULE_GRANT_REQUIRED naming the grant and how to make it; without an
 * answer (the owner unreachable), RULE_INPUT_UNAVAILABLE. Never a silent "no warning".
 */
export function ruleInput(field: string, input: RuleFigure | null | undefined, expected: { owner: string; rule: string; indicator: string }): RuleInput {
  // Not fetched, or not the shape asked for (an aliased field in its place): not judged.
  if (!input || input.grantId === undefined || input.owner !== expected.owner || input.indicator !== expected.indicator) {
    throw new GraphQLError(`"${field}" was not judged: the ${expected.owner} department’s ${expected.indicator}, which rule ${expected.rule} uses, could not be fetched; try again later`, {
      extensions: { code: ErrorCode.RuleInputUnavailable, field, rule: expected.rule, owner: expected.owner, indicator: expected.indicator },
    });
  }
  if (input.grantId === null) {
    const owner = input.owner;
    const mutation = `grant${owner[0].toUpperCase()}${owner.slice(1)}Access`;
    throw new GraphQLError(
      `"${field}" was not judged: rule ${input.rule} of the ${input.grantee} department uses the ${owner} department’s ${input.indicator} and needs a live grant from ${owner} to that rule, and there is none. An administrator of ${owner} grants it: ${mutation}(input: { grantee: "${input.grantee}", rule: "${input.rule}", indicators: ["${input.indicator}"], purpose: "…", expiresAt: "…" })`,
      {
        extensions: {
          code: ErrorCode.RuleGrantRequired,
          field,
          rule: input.rule,
          owner,
          grantee: input.grantee,
          indicators: [input.indicator],
          missingGrant: { owner, grantee: input.grantee, rule: input.rule, indicators: [input.indicator] },
        },
      },
    );
  }
  return { figure: input.figure, grantId: input.grantId, callerMayRead: input.callerMayRead, owner: input.owner, indicator: input.indicator };
}
