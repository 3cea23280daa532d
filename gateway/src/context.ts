import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Per-request state of the gateway: only what may travel on to the subgraphs. */
export interface GatewayContext {
  /** Correlates one client request with the subgraph requests it causes, across logs. */
  requestId: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's request id is kept when it looks like one; anything else is replaced, never echoed. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export async function createGatewayContext(req: IncomingMessage): Promise<GatewayContext> {
  return { requestId: requestIdOf(req) };
}
