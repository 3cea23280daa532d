import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import Redis from 'ioredis';
import CircuitBreaker from 'opossum';
import { ANSWER_VERSION_FRESH_MS, ANSWER_VERSION_KEY, answerCacheEnvironment, sharedStateSettings } from '@huishang/schema';
import type { GatewayMetrics } from './metrics';

/**
 * The shared answer cache (issue 17, item 4): a department's answer to one subgraph fetch, kept in
 * Redis and shared by every gateway replica, so the meeting's figures opened by every member at
 * once are computed by the department once per (department, role) of the callers.
 *
 * An entry's key is the SHA-256 of everything the subgraph's answer depends on:
 * - the subgraph and the exact body sent to it (operation, variables with `asOf` and the entity
 *   representations, operation name, extensions) and the forwarded trace header;
 * - the caller's department and role (what the subgraph's access decisions depend on: the owner's
 *   clients read everything, others by sharing category and by the grants made to their department);
 * and, read from the subgraph's own hash in the same Redis round trip (a Lua script), the
 * department's data token, its grants token and how many of its grants have expired by now
 * (schema/src/kit/answerVersions.ts). A department that publishes no hash is not cached.
 *
 * Only a complete answer to a query is kept: no mutation, no answer with errors or without data, no
 * answer that fails the schema check, none without the subgraph's read record. The entry keeps the
 * subgraph's `extensions.huishangReads`, which a hit feeds to the audit record exactly as a live
 * answer does. Redis away or slow: a circuit breaker (opossum) and a time limit per command; the
 * fetch goes to the subgraph as without the cache, counted in `huishang_answer_cache_requests_total{outcome="error"}`.
 *
 * Settings: `HUISHANG_ANSWER_CACHE` (`on` | `off`; default on when `REDIS_URL` is set),
 * `HUISHANG_ANSWER_CACHE_TTL_MS` (default 600 000: memory, not correctness),
 * `HUISHANG_ANSWER_CACHE_TIMEOUT_MS` (default 100), `HUISHANG_ANSWER_CACHE_MAX_CHARS` (default 2 000 000: a larger answer is not kept).
 */
export interface AnswerCacheSettings {
  url: string;
  prefix: string;
  ttlMs: number;
  timeoutMs: number;
  maxChars: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return value;
}

export function answerCacheSettings(env: NodeJS.ProcessEnv = process.env): AnswerCacheSettings | null {
  const setting = (env.HUISHANG_ANSWER_CACHE ?? '').trim().toLowerCase();
  if (setting && setting !== 'on' && setting !== 'off') throw new Error(`HUISHANG_ANSWER_CACHE must be "on" or "off", got ${JSON.stringify(env.HUISHANG_ANSWER_CACHE)}`);
  const shared = sharedStateSettings(answerCacheEnvironment(env));
  if (setting === 'off') return null;
  if (!shared) {
    if (setting === 'on') throw new Error('HUISHANG_ANSWER_CACHE=on needs REDIS_URL: the cache is shared by the gateway replicas and keyed on versions the departments publish there');
    return null;
  }
  return {
    url: shared.url,
    prefix: shared.prefix,
    ttlMs: positive(env, 'HUISHANG_ANSWER_CACHE_TTL_MS', 600_000),
    timeoutMs: positive(env, 'HUISHANG_ANSWER_CACHE_TIMEOUT_MS', 100),
    maxChars: positive(env, 'HUISHANG_ANSWER_CACHE_MAX_CHARS', 2_000_000),
  };
}

/**
 * KEYS[1]: the subgraph's version hash. ARGV[1]: the entry key without its versions (prefix and
 * digest), ARGV[2]: now (ms), ARGV[3]: how old the subgraph's last heartbeat (`at`) may be. Returns
 * nil without a fresh hash, else { entry key, cached answer or false }.
 */
const LOOKUP = `
local v = redis.call('HMGET', KEYS[1], 'data', 'grants', 'expiries', 'at')
if not v[1] or not v[2] or not v[4] then return nil end
local now = tonumber(ARGV[2])
if now - tonumber(v[4]) > tonumber(ARGV[3]) then return nil end
local expired = 0
if v[3] then
  for e in string.gmatch(v[3], '[^,]+') do
    if tonumber(e) <= now then expired = expired + 1 end
  end
end
local key = ARGV[1] .. ':' .. v[1] .. ':' .. v[2] .. ':' .. expired
return { key, redis.call('GET', key) }
`;

export type CacheLookup =
  /** The department publishes no versions, or the cache could not be asked: go to the subgraph, keep nothing. */
  | { kind: 'bypass' }
  | { kind: 'hit'; body: string }
  /**
   * Go to the subgraph; `store` keeps its answer under the versions read before it was asked, if
   * the answer was made under the grants token read (`grants`: a replica still on older grants answers with another).
   */
  | { kind: 'miss'; grants: string; store: (body: string) => void };

type RedisWithLookup = Redis & { answerLookup(key: string, base: string, now: string, fresh: string): Promise<[string, string | null] | null> };

export class AnswerCache {
  private readonly redis: RedisWithLookup;
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private lastComplaint = 0;

  constructor(
    private readonly settings: AnswerCacheSettings,
    /**
     * The key entries are sealed with (HMAC-SHA256 over entry key and answer), derived from the
     * gateway's signing key, which neither Redis nor the departments hold: an entry written into
     * Redis by anyone else is not served.
     */
    private readonly secret: Buffer,
    private readonly metrics?: GatewayMetrics,
    private readonly log: (message: string) => void = (message) => console.error(message),
  ) {
    this.redis = new Redis(settings.url, {
      keyPrefix: settings.prefix,
      commandTimeout: settings.timeoutMs,
      maxRetriesPerRequest: 0,
      // Disconnected: fail at once (the fetch goes to the subgraph) instead of queueing.
      enableOfflineQueue: false,
    }) as RedisWithLookup;
    this.redis.defineCommand('answerLookup', { numberOfKeys: 1, lua: LOOKUP });
    this.redis.on('error', (error: Error) => this.complain(`redis: ${error.message}`));
    this.breaker = new CircuitBreaker((operation: () => Promise<unknown>) => operation(), {
      name: 'answer-cache',
      timeout: settings.timeoutMs,
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      resetTimeout: 5_000,
    });
    this.breaker.on('open', () => this.log('gateway: answer cache breaker open: serving without the cache'));
    this.breaker.on('close', () => this.log('gateway: answer cache breaker closed: the cache is used again'));
  }

  private complain(message: string): void {
    if (Date.now() - this.lastComplaint < 10_000) return;
    this.lastComplaint = Date.now();
    this.log(`gateway: answer cache: ${message}`);
  }

  /**
   * `parts`: the caller's department and role, the forwarded trace header and the exact body sent
   * to the subgraph.
   */
  async lookup(subgraph: string, parts: readonly string[]): Promise<CacheLookup> {
    const hash = createHash('sha256').update(subgraph);
    for (const part of parts) hash.update('\0').update(part);
    const base = `${this.settings.prefix}answer:${subgraph}:${hash.digest('base64url')}`;
    let found: [string, string | null] | null;
    try {
      found = (await this.breaker.fire(() => this.redis.answerLookup(`${ANSWER_VERSION_KEY}${subgraph}`, base, String(Date.now()), String(ANSWER_VERSION_FRESH_MS)))) as [string, string | null] | null;
    } catch (error) {
      this.complain(`lookup failed (${(error as Error).message}); serving without the cache`);
      this.metrics?.answerCache(subgraph, 'error');
      return { kind: 'bypass' };
    }
    if (!found) {
      this.metrics?.answerCache(subgraph, 'bypass');
      return { kind: 'bypass' };
    }
    const [key, sealed] = found;
    if (typeof sealed === 'string') {
      const body = this.unseal(key, sealed);
      if (body !== null) {
        this.metrics?.answerCache(subgraph, 'hit');
        return { kind: 'hit', body };
      }
      this.complain(`an entry of ${subgraph} is not sealed with this gateway's key: not served`);
      this.metrics?.answerCache(subgraph, 'forged');
    } else {
      this.metrics?.answerCache(subgraph, 'miss');
    }
    // The key is absolute (it carries the prefix): stored without ioredis' own prefix.
    const entry = key.slice(this.settings.prefix.length);
    return {
      kind: 'miss',
      grants: key.split(':').at(-2) ?? '',
      store: (answer: string) => {
        if (answer.length > this.settings.maxChars) return;
        this.breaker.fire(() => this.redis.set(entry, this.seal(key, answer), 'PX', this.settings.ttlMs)).then(
          () => this.metrics?.answerCacheStored(subgraph, 'stored'),
          (error: unknown) => {
            this.complain(`store failed (${(error as Error).message})`);
            this.metrics?.answerCacheStored(subgraph, 'failed');
          },
        );
      },
    };
  }

  private mac(key: string, body: string): Buffer {
    return createHmac('sha256', this.secret).update(key).update('\0').update(body).digest();
  }

  private seal(key: string, body: string): string {
    return `${this.mac(key, body).toString('base64url')}.${body}`;
  }

  private unseal(key: string, sealed: string): string | null {
    const dot = sealed.indexOf('.');
    if (dot !== 43) return null;
    const body = sealed.slice(dot + 1);
    const given = Buffer.from(sealed.slice(0, dot), 'base64url');
    const expected = this.mac(key, body);
    return given.length === expected.length && timingSafeEqual(given, expected) ? body : null;
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
