/**
 * The gateway's rate limiter: fixed one-minute windows, in memory or shared through Redis
 * (REDIS_URL); with Redis unreachable the request goes (fail open, logged) — the limit stops
 * runaway integrations, it does not guard data. Cross-replica behaviour end to end:
 * test/scale/replicas.test.ts.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RateLimiter } from '../src/access/rateLimit';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `huishang-unit-${randomBytes(6).toString('hex')}:`;
const minuteStart = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

async function takes(limiter: RateLimiter, n: number, own: number | null, at = minuteStart + 1_000): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) out.push(await limiter.take('cl_a', own, at));
  return out;
}

test('in memory: the limit, then seconds until the window resets; a new minute starts afresh', async () => {
  const limiter = new RateLimiter(3);
  expect(await takes(limiter, 5, null)).toEqual([null, null, null, 59, 59]);
  expect(await limiter.take('cl_a', null, minuteStart + 60_000)).toBeNull();
  // The client's own limit wins; 0 is unlimited.
  expect(await takes(new RateLimiter(3), 5, 10)).toEqual([null, null, null, null, null]);
  expect(await takes(new RateLimiter(0), 5, null)).toEqual([null, null, null, null, null]);
});

test('through Redis: two limiters (two replicas) share one limit', async () => {
  const env = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
  const [a, b] = [RateLimiter.fromEnvironment(3, env), RateLimiter.fromEnvironment(3, env)];
  const results = [await a.take('cl_a', null, minuteStart + 1_000), await b.take('cl_a', null, minuteStart + 1_000), await a.take('cl_a', null, minuteStart + 1_000), await b.take('cl_a', null, minuteStart + 1_000)];
  expect(results).toEqual([null, null, null, 59]);
  await Promise.all([a.close(), b.close()]);
});

test('Redis unreachable: the request goes', async () => {
  const limiter = RateLimiter.fromEnvironment(1, { REDIS_URL: 'redis://127.0.0.1:1/0', REDIS_TIMEOUT_MS: '300' });
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  expect(await takes(limiter, 3, null)).toEqual([null, null, null]);
  expect(errors).toHaveBeenCalledWith(expect.stringMatching(/rate limit not checked/));
  errors.mockRestore();
  await limiter.close();
});
