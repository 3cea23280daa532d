import 'reflect-metadata'; // MikroORM's entity decorators in the access database, loaded only for these commands
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { CLIENT_ROLES, IdentifierError, parseCreditCode, parseMonth, SUBGRAPH_NAMES, type ClientRole } from '@huishang/schema/core';
import { databaseSettings } from '@huishang/schema/database';
import { AUDIT_FILTER_FORMS, AuditLog, auditEntry, ClientStore, DocumentStore, emptyReads, openAccessDatabase, UnknownClient, type ClientView } from '@huishang/gateway/access-store';
import { choice, ExitCode, InputRefused, parse, UsageError, type Io } from './io';

export const ACCESS_HELP = `huishang clients | documents | audit — who may call the gateway, and what they did

  huishang clients add --department <name> --role <role> [--name TEXT] [--expires ISO] [--safelist] [--rate-limit N] [--json]
      issues a client and prints its token once (only its hash is kept)
  huishang clients list [--department <name>] [--role <role>] [--json]
  huishang clients revoke <client id>
  huishang clients update <client id> [--safelist | --no-safelist] [--rate-limit N]

  huishang documents add FILE.graphql [--name TEXT]     register a persisted document (safelist)
  huishang documents list [--json]

  huishang audit verify [--json]     walk the hash chain; exit 1 if a record was edited or deleted
  huishang audit export [--from ISO] [--to ISO] [--enterprise CODE] [--indicator CODE] [--month YYYY-MM]
                        [--client ID] [--format jsonl|csv]

Departments: ${SUBGRAPH_NAMES.join(', ')}. Roles: ${CLIENT_ROLES.join(', ')}.
The database is the gateway's own "access" database: DATABASE_URL=postgres://host/base (database
base_access), ACCESS_DATABASE_URL, or data/access.sqlite under HUISHANG_DATA_DIR.
`;

const logToStderr = (io: Io) => (message: string) => io.stderr.write(`${message}\n`);

/**
 * An operator's act on the access database — issuing, revoking or changing a client, registering a
 * document — is on the audit trail like a request (a tester found issuing a token left no trace):
 * the client acted on, its department and role, `huishang clients add (by <user>)`.
 */
async function recordAct(orm: Awaited<ReturnType<typeof openAccess>>, act: { operationName: string; clientId?: string | null; department?: string | null; role?: string | null; documentHash?: string | null }): Promise<void> {
  let user = 'unknown user';
  try {
    user = userInfo().username || user;
  } catch {
    // no user database entry (a container): the act is still recorded
  }
  // The gateway's record of a request, for a request that did not come through it: no client calling, nothing read.
  const context = { requestId: `cli-${randomUUID()}`, client: null, reads: emptyReads(), startedAt: Date.now() };
  await new AuditLog(orm).append(
    auditEntry(context, 'OK', [], { operationName: `${act.operationName} (by ${user})`, clientId: act.clientId ?? null, department: act.department ?? null, role: act.role ?? null, documentHash: act.documentHash ?? null }),
  );
}

/** A revocation or change stands (undoing it would be worse); when it cannot be recorded, that is said and the exit code is not 0. */
async function recordedOrSaid(io: Io, what: string, record: () => Promise<void>): Promise<number> {
  try {
    await record();
    return ExitCode.Ok;
  } catch (error) {
    io.stderr.write(`huishang ${what}: done, but the audit trail could not be written (${(error as Error).message}): record it by hand\n`);
    return ExitCode.Failed;
  }
}

/** Opens the gateway's access database and says which one on stderr (a password in a URL is not printed). */
function openAccess(io: Io) {
  const settings = databaseSettings('access', io.env);
  let where = settings.location;
  if (settings.kind === 'postgresql') {
    const url = new URL(settings.location);
    if (url.password) url.password = '***';
    where = url.toString();
  }
  io.stderr.write(`access database: ${settings.kind === 'sqlite' ? `SQLite ${where}` : `PostgreSQL ${where}`}\n`);
  return openAccessDatabase(logToStderr(io), settings);
}

function printClients(io: Io, clients: ClientView[], json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(clients, null, 2)}\n`);
    return;
  }
  for (const c of clients) {
    io.stdout.write(`${c.id}  ${c.department.padEnd(10)} ${c.role.padEnd(14)} ${c.status.padEnd(8)} ${c.safelist ? 'safelist ' : ''}${c.name}${c.expiresAt ? `  (expires ${c.expiresAt})` : ''}\n`);
  }
}

export async function clientsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse('clients', rest, {
    department: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    expires: { type: 'string' },
    safelist: { type: 'boolean' },
    'no-safelist': { type: 'boolean' },
    'rate-limit': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help || sub === '--help' || sub === '-h' || sub === 'help' || !sub) {
    io.stdout.write(ACCESS_HELP);
    return sub ? ExitCode.Ok : ExitCode.Usage;
  }
  const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  if (rateLimit !== undefined && (!Number.isInteger(rateLimit) || rateLimit < 1)) {
    throw new UsageError(`--rate-limit ${values['rate-limit']}: requests a minute, a whole number of 1 or more (leave it out for the gateway's default)`, 'clients');
  }
  // Options a subcommand does not take are refused, not ignored: an operator's `update --role ANALYST`
  // exited 0 with the role unchanged (a tester's finding).
  const TAKES: Record<string, readonly string[]> = {
    add: ['department', 'role', 'name', 'expires', 'safelist', 'rate-limit', 'json'],
    list: ['department', 'role', 'json'],
    revoke: [],
    update: ['safelist', 'no-safelist', 'rate-limit', 'json'],
  };
  const extra = Object.keys(values).filter((option) => option !== 'help' && values[option as keyof typeof values] !== undefined && sub in TAKES && !TAKES[sub].includes(option));
  if (extra.length) {
    const fix = sub === 'update' && extra.some((o) => ['role', 'department'].includes(o)) ? ': a client keeps its department and role; revoke it and add a new one' : '';
    throw new UsageError(`clients ${sub} does not take --${extra.join(', --')}${fix}`, 'clients');
  }
  const orm = await openAccess(io);
  try {
    const store = new ClientStore(orm, 0);
    switch (sub) {
      case 'add': {
        const department = values.department;
        if (!department) throw new UsageError(`--department is required: one of ${SUBGRAPH_NAMES.join(', ')}`, 'clients');
        choice('clients', 'department', department, SUBGRAPH_NAMES, 'a department of the registry');
        if (!values.role) throw new UsageError(`--role is required: one of ${CLIENT_ROLES.join(', ')}`, 'clients');
        const role = values.role.toUpperCase();
        choice('clients', 'role', role, CLIENT_ROLES, 'a role');
        let expiresAt: Date | null = null;
        if (values.expires) {
          expiresAt = new Date(values.expires);
          if (Number.isNaN(expiresAt.getTime())) throw new UsageError(`--expires ${values.expires}: an ISO time such as 2027-06-30T00:00:00Z`, 'clients');
          // A client expired at birth is a mistake, not a client (finding t12 #12).
          if (expiresAt.getTime() <= Date.now()) throw new UsageError(`--expires ${values.expires}: that time has passed; give a future time such as ${new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().slice(0, 10)}T00:00:00Z, or omit it for a client that does not expire`, 'clients');
        }
        const { client, token } = await store.add({ name: values.name ?? `${department} ${role.toLowerCase()}`, department, role: role as ClientRole, expiresAt, safelist: values.safelist ?? false, rateLimit: rateLimit ?? null });
        try {
          await recordAct(orm, { operationName: 'huishang clients add', clientId: client.id, department: client.department, role: client.role });
        } catch (error) {
          // A token nobody can trace is not issued.
          await store.revoke(client.id);
          io.stderr.write(`huishang clients add: the audit trail could not be written (${(error as Error).message}), so the client was not issued; try again later\n`);
          return ExitCode.Failed;
        }
        if (values.json) io.stdout.write(`${JSON.stringify({ ...client, token }, null, 2)}\n`);
        else io.stdout.write(`client ${client.id} (${client.department} ${client.role}) added.\ntoken (shown once; send as "Authorization: Bearer <token>"):\n${token}\n`);
        return ExitCode.Ok;
      }
      case 'list': {
        // Narrowed by --department and --role when given, each checked (a misspelt one listed everyone).
        const department = values.department === undefined ? undefined : choice('clients', 'department', values.department, SUBGRAPH_NAMES, 'a department of the registry');
        const role = values.role === undefined ? undefined : choice('clients', 'role', values.role.toUpperCase(), CLIENT_ROLES, 'a role');
        const clients = (await store.list()).filter((c) => (!department || c.department === department) && (!role || c.role === role));
        printClients(io, clients, values.json ?? false);
        return ExitCode.Ok;
      }
      case 'revoke': {
        if (positionals.length !== 1) throw new UsageError('name the client id to revoke', 'clients');
        const client = await known(() => store.revoke(positionals[0]));
        io.stdout.write(`client ${client.id} revoked at ${client.revokedAt}\n`);
        return await recordedOrSaid(io, 'clients revoke', () => recordAct(orm, { operationName: 'huishang clients revoke', clientId: client.id, department: client.department, role: client.role }));
      }
      case 'update': {
        if (positionals.length !== 1) throw new UsageError('name the client id to update', 'clients');
        const safelist = values.safelist ? true : values['no-safelist'] ? false : undefined;
        const updated = await known(() => store.update(positionals[0], { safelist, rateLimit }));
        printClients(io, [updated], values.json ?? false);
        return await recordedOrSaid(io, 'clients update', () => recordAct(orm, { operationName: `huishang clients update${safelist === undefined ? '' : safelist ? ' --safelist' : ' --no-safelist'}${rateLimit === undefined ? '' : ` --rate-limit ${rateLimit}`}`, clientId: updated.id, department: updated.department, role: updated.role }));
      }
      default:
        throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}: add, list, revoke or update`, 'clients');
    }
  } finally {
    await orm.close();
  }
}

/** A store call on a client id: an unknown id is the operator's mistake (exit 1), not a failure to run. */
async function known<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UnknownClient) throw new InputRefused(`${error.message}: nothing was changed; "huishang clients list" shows the ids`, 'clients');
    throw error;
  }
}

export async function documentsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse('documents', rest, { name: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help || sub === '--help' || sub === '-h' || sub === 'help' || !sub) {
    io.stdout.write(ACCESS_HELP);
    return sub ? ExitCode.Ok : ExitCode.Usage;
  }
  const orm = await openAccess(io);
  try {
    const store = new DocumentStore(orm, 0);
    if (sub === 'add') {
      if (positionals.length !== 1) throw new UsageError('name the .graphql file to register', 'documents');
      const file = positionals[0];
      if (!existsSync(file)) throw new UsageError(`${file}: no such file`, 'documents');
      const text = readFileSync(file, 'utf8');
      // A registered document is a client's contract: one that does not parse would only fail at request time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { parse: parseDocument } = require('graphql') as typeof import('graphql');
      try {
        parseDocument(text);
      } catch (error) {
        throw new InputRefused(`${file} is not a GraphQL document (${(error as Error).message}); nothing was registered`, 'documents');
      }
      const sha256 = await store.register(values.name ?? basename(file), text);
      io.stdout.write(`${values.json ? JSON.stringify({ sha256 }) : `registered ${file}: sha256 ${sha256}`}\n`);
      return await recordedOrSaid(io, 'documents add', () => recordAct(orm, { operationName: 'huishang documents add', documentHash: sha256 }));
    }
    if (sub === 'list') {
      const documents = await store.list();
      io.stdout.write(values.json ? `${JSON.stringify(documents, null, 2)}\n` : documents.map((d) => `${d.sha256}  ${d.name}\n`).join(''));
      return ExitCode.Ok;
    }
    throw new UsageError(`unknown subcommand ${JSON.stringify(sub ?? '')}: add or list`, 'documents');
  } finally {
    await orm.close();
  }
}

/** An ISO 8601 moment with a time zone (`2015-07-01T00:00:00+08:00`, `…Z`), as the graph's DateTimeISO. */
const MOMENT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `audit export`'s filter checked as the graph's auditTrail checks it (gateway/src/access/auditSubgraph.ts),
 * so a mistyped value is refused, not read as a filter that matches nothing: times with their zone
 * become the stored UTC form (they were compared as text, so `+08:00` missed eight hours).
 */
function exportFilter(values: { from?: string; to?: string; enterprise?: string; indicator?: string; month?: string; client?: string }): { from?: string; to?: string; enterprise?: string; indicator?: string; month?: string; clientId?: string } {
  const identifier = <T>(option: string, value: string | undefined, parse: (v: string) => T): T | undefined => {
    if (value === undefined) return undefined;
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof IdentifierError) throw new UsageError(`--${option} ${error.message}`, 'audit');
      throw error;
    }
  };
  const moment = (option: string, value: string | undefined): string | undefined =>
    identifier(option, value, (v) => {
      const shape = MOMENT.exec(v);
      const at = shape ? Date.parse(v) : NaN;
      if (!shape || !Number.isFinite(at) || new Date(`${shape[1]}T00:00:00Z`).toISOString().slice(0, 10) !== shape[1]) {
        throw new UsageError(`--${option} ${JSON.stringify(v)}: a moment with its time zone, like 2015-07-01T00:00:00+08:00 or 2015-06-30T16:00:00Z`, 'audit');
      }
      return new Date(at).toISOString();
    });
  const from = moment('from', values.from);
  const to = moment('to', values.to);
  if (from && to && from >= to) throw new UsageError(`--to must be later than --from (${from}): no record can be at or after the one and before the other`, 'audit');
  for (const [option, value, form] of [['indicator', values.indicator, AUDIT_FILTER_FORMS.indicator], ['client', values.client, AUDIT_FILTER_FORMS.clientId]] as const) {
    if (value !== undefined && !form.form.test(value)) throw new UsageError(`--${option} ${JSON.stringify(value)}: ${form.reason}`, 'audit');
  }
  return { from, to, enterprise: identifier('enterprise', values.enterprise, parseCreditCode), indicator: values.indicator, month: identifier('month', values.month, parseMonth), clientId: values.client };
}

const CSV_COLUMNS = ['seq', 'at', 'clientId', 'department', 'role', 'requestId', 'operationName', 'documentHash', 'fields', 'indicators', 'refusedIndicators', 'enterprises', 'months', 'refusedEnterprises', 'refusedMonths', 'submissions', 'ruleReads', 'outcome', 'errorCodes', 'durationMs', 'traceId', 'prevHash', 'hash'] as const;
/**
 * One CSV cell. A cell a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return: OWASP's CSV injection list) is neutralised with a leading apostrophe, so an
 * operation name a client chose cannot become a formula in the auditor's spreadsheet.
 */
export const csvCell = (value: unknown): string => {
  let text = Array.isArray(value) ? value.join(' ') : value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export async function auditCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parse('audit', rest, {
    json: { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    enterprise: { type: 'string' },
    indicator: { type: 'string' },
    month: { type: 'string' },
    client: { type: 'string' },
    format: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help || sub === '--help' || sub === '-h' || sub === 'help' || !sub) {
    io.stdout.write(ACCESS_HELP);
    return sub ? ExitCode.Ok : ExitCode.Usage;
  }
  const orm = await openAccess(io);
  try {
    const log = new AuditLog(orm);
    if (sub === 'verify') {
      const report = await log.verify();
      if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.ok) io.stdout.write(`audit trail intact: ${report.records} records, chain head ${report.lastHash}\n`);
      else io.stdout.write(`audit trail BROKEN (${report.records} records):\n${report.problems.map((p) => `  record ${p.seq}: ${p.problem}\n`).join('')}`);
      return report.ok ? ExitCode.Ok : ExitCode.Refused;
    }
    if (sub === 'export') {
      const format = values.format ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format jsonl or csv', 'audit');
      if (format === 'csv') io.stdout.write(`${CSV_COLUMNS.join(',')}\n`);
      const filter = exportFilter(values);
      let after = 0;
      for (;;) {
        const page = await log.query(filter, 1000, after);
        if (!page.length) break;
        for (const record of page) {
          io.stdout.write(format === 'csv' ? `${CSV_COLUMNS.map((c) => csvCell(record[c])).join(',')}\n` : `${JSON.stringify(record)}\n`);
        }
        after = page[page.length - 1].seq;
      }
      return ExitCode.Ok;
    }
    throw new UsageError(`unknown subcommand ${JSON.stringify(sub ?? '')}: verify or export`, 'audit');
  } finally {
    await orm.close();
  }
}
