#!/usr/bin/env node
/**
 * `npm run build`: `tsc -b` over the root tsconfig.json and every folder of the registry of
 * departments (subgraphs/departments.json), so a department added to the registry is built
 * without a reference in the root tsconfig.json (which lists the five for editors; a test checks
 * it against the registry). Extra arguments go to tsc (`--clean`).
 */
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const registryFile = process.env.HUISHANG_DEPARTMENTS_FILE || path.join(ROOT, 'subgraphs', 'departments.json');
const folders = JSON.parse(readFileSync(registryFile, 'utf8')).departments.map((d) => d.folder);
const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
const result = spawnSync(process.execPath, [tsc, '-b', '.', ...folders, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
