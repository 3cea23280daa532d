import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { currentTraceId } from '@huishang/schema/database';
import type { GatewayContext } from '../context';

/** What the audit trail keeps of one request (留痕): who, when, what was asked and read, how it ended. */
export interface AuditEntry {
  at: string;
  clientId: string | null;
  department: string | null;
  role: string | null;
  requestId: string;
  operationName: string | null;
  documentHash: string | null;
  /** Schema coordinates the operation selected: `Query.enterprise`, `FinanceFigures.loansOutstanding`. */
  fields: string[];
  /** Indicator codes the subgraphs served. */
  indicators: string[];
  /** Credit codes of enterprises whose figures were served. */
  enterprises: string[];
  /** Months of the figures served. */
  months: string[];
  /** Submission numbers the request's writes made (a reporting commit); none: []. */
  submissions?: number[];
  /** Indicator codes the caller was refused (FORBIDDEN naming an indicator); none: []. */
  refusedIndicators?: string[];
  /** Reads a rule did under a grant to it (`RULE:INDICATOR`, e.g. POWER_DROP:IND_KEY_ENTERPRISE_OUTPUT): the rule's, not in `indicators`; none: []. */
  ruleReads?: string[];
  /** Credit codes of enterprises whose figures the caller asked for and was refused; none: []. */
  refusedEnterprises?: string[];
  /** Months of the figures the caller was refused; none: []. */
  refusedMonths?: string[];
  /** OK, PARTIAL (data with errors), ERROR, or the refusal: UNAUTHENTICATED, RATE_LIMITED, … */
  outcome: string;
  errorCodes: string[];
  durationMs: number;
  /** The request's OpenTelemetry trace id (32 hex digits) when tracing is on; null otherwise. */
  traceId?: string | null;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The chained hash of a record: SHA-256 over the previous hash and the record's fields in a fixed order. */
export function chainHash(prevHash: string, seq: number, entry: AuditEntry): string {
  const canonical = JSON.stringify([
    seq,
    entry.at,
    entry.clientId,
    entry.department,
    entry.role,
    entry.requestId,
    entry.operationName,
    entry.documentHash,
    entry.fields,
    entry.indicators,
    entry.enterprises,
    entry.months,
    entry.outcome,
    entry.errorCodes,
    entry.durationMs,
    // Chained only when present, so records written before trace ids existed verify unchanged.
    ...(entry.traceId ? [entry.traceId] : []),
    // Likewise for refused indicators (issue 12): chained only when there are some.
    ...(entry.refusedIndicators?.length ? [{ refused: entry.refusedIndicators }] : []),
    // Likewise for the submissions a write made (issue 14, finding 16).
    ...(entry.submissions?.length ? [{ submissions: entry.submissions }] : []),
    // Likewise for a rule's reads (t12 #4).
    ...(entry.ruleReads?.length ? [{ ruleReads: entry.ruleReads }] : []),
    // Likewise for a refused read's enterprises and months.
    ...(entry.refusedEnterprises?.length ? [{ refusedEnterprises: entry.refusedEnterprises }] : []),
    ...(entry.refusedMonths?.length ? [{ refusedMonths: entry.refusedMonths }] : []),
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

interface Row {
  seq: number | string;
  at: string;
  client_id: string | null;
  department: string | null;
  role: string | null;
  request_id: string;
  operation_name: string | null;
  document_hash: string | null;
  fields: string;
  indicators: string;
  enterprises: string;
  months: string;
  outcome: string;
  error_codes: string;
  duration_ms: number | string;
  trace_id?: string | null;
  refused_indicators?: string | null;
  submissions?: string | null;
  rule_reads?: string | null;
  refused_enterprises?: string | null;
  refused_months?: string | null;
  prev_hash: string;
  hash: string;
}

/** An audit record as the graph serves it: `redacted` said, and the chain's fields null when redacted. */
export type ServedAuditRecord = Omit<AuditRecord, 'hash' | 'prevHash' | 'documentHash' | 'operationName'> & {
  hash: string | null;
  prevHash: string | null;
  documentHash: string | null;
  operationName: string | null;
  redacted: boolean;
};

/**
 * A record as a department's administrator sees it when another department's client made it (it is
 * in their share because it read, or was refused, one of their indicators): only what concerns
 * them. A finance administrator saw every HR and statistics indicator an energy analyst had read in
 * the same request (a tester's finding); then a second tester rebuilt the hidden parts from the
 * record's hash by trying candidates, and read them off the enterprises and months left in.
 * - Other departments' indicators (read, refused, read by a rule) are left out, and every schema
 *   coordinate whose type or field begins with another department's name (`HrFigures.employees`,
 *   `Region.hr`, `WarningReport.hrTargetsBehind`, `Query.statisticsGrants`).
 * - The chain's fields (hash, prevHash) and what names the document (documentHash, operationName)
 *   are null: each would confirm a guess at what was left out.
 * - When the request concerned other departments too (anything left out above), its enterprises,
 *   months, refused enterprises and months, and error codes are left out as well: they cannot be
 *   told apart by department.
 */
export function redactForDepartment(record: AuditRecord, scope: { department: string; indicatorPrefix?: string }, departments: readonly string[]): ServedAuditRecord {
  if (record.department === scope.department) return { ...record, redacted: false };
  const own = (code: string) => !!scope.indicatorPrefix && code.startsWith(scope.indicatorPrefix);
  const others = departments.filter((d) => d !== scope.department).map((d) => d.toLowerCase());
  const otherCoordinate = (coordinate: string) => coordinate.split('.').some((part) => others.some((name) => part.toLowerCase().startsWith(name)));
  const indicators = record.indicators.filter(own);
  const refusedIndicators = (record.refusedIndicators ?? []).filter(own);
  const ruleReads = (record.ruleReads ?? []).filter((r) => own(r.slice(r.indexOf(':') + 1)));
  const fields = record.fields.filter((c) => !otherCoordinate(c));
  const mixed =
    indicators.length !== record.indicators.length ||
    refusedIndicators.length !== (record.refusedIndicators ?? []).length ||
    ruleReads.length !== (record.ruleReads ?? []).length ||
    fields.length !== record.fields.length;
  return {
    ...record,
    fields,
    indicators,
    refusedIndicators,
    ruleReads,
    ...(mixed ? { enterprises: [], months: [], refusedEnterprises: [], refusedMonths: [], errorCodes: [] } : {}),
    hash: null,
    prevHash: null,
    documentHash: null,
    operationName: null,
    redacted: true,
  };
}

function fromRow(row: Row): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    clientId: row.client_id,
    department: row.department,
    role: row.role,
    requestId: row.request_id,
    operationName: row.operation_name,
    documentHash: row.document_hash,
    fields: JSON.parse(row.fields),
    indicators: JSON.parse(row.indicators),
    enterprises: JSON.parse(row.enterprises),
    months: JSON.parse(row.months),
    outcome: row.outcome,
    errorCodes: JSON.parse(row.error_codes),
    durationMs: Number(row.duration_ms),
    traceId: row.trace_id ?? null,
    refusedIndicators: row.refused_indicators ? JSON.parse(row.refused_indicators) : [],
    submissions: row.submissions ? JSON.parse(row.submissions) : [],
    ruleReads: row.rule_reads ? JSON.parse(row.rule_reads) : [],
    refusedEnterprises: row.refused_enterprises ? JSON.parse(row.refused_enterprises) : [],
    refusedMonths: row.refused_months ? JSON.parse(row.refused_months) : [],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A primary-key clash: another writer took this `seq` first (PostgreSQL 23505, SQLite's constraint error). */
function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || /UNIQUE constraint failed|SQLITE_CONSTRAINT_PRIMARYKEY/.test(`${e.code ?? ''} ${e.message ?? ''}`);
}

/**
 * The forms of the trail's free-text filter values, for the graph's auditTrail and
 * `huishang audit export` alike: a value of another form is refused, not read as a filter that
 * matches nothing. The reason is worded to follow the value or the field's name.
 */
export const AUDIT_FILTER_FORMS = {
  indicator: { form: /^[A-Z][A-Z0-9_]*$/, reason: 'an indicator code in upper case, e.g. FIN_LOANS_OUTSTANDING (the catalogue\'s indicatorCatalogue lists them)' },
  clientId: { form: /^cl_[A-Za-z0-9_-]+$/, reason: 'a client id as `huishang clients list` prints it, e.g. cl_0123456789abcdef' },
} as const;

export interface AuditFilter {
  clientId?: string | null;
  department?: string | null;
  enterprise?: string | null;
  indicator?: string | null;
  month?: string | null;
  from?: string | null;
  to?: string | null;
  outcome?: string | null;
}

export interface IntegrityReport {
  ok: boolean;
  records: number;
  lastSeq: number;
  lastHash: string;
  problems: { seq: number; problem: string }[];
}

/**
 * The append-only, hash-chained audit trail. Requests in flight together are written in one
 * statement (group commit); replicas sharing the database extend one chain (see `write`).
 * `append` resolves only once the record is committed: the gateway answers after that, or not at all.
 */
export class AuditLog {
  private queue: { entry: AuditEntry; resolve: () => void; reject: (error: Error) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private readonly knex: Knex;
  /** The last record this process wrote or read: where its next insert links on. */
  private head: { seq: number; hash: string } | null = null;

  constructor(orm: MikroORM) {
    this.knex = (orm.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();
  }

  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let the requests finishing in this turn join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.write(batch.map((item) => item.entry));
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error as Error);
      }
    }
    this.flushing = null;
  }

  /**
   * One INSERT extending the chain from the head this process last wrote. `seq` is the primary
   * key, so when another replica extended the chain meanwhile the insert fails as a duplicate and
   * is redone from the head as it now is: the chain stays one line without a lock or a
   * transaction, and a record deleted from the end shows up as a gap at the next write.
   */
  private async write(entries: AuditEntry[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const head = (this.head ??= await this.readHead());
      let { seq, hash: prevHash } = head;
      const rows = entries.map((entry) => {
        seq += 1;
        const hash = chainHash(prevHash, seq, entry);
        const row = {
          seq,
          at: entry.at,
          client_id: entry.clientId,
          department: entry.department,
          role: entry.role,
          request_id: entry.requestId,
          operation_name: entry.operationName,
          document_hash: entry.documentHash,
          fields: JSON.stringify(entry.fields),
          indicators: JSON.stringify(entry.indicators),
          enterprises: JSON.stringify(entry.enterprises),
          months: JSON.stringify(entry.months),
          outcome: entry.outcome,
          error_codes: JSON.stringify(entry.errorCodes),
          duration_ms: entry.durationMs,
          trace_id: entry.traceId ?? null,
          refused_indicators: entry.refusedIndicators?.length ? JSON.stringify(entry.refusedIndicators) : null,
          submissions: entry.submissions?.length ? JSON.stringify(entry.submissions) : null,
          rule_reads: entry.ruleReads?.length ? JSON.stringify(entry.ruleReads) : null,
          refused_enterprises: entry.refusedEnterprises?.length ? JSON.stringify(entry.refusedEnterprises) : null,
          refused_months: entry.refusedMonths?.length ? JSON.stringify(entry.refusedMonths) : null,
          prev_hash: prevHash,
          hash,
        };
        prevHash = hash;
        return row;
      });
      try {
        await this.knex('audit_record').insert(rows);
        this.head = { seq, hash: prevHash };
        return;
      } catch (error) {
        this.head = null;
        if (!isDuplicateKey(error) || attempt >= 20) throw error;
      }
    }
  }

  private async readHead(): Promise<{ seq: number; hash: string }> {
    const rows = (await this.knex('audit_record').select('seq', 'hash').orderBy('seq', 'desc').limit(1)) as { seq: number | string; hash: string }[];
    return rows.length ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * `scope`: a department administrator's share of the trail, the records of its own clients and
   * the records of reads of its own indicators (codes starting with `indicatorPrefix`); none for
   * an auditor, who sees all.
   */
  async query(filter: AuditFilter, first = 100, after = 0, scope?: { department: string; indicatorPrefix?: string }): Promise<AuditRecord[]> {
    let q = this.knex('audit_record').select('*').where('seq', '>', after).orderBy('seq', 'asc').limit(Math.min(Math.max(first, 1), 1000));
    if (scope) {
      q = q.where((own) => {
        own.where('department', scope.department);
        // The JSON array holds quoted codes: `"EN_` starts an element; `_` and `%` escaped for LIKE.
        if (scope.indicatorPrefix) {
          const prefix = `%"${scope.indicatorPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          own.orWhereRaw(`indicators like ? escape '\\'`, [prefix]).orWhereRaw(`refused_indicators like ? escape '\\'`, [prefix]);
        }
      });
    }
    if (filter.clientId) q = q.where('client_id', filter.clientId);
    if (filter.department) q = q.where('department', filter.department);
    if (filter.outcome) q = q.where('outcome', filter.outcome);
    if (filter.from) q = q.where('at', '>=', filter.from);
    if (filter.to) q = q.where('at', '<', filter.to);
    // JSON arrays of quoted codes: a quoted match is an exact element match. `%`, `_` and the
    // escape character in a filter value match themselves, not any text (LIKE ... ESCAPE).
    // Served, or refused: an attempt on an enterprise's figures (or a month's) is findable too.
    const contains = (columns: string[], value: string) => {
      const pattern = `%${JSON.stringify(value).replace(/[!%_]/g, (c) => `!${c}`)}%`;
      return q.where((any) => columns.forEach((column) => any.orWhereRaw(`${column} like ? escape '!'`, [pattern])));
    };
    // An administrator's enterprise and month filters find their own clients' records: in another
    // department's record those can be another department's reads (left out when served, redactForDepartment).
    if (scope && (filter.enterprise || filter.month)) q = q.where('department', scope.department);
    if (filter.enterprise) q = contains(['enterprises', 'refused_enterprises'], filter.enterprise);
    if (filter.indicator) {
      // Another department's indicator finds only the administrator's own clients' records: in
      // another department's record it is redacted, and a filter on it would tell it anyway.
      if (scope && !(scope.indicatorPrefix && filter.indicator.startsWith(scope.indicatorPrefix))) q = q.where('department', scope.department);
      // Read, or refused: an attempt on a figure is findable by its indicator too.
      const pattern = `%${JSON.stringify(filter.indicator).replace(/[!%_]/g, (c) => `!${c}`)}%`;
      q = q.where((either) => either.whereRaw(`indicators like ? escape '!'`, [pattern]).orWhereRaw(`refused_indicators like ? escape '!'`, [pattern]));
    }
    if (filter.month) q = contains(['months', 'refused_months'], filter.month);
    return ((await q) as Row[]).map(fromRow);
  }

  /** Walks the whole chain: a changed record breaks its own hash, a deleted one the sequence and the next link. */
  async verify(): Promise<IntegrityReport> {
    const problems: IntegrityReport['problems'] = [];
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let records = 0;
    let after = 0;
    for (;;) {
      const rows = ((await this.knex('audit_record').select('*').where('seq', '>', after).orderBy('seq', 'asc').limit(5_000)) as Row[]).map(fromRow);
      if (!rows.length) break;
      for (const record of rows) {
        records++;
        if (record.seq !== expectedSeq) problems.push({ seq: record.seq, problem: `records ${expectedSeq}–${record.seq - 1} are missing (deleted)` });
        if (record.prevHash !== prevHash) problems.push({ seq: record.seq, problem: 'does not link to the record before it (a record was deleted or replaced)' });
        const recomputed = chainHash(record.prevHash, record.seq, record);
        if (recomputed !== record.hash) problems.push({ seq: record.seq, problem: 'its content does not match its hash (the record was edited)' });
        expectedSeq = record.seq + 1;
        prevHash = record.hash;
        after = record.seq;
      }
    }
    return { ok: problems.length === 0, records, lastSeq: expectedSeq - 1, lastHash: prevHash, problems };
  }
}

/** The caller's request as the audit trail keeps it; also used for requests refused before GraphQL. */
export function auditEntry(context: GatewayContext, outcome: string, errorCodes: string[], extra: Partial<AuditEntry> = {}): AuditEntry {
  const client = context.client;
  const reads = context.reads;
  // Refused: the FORBIDDEN errors' indicators (outcomeOf) and those withheld without an error (ReadLog.refused).
  const refused = [...new Set([...(extra.refusedIndicators ?? []), ...(reads.refused ?? [])])].sort();
  return {
    at: new Date(context.startedAt).toISOString(),
    clientId: client?.clientId ?? null,
    department: client?.department ?? null,
    role: client?.role ?? null,
    requestId: context.requestId,
    operationName: null,
    documentHash: null,
    fields: [],
    indicators: [...reads.indicators].sort(),
    enterprises: [...reads.enterprises].sort(),
    months: [...reads.months].sort(),
    submissions: [...(reads.submissions ?? [])].sort((a, b) => a - b),
    ruleReads: [...(reads.ruleReads ?? [])].sort(),
    refusedEnterprises: [...(reads.refusedEnterprises ?? [])].sort(),
    refusedMonths: [...(reads.refusedMonths ?? [])].sort(),
    outcome,
    errorCodes: [...new Set(errorCodes)].sort(),
    durationMs: Date.now() - context.startedAt,
    traceId: currentTraceId() ?? null,
    ...extra,
    ...(refused.length ? { refusedIndicators: refused } : {}),
  };
}
