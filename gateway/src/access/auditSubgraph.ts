import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { DateTimeISOResolver } from 'graphql-scalars';
import { badUserInput, CreditCodeScalar, departmentRegistry, MonthScalar, withArticle } from '@huishang/schema';
import type { GatewayContext } from '../context';
import { AUDIT_FILTER_FORMS, redactForDepartment, type AuditFilter, type AuditLog } from './audit';
import { ATTEMPT_OUTCOME } from './plugin';

/**
 * The gateway's own subgraph, `audit`: who the caller is, and the audit trail for administrators.
 * It is composed into the supergraph like the departments' subgraphs and executed in the gateway's
 * process (the trail is the gateway's database), so it needs no service of its own.
 */
export const AUDIT_SUBGRAPH_NAME = 'audit';
export const AUDIT_ROUTING_URL = 'http://localhost:4000/audit/graphql';

export const AUDIT_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@listSize"])

"""The caller as the gateway authenticated it (调用方身份)."""
type Viewer {
  """Client id (cl_…), as issued by \`huishang clients add\`."""
  clientId: String!
  """The client's name, as given when it was issued (\`huishang clients add --name\`)."""
  name: String!
  """Department the client belongs to: a subgraph name of the registry of departments."""
  department: String!
  """ANALYST, INTEGRATION, MEETING_MEMBER, ADMINISTRATOR or AUDITOR."""
  role: String!
  """Only registered persisted documents run for this client."""
  safelist: Boolean!
}

"""One request in the audit trail (访问留痕), chained to the one before by hash."""
type AuditRecord {
  """1, 2, 3, …: a gap would be a deleted record."""
  seq: Int!
  """When the request arrived (ISO 8601, UTC)."""
  at: String!
  """The client that made the request (cl_…); null when none was authenticated."""
  clientId: String
  """The client's department; null when none was authenticated."""
  department: String
  """The client's role; null when none was authenticated."""
  role: String
  """The request's id (x-request-id, echoed in the answer and in every subgraph's log lines)."""
  requestId: String!
  """The operation's name, as the document gave it; an operator's act is "huishang clients add (by <user>)" and the like. Null when redacted."""
  operationName: String
  """SHA-256 of the GraphQL document; null when redacted."""
  documentHash: String
  """Schema coordinates the operation selected, e.g. FinanceFigures.loansOutstanding."""
  fields: [String!]!
  """Indicator codes whose figures were served."""
  indicators: [String!]!
  """Credit codes of the enterprises whose figures were served."""
  enterprises: [String!]!
  """Months of the figures served."""
  months: [String!]!
  """Submission numbers the request's writes made (报送批次号: a reporting commit names its submission); none: []."""
  submissions: [Int!]!
  """Indicator codes whose figures the caller asked for and was refused (FORBIDDEN naming the indicator): attempts are findable too."""
  refusedIndicators: [String!]!
  """Reads a department's rule did under a grant to that rule (用途授权), as RULE:INDICATOR (POWER_DROP:IND_KEY_ENTERPRISE_OUTPUT): the rule's reads, not the caller's, so not in indicators; none: []."""
  ruleReads: [String!]!
  """Credit codes of the enterprises whose figures the caller asked for and was refused (FORBIDDEN); filter.enterprise finds them too; none: []."""
  refusedEnterprises: [String!]!
  """Months of the figures the caller was refused; filter.month finds them too; none: []."""
  refusedMonths: [String!]!
  """OK, PARTIAL, ERROR, or why it was refused: UNAUTHENTICATED, RATE_LIMITED, …"""
  outcome: String!
  """The extensions.code of each error of the answer, in order; none: []."""
  errorCodes: [String!]!
  """How long the request took, milliseconds."""
  durationMs: Int!
  """The request's OpenTelemetry trace id (32 hex digits) when tracing was on: finds its spans and log lines."""
  traceId: String
  """
  True when another department's client made the request and a department administrator sees it (it read, or was
  refused, one of their indicators): other departments' indicators (indicators, refusedIndicators, ruleReads) and the
  schema coordinates of their figures (fields) are left out; when the request concerned other departments too, so are
  its enterprises, months, refused enterprises and months, and error codes; hash, prevHash, documentHash and
  operationName are null (each would confirm a guess at what was left out). An AUDITOR sees every record whole (false).
  """
  redacted: Boolean!
  """The hash of the record before (64 zeros for the first); null when redacted."""
  prevHash: String
  """SHA-256 over prevHash and this record's fields: an edit breaks it, a deletion breaks the next link. Null when redacted."""
  hash: String
}

"""
Which records of the audit trail to list; every field given must match. A value of the wrong form
is refused (BAD_USER_INPUT naming the field), not read as a filter that matches nothing.
"""
input AuditFilter {
  """Requests of this client (cl_…)."""
  clientId: String
  """Requests of this department's clients: a name of the registry of departments, as \`viewer.department\` gives it."""
  department: String
  """Requests that read this enterprise's figures (统一社会信用代码), or were refused them. For a department's administrator, their own clients' records only."""
  enterprise: CreditCode
  """Requests that read this indicator, or were refused it (an indicator code, e.g. FIN_LOANS_OUTSTANDING). For a department's administrator, another department's indicator finds only their own clients' records (it is left out of others' records, see AuditRecord.redacted)."""
  indicator: String
  """Requests that read figures of this month, or were refused them. For a department's administrator, their own clients' records only."""
  month: Month
  """Requests at or after this time."""
  from: DateTimeISO
  """Requests before this time."""
  to: DateTimeISO
  """How the request ended, as AuditRecord.outcome gives it: OK, PARTIAL, ERROR, ATTEMPT (a write's record before it runs), UNAUTHENTICATED or RATE_LIMITED. A refused read (FORBIDDEN) is a PARTIAL or ERROR request: find it with \`indicator\`."""
  outcome: String
}

scalar CreditCode
scalar Month
scalar DateTimeISO

"""The result of walking the whole hash chain."""
type AuditIntegrity {
  """No record edited, deleted or reordered."""
  ok: Boolean!
  """How many records the chain holds."""
  records: Int!
  """The last record's seq (equal to records when none is missing)."""
  lastSeq: Int!
  """Hash of the last record: note it down to detect a later truncation."""
  lastHash: String!
  """What is wrong, record by record; none: []."""
  problems: [AuditProblem!]! @listSize(assumedSize: 100)
}

"""One break in the audit trail's hash chain."""
type AuditProblem {
  """The record where the chain breaks."""
  seq: Int!
  """What breaks it: its hash does not match its content, a seq is missing, or its link to the one before is wrong."""
  problem: String!
}

type Query {
  """Who is asking, as the gateway authenticated the token."""
  viewer: Viewer!
  """
  The audit trail, oldest first: who read what, when, and how it ended. A department's
  administrators see the records of their own department's clients and of reads of their own
  department's indicators; an AUDITOR (审计) sees every department's. Others: FORBIDDEN.
  """
  auditTrail(
    """Which records: every field given must match; none: all the caller may see."""
    filter: AuditFilter
    """How many records, 1 to 1000."""
    first: Int! = 100
    """Records after this seq (0: from the start); page on with the last seq seen."""
    after: Int! = 0
  ): [AuditRecord!]! @listSize(slicingArguments: ["first"])
  """Walks the audit trail's hash chain and says whether any record was edited or deleted (administrators and auditors; it shows sequence numbers and hashes, no record's content)."""
  auditTrailIntegrity: AuditIntegrity!
}
`;

function requireAdministrator(context: GatewayContext, field: string): void {
  const role = context.client?.role;
  if (role !== 'ADMINISTRATOR' && role !== 'AUDITOR') {
    throw new GraphQLError(`Access denied to "${field}": the audit trail is for administrators and auditors; the caller is ${role ? withArticle(role.toLowerCase().replace('_', ' ')) : 'anonymous'}`, {
      extensions: { code: 'FORBIDDEN', field },
    });
  }
}

export function auditSubgraphSchema(audit: AuditLog): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(AUDIT_SDL),
    resolvers: {
      Query: {
        viewer: (_: unknown, __: unknown, context: GatewayContext) => {
          if (!context.client) throw new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });
          return context.client;
        },
        auditTrail: async (_: unknown, args: { filter?: RawAuditFilter | null; first: number; after: number }, context: GatewayContext) => {
          requireAdministrator(context, 'auditTrail');
          if (args.first < 1 || args.first > 1000) throw new GraphQLError('Invalid value for "first": between 1 and 1000', { extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
          if (args.after < 0) throw badUserInput('after', `a record's seq (0 for the start of the trail), got ${args.after}`);
          const client = context.client!;
          // An auditor reads across departments; an administrator only the department's own share.
          const scope = client.role === 'AUDITOR' ? undefined : { department: client.department, indicatorPrefix: departmentRegistry().departments.find((d) => d.name === client.department)?.indicatorPrefix };
          const records = await audit.query(checkedFilter(args.filter ?? {}), args.first, args.after, scope);
          const departments = departmentRegistry().departments.map((d) => d.name);
          return scope ? records.map((r) => redactForDepartment(r, scope, departments)) : records.map((r) => ({ ...r, redacted: false }));
        },
        auditTrailIntegrity: (_: unknown, __: unknown, context: GatewayContext) => {
          requireAdministrator(context, 'auditTrailIntegrity');
          return audit.verify();
        },
      },
      // The identifier scalars the departments' subgraphs use: one form, one message, everywhere.
      CreditCode: CreditCodeScalar,
      Month: MonthScalar,
      DateTimeISO: DateTimeISOResolver,
    } as never,
  });
}

/**
 * Every outcome a record can have: how an answered request ended (plugin.ts outcomeOf), a write's
 * attempt before it runs, and the edge's refusals before any GraphQL (edge.ts).
 */
export const AUDIT_OUTCOMES = ['OK', 'PARTIAL', 'ERROR', ATTEMPT_OUTCOME, 'UNAUTHENTICATED', 'RATE_LIMITED'] as const;

/** AuditFilter as the scalars parse it: times are Dates. */
interface RawAuditFilter {
  clientId?: string | null;
  department?: string | null;
  enterprise?: string | null;
  indicator?: string | null;
  month?: string | null;
  from?: Date | null;
  to?: Date | null;
  outcome?: string | null;
}

/**
 * The filter's free-text fields checked for their form: a department not in the registry, an
 * outcome no record can have or an indicator that is no code matched nothing before, silently
 * (testers' `department: "Energy"`, `outcome: "ok"`, `outcome: "FORBIDDEN"`). Times become ISO
 * strings, as stored; the identifier scalars checked the rest before the resolver ran.
 */
function checkedFilter(filter: RawAuditFilter): AuditFilter {
  const field = (name: string) => `filter.${name}`;
  const departments = departmentRegistry().departments.map((d) => d.name);
  if (filter.department != null && !departments.includes(filter.department)) {
    const near = departments.find((d) => d.toLowerCase() === filter.department!.trim().toLowerCase());
    throw badUserInput(field('department'), `not a department of the registry${near ? `; did you mean "${near}"?` : ''}; one of ${departments.join(', ')}`);
  }
  if (filter.outcome != null && !(AUDIT_OUTCOMES as readonly string[]).includes(filter.outcome)) {
    const upper = filter.outcome.trim().toUpperCase();
    const near = (AUDIT_OUTCOMES as readonly string[]).includes(upper) ? `did you mean "${upper}"? ` : '';
    // A refusal inside an answer (FORBIDDEN, BAD_USER_INPUT) is an error of a PARTIAL or ERROR request, not an outcome.
    const inAnswer = upper === 'FORBIDDEN' ? 'a refused read is recorded as PARTIAL or ERROR with FORBIDDEN among its errorCodes, and filter.indicator finds it by the indicator refused; ' : '';
    throw badUserInput(field('outcome'), `${near}${inAnswer}an outcome is one of ${AUDIT_OUTCOMES.join(', ')}`);
  }
  for (const name of ['indicator', 'clientId'] as const) {
    const value = filter[name];
    if (value != null && !AUDIT_FILTER_FORMS[name].form.test(value)) throw badUserInput(field(name), AUDIT_FILTER_FORMS[name].reason);
  }
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
    throw badUserInput(field('to'), `must be later than filter.from (${filter.from.toISOString()}): no record can be at or after the one and before the other`);
  }
  const { from, to, ...rest } = filter;
  return { ...rest, from: from ? from.toISOString() : null, to: to ? to.toISOString() : null };
}
