/**
 * Shared state across replicas (kit's sharedState.ts) against the Redis server at 127.0.0.1:6379,
 * under a key prefix of its own: a nonce is claimed once across two connections (two replicas);
 * a rate-limit window counts across them; and what happens when Redis cannot be reached — the
 * replay check refuses (503, never lets a replay through), the rate limit lets the request go.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { IdentitySigner, IdentityVerifier, ReplayCheckUnavailable } from '../src/kit/identity';
import { MemoryNonceStore, nonceStore, RedisNonceStore, sharedStateSettings, windowCounter } from '../src/kit/sharedState';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `huishang-unit-${randomBytes(6).toString('hex')}:`;
const env = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX };

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

test('settings: none without REDIS_URL, refused when it is not a redis URL', () => {
  expect(sharedStateSettings({})).toBeNull();
  expect(sharedStateSettings(env)).toEqual({ url: REDIS_URL, prefix: PREFIX, timeoutMs: 1_000 });
  expect(() => sharedStateSettings({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must start with redis:\/\//);
  expect(nonceStore('energy', {})).toBeInstanceOf(MemoryNonceStore);
});

test('a nonce is claimed once across two replicas, and only within its scope', async () => {
  const [a, b, other] = [nonceStore('energy', env), nonceStore('energy', env), nonceStore('finance', env)];
  expect(a).toBeInstanceOf(RedisNonceStore);
  const expires = Date.now() + 30_000;
  const results = await Promise.all([a.claim('n1', expires), b.claim('n1', expires)]);
  expect(results.sort()).toEqual([false, true]);
  expect(await a.claim('n1', expires)).toBe(false);
  expect(await other.claim('n1', expires)).toBe(true);
  await Promise.all([a.close(), b.close(), other.close()]);
});

test('a rate-limit window counts across two replicas', async () => {
  const [a, b] = [windowCounter(env), windowCounter(env)];
  const start = 1_700_000_000_000;
  const counts = [await a.increment('cl_x', start, 60_000), await b.increment('cl_x', start, 60_000), await a.increment('cl_x', start, 60_000)];
  expect(counts).toEqual([1, 2, 3]);
  expect(await b.increment('cl_x', start + 60_000, 60_000)).toBe(1);
  await Promise.all([a.close(), b.close()]);
});

test('Redis unreachable: the replay check refuses as unavailable, never accepts', async () => {
  const keys = generateKeyPairSync('ed25519');
  const down = { REDIS_URL: 'redis://127.0.0.1:1/0', REDIS_TIMEOUT_MS: '300' };
  const verifier = new IdentityVerifier(keys.publicKey, 'energy', nonceStore('energy', down));
  const body = '{"query":"{ __typename }"}';
  const header = new IdentitySigner(keys.privateKey).sign({ clientId: 'cl_x', department: 'energy', role: 'ANALYST' }, 'energy', body);
  await expect(verifier.verify(header, body)).rejects.toBeInstanceOf(ReplayCheckUnavailable);
  await verifier.close();
});

test('the signed traceparent comes back from verification; none when the gateway sent none', async () => {
  const keys = generateKeyPairSync('ed25519');
  const verifier = new IdentityVerifier(keys.publicKey, 'energy');
  const signer = new IdentitySigner(keys.privateKey);
  const body = '{}';
  const identity = { clientId: 'cl_x', department: 'energy', role: 'ANALYST' as const };
  const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
  expect(await verifier.verify(signer.sign(identity, 'energy', body, Date.now(), traceparent), body)).toEqual({ ...identity, traceparent });
  expect(await verifier.verify(signer.sign(identity, 'energy', body), body)).toEqual(identity);
});
