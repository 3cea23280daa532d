import { randomBytes } from 'node:crypto';
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
 * - `grants`: a random token replaced whenever this replica's view of its unrevoked grants
 *   changes (a grant or revocation here, at once; one made on another replica, at its next
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
 * Every heartbeat re-asserts the subgraph's current tokens and `at` (its clock, ms): a hash restored
 * from an old Redis snapshot, written by someone else, or lost and recreated is put right within
 * one beat, and a gateway trusts a hash only while `at` is younger than ANSWER_VERSION_FRESH_MS.
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
      this.publish().catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
    this.heartbeat.unref();
    // Reconnected (Redis restarted, failed over): whatever it holds now may be older than our data; a fresh data token.
    let first = true;
    this.redis.on('ready', () => {
      if (first) return void (first = false);
      void this.dataChanged();
    });
  }

  private async publish(): Promise<void> {
    const fields: (string | number)[] = ['data', this.data, 'at', Date.now()];
    if (this.grants !== undefined) fields.push('grants', this.grants, 'expiries', this.expiries);
    await this.redis!.multi().hset(this.key, ...fields).pexpire(this.key, HEARTBEAT_TTL_MS).exec();
  }

  /** The department's data changed (after its commit, before its answer). */
  async dataChanged(): Promise<void> {
    if (!this.redis) return;
    this.data = token();
    try {
      await this.publish();
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
    this.grants = token();
    this.expiries = [...expiries].sort((a, b) => a - b).join(',');
    this.lastGrants = fingerprint;
    try {
      await this.publish();
    } catch (error) {
      this.log(`answer versions: could not publish the grants version (${(error as Error).message}); the next heartbeat does`);
    }
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
