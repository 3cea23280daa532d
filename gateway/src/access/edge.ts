import { AuthenticationError, type AuthenticatedClient, type ClientStore } from './clients';
import type { RateLimiter } from './rateLimit';

/** A request refused at the edge, before any GraphQL: the HTTP status, a stable code, the reason and the headers to send. */
export interface EdgeRefusal {
  status: number;
  code: 'UNAUTHENTICATED' | 'RATE_LIMITED';
  message: string;
  headers: Record<string, string>;
  /** The client when it was known (a rate-limited one), for the audit record. */
  client: AuthenticatedClient | null;
}

/**
 * The edge's decision on one request from its `Authorization` header: the bearer token's client
 * (clients DB, ClientStore) within its rate limit, or why not (401 UNAUTHENTICATED, 429
 * RATE_LIMITED with Retry-After). Every gateway that serves the graph decides through this: ours
 * (gateway.ts) and the Hive Gateway plugin (plugins/hive-access), so the rules and the words stay one.
 */
export async function authenticateBearer(authorization: string | null | undefined, clients: ClientStore, limiter: RateLimiter, now = Date.now()): Promise<{ client: AuthenticatedClient } | { refusal: EdgeRefusal }> {
  const token = typeof authorization === 'string' && /^Bearer\s+/i.test(authorization) ? authorization.replace(/^Bearer\s+/i, '').trim() : '';
  if (!token) {
    return {
      refusal: {
        status: 401,
        code: 'UNAUTHENTICATED',
        message: 'authentication required: send "Authorization: Bearer <token>" (demo tokens are in .huishang/demo-clients.json; clients are issued with `npx huishang clients add`)',
        headers: { 'www-authenticate': 'Bearer realm="huishang"' },
        client: null,
      },
    };
  }
  let client: AuthenticatedClient;
  try {
    client = await clients.authenticate(token, now);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    return { refusal: { status: 401, code: 'UNAUTHENTICATED', message: error.message, headers: { 'www-authenticate': 'Bearer realm="huishang", error="invalid_token"' }, client: null } };
  }
  const retryAfter = await limiter.take(client.clientId, client.rateLimit, now);
  if (retryAfter !== null) {
    return {
      refusal: {
        status: 429,
        code: 'RATE_LIMITED',
        message: `client ${client.clientId} is over its rate limit of ${limiter.limitOf(client.rateLimit)} requests a minute; retry in ${retryAfter} s`,
        headers: { 'retry-after': String(retryAfter) },
        client,
      },
    };
  }
  return { client };
}

/** HUISHANG_UNAUTHENTICATED_PER_MINUTE: requests without a valid token per source address per minute before 429 (default 30; 0: unlimited). */
export function unauthenticatedPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.HUISHANG_UNAUTHENTICATED_PER_MINUTE ?? 30);
}

/**
 * A refusal of a request with no identity (no or a bad token), counted per source address in the
 * limiter's counter (Redis when REDIS_URL is set, shared by every replica): over `perMinute` it
 * becomes 429 RATE_LIMITED with Retry-After; and only the first refusal of an address in each
 * minute is to be audited (`audited`), so a stream of bad tokens cannot fill the audit trail.
 * A refusal with a known client (its own rate limit) is passed through and audited. Shared by our
 * gateway and the Hive Gateway plugin.
 */
export async function limitUnauthenticated(refusal: EdgeRefusal, address: string, limiter: RateLimiter, perMinute: number, now = Date.now()): Promise<{ refusal: EdgeRefusal; audited: boolean }> {
  if (refusal.client) return { refusal, audited: true };
  const { count, retryAfter } = await limiter.refusal(address, perMinute, now);
  if (retryAfter === null) return { refusal, audited: count === 1 };
  return {
    audited: count === 1,
    refusal: {
      status: 429,
      code: 'RATE_LIMITED',
      message: `too many unauthenticated requests from ${address}: at most ${perMinute} a minute (HUISHANG_UNAUTHENTICATED_PER_MINUTE); retry in ${retryAfter} s with a valid token`,
      headers: { ...refusal.headers, 'retry-after': String(retryAfter) },
      client: null,
    },
  };
}
