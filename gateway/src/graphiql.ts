import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Route } from '@huishang/schema';
import { graphiqlTabs, type ExampleQuery, EXAMPLE_QUERIES } from './examples';

/**
 * GraphiQL for the departmental analysts, served entirely from this process: government networks
 * often have no internet access, so the page, React and GraphiQL come from node_modules and the
 * page names no other host (the Content-Security-Policy enforces that in the browser too).
 */

export const GRAPHIQL_TITLE = 'Huishang 会商 — GraphQL';
export const GRAPHQL_PATH = '/graphql';

/** A file under a package; `react` and `react-dom` export no `umd/` subpath, so go via package.json. */
function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

interface AssetSource {
  contentType: string;
  read: () => Buffer;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const fileAsset = (pkg: string, file: string, contentType: string): AssetSource => ({
  contentType,
  read: () => readFileSync(packageFile(pkg, file)),
});

/** URL path → content. The path mirrors the package path, so it is obvious where each file comes from. */
export function assetSources(examples: readonly ExampleQuery[] = EXAMPLE_QUERIES): Record<string, AssetSource> {
  return {
    '/assets/react/umd/react.production.min.js': fileAsset('react', 'umd/react.production.min.js', JS),
    '/assets/react-dom/umd/react-dom.production.min.js': fileAsset('react-dom', 'umd/react-dom.production.min.js', JS),
    '/assets/graphiql/graphiql.min.js': fileAsset('graphiql', 'graphiql.min.js', JS),
    '/assets/graphiql/graphiql.min.css': fileAsset('graphiql', 'graphiql.min.css', CSS),
    // The bundles end with sourceMappingURL comments; serving the maps keeps the console quiet.
    '/assets/graphiql/graphiql.min.js.map': fileAsset('graphiql', 'graphiql.min.js.map', JSON_TYPE),
    '/assets/graphiql/graphiql.min.css.map': fileAsset('graphiql', 'graphiql.min.css.map', JSON_TYPE),
    '/assets/huishang/graphiql-boot.js': { contentType: JS, read: () => Buffer.from(bootScript(examples)) },
  };
}

/**
 * Mounts GraphiQL. A script file rather than an inline script, so the page's CSP can forbid
 * inline scripts. `GraphiQL.createFetcher` is the CDN bundle's name for `createGraphiQLFetcher`.
 */
export function bootScript(examples: readonly ExampleQuery[] = EXAMPLE_QUERIES): string {
  return `// Huishang: mounts GraphiQL with the example queries as tabs.
(function () {
  'use strict';
  var createGraphiQLFetcher = window.GraphiQL.createFetcher;
  var fetcher = createGraphiQLFetcher({ url: ${JSON.stringify(GRAPHQL_PATH)} });
  var tabs = ${JSON.stringify(graphiqlTabs(examples), null, 2)};
  // The embedded default hands a browser on this machine a demo token (demo-headers.js).
  var demoHeaders = window.HUISHANG_DEMO_HEADERS || null;
  if (demoHeaders) tabs.forEach(function (tab) { tab.headers = demoHeaders; });
  var storage = window.GraphiQL.createLocalStorage({ namespace: 'huishang' });
  // GraphiQL 3 opens the first of defaultTabs with empty variables and headers editors
  // (graphql/graphiql#3392): Run then asks without $month. On a first visit (no tabs stored yet),
  // the editors' stored values are set to the first tab's, which GraphiQL reads at mount.
  if (tabs.length && storage.getItem('graphiql:tabState') === null) {
    if (tabs[0].variables) storage.setItem('graphiql:variables', tabs[0].variables);
    if (tabs[0].headers) storage.setItem('graphiql:headers', tabs[0].headers);
  }
  var root = window.ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultHeaders: demoHeaders || undefined,
      defaultEditorToolsVisibility: true,
      storage: storage,
    }),
  );
})();
`;
}

interface LoadedAsset {
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
  /** Short content hash: the `?v=` that lets browsers cache the file for a year. */
  version: string;
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL and its editor set inline styles; its fonts are data: URLs inside the CSS.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function pageHtml(assetUrl: (path: string) => string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(GRAPHIQL_TITLE)}</title>
  <link rel="stylesheet" href="${assetUrl('/assets/graphiql/graphiql.min.css')}">
  <style>body { margin: 0; height: 100vh; overflow: hidden; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${assetUrl('/assets/react/umd/react.production.min.js')}"></script>
  <script src="${assetUrl('/assets/react-dom/umd/react-dom.production.min.js')}"></script>
  <script src="${assetUrl('/assets/graphiql/graphiql.min.js')}"></script>
  <script src="${DEMO_HEADERS_PATH}"></script>
  <script src="${assetUrl('/assets/huishang/graphiql-boot.js')}"></script>
</body>
</html>
`;
}

function wantsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

function refuseMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
  res.end('GET or HEAD only\n');
  return true;
}

/**
 * Routes for `createHttpServer`: the page at `/` and `/graphql` (the shared server hands a browser's
 * GET /graphql to this route) and each asset. Files are read, hashed and gzipped once, on first use.
 */
/** Sets `window.HUISHANG_DEMO_HEADERS`: a demo token for a browser on this machine, else null. */
export const DEMO_HEADERS_PATH = '/assets/huishang/demo-headers.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The demo token goes only to GraphiQL's own page: a browser on this machine (loopback address)
 * loading the script from a page of the gateway's own origin, as its Fetch Metadata says
 * (`Sec-Fetch-Site: same-origin`, `Sec-Fetch-Dest: script`). A script tag on another local page
 * (another port is another origin: `same-site`), a cross-origin fetch, or a client that sends no
 * Fetch Metadata (curl, an old browser) gets `null`; CORP `same-origin` stops the browser handing
 * the script to another origin even if a proxy dropped these headers.
 */
export function demoTokenAllowed(req: IncomingMessage): boolean {
  return LOOPBACK.test(req.socket.remoteAddress ?? '') && req.headers['sec-fetch-site'] === 'same-origin' && req.headers['sec-fetch-dest'] === 'script';
}

/**
 * `defaultHeaders` (the embedded default only): GraphiQL's headers pane starts with a demo
 * client's token, so the demo page works at once — for a browser on the gateway's own machine
 * only; anyone else gets the page without a token. Never set in production mode.
 */
export function graphiqlRoutes(examples: readonly ExampleQuery[] = EXAMPLE_QUERIES, defaultHeaders?: string): Record<string, Route> {
  const sources = assetSources(examples);
  const loaded = new Map<string, LoadedAsset>();
  const load = (path: string): LoadedAsset => {
    let asset = loaded.get(path);
    if (!asset) {
      const body = sources[path].read();
      const hash = createHash('sha256').update(body).digest('hex');
      asset = { contentType: sources[path].contentType, body, gzip: gzipSync(body), etag: `"${hash.slice(0, 32)}"`, version: hash.slice(0, 12) };
      loaded.set(path, asset);
    }
    return asset;
  };
  let html: Buffer | undefined;

  const page: Route = (req, res) => {
    if (refuseMethod(req, res)) return;
    html ??= Buffer.from(pageHtml((path) => `${path}?v=${load(path).version}`));
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': html.length,
      // The page is tiny and names versioned assets: always revalidate it, cache the assets.
      'cache-control': 'no-cache',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  };

  const asset =
    (path: string): Route =>
    (req, res) => {
      if (refuseMethod(req, res)) return;
      const file = load(path);
      const url = new URL(req.url ?? path, 'http://localhost');
      const headers: Record<string, string | number> = {
        'content-type': file.contentType,
        etag: file.etag,
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
        // A URL carrying the current content hash never changes meaning; any other URL revalidates daily.
        'cache-control': url.searchParams.get('v') === file.version ? 'public, max-age=31536000, immutable' : 'public, max-age=86400',
      };
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const gzip = wantsGzip(req);
      const body = gzip ? file.gzip : file.body;
      if (gzip) headers['content-encoding'] = 'gzip';
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };

  const demo: Route = (req, res) => {
    if (refuseMethod(req, res)) return;
    const body = Buffer.from(`window.HUISHANG_DEMO_HEADERS = ${defaultHeaders && demoTokenAllowed(req) ? JSON.stringify(defaultHeaders) : 'null'};\n`);
    res.writeHead(200, {
      'content-type': JS,
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // A browser refuses this script to any page of another origin (another local port included).
      'cross-origin-resource-policy': 'same-origin',
      vary: 'Sec-Fetch-Site, Sec-Fetch-Dest',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const routes: Record<string, Route> = { '/': page, [GRAPHQL_PATH]: page, [DEMO_HEADERS_PATH]: demo };
  for (const path of Object.keys(sources)) routes[path] = asset(path);
  return routes;
}
