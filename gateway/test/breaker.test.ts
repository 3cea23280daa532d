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
