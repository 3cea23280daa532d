/**
 * Requests per client per minute, counted in fixed one-minute windows by each replica. Limits are
 * per replica: behind N replicas a client gets at most N × its limit, which is what a per-client
 * limit has to stop (a runaway integration), not an exact quota.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** `defaultPerMinute` 0 means unlimited (benchmarks); a client's own limit wins. */
  constructor(private readonly defaultPerMinute: number) {}

  limitOf(own: number | null): number {
    return own ?? this.defaultPerMinute;
  }

  /** Null when the request may go; otherwise seconds until the window resets. */
  take(clientId: string, own: number | null, now = Date.now()): number | null {
    const limit = this.limitOf(own);
    if (!limit || limit <= 0) return null;
    const start = now - (now % 60_000);
    let window = this.windows.get(clientId);
    if (!window || window.start !== start) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start, count: 0 };
      this.windows.set(clientId, window);
    }
    if (window.count >= limit) return Math.max(1, Math.ceil((start + 60_000 - now) / 1000));
    window.count++;
    return null;
  }
}
