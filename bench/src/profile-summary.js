#!/usr/bin/env node
'use strict';
/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): where the time went, by
 * function (self time) and by package (self time of every function under node_modules/<pkg>).
 *
 *   node bench/src/profile-summary.js bench/out/<run>/sqlite/profiles/gateway-ours.cpuprofile [top]
 */
const { readFileSync } = require('node:fs');

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/src/profile-summary.js <file.cpuprofile> [top=25]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (frame) => {
  const url = frame.url || '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return 'node';
  const local = /\/(gateway|schema|subgraphs\/\w+|bench)\//.exec(url)?.[1];
  return local ? `(repo) ${local}` : frame.functionName.startsWith('(') ? frame.functionName : '(native/other)';
};

const byFunction = new Map();
const byPackage = new Map();
for (const [id, micros] of self) {
  const frame = byId.get(id).callFrame;
  const key = `${frame.functionName || '(anonymous)'}  ${(frame.url || '').replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|schema|subgraphs)\//, '$1/')}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  const pkg = where(frame);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
}
const pct = (v) => `${((v / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
console.log('\nSelf time by package:');
for (const [pkg, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${pkg}`);
console.log('\nSelf time by function:');
for (const [fn, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${fn}`);
