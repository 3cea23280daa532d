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
