import { AccessPolicy, type GrantCache } from './access';
import { FigureReader } from './figures';
import DataLoader from 'dataloader';
import { ROWS_AS_ARRAYS } from './database';
import type { EntityClass, EntityManager, FilterQuery, MikroORM } from '@mikro-orm/core';
import type { QBQueryOrderMap, SqlEntityManager } from '@mikro-orm/knex';
import { ObservationRecord, ObservationVersionRecord } from '../observation/ObservationRecord';
import type { SubjectType } from '../observation/indicator';
import { TargetRecord } from '../targets/TargetRecord';

export interface ObservationKey {
  subjectType: SubjectType;
  subjectCode: string;
  month: string;
  /** Figures as they stood at this time (ISO string); absent: as they stand now. */
  asOf?: string;
}

/**
 * All observations of many subjects for a month, one SQL statement per (month, subject type):
 * 200 enterprises resolved through the gateway cost one `select … where subject_code in (…)`.
 */
export function observationLoader(em: EntityManager): DataLoader<ObservationKey, ObservationRecord[], string> {
  return new DataLoader<ObservationKey, ObservationRecord[], string>(
    async (keys) => {
      const groups = new Map<string, ObservationKey[]>();
      for (const key of keys) {
        const group = `${key.month}|${key.subjectType}|${key.asOf ?? ''}`;
        const members = groups.get(group);
        if (members) members.push(key);
        else groups.set(group, [key]);
      }
      const found = new Map<string, ObservationRecord[]>();
      for (const group of groups.values()) {
        const { month, subjectType, asOf } = group[0];
        const codes = [...new Set(group.map((k) => k.subjectCode))];
        let rows: ObservationRecord[];
        if (!asOf) {
          rows = await readCurrentRows(em, month, subjectType, codes);
        } else {
          const where = { month, subjectType, subjectCode: { $in: codes } };
          // The version valid at `asOf`: the current one if reported by then, else the superseded
          // one whose interval [reportedAt, supersededAt) contains it.
          const at = new Date(asOf);
          const current = await readRows(em, ObservationRecord, { ...where, reportedAt: { $lte: at } });
          const older = await readRows(em, ObservationVersionRecord, { ...where, reportedAt: { $lte: at }, supersededAt: { $gt: at } });
          rows = [...current, ...(older as unknown as ObservationRecord[])];
        }
        for (const row of rows) {
          const key = observationKeyString({ month: row.month, subjectType: row.subjectType as SubjectType, subjectCode: row.subjectCode, asOf });
          const list = found.get(key);
          if (list) list.push(row);
          else found.set(key, [row]);
        }
      }
      return keys.map((k) => found.get(observationKeyString(k)) ?? []);
    },
    { cacheKeyFn: observationKeyString },
  );
}

/**
 * Rows as plain objects with the entity's property names and types, in id order. Read-only figures
 * need no managed entities: skipping hydration and the identity map makes a 200-enterprise page
 * about three times cheaper to read (see docs/benchmarks.md).
 */
async function readRows<T extends object>(em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, orderBy: QBQueryOrderMap<T> = { id: 'asc' } as QBQueryOrderMap<T>): Promise<T[]> {
  return (await (em as SqlEntityManager).createQueryBuilder(entity).select('*').where(where).orderBy(orderBy).execute('all')) as T[];
}

/** `select * from observation where … subject_code in (?, …)`, per database platform (quoting) and number of codes: built once, not per request. */
const currentRowsStatements = new WeakMap<object, Map<number, string>>();

/**
 * What marks a statement whose rows the SQLite driver hands back as arrays (the connection set-up in
 * database.ts prepares it so, once, and keeps it): a row as an array of values costs libsql about
 * half of what a row as an object with named properties does.
 */

/** The same statement, its columns named (in the entity's order), for rows as arrays: per number of codes. */
const currentArrayStatements = new WeakMap<object, Map<number, { sql: string; fields: string[] }>>();

/** MikroORM's connection as the read path runs a statement through it: timed and logged (so counted) like `execute`, with bindings. */
interface LoggingConnection {
  getKnex(): { raw(sql: string, bindings: unknown[]): Promise<unknown>; client: { driverName?: string } };
  executeQuery<T>(query: string, run: () => Promise<T>, context: { query: string; params: unknown[] }): Promise<T>;
  ensureConnection(): Promise<void>;
}

/**
 * The hot read of every subgraph request: a month's current figures of many subjects. The same
 * rows, in the same order and mapped by the same driver code as `readRows`, but from a statement
 * text kept per list length instead of a query builder assembled, compiled and rendered on each
 * request (about a tenth of a subgraph's CPU on the meeting query; see docs/benchmarks.md).
 * It still goes through MikroORM's connection, so it is logged and counted like any statement.
 *
 * On SQLite the statement is sent with its parameters bound rather than written into the text
 * (MikroORM's `execute` renders them in, so every request was a new text for SQLite to parse and
 * plan), is prepared once per connection, and hands its rows back as arrays, turned here into the
 * very objects `select *` gave (same column names and values) before the driver maps them: the
 * reading of rows was a quarter of a subgraph's CPU on a 200-enterprise page (docs/benchmarks.md,
 * "Subgraph CPU").
 */
async function readCurrentRows(em: EntityManager, month: string, subjectType: string, codes: string[]): Promise<ObservationRecord[]> {
  const meta = em.getMetadata().get(ObservationRecord.name);
  const platform = em.getPlatform();
  const driver = (em as SqlEntityManager).getDriver();
  const connection = (em as SqlEntityManager).getConnection() as unknown as LoggingConnection;
  const column = (property: keyof ObservationRecord) => platform.quoteIdentifier(meta.properties[property].fieldNames[0]);
  const where = (count: number) => `where ${column('month')} = ? and ${column('subjectType')} = ? and ${column('subjectCode')} in (${Array.from({ length: count }, () => '?').join(', ')}) order by ${column('id')} asc`;
  const params = [month, subjectType, ...codes];
  if (connection.getKnex().client.driverName === 'libsql') {
    let statements = currentArrayStatements.get(platform);
    if (!statements) currentArrayStatements.set(platform, (statements = new Map()));
    let statement = statements.get(codes.length);
    if (!statement) {
      const fields = meta.props.filter((p) => p.fieldNames?.length === 1 && p.persist !== false).map((p) => p.fieldNames[0]);
      statement = { fields, sql: `${ROWS_AS_ARRAYS}select ${fields.map((f) => platform.quoteIdentifier(f)).join(', ')} from ${platform.quoteIdentifier(meta.tableName)} ${where(codes.length)}` };
      if (statements.size < 2_000) statements.set(codes.length, statement);
    }
    const { sql, fields } = statement;
    await connection.ensureConnection();
    const rows = (await connection.executeQuery(sql, () => connection.getKnex().raw(sql, params), { query: sql, params })) as unknown[][];
    return rows.map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) row[fields[i]] = values[i];
      return driver.mapResult(row, meta) as ObservationRecord;
    });
  }
  let statements = currentRowsStatements.get(platform);
  if (!statements) currentRowsStatements.set(platform, (statements = new Map()));
  let sql = statements.get(codes.length);
  if (!sql) {
    sql = `select * from ${platform.quoteIdentifier(meta.tableName)} ${where(codes.length)}`;
    if (statements.size < 2_000) statements.set(codes.length, sql);
  }
  const rows = (await (em as SqlEntityManager).getConnection().execute(sql, params, 'all')) as Record<string, unknown>[];
  return rows.map((row) => driver.mapResult(row, meta) as ObservationRecord);
}

function observationKeyString(k: ObservationKey): string {
  return `${k.month}|${k.subjectType}|${k.subjectCode}|${k.asOf ?? ''}`;
}

/**
 * Every key's value in one batch, as `loader.loadMany` does, but failing as a whole: loadMany
 * hands a failed key back as an Error in its place, which a caller would otherwise have to check.
 */
export async function loadAll<K, V, C = K>(loader: DataLoader<K, V, C>, keys: readonly K[]): Promise<V[]> {
  return (await loader.loadMany(keys)).map((value) => {
    if (value instanceof Error) throw value;
    return value;
  });
}

export type HistoryKey = Omit<ObservationKey, 'asOf'> & { indicator: string };

/** Superseded versions of many figures, newest first, in one statement per month and subject type. */
export function historyLoader(em: EntityManager): DataLoader<HistoryKey, ObservationVersionRecord[], string> {
  const keyString = (k: { indicator: string; subjectType: string; subjectCode: string; month: string }): string => `${k.indicator}|${k.month}|${k.subjectType}|${k.subjectCode}`;
  return new DataLoader<HistoryKey, ObservationVersionRecord[], string>(
    async (keys) => {
      const found = new Map<string, ObservationVersionRecord[]>();
      const groups = new Map<string, HistoryKey[]>();
      for (const key of keys) groups.set(`${key.month}|${key.subjectType}`, [...(groups.get(`${key.month}|${key.subjectType}`) ?? []), key]);
      for (const group of groups.values()) {
        const { month, subjectType } = group[0];
        const rows = await readRows(
          em,
          ObservationVersionRecord,
          { month, subjectType, subjectCode: { $in: [...new Set(group.map((k) => k.subjectCode))] }, indicator: { $in: [...new Set(group.map((k) => k.indicator))] } },
          { version: 'desc' },
        );
        for (const row of rows) found.set(keyString(row), [...(found.get(keyString(row)) ?? []), row]);
      }
      return keys.map((k) => found.get(keyString(k)) ?? []);
    },
    { cacheKeyFn: keyString },
  );
}

/** Methods that run SQL or reach the driver: not on a resolver's entity manager. */
const SQL_METHODS = new Set(['getConnection', 'execute', 'getKnex', 'createQueryBuilder', 'qb', 'getDriver', 'getRepository', 'getTransactionContext', 'setTransactionContext']);

/** Entities only the kit's read path (FigureReader) and reporting touch. */
const FIGURE_ENTITY_NAMES = new Set([ObservationRecord.name, ObservationVersionRecord.name, TargetRecord.name, 'observation', 'observation_history', 'target']);

/** The entity manager behind a guarded one: the kit's own modules only (not exported from the package). */
const RAW = new WeakMap<object, EntityManager>();

function entityName(entity: unknown): string | undefined {
  if (typeof entity === 'string') return entity;
  if (typeof entity === 'function') return (entity as { name?: string }).name;
  if (entity && typeof entity === 'object') return (entity as object).constructor?.name;
  return undefined;
}

function refusal(what: string): Error {
  return new Error(`ctx.em ${what}: a resolver reads figures through ctx.figures (the one read path, issue 12) and runs no SQL of its own; use its entities (registers, ledgers) with find/findOne/create/flush`);
}

/**
 * A resolver's entity manager (`ctx.em`): its department's own entities only. It runs no SQL
 * (getConnection, execute, createQueryBuilder, … throw) and refuses the figure entities
 * (observation rows, their versions, targets) by class or by name, wherever it is reached (a fork,
 * a transaction's manager), so the rows are read through `ctx.figures` or not at all. The kit's
 * own modules reach the manager behind it with `kitEntityManager`, which the package does not export.
 */
export type RegisterEntityManager = Omit<EntityManager, 'getConnection' | 'execute' | 'getDriver' | 'getRepository' | 'getTransactionContext' | 'setTransactionContext'>;

export function guardEntityManager(em: EntityManager): RegisterEntityManager {
  const guarded: EntityManager = new Proxy(em, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && SQL_METHODS.has(prop)) return () => { throw refusal(`does not run SQL (${prop})`); };
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'fork') return (...args: unknown[]) => guardEntityManager((value as Function).apply(target, args));
      if (prop === 'transactional') {
        return (callback: (em: EntityManager) => unknown, ...rest: unknown[]) => (value as Function).call(target, (inner: EntityManager) => callback(guardEntityManager(inner) as EntityManager), ...rest);
      }
      return (...args: unknown[]) => {
        const name = entityName(args[0]);
        if (name && FIGURE_ENTITY_NAMES.has(name)) throw refusal(`refuses ${name}`);
        return (value as Function).apply(target, args);
      };
    },
  });
  RAW.set(guarded, em);
  return guarded;
}

/** The manager behind `ctx.em`, for the kit's reporting and read path (not exported from the package). */
export function kitEntityManager(em: RegisterEntityManager): EntityManager {
  return RAW.get(em) ?? (em as EntityManager);
}

/** Per-request state: a fresh identity map and fresh DataLoaders, so nothing leaks between requests. */
export interface SubgraphContext {
  /** The subgraph's own entities (registers, ledgers): no SQL, no figure entities (`guardEntityManager`). Figures: see `figures`. */
  em: RegisterEntityManager;
  /** The one read path for figures: sharing rules applied, reads recorded (see FigureReader). */
  figures: FigureReader;
  /** Loaders a subgraph adds for its own entities. */
  loaders: Record<string, DataLoader<unknown, unknown, unknown>>;
  /** Who asks (as the gateway signed it) and what they may read; records what they did read. */
  access: AccessPolicy;
  /** The subgraph's grants, refreshed after a grant or revocation; absent in-process. */
  grants?: GrantCache;
}

/** A department's loaders over its own entities; the manager they get is guarded like `ctx.em` (at run time: typed wider so loader code stays as it was). */
export type LoaderFactory = (em: EntityManager) => Record<string, DataLoader<any, any, any>>;

/** `access` defaults to an in-process caller (a subgraph's own tests): every HTTP request brings the gateway's identity. */
export function createContext(orm: MikroORM, extraLoaders?: LoaderFactory, access: AccessPolicy = new AccessPolicy('', null, null), grants?: GrantCache): SubgraphContext {
  const em = orm.em.fork();
  const guarded = guardEntityManager(em);
  return { em: guarded, figures: new FigureReader(em, access), loaders: extraLoaders ? extraLoaders(guarded as EntityManager) : {}, access, grants };
}

/**
 * Targets for a year, one statement per year, by region (`year|region:<code>`) or by indicator
 * (`year|indicator:<code>`).
 */
export function targetLoader(em: EntityManager): DataLoader<string, TargetRecord[]> {
  return new DataLoader<string, TargetRecord[]>(async (keys) => {
    const rows: TargetRecord[] = [];
    for (const year of new Set(keys.map((k) => Number(k.split('|')[0])))) {
      rows.push(...(await em.find(TargetRecord, { year }, { orderBy: { id: 'asc' } })));
    }
    return keys.map((key) => {
      const [year, selector] = key.split('|');
      const [by, code] = selector.split(':');
      return rows.filter((r) => r.year === Number(year) && (by === 'region' ? r.regionCode : r.indicator) === code);
    });
  });
}
