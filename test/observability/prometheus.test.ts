/**
 * A real Prometheus server (Debian's `prometheus`, installed by .ci/run) scrapes a running system:
 * the gateway and the five subgraphs. Asserted through Prometheus's HTTP API: every target is up
 * and the subgraphs' series exist for every subgraph — SQL statements, GraphQL requests and their
 * latency, rejected signatures, database pool use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, startSystem, SUBGRAPHS, type System } from '../support/system';

jest.setTimeout(240_000);

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const WAIT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000);

let system: System;
let prometheus: ChildProcess | undefined;
let prometheusOutput = '';
let api: string;
const dir = mkdtempSync(join(tmpdir(), 'huishang-prometheus-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string };
  if (body.status !== 'success') throw new Error(`prometheus query ${expr} failed: ${body.error}`);
  return body.data.result;
}

/** Polls until `check` returns true (a scrape every second); fails with what Prometheus said last. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (prometheus?.exitCode !== null && prometheus?.exitCode !== undefined) throw new Error(`prometheus exited ${prometheus.exitCode}:\n${prometheusOutput}`);
    if (await check().catch(() => false)) return;
    await sleep(500);
  }
  throw new Error(`${what} not seen within ${WAIT_MS} ms. Prometheus said:\n${prometheusOutput.slice(-4000)}`);
}

beforeAll(async () => {
  if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (Debian), as .ci/run does`);
  system = await startSystem({ enterprises: 40 });
  const targets = (['gateway', ...SUBGRAPHS] as const).map((name) => `'${new URL(system.subgraphUrl(name)).host}'`);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: huishang',
      '    static_configs:',
      `      - targets: [${targets.join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const capture = (chunk: Buffer) => (prometheusOutput = (prometheusOutput + chunk.toString('utf8')).slice(-64_000));
  prometheus.stdout!.on('data', capture);
  prometheus.stderr!.on('data', capture);
  await eventually('prometheus ready', async () => (await fetch(`${api}/-/ready`)).status === 200);
  // Traffic: a query through the gateway reaches every subgraph; an unsigned request is refused by one.
  const district = `{ region(code: "411002") { name industry(month: "2015-06") { keyEnterpriseOutput { value } } statistics(month: "2015-06") { grossOutput { value } } finance(month: "2015-06") { loansOutstanding { value } } energy(month: "2015-06") { electricity { value } } hr(month: "2015-06") { employees { value } } } }`;
  const result = await system.query(district);
  expect(result.errors).toBeUndefined();
  for (const name of SUBGRAPHS) expect((await system.query('{ __typename }', undefined, system.subgraphUrl(name), { identity: null })).status).toBe(401);
  // And a request answered with an error: huishang_graphql_errors_total gets a series.
  const bad = await system.query('{ region(code: "411002") { energy(month: "2015-06") { indicators(codes: ["NO_SUCH_INDICATOR"]) { indicator } } } }');
  expect(bad.errors?.length).toBeGreaterThan(0);
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill('SIGTERM');
    await new Promise((resolve) => prometheus!.once('exit', resolve));
  }
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('every target is up', async () => {
  await eventually('six healthy targets', async () => {
    const body = (await (await fetch(`${api}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } };
    return body.data.activeTargets.length === 6 && body.data.activeTargets.every((t) => t.health === 'up');
  });
  const up = await query('up{job="huishang"}');
  expect(up.map((r) => r.value[1])).toEqual(['1', '1', '1', '1', '1', '1']);
});

test.each([
  'huishang_sql_statements_total',
  'huishang_sql_statement_duration_seconds_count',
  'huishang_graphql_requests_total',
  'huishang_graphql_request_duration_seconds_bucket',
  'huishang_unsigned_requests_rejected_total',
  'huishang_db_pool_connections',
  'huishang_db_pool_max',
  'process_resident_memory_bytes',
])('%s exists for every subgraph', async (series) => {
  const services = async () => new Set((await query(series)).map((r) => r.metric.service));
  await eventually(`${series} of every subgraph`, async () => {
    const present = await services();
    return SUBGRAPHS.every((name) => present.has(name));
  });
  expect([...(await services())].filter((s) => s !== 'gateway').sort()).toEqual([...SUBGRAPHS].sort());
});

test('the counts are the traffic sent: one rejected signature and at least one query per subgraph, SQL statements counted', async () => {
  await eventually('the last scrape after the traffic', async () => (await query('huishang_unsigned_requests_rejected_total')).length >= SUBGRAPHS.length);
  for (const row of await query('huishang_unsigned_requests_rejected_total')) expect(Number(row.value[1])).toBe(1);
  const requests = await query('sum by (service) (huishang_graphql_requests_total{operation="query"})');
  for (const name of SUBGRAPHS) expect(Number(requests.find((r) => r.metric.service === name)?.value[1] ?? 0)).toBeGreaterThanOrEqual(1);
  const statements = await query('huishang_sql_statements_total');
  for (const name of SUBGRAPHS) expect(Number(statements.find((r) => r.metric.service === name)?.value[1] ?? 0)).toBeGreaterThan(0);
});

test('every query of the Grafana dashboard (deploy/grafana/huishang.json) runs and names only series that exist', async () => {
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/huishang.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  const names = new Set(((await (await fetch(`${api}/api/v1/label/__name__/values`)).json()) as { data: string[] }).data);
  const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr.replace(/\$job/g, 'huishang') })));
  expect(exprs.length).toBeGreaterThanOrEqual(10);
  for (const { panel, expr } of exprs) {
    const series = [...expr.matchAll(/\b((?:huishang|process|nodejs)_\w+?)(?:_bucket)?\{/g)].map((m) => m[0].replace(/\{$/, ''));
    for (const name of series) expect([panel, name, names.has(name)]).toEqual([panel, name, true]);
    await query(expr); // throws on a PromQL error
  }
});
