/**
 * The audit trail's chain when two gateway replicas write to one database at once: every record
 * lands, in one unbroken chain, whatever the interleaving (SQLite file, or PostgreSQL when the
 * run has DATABASE_URL=postgres://…).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { databaseSettings, type DatabaseSettings } from '@huishang/schema';
import { AuditLog, type AuditEntry } from '../src/access/audit';
import { openAccessDatabase } from '../src/access/clients';

jest.setTimeout(60_000);

let settings: DatabaseSettings;
let dir: string | undefined;
const orms: MikroORM[] = [];

beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres/.test(url)) {
    const parsed = new URL(url);
    parsed.pathname = `/${parsed.pathname.slice(1) || 'huishang'}_audit_${process.pid}_${Date.now().toString(36)}`;
    settings = databaseSettings('access', { DATABASE_URL: parsed.toString() });
  } else {
    dir = mkdtempSync(join(tmpdir(), 'huishang-audit-'));
    settings = databaseSettings('access', { HUISHANG_DATA_DIR: dir });
  }
  orms.push(await openAccessDatabase(() => undefined, settings));
  orms.push(await openAccessDatabase(() => undefined, settings));
});

afterAll(async () => {
  if (settings.kind === 'postgresql') {
    await orms[1]?.close();
    await orms[0]?.schema.dropDatabase(new URL(settings.location).pathname.slice(1));
  }
  for (const orm of orms) await orm.close().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const entry = (replica: number, i: number): AuditEntry => ({
  at: new Date().toISOString(),
  clientId: `cl_replica${replica}`,
  department: 'industry',
  role: 'ANALYST',
  requestId: `r${replica}-${i}`,
  operationName: 'Test',
  documentHash: null,
  fields: ['Query.region'],
  indicators: [],
  enterprises: [],
  months: [],
  outcome: 'OK',
  errorCodes: [],
  durationMs: i,
});

it('two replicas appending at once extend one unbroken chain', async () => {
  const [a, b] = orms.map((orm) => new AuditLog(orm));
  // Interleaved bursts: each replica's head goes stale while the other writes.
  for (let burst = 0; burst < 5; burst++) {
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => a.append(entry(1, burst * 20 + i))),
      ...Array.from({ length: 20 }, (_, i) => b.append(entry(2, burst * 20 + i))),
    ]);
  }
  const report = await a.verify();
  expect(report).toMatchObject({ ok: true, records: 200, lastSeq: 200, problems: [] });
  const all = await b.query({}, 1000);
  expect(all.filter((r) => r.clientId === 'cl_replica1')).toHaveLength(100);
  expect(all.filter((r) => r.clientId === 'cl_replica2')).toHaveLength(100);
});

it('filters match `%` and `_` literally, not as LIKE wildcards', async () => {
  const log = new AuditLog(orms[0]);
  await log.append({ ...entry(3, 0), requestId: 'like-1', indicators: ['FIN_LOANS_OUTSTANDING'] });
  await log.append({ ...entry(3, 1), requestId: 'like-2', indicators: ['FINXLOANS_OUTSTANDING'] });
  const exact = await log.query({ indicator: 'FIN_LOANS_OUTSTANDING' }, 1000);
  expect(exact.map((r) => r.requestId)).toEqual(['like-1']);
  expect(await log.query({ indicator: '%' }, 1000)).toEqual([]);
});
