#!/usr/bin/env node
/**
 * `node scripts/service-entry.js <service>`: the entry file of a service, relative to the
 * repository — `gateway/dist/src/index.js`, the Apollo Router sidecar's
 * `plugins/router-coprocessor/dist/src/main.js`, or a department's `<folder>/dist/src/index.js`
 * from the registry (subgraphs/departments.json). The Dockerfile picks what an image runs with it. An
 * unknown service: one sentence naming the known ones, exit 1.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const service = process.argv[2];
const registry = JSON.parse(readFileSync(path.join(__dirname, '..', 'subgraphs', 'departments.json'), 'utf8'));
const department = registry.departments.find((d) => d.name === service);
const OTHERS = { gateway: 'gateway/dist/src/index.js', 'router-coprocessor': 'plugins/router-coprocessor/dist/src/main.js' };
if (Object.hasOwn(OTHERS, service ?? '')) console.log(OTHERS[service]);
else if (department) console.log(`${department.folder}/dist/src/index.js`);
else {
  console.error(`SERVICE must be gateway, router-coprocessor or a department of subgraphs/departments.json (${registry.departments.map((d) => d.name).join(', ')}), not ${JSON.stringify(service ?? '')}`);
  process.exit(1);
}
