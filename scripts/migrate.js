#!/usr/bin/env node
'use strict';
/**
 * `npm run migrate` (and the Kubernetes migration Job): migrates every service's database — the
 * registry's departments' (subgraphs/departments.json) and the gateway's access database — and seeds the demo city unless
 * HUISHANG_SEED=off, without serving anything. Each service runs its own built entry point with
 * HUISHANG_MIGRATE=only, so exactly the code that serves also migrates. Exit 0 when all succeeded.
 * Services started with HUISHANG_MIGRATE=off then start without touching the schema.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
// Every department of the registry (subgraphs/departments.json), in its order, then the gateway.
const REGISTRY = JSON.parse(readFileSync(process.env.HUISHANG_DEPARTMENTS_FILE || path.join(ROOT, 'subgraphs', 'departments.json'), 'utf8'));
const SERVICES = [...REGISTRY.departments.map((d) => ({ name: d.name, folder: d.folder })), { name: 'gateway', folder: 'gateway' }];

for (const { name, folder } of SERVICES) {
  const entry = path.join(ROOT, folder, 'dist', 'src', 'index.js');
  if (!existsSync(entry)) {
    process.stderr.write(`${path.relative(ROOT, entry)} is missing: build first (npx tsc -b)\n`);
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [entry], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, HUISHANG_MIGRATE: 'only' } });
  if (result.status !== 0) {
    process.stderr.write(`migrating ${name} failed (exit ${result.status ?? result.signal}); the services before it are migrated, the rest are not\n`);
    process.exit(1);
  }
}
console.log('all databases migrated');
