#!/usr/bin/env node
'use strict';
/**
 * `npm run migrate` (and the Kubernetes migration Job): migrates every service's database — the
 * five subgraphs' and the gateway's access database — and seeds the demo city unless
 * HUISHANG_SEED=off, without serving anything. Each service runs its own built entry point with
 * HUISHANG_MIGRATE=only, so exactly the code that serves also migrates. Exit 0 when all succeeded.
 * Services started with HUISHANG_MIGRATE=off then start without touching the schema.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SERVICES = ['industry', 'finance', 'energy', 'statistics', 'hr', 'gateway'];

for (const name of SERVICES) {
  const entry = path.join(ROOT, name === 'gateway' ? 'gateway' : path.join('subgraphs', name), 'dist', 'src', 'index.js');
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
