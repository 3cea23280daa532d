#!/usr/bin/env node
'use strict';
/**
 * Checks the benchmark's proof that Hive Gateway's Rust query planner is in use
 * (system.js checkRouterRuntime), both ways, without subgraphs (the supergraph's URLs lead
 * nowhere; planning happens before any subgraph is called):
 *   - Hive Gateway with --hive-router-runtime: the check passes;
 *   - Hive Gateway without it (its JavaScript planner, what a silent fallback runs): the check fails.
 * `node bench/test/router-runtime-check.js` (after `npm run bench` installed bench/node_modules); exit 0 when both hold.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { startGateway, SUBGRAPHS } = require('../src/system');
const { newKeys } = require('../src/identity');

async function main() {
  const runDir = mkdtempSync(join(tmpdir(), 'huishang-bench-check-'));
  // Port 9 (discard): nothing answers there; the gateways start and plan all the same.
  const subgraphs = { urls: Object.fromEntries(SUBGRAPHS.map((s) => [s, `http://127.0.0.1:9/${s}/graphql`])), keys: newKeys(), env: {} };
  const failures = [];
  for (const [label, routerRuntime, shouldPass] of [
    ['with-runtime', true, true],
    ['without-runtime', false, false],
  ]) {
    let gateway;
    try {
      gateway = await startGateway({ kind: 'hive', label, routerRuntime, subgraphs, runDir, readyTimeoutMs: 120_000 });
      // Without --hive-router-runtime startGateway does not check: check it here the same way.
      if (!routerRuntime) await require('../src/system').checkRouterRuntime(gateway.managed, gateway.url, label);
      console.log(`${label}: check passed`);
      if (!shouldPass) failures.push(`${label}: the check passed on Hive Gateway's JavaScript planner`);
    } catch (error) {
      console.log(`${label}: check failed: ${error.message.split('\n')[0]}`);
      if (shouldPass) failures.push(`${label}: ${error.message.split('\n')[0]}`);
    } finally {
      await gateway?.stop();
    }
  }
  rmSync(runDir, { recursive: true, force: true });
  if (failures.length) {
    console.error(`FAIL\n${failures.join('\n')}`);
    process.exit(1);
  }
  console.log('ok: the router-runtime check tells the Rust planner from the JavaScript one');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
