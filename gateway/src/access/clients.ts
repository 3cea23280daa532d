import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { CLIENT_ROLES, SUBGRAPH_NAMES, type ClientRole } from '@huishang/schema/core';
import { openDatabase, type DatabaseSettings } from '@huishang/schema/database';
import type { Identity } from '@huishang/schema/identity';
import { ACCESS_ENTITIES, ACCESS_MIGRATIONS, ClientRecord, PersistedDocumentRecord } from './entities';

/** No client has that id (revoke, update): the caller's mistake, not a failure of the store. */
export class UnknownClient extends Error {
  constructor(readonly id: string) {
    super(`no client ${id}`);
    this.name = 'UnknownClient';
  }
}

export function openAccessDatabase(logger?: (message: string) => void, settings?: DatabaseSettings): Promise<MikroORM> {
  return openDatabase({ subgraph: 'access', entities: ACCESS_ENTITIES, migrations: ACCESS_MIGRATIONS, poolMax: 4, ...(logger ? { logger } : {}), ...(settings ? { settings } : {}) });
}

/** A token: `hs_<client id>_<secret>`. The id finds the client; the secret is checked against its hash. */
const TOKEN = /^hs_(cl_[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ClientView {
  id: string;
  name: string;
  department: string;
  role: ClientRole;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  safelist: boolean;
  rateLimit: number | null;
  demo: boolean;
  status: 'active' | 'expired' | 'revoked';
}

export interface NewClient {
  name: string;
  department: string;
  role: ClientRole;
  expiresAt?: Date | null;
  safelist?: boolean;
  rateLimit?: number | null;
  demo?: boolean;
}

/** Why a token was refused, in words the caller can act on. */
export class AuthenticationError extends Error {}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function view(row: ClientRecord, now = Date.now()): ClientView {
  const expiresAt = row.expiresAt ? new Date(row.expiresAt) : null;
  return {
    id: row.id,
    name: row.name,
    department: row.department,
    role: row.role as ClientRole,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
    safelist: Boolean(row.safelist),
    rateLimit: row.rateLimit,
    demo: Boolean(row.demo),
    status: row.revokedAt ? 'revoked' : expiresAt && expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}

export interface AuthenticatedClient extends Identity {
  name: string;
  safelist: boolean;
  rateLimit: number | null;
}

/**
 * Clients and their credentials. Lookups are cached for `cacheMs` (HUISHANG_CLIENT_CACHE_MS,
 * default 2000) so a request does not wait on the database; a revocation reaches every replica
 * within that time.
 */
export class ClientStore {
  private readonly cache = new Map<string, { row: ClientRecord | null; until: number }>();

  constructor(
    readonly orm: MikroORM,
    private readonly cacheMs = 2_000,
    /** Production mode: demo clients (the `demo` column) are refused even when their token is valid. */
    private readonly refuseDemo = false,
  ) {}

  async add(client: NewClient): Promise<{ client: ClientView; token: string }> {
    if (!(SUBGRAPH_NAMES as readonly string[]).includes(client.department)) {
      throw new Error(`unknown department ${JSON.stringify(client.department)}; one of ${SUBGRAPH_NAMES.join(', ')}`);
    }
    if (!(CLIENT_ROLES as readonly string[]).includes(client.role)) throw new Error(`unknown role ${JSON.stringify(client.role)}; one of ${CLIENT_ROLES.join(', ')}`);
    const id = `cl_${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    const em = this.orm.em.fork();
    const row = em.create(ClientRecord, {
      id,
      name: client.name,
      department: client.department,
      role: client.role,
      secretHash: hashSecret(secret),
      createdAt: new Date(),
      expiresAt: client.expiresAt ?? null,
      revokedAt: null,
      safelist: client.safelist ?? false,
      rateLimit: client.rateLimit ?? null,
      demo: client.demo ?? false,
    });
    await em.flush();
    return { client: view(row), token: `hs_${id}_${secret}` };
  }

  async list(): Promise<ClientView[]> {
    return (await this.orm.em.fork().find(ClientRecord, {}, { orderBy: { createdAt: 'asc', id: 'asc' } })).map((row) => view(row));
  }

  async revoke(id: string): Promise<ClientView> {
    const em = this.orm.em.fork();
    const row = await em.findOne(ClientRecord, { id });
    if (!row) throw new UnknownClient(id);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await em.flush();
    }
    this.cache.delete(id);
    return view(row);
  }

  async update(id: string, changes: { safelist?: boolean; rateLimit?: number | null }): Promise<ClientView> {
    const em = this.orm.em.fork();
    const row = await em.findOne(ClientRecord, { id });
    if (!row) throw new UnknownClient(id);
    if (changes.safelist !== undefined) row.safelist = changes.safelist;
    if (changes.rateLimit !== undefined) row.rateLimit = changes.rateLimit;
    await em.flush();
    this.cache.delete(id);
    return view(row);
  }

  /** The client a bearer token belongs to, or an AuthenticationError saying why not. */
  async authenticate(token: string, now = Date.now()): Promise<AuthenticatedClient> {
    const match = TOKEN.exec(token);
    if (!match) throw new AuthenticationError('the bearer token is not a Huishang token (hs_cl_…)');
    const [, id, secret] = match;
    const row = await this.lookup(id, now);
    const given = Buffer.from(hashSecret(secret), 'hex');
    // Compare even when the client is unknown, so timing does not tell which ids exist.
    const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
    if (!row || !timingSafeEqual(given, expected)) throw new AuthenticationError('the bearer token is not valid');
    if (row.revokedAt) throw new AuthenticationError(`the token of client ${id} was revoked`);
    if (this.refuseDemo && row.demo) throw new AuthenticationError(`client ${id} is a demo client; demo clients are refused in production mode (HUISHANG_MODE=production)`);
    if (row.expiresAt && new Date(row.expiresAt).getTime() <= now) throw new AuthenticationError(`the token of client ${id} expired at ${new Date(row.expiresAt).toISOString()}`);
    return { clientId: row.id, department: row.department, role: row.role as ClientRole, name: row.name, safelist: Boolean(row.safelist), rateLimit: row.rateLimit };
  }

  private async lookup(id: string, now: number): Promise<ClientRecord | null> {
    const cached = this.cache.get(id);
    if (cached && cached.until > now) return cached.row;
    const row = await this.orm.em.fork().findOne(ClientRecord, { id });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { row, until: now + this.cacheMs });
    return row;
  }
}

export const documentHash = (document: string) => createHash('sha256').update(document).digest('hex');

/** Registered persisted documents: what a safelisted client may run. Cached like clients. */
export class DocumentStore {
  private known = new Map<string, string>();
  private until = 0;

  constructor(
    readonly orm: MikroORM,
    private readonly cacheMs = 2_000,
  ) {}

  async register(name: string, document: string): Promise<string> {
    const sha256 = documentHash(document);
    const em = this.orm.em.fork();
    if (!(await em.findOne(PersistedDocumentRecord, { sha256 }))) {
      em.create(PersistedDocumentRecord, { sha256, name, document, registeredAt: new Date() });
      await em.flush();
    }
    this.until = 0;
    return sha256;
  }

  async list(): Promise<{ sha256: string; name: string; registeredAt: string }[]> {
    const rows = await this.orm.em.fork().find(PersistedDocumentRecord, {}, { orderBy: { registeredAt: 'asc' } });
    return rows.map((r) => ({ sha256: r.sha256, name: r.name, registeredAt: new Date(r.registeredAt).toISOString() }));
  }

  /** The text of a registered document, by hash. */
  async get(sha256: string, now = Date.now()): Promise<string | undefined> {
    if (this.until <= now) {
      const rows = await this.orm.em.fork().find(PersistedDocumentRecord, {});
      this.known = new Map(rows.map((r) => [r.sha256, r.document]));
      this.until = now + this.cacheMs;
    }
    return this.known.get(sha256);
  }
}

/**
 * Apollo Server's persisted-query cache over the registered documents (keys `apq:<sha256>`): read
 * only. A hash-only request for a registered document runs it; any other hash answers
 * PERSISTED_QUERY_NOT_FOUND, and the client sends the text (which safelist mode refuses unless registered).
 */
export function registeredDocuments(documents: DocumentStore): { get(key: string): Promise<string | undefined>; set(): Promise<void>; delete(): Promise<boolean> } {
  return {
    get: (key) => documents.get(key.replace(/^apq:/, '')),
    set: async () => undefined,
    delete: async () => false,
  };
}

/** Where the embedded default writes the demo clients' tokens (git-ignored). */
export function demoClientsFile(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HUISHANG_DEMO_CLIENTS_FILE ?? '.huishang/demo-clients.json');
}

/**
 * The embedded default's demo clients: one analyst per department, their tokens written to
 * `.huishang/demo-clients.json` as `{ "<department>": { "token": "…" } }`. Kept across restarts
 * while the tokens still work; replaced (the old ones revoked) when they do not.
 */
export async function ensureDemoClients(store: ClientStore, file: string): Promise<{ created: boolean; file: string; tokens: Record<string, { token: string }> }> {
  if (existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { token: string }>;
      const checks = await Promise.all(SUBGRAPH_NAMES.map((d) => store.authenticate(saved[d]?.token ?? '').then((c) => c.department === d, () => false)));
      if (checks.every(Boolean)) return { created: false, file, tokens: saved };
    } catch {
      // unreadable: replaced below
    }
  }
  for (const client of await store.list()) if (client.demo && client.status === 'active') await store.revoke(client.id);
  const tokens: Record<string, { token: string }> = {};
  for (const department of SUBGRAPH_NAMES) {
    const { token } = await store.add({ name: `demo ${department} analyst`, department, role: 'ANALYST', demo: true });
    tokens[department] = { token };
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { created: true, file, tokens };
}
