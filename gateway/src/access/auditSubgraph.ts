import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { departmentRegistry, withArticle } from '@huishang/schema';
import type { GatewayContext } from '../context';
import type { AuditLog } from './audit';

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
  clientId: String
  department: String
  role: String
  requestId: String!
  operationName: String
  """SHA-256 of the GraphQL document."""
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
  """OK, PARTIAL, ERROR, or why it was refused: UNAUTHENTICATED, RATE_LIMITED, …"""
  outcome: String!
  errorCodes: [String!]!
  durationMs: Int!
  """The request's OpenTelemetry trace id (32 hex digits) when tracing was on: finds its spans and log lines."""
  traceId: String
  prevHash: String!
  hash: String!
}

input AuditFilter {
  clientId: String
  department: String
  """Requests that read this enterprise's figures (credit code)."""
  enterprise: String
  """Requests that read this indicator, or were refused it."""
  indicator: String
  """Requests that read figures of this month (YYYY-MM)."""
  month: String
  """Requests at or after this time (ISO 8601)."""
  from: String
  """Requests before this time (ISO 8601)."""
  to: String
  outcome: String
}

"""The result of walking the whole hash chain."""
type AuditIntegrity {
  """No record edited, deleted or reordered."""
  ok: Boolean!
  records: Int!
  lastSeq: Int!
  """Hash of the last record: note it down to detect a later truncation."""
  lastHash: String!
  problems: [AuditProblem!]! @listSize(assumedSize: 100)
}

type AuditProblem {
  seq: Int!
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
  auditTrail(filter: AuditFilter, first: Int! = 100, after: Int! = 0): [AuditRecord!]! @listSize(slicingArguments: ["first"])
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
        auditTrail: (_: unknown, args: { filter?: Record<string, string | null>; first: number; after: number }, context: GatewayContext) => {
          requireAdministrator(context, 'auditTrail');
          if (args.first < 1 || args.first > 1000) throw new GraphQLError('Invalid value for "first": between 1 and 1000', { extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
          const client = context.client!;
          // An auditor reads across departments; an administrator only the department's own share.
          const scope = client.role === 'AUDITOR' ? undefined : { department: client.department, indicatorPrefix: departmentRegistry().departments.find((d) => d.name === client.department)?.indicatorPrefix };
          return audit.query(args.filter ?? {}, args.first, args.after, scope);
        },
        auditTrailIntegrity: (_: unknown, __: unknown, context: GatewayContext) => {
          requireAdministrator(context, 'auditTrailIntegrity');
          return audit.verify();
        },
      },
    } as never,
  });
}
