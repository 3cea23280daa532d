#!/usr/bin/env node
'use strict';
// What npm links as node_modules/.bin/huishang. A committed file, not the build output itself:
// npm links a bin only if its file exists at install time, and `npm install` runs before `npm run build`.
let main;
try {
  main = require('../dist/src/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]src[\\/]main\.js/.test(error.message)) {
    process.stderr.write('huishang is not built yet: run "npm run build" at the repository root\n');
    process.exit(3);
  }
  throw error;
}
main.run();
