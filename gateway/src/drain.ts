import type { Server, ServerResponse } from 'node:http';

export interface DrainOptions {
  /** SHUTDOWN_DELAY_MS: keep accepting this long after the signal, answering `Connection: close`. */
  delayMs: number;
  /** SHUTDOWN_GRACE_MS: how long requests in flight may take before their connections are cut. */
  graceMs: number;
}

/**
 * Graceful drain, for a SIGTERM under keep-alive load that loses no request:
 * 1. from the signal on, every response — those in flight included — says `Connection: close`, so a
 *    kept-alive client opens its next connection elsewhere instead of reusing this one, and `/ready`
 *    answers 503 so the load balancer stops sending;
 * 2. after `delayMs` the server stops accepting connections and closes the idle ones (the clients
 *    that were told have closed theirs already, so no request meets a socket closed under it);
 * 3. requests in flight finish (up to `graceMs`), then whatever is left is closed.
 * Node's own `server.close()` alone closes idle kept-alive sockets at once, which drops the request
 * a busy client is writing on one at that moment.
 */
export function gracefulDrain(server: Server, options: DrainOptions): (delay: boolean) => Promise<void> {
  let draining = false;
  const inflight = new Set<ServerResponse>();
  const tell = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  // Registered before any request: runs first for each one, before the response is written.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) tell(res);
    inflight.add(res);
    res.once('close', () => inflight.delete(res));
  });
  return async (delay) => {
    draining = true;
    for (const res of inflight) tell(res);
    if (delay && options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), options.graceMs);
    force.unref();
    await closed;
    clearTimeout(force);
  };
}
