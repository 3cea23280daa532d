import { MemoryWindowCounter, windowCounter, type WindowCounter } from '@huishang/schema';

const WINDOW_MS = 60_000;

/**
 * Requests per client per minute, counted in fixed one-minute windows. With `REDIS_URL` set the
 * count is kept in Redis and shared by every gateway replica, so a client gets its limit once
 * however many replicas serve it; without it (the embedded default) each process counts alone.
 * If Redis cannot be reached the request goes (fail open, logged): the limit stops runaway
 * integrations, it is not what keeps data safe, and a Redis outage must not stop the meeting.
 */
export class RateLimiter {
  private lastComplaint = 0;

  /** `defaultPerMinute` 0 means unlimited (benchmarks); a client's own limit wins. */
  constructor(
    private readonly defaultPerMinute: number,
    private readonly counter: WindowCounter = new MemoryWindowCounter(),
  ) {}

  /** The limiter the environment asks for (`REDIS_URL`, `REDIS_KEY_PREFIX`; see the kit's sharedState.ts). */
  static fromEnvironment(defaultPerMinute: number, env: NodeJS.ProcessEnv = process.env): RateLimiter {
    return new RateLimiter(defaultPerMinute, windowCounter(env));
  }

  limitOf(own: number | null): number {
    return own ?? this.defaultPerMinute;
  }

  /** Null when the request may go; otherwise seconds until the window resets. */
  async take(clientId: string, own: number | null, now = Date.now()): Promise<number | null> {
    const limit = this.limitOf(own);
    if (!limit || limit <= 0) return null;
    const start = now - (now % WINDOW_MS);
    let count: number;
    try {
      count = await this.counter.increment(clientId, start, WINDOW_MS);
    } catch (error) {
      if (now - this.lastComplaint > 10_000) {
        this.lastComplaint = now;
        console.error(`gateway: rate limit not checked, the shared counter is unavailable: ${(error as Error).message}`);
      }
      return null;
    }
    if (count > limit) return Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000));
    return null;
  }

  /**
   * Counts one unauthenticated refusal from a source address (key `unauthenticated:<address>`):
   * its count in the current minute, and the seconds until the window resets when over `perMinute`
   * (0: never limited). If the shared counter is unavailable the count is 1 (fail open, as `take`).
   */
  async refusal(address: string, perMinute: number, now = Date.now()): Promise<{ count: number; retryAfter: number | null }> {
    const start = now - (now % WINDOW_MS);
    let count = 1;
    try {
      count = await this.counter.increment(`unauthenticated:${address}`, start, WINDOW_MS);
    } catch {
      return { count, retryAfter: null };
    }
    const over = perMinute > 0 && count > perMinute;
    return { count, retryAfter: over ? Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) : null };
  }

  close(): Promise<void> {
    return this.counter.close();
  }
}
