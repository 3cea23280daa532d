'use strict';
/**
 * Jest global setup: a directory for this run's seeded database templates (test/support/templates.ts).
 * Workers inherit the variable; global-teardown.js removes the directory and drops the template
 * databases listed in it.
 */
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  if (!process.env.HUISHANG_E2E_TEMPLATES) {
    process.env.HUISHANG_E2E_TEMPLATES = mkdtempSync(join(tmpdir(), 'huishang-e2e-templates-'));
    process.env.HUISHANG_E2E_TEMPLATES_OWNED = '1';
  }
};
