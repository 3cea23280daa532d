#!/usr/bin/env node
'use strict';
/**
 * Entry of `npm run bench`: builds what the benchmark runs (`tsc -b` of the gateway, the
 * registry's subgraphs and the CLI that issues its clients, which builds the shared package too), installs the benchmark's own dependencies
 * (Hive Gateway, autocannon) into bench/node_modules on first use, then runs the suite
 * (src/run.js) with the given options. The benchmark is not a workspace, so the root
 * `npm install` never pulls Hive Gateway in. `--no-build` (or BENCH_NO_BUILD=1) skips the build.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const here = __dirname;

// Help first: it needs nothing built or installed.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(require('./src/options').USAGE);
  process.exit(0);
}
const root = join(here, '..');

const noBuildVariable = /^(1|true|yes|on)$/i.test(process.env.BENCH_NO_BUILD ?? '');
if (process.argv.includes('--no-build') || noBuildVariable) {
  if (process.argv.includes('--no-build')) process.argv.splice(process.argv.indexOf('--no-build'), 1);
} else {
  const departments = require('../subgraphs/departments.json').departments;
  const projects = ['gateway', ...departments.map((d) => d.folder), 'cli'];
  console.log(`bench: building ${projects.join(', ')} (tsc -b)…`);
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...projects], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('bench: the build failed (tsc -b); fix it or run with --no-build against the last build');
    process.exit(tsc.status ?? 1);
  }
}
const needed = ['@graphql-hive/gateway', '@graphql-hive/router-runtime', 'autocannon', 'hdr-histogram-js', 'pg'];
const missing = needed.filter((name) => !existsSync(join(here, 'node_modules', name, 'package.json')));
if (missing.length) {
  console.log(`bench: installing its dependencies (${missing.join(', ')} missing) into bench/node_modules…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', here, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('bench: npm install --prefix bench failed');
    process.exit(result.status ?? 1);
  }
}
require('./src/run.js');
