/**
 * The gateway's rate limiter: fixed one-minute windows, in memory or shared through Redis
 * (REDIS_URL); with Redis unreachable the request goes (fail open, logged) — the limit stops
 * runaway integrations, it does not guard data. Cross-replica behaviour end to end:
 * test/scale/replicas.test.ts.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { limitUnauthenticated, type EdgeRefusal } from '../src/access/edge';
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

test('requests without a valid token, through Redis: two replicas (our gateway and a Hive Gateway with @huishang/hive-access both call limitUnauthenticated) share one count per address; audited once a minute', async () => {
  const env = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
  const [ours, hive] = [RateLimiter.fromEnvironment(100, env), RateLimiter.fromEnvironment(100, env)];
  const unauthenticated: EdgeRefusal = { status: 401, code: 'UNAUTHENTICATED', message: 'bad token', headers: { 'www-authenticate': 'Bearer' }, client: null };
  const at = minuteStart + 2_000;
  const results = [];
  for (const limiter of [ours, hive, ours, hive]) results.push(await limitUnauthenticated(unauthenticated, '203.0.113.9', limiter, 3, at));
  expect(results.map((r) => [r.refusal.status, r.refusal.code, r.audited])).toEqual([
    [401, 'UNAUTHENTICATED', true],
    [401, 'UNAUTHENTICATED', false],
    [401, 'UNAUTHENTICATED', false],
    [429, 'RATE_LIMITED', false],
  ]);
  expect(results[3].refusal.headers['retry-after']).toBe('58');
  expect(results[3].refusal.message).toMatch(/203\.0\.113\.9.*HUISHANG_UNAUTHENTICATED_PER_MINUTE/);
  // Another address has its own count; a refusal with a known client (its own rate limit) is not counted per address.
  expect((await limitUnauthenticated(unauthenticated, '203.0.113.10', hive, 3, at)).refusal.status).toBe(401);
  const known = { ...unauthenticated, status: 429, code: 'RATE_LIMITED' as const, client: { clientId: 'cl_a' } as never };
  expect(await limitUnauthenticated(known, '203.0.113.9', ours, 3, at)).toEqual({ refusal: known, audited: true });
  await Promise.all([ours.close(), hive.close()]);
});
