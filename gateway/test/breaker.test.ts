import { SubgraphBreaker, type BreakerState } from '../src/resilience';
import { SubgraphTimeoutError, type SubgraphHttpResponse } from '../src/subgraphClient';

/** A hung subgraph as the client sees it: every request ends in SUBGRAPH_TIMEOUT, one at a time. */
const timedOut = () => Promise.reject<SubgraphHttpResponse>(new SubgraphTimeoutError('http://hr/graphql', 5_000));

describe('SubgraphBreaker on timeouts', () => {
  it('opens after SUBGRAPH_BREAKER_CONSECUTIVE_FAILURES timeouts in a row, below the window volume', async () => {
    const states: BreakerState[] = [];
    const breaker = new SubgraphBreaker('hr', { errorThresholdPercentage: 50, volumeThreshold: 5, rollingCountTimeout: 10_000, resetTimeout: 60_000, consecutiveFailures: 3 }, (s) => states.push(s));
    try {
      for (let i = 0; i < 3; i++) await expect(breaker.fire(timedOut)).rejects.toBeInstanceOf(SubgraphTimeoutError);
      expect(breaker.state).toBe('open');
      expect(states).toEqual(['open']);
      // Open: refused at once, the request is not sent.
      let sent = false;
      await expect(breaker.fire(() => ((sent = true), timedOut()))).rejects.toMatchObject({ code: 'EOPENBREAKER' });
      expect(sent).toBe(false);
    } finally {
      breaker.shutdown();
    }
  });

  it('a success between failures starts the count again', async () => {
    const breaker = new SubgraphBreaker('hr', { errorThresholdPercentage: 50, volumeThreshold: 50, rollingCountTimeout: 10_000, resetTimeout: 60_000, consecutiveFailures: 3 });
    const ok = () => Promise.resolve<SubgraphHttpResponse>({ status: 200, statusText: 'OK', headers: {}, body: Buffer.from('{}') });
    try {
      for (let i = 0; i < 2; i++) await breaker.fire(timedOut).catch(() => undefined);
      await breaker.fire(ok);
      for (let i = 0; i < 2; i++) await breaker.fire(timedOut).catch(() => undefined);
      expect(breaker.state).toBe('closed');
      await breaker.fire(timedOut).catch(() => undefined);
      expect(breaker.state).toBe('open');
    } finally {
      breaker.shutdown();
    }
  });
});

describe('SubgraphBreaker half-open', () => {
  const ok = () => Promise.resolve<SubgraphHttpResponse>({ status: 200, statusText: 'OK', headers: {}, body: Buffer.from('{}') });
  const settings = { errorThresholdPercentage: 50, volumeThreshold: 50, rollingCountTimeout: 10_000, resetTimeout: 50, consecutiveFailures: 1 };
  const opened = async () => {
    const breaker = new SubgraphBreaker('hr', settings);
    await breaker.fire(timedOut).catch(() => undefined);
    expect(breaker.state).toBe('open');
    await new Promise((r) => setTimeout(r, 120));
    expect(breaker.state).toBe('halfOpen');
    return breaker;
  };
  /** A department answering after `ms`: how many requests reached it. */
  const slow = (ms: number, answer: () => Promise<SubgraphHttpResponse>) => {
    const reached = { count: 0 };
    const send = () => {
      reached.count++;
      return new Promise<SubgraphHttpResponse>((resolve, reject) => setTimeout(() => answer().then(resolve, reject), ms));
    };
    return { reached, send };
  };

  // A tester's pack right after hr came back: its one request fanned out several fetches to hr, the
  // probe passed and the others were refused, so the pack said hr was down.
  it('fetches arriving while the probe is in flight wait for it, and go through when it succeeds', async () => {
    const breaker = await opened();
    try {
      const { reached, send } = slow(40, ok);
      const results = await Promise.allSettled([breaker.fire(send), breaker.fire(send), breaker.fire(send), breaker.fire(send)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect(reached.count).toBe(4);
      expect(breaker.state).toBe('closed');
    } finally {
      breaker.shutdown();
    }
  });

  it('and are refused at once, unsent, when the probe fails', async () => {
    const breaker = await opened();
    try {
      const { reached, send } = slow(40, timedOut);
      const results = await Promise.allSettled([breaker.fire(send), breaker.fire(send), breaker.fire(send)]);
      expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(SubgraphTimeoutError) });
      for (const r of results.slice(1)) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'EOPENBREAKER' } });
      expect(reached.count).toBe(1);
      expect(breaker.state).toBe('open');
    } finally {
      breaker.shutdown();
    }
  });
});
