import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthenticatedClient } from './access/clients';

/** What the subgraphs reported serving, for the audit trail. */
export interface ReadsSeen {
  indicators: Set<string>;
  /** Reads a rule did under a grant to it (`RULE:INDICATOR`): the rule's, not the caller's. Optional for callers built before. */
  ruleReads?: Set<string>;
  enterprises: Set<string>;
  months: Set<string>;
  /** Submission numbers the request's writes made (the reporting commits). */
  submissions: Set<number>;
  /** Indicators named and withheld without an error (ReadLog.refused): audited as refused. Optional for callers built before. */
  refused?: Set<string>;
  /** Enterprises and months of figures refused (ReadLog.refusedEnterprises, refusedMonths). Optional for callers built before. */
  refusedEnterprises?: Set<string>;
  refusedMonths?: Set<string>;
}

/** Per-request state of the gateway. Only the request id and the signed identity travel on to the subgraphs. */
export interface GatewayContext {
  /** Correlates one client request with the subgraph requests it causes, across logs. */
  requestId: string;
  /** The authenticated caller; null only where authentication is off (the gateway's own unit tests). */
  client: AuthenticatedClient | null;
  reads: ReadsSeen;
  startedAt: number;
}

/**
 * Moves what a subgraph says it served (`extensions.huishangReads` of its answer) into `seen`, the
 * request's audit record, and out of the answer: the client never sees it. Also used by the Hive
 * Gateway plugin (plugins/hive-access).
 */
export function takeReads(response: { extensions?: unknown }, seen: ReadsSeen | undefined): void {
  // The grants token a department answered under is for our answer cache only (subgraphs.ts): never for a client, whichever gateway.
  if (response.extensions && typeof response.extensions === 'object' && 'huishangGrants' in response.extensions) delete (response.extensions as Record<string, unknown>).huishangGrants;
  const reads = (response.extensions as { huishangReads?: { indicators?: string[]; enterprises?: string[]; months?: string[]; submissions?: number[]; ruleReads?: string[]; refused?: string[]; refusedEnterprises?: string[]; refusedMonths?: string[] } } | undefined)?.huishangReads;
  if (!reads) return;
  delete (response.extensions as Record<string, unknown>).huishangReads;
  if (!seen) return;
  for (const code of reads.indicators ?? []) seen.indicators.add(code);
  for (const code of reads.enterprises ?? []) seen.enterprises.add(code);
  for (const month of reads.months ?? []) seen.months.add(month);
  for (const id of reads.submissions ?? []) if (Number.isInteger(id)) seen.submissions.add(id);
  // The optional sets (added after the first gateways were written): made when there is something to keep.
  for (const key of ['ruleReads', 'refused', 'refusedEnterprises', 'refusedMonths'] as const) {
    const values = (reads[key] ?? []).filter((v): v is string => typeof v === 'string');
    if (!values.length) continue;
    const set = (seen[key] ??= new Set<string>());
    for (const value of values) set.add(value);
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's request id is kept when it looks like one; anything else is replaced, never echoed. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  return requestIdFrom(req.headers[REQUEST_ID_HEADER]);
}

/** The request id for a caller's `x-request-id` header value (or null/undefined when absent). */
export function requestIdFrom(given: string | string[] | null | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export function emptyReads(): ReadsSeen {
  return { indicators: new Set(), enterprises: new Set(), months: new Set(), submissions: new Set(), ruleReads: new Set(), refused: new Set() };
}

export async function createGatewayContext(req: IncomingMessage, auth?: unknown): Promise<GatewayContext> {
  const given = auth as { client?: AuthenticatedClient; startedAt?: number } | undefined;
  return { requestId: requestIdOf(req), client: given?.client ?? null, reads: emptyReads(), startedAt: given?.startedAt ?? Date.now() };
}
