import http from 'node:http';
import https from 'node:https';

/** A subgraph's answer as it came off the wire: status, headers and the whole body. */
export interface SubgraphHttpResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

class StaleConnectionError extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

export class SubgraphTimeoutError extends Error {
  /** `setting`: the variable that set this limit, named in the message so its fix is the right one. */
  constructor(readonly url: string, readonly timeoutMs: number, readonly setting = 'SUBGRAPH_TIMEOUT_MS') {
    super(`The subgraph at ${url} did not answer within ${timeoutMs} ms (${setting})`);
    this.name = 'SubgraphTimeoutError';
  }
}

export interface SubgraphClientOptions {
  /** A request that has not been answered completely after this long fails. */
  timeoutMs: number;
  /** Connections kept per subgraph; requests beyond that wait for one. Default 256. */
  maxSockets?: number;
  /**
   * An idle connection is closed after this long, before the subgraph's server closes it (Node's
   * default keepAliveTimeout is 5 s). Default 4 000.
   */
  idleTimeoutMs?: number;
}

/** Errors of a kept-alive connection the server had already closed when the request went out. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

/**
 * POSTs JSON to subgraphs over keep-alive HTTP/1.1 connections (node:http's Agent, one pool per
 * subgraph host). It replaces the gateway's default fetcher, `make-fetch-happen` over node-fetch,
 * and Node's own `fetch`: both build WHATWG Request/Headers/stream objects and an abort signal for
 * every subgraph request, and the gateway makes several subgraph requests per client request.
 * Here a request is one header object and one body buffer written in a single call, and the
 * answer is collected as a Buffer.
 */
export class SubgraphClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly timeoutMs: number;

  constructor(options: SubgraphClientOptions) {
    this.timeoutMs = options.timeoutMs;
    // `timeout` is the socket timeout: for an idle socket in the pool, Node closes it when it fires.
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: 'lifo' as const, timeout: options.idleTimeoutMs ?? 4_000 };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  /**
   * POSTs `body`. With `retryStaleConnection` (requests that may be sent twice: queries), a request
   * that fails because the reused keep-alive connection had just been closed by the server is sent
   * once more, on a fresh connection, as Node's documentation advises.
   */
  async post(url: URL, body: Buffer, headers: Record<string, string>, retryStaleConnection = false, timeoutMs = this.timeoutMs, setting = 'SUBGRAPH_TIMEOUT_MS'): Promise<SubgraphHttpResponse> {
    try {
      return await this.send(url, body, headers, timeoutMs, setting);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      if (!retryStaleConnection) throw error.original;
      return this.send(url, body, headers, timeoutMs, setting);
    }
  }

  private send(url: URL, body: Buffer, headers: Record<string, string>, timeoutMs: number, setting: string): Promise<SubgraphHttpResponse> {
    const secure = url.protocol === 'https:';
    return new Promise<SubgraphHttpResponse>((resolve, reject) => {
      let settled = false;
      let responded = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const request = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (response) => {
          responded = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('aborted', () => fail(new Error(`The subgraph at ${url.href} closed the connection before its answer was complete`)));
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? '',
              headers: response.headers,
              body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
            });
          });
        },
      );
      const timer = setTimeout(() => {
        const error = new SubgraphTimeoutError(url.href, timeoutMs, setting);
        request.destroy(error);
        fail(error);
      }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        // Nothing of the answer arrived and the connection came from the pool: the server had closed it.
        fail(request.reusedSocket && !responded && STALE_CONNECTION.has(error.code ?? '') ? new StaleConnectionError(error) : error);
      });
      request.end(body);
    });
  }

  /** Closes the idle keep-alive connections (the process can then exit). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
