/**
 * Traces (OpenTelemetry): one request is one trace across the gateway and the subgraphs it
 * reaches. The test runs its own OTLP/HTTP receiver (JSON, `POST /v1/traces`) and points the
 * system at it with the standard OTEL_EXPORTER_OTLP_ENDPOINT. Also: the logs carry the trace id,
 * a subgraph continues only a traceparent the gateway signed, and without an endpoint the SDK is
 * never loaded.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { freePort, REPO_ROOT, startSystem, type ServiceName, type System } from '../support/system';

jest.setTimeout(240_000);

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

let system: System;
let receiver: Server;
const spans: ReceivedSpan[] = [];
let exportsReceived = 0;

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attributesOf = (list: { key: string; value: OtlpValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && (req.headers['content-type'] ?? '').includes('json')) {
        exportsReceived++;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: any[] }[] }[];
        };
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, attributes: attributesOf(span.attributes) });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  system = await startSystem({ enterprises: 40, env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
});

afterAll(async () => {
  await system?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function eventually<T>(what: string, find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not received (${exportsReceived} exports, ${spans.length} spans: ${[...new Set(spans.map((s) => `${s.service}:${s.name}`))].join(', ')})`);
}

function logLines(name: ServiceName): Record<string, any>[] {
  return system
    .logs(name)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
}

test('one request: the gateway and each subgraph it reaches report spans of one trace, subgraph spans under the gateway', async () => {
  const requestId = `trace-${randomUUID()}`;
  const result = await system.query(
    'query Traced { region(code: "411002") { name finance(month: "2015-06") { loansOutstanding { value } } energy(month: "2015-06") { electricity { value } } } }',
    undefined,
    undefined,
    { headers: { 'x-request-id': requestId } },
  );
  expect(result.errors).toBeUndefined();

  const root = await eventually('the gateway server span', () => spans.find((s) => s.service === 'huishang-gateway' && s.attributes['huishang.request_id'] === requestId));
  expect(root.name).toBe('gateway POST /graphql');
  expect(root.parentSpanId).toBeUndefined();
  const traceId = root.traceId;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  const reached = ['huishang-industry', 'huishang-finance', 'huishang-energy'];
  await eventually('server spans of three subgraphs', () => (reached.every((service) => spans.some((s) => s.service === service && s.traceId === traceId && s.name.endsWith('POST /graphql'))) ? true : undefined));
  // A moment for the last SQL spans' batch.
  await eventually('SQL spans of the subgraphs', () => (reached.every((service) => spans.some((s) => s.service === service && s.traceId === traceId && s.name.startsWith('sql '))) ? true : undefined));

  const trace = spans.filter((s) => s.traceId === traceId);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['huishang-gateway', ...reached]));
  for (const service of reached) {
    const server = trace.filter((s) => s.service === service && s.name.endsWith('POST /graphql'));
    expect(server.length).toBeGreaterThanOrEqual(1);
    // Each subgraph request hangs under a gateway span (the fetch that sent it).
    for (const span of server) expect(byId.get(span.parentSpanId!)?.service).toBe('huishang-gateway');
    // SQL statements under the subgraph's server span.
    const sql = trace.filter((s) => s.service === service && s.name.startsWith('sql '));
    for (const span of sql) expect(typeof span.attributes['db.statement']).toBe('string');
  }
  // HR was not asked: nothing of HR in this trace.
  expect(trace.some((s) => s.service === 'huishang-hr')).toBe(false);

  // The logs carry the trace id: the gateway's request line and each subgraph's.
  const gatewayLine = logLines('gateway').find((l) => l.requestId === requestId && l.msg === 'request');
  expect(gatewayLine?.traceId).toBe(traceId);
  for (const name of ['industry', 'finance', 'energy'] as const) {
    const lines = logLines(name).filter((l) => l.requestId === requestId && l.msg === 'request');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.traceId).toBe(traceId);
  }

  // And the audit record, still chained intact.
  const [record] = await system.sql('access', 'select trace_id, outcome from audit_record where request_id = ?', [requestId]);
  expect(record).toEqual({ trace_id: traceId, outcome: 'OK' });
  const verified = await system.cli(['audit', 'verify']);
  expect([verified.code, verified.stderr]).toEqual([0, expect.anything()]);
});

test('a subgraph does not continue an unsigned traceparent: a caller cannot graft spans onto a trace', async () => {
  const foreign = 'f'.repeat(32);
  const result = await system.query('{ _service { sdl } }', undefined, system.subgraphUrl('hr'), { headers: { traceparent: `00-${foreign}-${'1'.repeat(16)}-01` } });
  expect(result.status).toBe(200);
  // The request was traced (a new trace), just not under the foreign one.
  await eventually('hr server span', () => spans.find((s) => s.service === 'huishang-hr' && s.name === 'hr subgraph POST /graphql'));
  expect(spans.some((s) => s.traceId === foreign)).toBe(false);
});

test('without an OTLP endpoint tracing is off and the SDK is never loaded (with one, it is)', () => {
  const probe = (env: Record<string, string>) =>
    execFileSync(
      process.execPath,
      ['-e', "const t = require('./schema/dist/src/kit/tracing.js'); const on = t.startTracing('probe', process.env).enabled; console.log(JSON.stringify({ on, sdk: Object.keys(require.cache).some((p) => p.includes('sdk-trace-node')) })); process.exit(0)"],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
    );
  expect(JSON.parse(probe({}))).toEqual({ on: false, sdk: false });
  expect(JSON.parse(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }))).toEqual({ on: true, sdk: true });
  expect(JSON.parse(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' }))).toEqual({ on: false, sdk: false });
});
