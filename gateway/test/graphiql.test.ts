import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { EXAMPLE_QUERIES } from '../src/examples';
import { bootScript, DEMO_HEADERS_PATH, graphiqlRoutes, pageHtml } from '../src/graphiql';

describe('GraphiQL boot script', () => {
  it('mounts GraphiQL with a fetcher on /graphql and the examples as tabs', () => {
    const calls: { fetcher?: unknown; element?: { type: unknown; props: Record<string, any> }; container?: unknown } = {};
    function GraphiQL() {}
    GraphiQL.createFetcher = (options: unknown) => (calls.fetcher = options) && 'fetcher';
    const stored = new Map<string, string>();
    GraphiQL.createLocalStorage = (options: unknown) => ({ options, getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) });
    const window = {
      GraphiQL,
      React: { createElement: (type: unknown, props: Record<string, any>) => (calls.element = { type, props }) },
      ReactDOM: { createRoot: (container: unknown) => ((calls.container = container), { render: () => undefined }) },
    };
    const document = { getElementById: (id: string) => `#${id}` };
    runInNewContext(bootScript(), { window, document });

    expect(calls.fetcher).toEqual({ url: '/graphql' });
    expect(calls.container).toBe('#graphiql');
    expect(calls.element?.type).toBe(GraphiQL);
    const { defaultTabs, fetcher } = calls.element!.props;
    expect(fetcher).toBe('fetcher');
    expect(defaultTabs).toHaveLength(EXAMPLE_QUERIES.length);
    expect(defaultTabs[0]).toEqual({ query: EXAMPLE_QUERIES[0].query, variables: '{\n  "month": "2015-06"\n}' });
    expect(defaultTabs[3].variables).toBe('');
    // A first visit: the variables editor starts with the first tab's (graphql/graphiql#3392).
    expect(stored.get('graphiql:variables')).toBe(defaultTabs[0].variables);
    // A later visit (GraphiQL stored its tabs): what the analyst left is not overwritten.
    stored.set('graphiql:tabState', '{}');
    stored.set('graphiql:variables', '{"month": "2014-01"}');
    runInNewContext(bootScript(), { window, document });
    expect(stored.get('graphiql:variables')).toBe('{"month": "2014-01"}');
  });

  it('names no other host', () => {
    // Neither a scheme nor a protocol-relative URL ("//cdn…") in a string.
    const external = /[a-z][a-z0-9+.-]*:\/\/|["'(]\/\/\w/i;
    expect(bootScript()).not.toMatch(external);
    expect(pageHtml((path) => path)).not.toMatch(external);
  });
});

describe('GraphiQL routes', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const routes = graphiqlRoutes();
    server = createServer((req, res) => {
      const route = routes[new URL(req.url ?? '/', 'http://localhost').pathname];
      if (route) return void route(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the page with a CSP that allows only this origin', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self';/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves gzip, answers If-None-Match with 304 and HEAD without a body', async () => {
    const path = '/assets/react/umd/react.production.min.js';
    const plain = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } });
    const text = await plain.text();
    expect(text).toContain('React');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('cache-control')).toBe('public, max-age=86400');

    // Node's fetch decodes gzip itself; ask with a raw request to see the encoding.
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const { request } = require('node:http') as typeof import('node:http');
      request(`${base}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString('utf8')).toBe(text);

    const etag = plain.headers.get('etag')!;
    const cached = await fetch(`${base}${path}`, { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);

    const head = await fetch(`${base}${path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await head.text()).toBe('');
  });

  it('serves the source maps the bundles point at', async () => {
    const map = await fetch(`${base}/assets/graphiql/graphiql.min.css.map`);
    expect(map.status).toBe(200);
    expect(map.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('refuses other methods', async () => {
    const response = await fetch(`${base}/assets/graphiql/graphiql.min.css`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the demo token in GraphiQL', () => {
  const headers = JSON.stringify({ Authorization: 'Bearer hs_demo' });
  const SAME_ORIGIN_SCRIPT = { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'script' };
  const serve = (remoteAddress: string, requestHeaders: Record<string, string> = SAME_ORIGIN_SCRIPT): { body: string; headers: Record<string, unknown> } => {
    const route = graphiqlRoutes(undefined, headers)[DEMO_HEADERS_PATH];
    let body = '';
    let sent: Record<string, unknown> = {};
    const res = { writeHead: (_status: number, h: Record<string, unknown>) => ((sent = h), res), end: (chunk?: Buffer) => void (body = chunk ? chunk.toString('utf8') : '') };
    void route({ method: 'GET', headers: requestHeaders, socket: { remoteAddress } } as never, res as never);
    return { body, headers: sent };
  };

  it('is handed to a browser on the gateway’s own machine only', () => {
    expect(serve('127.0.0.1').body).toBe(`window.HUISHANG_DEMO_HEADERS = ${JSON.stringify(headers)};\n`);
    expect(serve('::1').body).toContain('hs_demo');
    expect(serve('::ffff:127.0.0.1').body).toContain('hs_demo');
    expect(serve('10.0.0.5').body).toBe('window.HUISHANG_DEMO_HEADERS = null;\n');
    expect(serve('192.168.1.20').body).not.toContain('hs_demo');
  });

  it('only to a script of the gateway’s own origin (Fetch Metadata), never cached, with CORP same-origin', () => {
    expect(serve('127.0.0.1').headers).toMatchObject({ 'cross-origin-resource-policy': 'same-origin', 'cache-control': 'no-store' });
    for (const requestHeaders of [{} as Record<string, string>, { 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'script' }, { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'script' }, { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'empty' }]) {
      expect({ requestHeaders, body: serve('127.0.0.1', requestHeaders).body }).toEqual({ requestHeaders, body: 'window.HUISHANG_DEMO_HEADERS = null;\n' });
    }
  });

  it('fills every tab’s headers and the default headers when present', () => {
    const calls: { props?: Record<string, any> } = {};
    function GraphiQL() {}
    GraphiQL.createFetcher = () => 'fetcher';
    GraphiQL.createLocalStorage = () => ({ getItem: () => null, setItem: () => undefined });
    const window = {
      GraphiQL,
      HUISHANG_DEMO_HEADERS: headers,
      React: { createElement: (_type: unknown, props: Record<string, any>) => (calls.props = props) },
      ReactDOM: { createRoot: () => ({ render: () => undefined }) },
    };
    runInNewContext(bootScript(), { window, document: { getElementById: () => null } });
    expect(calls.props!.defaultHeaders).toBe(headers);
    expect(calls.props!.defaultTabs.every((tab: { headers?: string }) => tab.headers === headers)).toBe(true);
  });

  it('the page loads it before the boot script', () => {
    const html = pageHtml((path) => path);
    expect(html.indexOf(DEMO_HEADERS_PATH)).toBeGreaterThan(0);
    expect(html.indexOf(DEMO_HEADERS_PATH)).toBeLessThan(html.indexOf('/assets/huishang/graphiql-boot.js'));
  });
});
