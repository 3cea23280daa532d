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
  refusal(address: string, perMinute: number, now = Date.now()): Promise<{ count: number; retryAfter: number | null }> {
    return this.counted(`unauthenticated:${address}`, perMinute, now);
  }

  /**
   * Counts one document this gateway has no plan for, sent by `clientId` (key
   * `new-documents:<clientId>`): null while within `perMinute` (0: never limited), else the seconds
   * until the window resets. Fails open as `take` does.
   */
  async newDocument(clientId: string, perMinute: number, now = Date.now()): Promise<number | null> {
    if (!(perMinute > 0)) return null;
    return (await this.counted(`new-documents:${clientId}`, perMinute, now)).retryAfter;
  }

  /** One more under `key` in this minute's window: the count, and the seconds to its end when over `perMinute` (0: never). Fails open (count 1). */
  private async counted(key: string, perMinute: number, now: number): Promise<{ count: number; retryAfter: number | null }> {
    const start = now - (now % WINDOW_MS);
    let count = 1;
    try {
      count = await this.counter.increment(key, start, WINDOW_MS);
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

/**
 * The documents this gateway process has seen lately, by Apollo Server's query hash: a document
 * outside it is one @apollo/gateway plans anew (its plan cache is keyed on the exact text). A
 * tester renaming aliases in one wide document 10 times a second, each within every other limit,
 * made the gateway plan each (263 ms of CPU against 63 ms for a known one) and another
 * department's small query wait 9 s. A few thousand hashes cover the documents in real use (the
 * pack's, the CLI's, integrations' fixed sets and an analyst's drafts).
 */
export class SeenDocuments {
  private readonly seen = new Map<string, true>();
  constructor(private readonly capacity = 5_000) {}

  /** Whether `hash` was seen (and is now the most recent). */
  has(hash: string): boolean {
    if (!this.seen.delete(hash)) return false;
    this.seen.set(hash, true);
    return true;
  }

  /** Remembers `hash` as the most recent, forgetting the oldest past the capacity. */
  add(hash: string): void {
    this.seen.delete(hash);
    this.seen.set(hash, true);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
  }
}

/**
 * HUISHANG_NEW_DOCUMENTS_PER_MINUTE: documents a client may send per minute that the gateway has
 * no plan for (default 60; 0: unlimited). Past it, RATE_LIMITED (429) until the minute ends; a
 * known document still runs. Clients that send the same documents with variables never meet it.
 */
export function newDocumentsPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HUISHANG_NEW_DOCUMENTS_PER_MINUTE;
  if (raw === undefined || raw === '') return 60;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`HUISHANG_NEW_DOCUMENTS_PER_MINUTE must be a whole number of 0 or more (0: unlimited), got ${JSON.stringify(raw)}`);
  return value;
}
