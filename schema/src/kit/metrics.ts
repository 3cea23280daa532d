import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Route } from './http';

/**
 * A subgraph's Prometheus metrics (prom-client), served at `/metrics`. Every series carries
 * `service="<subgraph>"`. Names are `huishang_*`; seconds and totals as Prometheus names them.
 *
 * | series | what |
 * |---|---|
 * | `huishang_sql_statements_total` | SQL statements sent for requests (the grants refresh excluded) |
 * | `huishang_sql_statement_duration_seconds` | their time, as MikroORM measured it |
 * | `huishang_graphql_requests_total{operation,outcome}` | GraphQL requests: outcome `ok` or `error` |
 * | `huishang_graphql_request_duration_seconds{operation,outcome}` | their time, parse to response |
 * | `huishang_graphql_errors_total{code}` | errors answered, by `extensions.code` |
 * | `huishang_unsigned_requests_rejected_total` | requests refused for want of a valid gateway signature |
 * | `huishang_db_pool_connections{state}` | database connections `used`, `free`, `pending` (waiting for one) |
 * | `huishang_db_pool_max` | the pool's size |
 * | `process_*`, `nodejs_*` | prom-client's defaults: CPU, memory, event-loop lag, GC |
 */
export class SubgraphMetrics {
  readonly registry = new Registry();
  readonly sqlStatements: Counter<string>;
  readonly sqlDuration: Histogram<string>;
  readonly requests: Counter<'operation' | 'outcome'>;
  readonly requestDuration: Histogram<'operation' | 'outcome'>;
  readonly errors: Counter<'code'>;
  readonly rejectedSignatures: Counter<string>;
  private orm: MikroORM | null = null;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    const registers = [this.registry];
    this.sqlStatements = new Counter({ name: 'huishang_sql_statements_total', help: 'SQL statements sent to the database.', registers });
    this.sqlDuration = new Histogram({
      name: 'huishang_sql_statement_duration_seconds',
      help: 'Time of one SQL statement, as the ORM measured it.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.requests = new Counter({ name: 'huishang_graphql_requests_total', help: 'GraphQL requests received.', labelNames: ['operation', 'outcome'], registers });
    this.requestDuration = new Histogram({
      name: 'huishang_graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL request to sending its response.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({ name: 'huishang_graphql_errors_total', help: 'Errors answered, by extensions.code.', labelNames: ['code'], registers });
    this.rejectedSignatures = new Counter({
      name: 'huishang_unsigned_requests_rejected_total',
      help: 'Requests refused for want of a valid gateway signature (missing, forged, expired, replayed, for another subgraph or body).',
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'huishang_db_pool_connections',
      help: 'Database connections of this process by state: used, free, pending (requests waiting for a connection).',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = metrics.pool();
        if (!pool) return;
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'free' }, pool.numFree());
        this.set({ state: 'pending' }, pool.numPendingAcquires());
      },
    });
    new Gauge({
      name: 'huishang_db_pool_max',
      help: 'Largest number of database connections this process opens.',
      registers,
      collect() {
        const pool = metrics.pool();
        if (pool) this.set(pool.max);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The database whose pool `huishang_db_pool_*` reports. */
  watchDatabase(orm: MikroORM): void {
    this.orm = orm;
  }

  /** knex's tarn pool behind MikroORM; null before the database is open or after it closed. */
  private pool(): { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } | null {
    try {
      const knex = (this.orm?.em.getConnection() as unknown as { getKnex?(): { client?: { pool?: any } } } | undefined)?.getKnex?.();
      return knex?.client?.pool ?? null;
    } catch {
      return null;
    }
  }

  /** Counts and times every GraphQL request and the codes of the errors it answers. */
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    const metrics = this;
    return {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        return {
          async willSendResponse({ response, operation }) {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
            const outcome = errors?.length ? 'error' : 'ok';
            // The operation type, not its name: names are the client's to choose, and each would be a series.
            const labels = { operation: operation?.operation ?? 'unknown', outcome };
            metrics.requests.inc(labels);
            metrics.requestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
            for (const error of errors ?? []) {
              const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN';
              metrics.errors.inc({ code: code.replace(/[^A-Z0-9_]/gi, '_') });
            }
          },
        };
      },
    };
  }

  route(): Route {
    return async (_req, res) => {
      const text = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType });
      res.end(text);
    };
  }
}

/** The SQL observers of this process: the database logger reports every statement here (see database.ts). */
const sqlObservers = new Set<(tookMs: number | undefined) => void>();

export function observeSqlStatement(tookMs: number | undefined): void {
  for (const observe of sqlObservers) observe(tookMs);
}

/** Sends this process's SQL statements to `metrics` (a subgraph process has one database and one registry). */
export function countSqlStatements(metrics: SubgraphMetrics): () => void {
  const observe = (tookMs: number | undefined) => {
    metrics.sqlStatements.inc();
    if (typeof tookMs === 'number') metrics.sqlDuration.observe(tookMs / 1000);
  };
  sqlObservers.add(observe);
  return () => sqlObservers.delete(observe);
}
