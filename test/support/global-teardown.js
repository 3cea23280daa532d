'use strict';
/** Jest global teardown: drops the run's PostgreSQL template databases and removes the templates directory. */
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

module.exports = async function globalTeardown() {
  const dir = process.env.HUISHANG_E2E_TEMPLATES;
  if (!dir || process.env.HUISHANG_E2E_TEMPLATES_OWNED !== '1') return;
  const list = join(dir, 'postgresql-templates.txt');
  const url = process.env.DATABASE_URL;
  if (existsSync(list) && url && /^postgres(ql)?:\/\//.test(url)) {
    const names = [...new Set(readFileSync(list, 'utf8').split('\n').filter(Boolean))];
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const { Client } = require('pg');
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  rmSync(dir, { recursive: true, force: true });
};
