import Redis from 'ioredis';

/**
 * State that must hold across replicas: a client's rate-limit window (gateway) and the signature
 * nonces a subgraph has accepted. With `REDIS_URL` set it lives in Redis, shared by every replica;
 * without it (the embedded default, one process per service) in the process's memory.
 *
 * Settings:
 * - `REDIS_URL` (`redis://host:6379/0`, `rediss://…` for TLS): unset keeps the state in memory.
 * - `REDIS_KEY_PREFIX` (default `huishang:`): prepended to every key, so one Redis can serve
 *   several installations (and tests) without collisions.
 * - `REDIS_TIMEOUT_MS` (default 1000): one command's time limit; a Redis that does not answer in
 *   time fails that request instead of holding it.
 */
export interface SharedStateSettings {
  url: string;
  prefix: string;
  timeoutMs: number;
}

export function sharedStateSettings(env: NodeJS.ProcessEnv = process.env): SharedStateSettings | null {
  const url = env.REDIS_URL?.trim();
  if (!url) return null;
  if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${JSON.stringify(url)}`);
  const timeoutMs = Number(env.REDIS_TIMEOUT_MS ?? 1_000);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new Error(`REDIS_TIMEOUT_MS must be a whole number of milliseconds, got ${JSON.stringify(env.REDIS_TIMEOUT_MS)}`);
  return { url, prefix: env.REDIS_KEY_PREFIX ?? 'huishang:', timeoutMs };
}

/** An ioredis connection for shared state: fails a command fast rather than queueing it while Redis is away. */
export function connectRedis(settings: SharedStateSettings): Redis {
  const redis = new Redis(settings.url, {
    keyPrefix: settings.prefix,
    commandTimeout: settings.timeoutMs,
    maxRetriesPerRequest: 1,
    // Reconnects go on in the background (ioredis' default back-off); requests meanwhile fail.
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  // Without a listener ioredis prints every reconnect failure as an unhandled 'error' event.
  let lastComplaint = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastComplaint < 10_000) return;
    lastComplaint = Date.now();
    console.error(`redis (${settings.url.replace(/\/\/[^@/]*@/, '//…@')}): ${error.message}`);
  });
  return redis;
}

/** Closes a connection: politely when connected, at once (no more reconnecting) when not. */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

/** Replay protection: each signature nonce is accepted once while its signature is valid. */
export interface NonceStore {
  /** True the first time `nonce` is claimed; false when it was claimed before (a replay). */
  claim(nonce: string, expiresAt: number, now?: number): Promise<boolean>;
  /**
   * The earliest signing time (ms) whose nonces this store has all seen: a signature made before it
   * may have been used already without the store knowing, so it is refused (a restarted process's
   * empty memory must not accept a signature captured before the restart).
   */
  readonly remembersFrom: number;
  close(): Promise<void>;
}

/** One process's memory: enough for one replica, and the embedded default. It knows only what this process saw. */
export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;
  readonly remembersFrom = Date.now();

  async claim(nonce: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    this.sweep(now);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, expiresAt);
    return true;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    for (const [nonce, exp] of this.seen) if (exp <= now) this.seen.delete(nonce);
  }
}

/**
 * Redis: `SET <prefix>nonce:<scope>:<nonce> 1 PX <until expiry> NX` is atomic, so of two replicas
 * receiving the same signature exactly one gets OK. The key expires with the signature.
 */
export class RedisNonceStore implements NonceStore {
  /** Redis outlives this process's restarts (a Redis restarted empty is the operator's to avoid: persistence or a replica). */
  readonly remembersFrom = 0;

  constructor(
    private readonly redis: Redis,
    /** The audience (subgraph) the nonces belong to. */
    private readonly scope: string,
  ) {}

  async claim(nonce: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    const ttl = Math.max(1, expiresAt - now);
    const answer = await this.redis.set(`nonce:${this.scope}:${nonce}`, '1', 'PX', ttl, 'NX');
    return answer === 'OK';
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}

/** Fixed-window request counters (rate limits). */
export interface WindowCounter {
  /** Adds one to `key`'s count in the window that started at `windowStart` and lasts `windowMs`; the new count. */
  increment(key: string, windowStart: number, windowMs: number): Promise<number>;
  close(): Promise<void>;
}

export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  async increment(key: string, windowStart: number): Promise<number> {
    let window = this.windows.get(key);
    if (!window || window.start !== windowStart) {
      // A runaway number of distinct keys must not grow memory without bound.
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start: windowStart, count: 0 };
      this.windows.set(key, window);
    }
    return ++window.count;
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

/** Redis: one `INCR` per request on `<prefix>rate:<key>:<window start>`, which expires after its window. */
export class RedisWindowCounter implements WindowCounter {
  constructor(private readonly redis: Redis) {}

  async increment(key: string, windowStart: number, windowMs: number): Promise<number> {
    const name = `rate:${key}:${windowStart}`;
    const results = await this.redis.multi().incr(name).pexpire(name, windowMs + 5_000).exec();
    const [error, count] = results?.[0] ?? [new Error('no answer from redis'), null];
    if (error) throw error;
    return Number(count);
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}

/** The nonce store the environment asks for: Redis with `REDIS_URL`, else memory. */
export function nonceStore(scope: string, env: NodeJS.ProcessEnv = process.env): NonceStore {
  const settings = sharedStateSettings(env);
  return settings ? new RedisNonceStore(connectRedis(settings), scope) : new MemoryNonceStore();
}

/** The rate-limit counter the environment asks for: Redis with `REDIS_URL`, else memory. */
export function windowCounter(env: NodeJS.ProcessEnv = process.env): WindowCounter {
  const settings = sharedStateSettings(env);
  return settings ? new RedisWindowCounter(connectRedis(settings)) : new MemoryWindowCounter();
}
