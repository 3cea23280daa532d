import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import type { Logger } from './logger';
import { contextFromTraceparent, inSpan, SpanKind, tracingEnabled } from './tracing';
import { productionMode } from './identity';

/** A route outside GraphQL: health, readiness, metrics, the GraphiQL page and its assets. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpServerOptions<TContext extends BaseContext> {
  /** Name used in messages: "<name> subgraph", "gateway". */
  service: string;
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage, auth: unknown) => Promise<TContext>;
  routes?: Record<string, Route>;
  /**
   * Runs on every GraphQL request before Apollo sees it, with the raw body (a signature may be
   * bound to it). What it returns is handed to `context`; an `HttpRefusal` it throws is the answer.
   */
  authenticate?: (req: IncomingMessage, rawBody: string) => unknown | Promise<unknown>;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Where unexpected errors are logged (structured); stderr without one. */
  logger?: Logger;
  /**
   * The W3C traceparent a GraphQL request continues, given the request and what `authenticate`
   * returned: the gateway takes the caller's header, a subgraph only the one the gateway signed.
   * Used only while tracing is on (tracing.ts).
   */
  traceparent?: (req: IncomingMessage, auth: unknown) => string | undefined;
}

export class PayloadTooLargeError extends Error {}

/** A request refused before GraphQL runs: 401 without a valid identity, 429 over a rate limit, … */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the limit: keep reading (and dropping) so the client gets its 413 rather than a reset;
      // far over it, cut the connection.
      if (size > limit * 8) req.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new PayloadTooLargeError(`request body exceeds ${limit} bytes`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Drops a request's body without keeping it; past 8× the limit the connection is cut. */
function drain(req: IncomingMessage, limit: number): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit * 8) req.destroy();
  });
  req.on('error', () => undefined);
}

/**
 * What can be refused from the request line and headers alone, before its body is read:
 * - a method other than GET and POST: 405 METHOD_NOT_ALLOWED with `Allow` (DELETE got Apollo's
 *   CSRF message, which says nothing about the method);
 * - a compressed body (`content-encoding` other than identity): 415 UNSUPPORTED_MEDIA_TYPE; the
 *   services read JSON as sent, and a gzip body was refused as "not valid JSON";
 * - a declared `content-length` over the limit: 413 PAYLOAD_TOO_LARGE at once, not after the
 *   whole body has arrived.
 */
function refusedBeforeBody(req: IncomingMessage, limit: number): { status: number; code: string; message: string; headers: Record<string, string> } | null {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') {
    return { status: 405, code: 'METHOD_NOT_ALLOWED', message: `${method} is not a GraphQL request: send a query with POST (application/json), or with GET as ?query=…`, headers: { allow: 'GET, POST' } };
  }
  // A list of codings (`identity, identity`) is identity only when each of them is.
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (method === 'POST' && encoding.split(',').some((coding) => !['identity', ''].includes(coding.trim()))) {
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `content-encoding ${encoding} is not accepted: send the JSON body uncompressed (no content-encoding header)`, headers: {} };
  }
  const declared = Number(req.headers['content-length']);
  if (method === 'POST' && Number.isFinite(declared) && declared > limit) {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `request body exceeds ${limit} bytes (content-length ${declared})`, headers: {} };
  }
  return null;
}

/** A query parameter holding JSON, parsed; null when absent or malformed (Apollo answers a malformed one itself). */
function jsonParameter(url: URL, name: string): unknown {
  try {
    return JSON.parse(url.searchParams.get(name) ?? 'null');
  } catch {
    return null;
  }
}

/**
 * Apollo's persisted-query protocol names a document by the SHA-256 of its text, 64 lowercase hex
 * digits. Any other string matched no document and answered PERSISTED_QUERY_NOT_FOUND with 200,
 * as if the form were right; a version other than 1 is Apollo's own refusal.
 */
function malformedPersistedQueryHash(body: unknown): string | null {
  const persisted = (body as { extensions?: { persistedQuery?: unknown } } | null)?.extensions?.persistedQuery;
  if (!persisted || typeof persisted !== 'object' || (persisted as { version?: unknown }).version !== 1) return null;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  if (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)) return null;
  return `extensions.persistedQuery.sha256Hash must be the SHA-256 of the document's exact text as 64 lowercase hex digits (huishang documents list prints them), got ${JSON.stringify(hash ?? null).slice(0, 80)}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Apollo Server 5 on Node's own http module: no framework, so every service's HTTP surface is
 * these few lines plus its routes.
 */
export function createHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>): Server {
  const limit = options.maxBodyBytes ?? 1_000_000;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = options.routes?.[url.pathname];
      const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query');
      if (route && (url.pathname !== '/graphql' || wantsPage)) {
        await route(req, res);
        return;
      }
      if (url.pathname !== '/graphql') {
        sendJson(res, 404, { error: `no such path ${url.pathname}; GraphQL is at /graphql` });
        return;
      }
      const early = refusedBeforeBody(req, limit);
      if (early) {
        res.setHeader('connection', 'close');
        for (const [key, value] of Object.entries(early.headers)) res.setHeader(key, value);
        sendJson(res, early.status, { errors: [{ message: early.message, extensions: { code: early.code } }] });
        // Drop what the client still sends (up to a bound) so it reads the answer rather than a reset.
        drain(req, limit);
        return;
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown = undefined;
      let text = '';
      if (req.method === 'POST') text = await readBody(req, limit);
      let auth: unknown = undefined;
      if (options.authenticate) {
        try {
          auth = await options.authenticate(req, req.method === 'POST' ? text : url.search);
        } catch (error) {
          if (!(error instanceof HttpRefusal)) throw error;
          for (const [key, value] of Object.entries(error.headers)) res.setHeader(key, value);
          sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
          return;
        }
      }
      if (req.method === 'POST') {
        if ((headers.get('content-type') ?? '').includes('application/json') && text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch {
            sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
            return;
          }
        } else {
          body = text;
        }
      }
      // GET carries the protocol's extensions as a JSON query parameter: the same check as a POST body's.
      const malformed = malformedPersistedQueryHash(req.method === 'GET' ? { extensions: jsonParameter(url, 'extensions') } : body);
      if (malformed) {
        sendJson(res, 400, { errors: [{ message: malformed, extensions: { code: 'PERSISTED_QUERY_HASH_INVALID' } }] });
        return;
      }
      const execute = async () => {
        const response = await options.apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
          context: () => options.context(req, auth),
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') {
          res.end(response.body.string);
        } else {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        }
      };
      if (!tracingEnabled()) {
        await execute();
        return;
      }
      // One server span per GraphQL request: everything it causes (gateway fetches, SQL) nests in it.
      const parent = contextFromTraceparent(options.traceparent?.(req, auth));
      const requestId = req.headers['x-request-id'];
      await inSpan(`${options.service} ${req.method ?? 'GET'} /graphql`, { kind: SpanKind.SERVER, parent, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': '/graphql', ...(typeof requestId === 'string' ? { 'huishang.request_id': requestId } : {}) } }, async (span) => {
        await execute();
        span.setAttribute('http.response.status_code', res.statusCode);
      });
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        sendJson(res, 413, { errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        return;
      }
      if (options.logger) options.logger.error({ err: error }, 'request failed');
      else console.error(`${options.service}:`, error);
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  });
  // Idle keep-alive connections are closed by the client first (undici and our subgraph client
  // give up after 4 s, load balancers after 60 s): a server closing one at the moment a busy client
  // reuses it would drop that request, and a POST is not retried.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/**
 * Where a service listens: `HOST` when set (containers set 0.0.0.0); otherwise the demo listens on
 * 127.0.0.1 only, so a first `npm start` with its demo tokens is not reachable from the network
 * (issue 12), and production mode on every interface (a server is meant to be reached).
 */
export function listenHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HOST) return env.HOST;
  return productionMode(env) ? undefined : '127.0.0.1';
}

/**
 * Listens, turning a port already in use into one clear sentence and exit code 2 rather than a
 * stack trace.
 */
export function listen(server: Server, port: number, service: string, portVariable: string, host = listenHost()): Promise<number> {
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        console.error(`${service}: port ${port} is already in use. Stop whatever is using it, or set ${portVariable} to another port.`);
      } else if (error.code === 'EACCES') {
        console.error(`${service}: not allowed to listen on port ${port}. Set ${portVariable} to a port above 1024.`);
      } else {
        console.error(`${service}: cannot listen on port ${port}: ${error.message}`);
      }
      process.exit(2);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** SIGTERM / SIGINT: stop taking requests, finish the ones in flight, close resources, exit 0. */
export function onShutdown(service: string, server: Server, cleanup: () => Promise<void>, logger?: Logger): { shuttingDown: () => boolean } {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (logger) logger.info({ signal }, `${signal} received, shutting down`);
    else console.log(`${service}: ${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cleanup();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return { shuttingDown: () => stopping };
}
