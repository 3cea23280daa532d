import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { OWNER_NAMES } from '@huishang/schema/core';

/**
 * The reporting page's script: the CLI's reader, row mapping, template and staged upload
 * (page/report-page.ts and what it imports from src/) bundled for the browser by esbuild, from
 * the TypeScript sources, in memory, once per gateway process (≈ 1 s). Nothing is downloaded:
 * esbuild's binary comes from the npm registry as its platform package, exceljs brings its own
 * browser build (package.json `browser`), the npm `buffer` package stands in for Node's Buffer.
 * Node's own modules (fs, path, stream, crypto) are used only by CLI paths the page never takes
 * (writing files, the streaming xlsx reader): they are empty modules in the bundle.
 */
export const PAGE_ENTRY = join(__dirname, '..', '..', 'page', 'report-page.ts');

const emptyNodeModules: Plugin = {
  name: 'empty-node-modules',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'empty-node-module' }));
    build.onLoad({ filter: /.*/, namespace: 'empty-node-module' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** The bundled script (an IIFE, minified). Throws esbuild's error with its messages when the sources do not build. */
export async function reportPageScript(): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
    minify: true,
    legalComments: 'none',
    inject: [join(__dirname, '..', '..', 'page', 'buffer-shim.ts')],
    // The departments' names from the registry (subgraphs/departments.json), not a list of the page's own.
    define: { 'process.env.NODE_ENV': '"production"', HUISHANG_DEPARTMENT_NAMES: JSON.stringify(OWNER_NAMES) },
    plugins: [emptyNodeModules],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
