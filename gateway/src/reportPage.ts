import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Route } from '@huishang/schema';

/**
 * The reporting page (报送页面) at `/report`: a department's clerk, with the department's token,
 * picks the month, downloads the template, uploads the filled workbook (.xlsx or CSV, GB18030
 * too), sees every problem by row and column with the reason and the fix, corrects, uploads again
 * and confirms; the outcome and the department's recent submissions are shown.
 *
 * The page holds no logic of its own: its script is the CLI's reader, template and staged upload
 * bundled for the browser (`huishang/dist/src/pageBundle.js`, esbuild, in memory on first use), and
 * it talks GraphQL to this gateway's `/graphql` like every client — authenticated by its token,
 * authorised by the department's subgraph, in the audit trail. Served from this process only (no
 * CDN; the Content-Security-Policy names no other host), as GraphiQL is (graphiql.ts).
 */

export const REPORT_PATH = '/report';
const SCRIPT_PATH = '/assets/huishang/report.js';
const STYLE_PATH = '/assets/huishang/report.css';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The template is handed to the browser as a blob: URL.
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const STYLE = `
:root { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Zen Hei", system-ui, sans-serif; color: #1f2933; background: #f5f7fa; }
body { margin: 0; }
header { background: #8b1a1a; color: #fff; padding: 12px 24px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header p { margin: 4px 0 0; font-size: 13px; opacity: .85; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
section { background: #fff; border: 1px solid #d9e2ec; border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
section h2 { margin: 0 0 10px; font-size: 16px; }
label { display: inline-flex; flex-direction: column; gap: 4px; margin: 0 16px 8px 0; font-size: 13px; color: #52606d; vertical-align: top; }
input, select, button { font: inherit; font-size: 14px; padding: 5px 8px; border: 1px solid #bcccdc; border-radius: 4px; }
input[type=password] { width: 28em; }
button { background: #8b1a1a; color: #fff; border-color: #8b1a1a; cursor: pointer; margin-right: 8px; }
button.secondary { background: #fff; color: #8b1a1a; }
button:disabled { opacity: .5; cursor: wait; }
#confirm { background: #1f7a3a; border-color: #1f7a3a; font-weight: 600; }
.message { margin: 8px 0; padding: 6px 10px; border-radius: 4px; white-space: pre-wrap; font-size: 14px; }
.message.info { background: #eef2f7; }
.message.ok { background: #e3f9e5; color: #05400a; }
.message.error { background: #ffe3e3; color: #610404; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #d9e2ec; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.row, td.code { white-space: nowrap; }
td.code { font-family: ui-monospace, monospace; color: #8b1a1a; }
td.fix { color: #1f4f7a; }
#notes li.warning { color: #8d2b0b; }
#outcome { border-left: 4px solid #1f7a3a; padding-left: 12px; }
#outcome h3 { margin: 4px 0; color: #1f7a3a; }
#outcome .stale { color: #9a3412; font-weight: 600; }
#outcome #stale { color: #9a3412; }
progress { width: 320px; }
`;

const HTML = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>会商 · 月度数据报送 Huishang — Monthly reporting</title>
  <link rel="stylesheet" href="${STYLE_PATH}">
  <!-- No favicon: an empty one, so the browser does not ask for /favicon.ico (a 404 in the console). -->
  <link rel="icon" href="data:,">
</head>
<body>
  <header>
    <h1>会商 · 月度数据报送 <small>Monthly reporting</small></h1>
    <p>用本部门的令牌报送：下载模板，填写后上传，按问题表修改，确认报送。 Report with your department's token: download the template, fill it in, upload, fix the listed problems, confirm.</p>
  </header>
  <main>
    <section id="connect-section">
      <h2>1. 令牌 Token</h2>
      <label>令牌 Authorization token <input id="token" type="password" autocomplete="off" placeholder="Bearer token"></label>
      <label>报送部门 Department <select id="department"></select></label>
      <label>&nbsp;<button id="connect" type="button">连接 Connect</button></label>
      <div id="connect-message" class="message" hidden></div>
    </section>
    <div id="work" hidden>
      <section id="month-section">
        <h2>2. 月份与模板 Month and template</h2>
        <label>报送月份 Month <input id="month" type="month"></label>
        <label>状态 Status <select id="status"><option value="PRELIMINARY">初报 PRELIMINARY</option><option value="FINAL">终报 FINAL</option></select></label>
        <label>报送人 Reported by <input id="reported-by" maxlength="64"></label>
        <label>&nbsp;<button id="template" type="button" class="secondary">下载模板 Download template (.xlsx)</button></label>
        <div id="template-message" class="message" hidden></div>
      </section>
      <section id="upload-section">
        <h2>3. 上传与检查 Upload and check</h2>
        <label>文件 File (.xlsx / .csv) <input id="file" type="file" accept=".xlsx,.csv"></label>
        <label>异常值确认理由 Outlier confirmation (optional) <input id="accept-outliers" maxlength="512" placeholder="例：企业技改投产，产值大幅增长"></label>
        <label>&nbsp;<button id="check" type="button">上传并检查 Upload and check</button></label>
        <progress id="progress" max="1" hidden></progress>
        <div id="upload-message" class="message" hidden></div>
        <ul id="notes" hidden></ul>
        <button id="confirm" type="button" hidden>确认报送 Confirm and submit</button>
        <div id="outcome" hidden></div>
      </section>
      <section id="problems-section" hidden>
        <h2>问题 Problems</h2>
        <p id="problems-count"></p>
        <table id="problems">
          <thead><tr><th>行 Row</th><th>列 Column</th><th>值 Value</th><th>原因 Reason</th><th>修改方法 Fix</th><th>代码 Code</th></tr></thead>
          <tbody id="problems-body"></tbody>
        </table>
      </section>
      <section id="submissions-section">
        <h2>最近报送 Recent submissions</h2>
        <div id="submissions-message" class="message" hidden></div>
        <table id="submissions">
          <thead><tr><th>编号 No.</th><th>月份 Month</th><th>报送人 Reported by</th><th>接收时间 Received</th><th>新增 Created</th><th>更新 Updated</th><th>修订 Revised</th><th>未变 Unchanged</th></tr></thead>
          <tbody id="submissions-body"></tbody>
        </table>
      </section>
    </div>
  </main>
  <script src="${SCRIPT_PATH}"></script>
</body>
</html>
`;

interface Asset {
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

function asset(contentType: string, body: Buffer): Asset {
  return { contentType, body, gzip: gzipSync(body), etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

/** The CLI's bundler, found at run time: the CLI depends on the gateway, so the gateway cannot import it at build time. */
async function bundledScript(): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { reportPageScript } = require(require.resolve('huishang/dist/src/pageBundle.js')) as { reportPageScript: () => Promise<string> };
  return reportPageScript();
}

function send(req: IncomingMessage, res: ServerResponse, file: Asset, headers: Record<string, string>): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('GET or HEAD only\n');
    return;
  }
  const common = { 'content-type': file.contentType, etag: file.etag, vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff', ...headers };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzip : file.body;
  res.writeHead(200, { ...common, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Routes for `createHttpServer`: the page, its style and its script (bundled on first request, then kept). */
export function reportPageRoutes(): Record<string, Route> {
  const page = asset('text/html; charset=utf-8', Buffer.from(HTML));
  const style = asset('text/css; charset=utf-8', Buffer.from(STYLE));
  let script: Promise<Asset> | undefined;
  return {
    [REPORT_PATH]: (req, res) => send(req, res, page, { 'cache-control': 'no-cache', 'content-security-policy': CONTENT_SECURITY_POLICY, 'referrer-policy': 'no-referrer' }),
    [STYLE_PATH]: (req, res) => send(req, res, style, { 'cache-control': 'no-cache' }),
    [SCRIPT_PATH]: async (req, res) => {
      script ??= bundledScript().then((js) => asset('text/javascript; charset=utf-8', Buffer.from(js)));
      let file: Asset;
      try {
        file = await script;
      } catch (error) {
        script = undefined;
        const message = `the reporting page's script could not be built: ${(error as Error).message}\n`;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(message);
        return;
      }
      send(req, res, file, { 'cache-control': 'no-cache' });
    },
  };
}
