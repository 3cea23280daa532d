import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { connectRedis, sharedStateSettings } from './sharedState';

/**
 * What the gateway's answer cache (gateway/src/answerCache.ts) keys a department's answers on,
 * published by the department itself in Redis (`REDIS_URL`), one hash per subgraph,
 * `<prefix>answers:version:<subgraph>`:
 * - `data`: a random token replaced after every mutation the subgraph answers (a submitted batch,
 *   an upload's commit, a problem's change, a grant; dry runs and refused batches too: it costs one
 *   SET) and at every start (seeding, migrations, anything written while it was down). It is
 *   replaced after the mutation's transaction committed and before its answer leaves the
 *   subgraph, so whoever saw a write's success reads the new token from any gateway;
 * - `grants`: a token derived from this replica's view of its unrevoked grants, published whenever
 *   that view changes (a grant or revocation here, at once; one made on another replica, at its next
 *   refresh), and `expiries`: those grants' expiry times (ms, comma-separated), from which the
 *   gateway counts how many have passed, so an answer read under a grant is not served once the
 *   grant has expired;
 * - the hash expires `HEARTBEAT_TTL_MS` after the subgraph's last heartbeat: a department that
 *   stopped publishing (down, or restarted without Redis) is no longer cached.
 * Random tokens, not counters: a hash lost (Redis restarted, flushed, expired) never brings an
 * old entry's key back.
 */
export const ANSWER_VERSION_KEY = 'answers:version:';
export const HEARTBEAT_TTL_MS = 60_000;
/**
 * Every heartbeat renews `at` (the subgraph's clock, ms) and puts back tokens that are missing (a
 * lost hash); a reconnect (Redis restarted, restored from a snapshot, failed over) publishes a fresh
 * data token and this replica's grants over whatever Redis holds. A gateway trusts a hash only
 * while `at` is younger than ANSWER_VERSION_FRESH_MS (no subgraph keeps it alive: not used).
 */
const HEARTBEAT_EVERY_MS = 5_000;
export const ANSWER_VERSION_FRESH_MS = 15_000;
const RETRY_MS = 250;

const token = () => randomBytes(9).toString('base64url');

export class AnswerVersions {
  private readonly key: string;
  private heartbeat: NodeJS.Timeout | undefined;
  /** A bump that failed (Redis away) is retried until it succeeds. */
  private pendingData = false;
  private retry: NodeJS.Timeout | undefined;
  private lastGrants: string | undefined;
  /** The current tokens, re-asserted at every heartbeat. */
  private data = token();
  private grants: string | undefined;
  private expiries = '';

  constructor(
    private readonly redis: Redis | null,
    subgraph: string,
    private readonly log: (message: string) => void = (message) => console.error(message),
  ) {
    this.key = `${ANSWER_VERSION_KEY}${subgraph}`;
  }

  /** Publishes fresh tokens (start-up: whatever was cached before may be out of date) and keeps the hash alive. */
  async start(): Promise<void> {
    if (!this.redis) return;
    await this.dataChanged();
    this.heartbeat = setInterval(() => {
      this.publish('beat').catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    this.heartbeat.unref();
    // Reconnected (Redis restarted, failed over): whatever it holds now may be older than our data; a fresh data token.
    let first = true;
    this.redis.on('ready', () => {
      if (first) return void (first = false);
      this.data = token();
      this.publish('all').catch(() => {
        this.pendingData = true;
        this.scheduleRetry();
      });
    });
  }

  /**
   * `beat`: puts back what is missing (a lost hash) without overwriting what another replica of the
   * department published (replicas would otherwise flip the tokens at every beat), and renews `at`;
   * `all`: this replica's tokens over whatever is there (a change here; a reconnect, after which
   * Redis may hold an older state).
   */
  private async publish(mode: 'all' | 'data' | 'grants' | 'beat'): Promise<void> {
    const multi = this.redis!.multi();
    if (mode === 'data') multi.hset(this.key, 'data', this.data);
    else if (mode === 'grants') {
      if (this.grants !== undefined) multi.hset(this.key, 'grants', this.grants, 'expiries', this.expiries);
    } else if (mode === 'all') {
      multi.hset(this.key, 'data', this.data);
      if (this.grants !== undefined) multi.hset(this.key, 'grants', this.grants, 'expiries', this.expiries);
    } else {
      multi.hsetnx(this.key, 'data', this.data);
      if (this.grants !== undefined) multi.hsetnx(this.key, 'grants', this.grants).hsetnx(this.key, 'expiries', this.expiries);
    }
    await multi.hset(this.key, 'at', Date.now()).pexpire(this.key, HEARTBEAT_TTL_MS).exec();
  }

  /** The department's data changed (after its commit, before its answer). */
  async dataChanged(): Promise<void> {
    if (!this.redis) return;
    this.data = token();
    try {
      await this.publish('data');
      this.pendingData = false;
    } catch (error) {
      this.log(`answer versions: could not publish the data version (${(error as Error).message}); retrying`);
      this.pendingData = true;
      this.scheduleRetry();
    }
  }

  /**
   * This replica's unrevoked grants: a new `grants` token when they differ from what it published
   * last (`fingerprint`), with their expiry times.
   */
  async grantsAre(fingerprint: string, expiries: number[]): Promise<void> {
    if (!this.redis || fingerprint === this.lastGrants) return;
    // Derived from the grants themselves: a replica still on the older view answers with another
    // token (`grantsToken`, sent with its answers), and the gateway keeps no such answer.
    this.grants = createHash('sha256').update(fingerprint).digest('base64url').slice(0, 16);
    this.expiries = [...expiries].sort((a, b) => a - b).join(',');
    this.lastGrants = fingerprint;
    try {
      await this.publish('grants');
    } catch (error) {
      this.lastGrants = undefined;
      this.log(`answer versions: could not publish the grants version (${(error as Error).message}); the next grants refresh retries`);
    }
  }

  /** The token of this replica's current view of its grants (undefined before the first refresh or without Redis). */
  get grantsToken(): string | undefined {
    return this.redis ? this.grants : undefined;
  }

  private scheduleRetry(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.pendingData) void this.dataChanged();
    }, RETRY_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    if (!this.redis) return;
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis!.disconnect());
    else this.redis.disconnect();
  }
}

/** The publisher the environment asks for: Redis with `REDIS_URL` (whatever the gateway's cache setting), else none. */
export function answerVersions(subgraph: string, env: NodeJS.ProcessEnv = process.env): AnswerVersions {
  const settings = sharedStateSettings(answerCacheEnvironment(env));
  return new AnswerVersions(settings ? connectRedis(settings) : null, subgraph);
}

/**
 * The environment with the answer cache's Redis as `REDIS_URL`: `HUISHANG_ANSWER_CACHE_REDIS_URL`
 * when set (a Redis of its own, with `maxmemory` and an evicting policy, so answers never crowd out
 * the nonces and rate limits), else `REDIS_URL`. Gateways and subgraphs must be given the same one.
 */
export function answerCacheEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = env.HUISHANG_ANSWER_CACHE_REDIS_URL?.trim();
  return own ? { ...env, REDIS_URL: own } : env;
}
