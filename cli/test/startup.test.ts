/**
 * `huishang import` and `huishang template` talk GraphQL over HTTP: they must not load the server
 * kit (MikroORM, type-graphql, Apollo, not even graphql-js), which costs about 1.1 s of CPU per run
 * on a 2-core machine (schema/src/core.ts). The built CLI runs in its own process up to its first
 * gateway call (nothing listens there) and reports every module it loaded: the command's module and
 * everything it imports; parsers it requires later, when it reads the file, are not reached.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'cli', 'dist', 'src', 'main.js');
/** Libraries of the server side: none of them has any use in a command that only sends requests. */
const SERVER = /node_modules\/(@mikro-orm|type-graphql|@apollo|graphql|graphql-scalars|reflect-metadata|libsql|pg|class-validator|dataloader)\//;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'huishang-cli-startup-'));
  // On exit, the paths of every module this process loaded.
  writeFileSync(join(dir, 'loaded.js'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));\n`);
  writeFileSync(join(dir, 'figures.csv'), 'indicator,subject_kind,subject_code,unit,value\nEN_GAS,REGION,411002,万立方米,33\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { status: number | null; stderr: string; loaded: string[] } {
  const result = spawnSync(process.execPath, ['--require', join(dir, 'loaded.js'), MAIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HUISHANG_GATEWAY: 'http://127.0.0.1:1/graphql', HUISHANG_TOKEN: 'hs_not_a_real_token', HUISHANG_GATEWAY_RETRIES: '0' },
  });
  return { status: result.status, stderr: result.stderr, loaded: JSON.parse(readFileSync(join(dir, 'loaded.json'), 'utf8')) as string[] };
}

it.each([
  ['import', ['import', '--department', 'energy', '--month', '2016-03', 'figures.csv'], 'import.js'],
  ['template', ['template', '--department', 'energy', '--output', 'template.xlsx'], 'template.js'],
])('huishang %s reaches the gateway without loading a server library', (_name, args, module) => {
  const { status, stderr, loaded } = run(args);
  // It got as far as the gateway (nothing listens there), so the command's module was loaded.
  expect(stderr).toContain('cannot reach the gateway at http://127.0.0.1:1/graphql');
  expect(status).not.toBe(0);
  expect(loaded.some((path) => path.endsWith(join('cli', 'dist', 'src', module)))).toBe(true);
  expect(loaded.filter((path) => SERVER.test(path) || path.endsWith(join('schema', 'dist', 'src', 'index.js')))).toEqual([]);
});
