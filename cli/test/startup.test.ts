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

/** What an operator's command on the access database needs no more than the database layer: not the GraphQL stack. */
const GRAPHQL_STACK = /node_modules\/(type-graphql|@apollo|graphql|graphql-scalars|class-validator|@graphql-tools)\//;

it.each([
  ['clients add', ['clients', 'add', '--department', 'energy', '--role', 'ANALYST', '--json']],
  ['clients list', ['clients', 'list']],
  ['audit verify', ['audit', 'verify']],
])('huishang %s opens the access database without loading the GraphQL stack', (_name, args) => {
  const data = join(dir, `data-${args.slice(0, 2).join('-')}`);
  const result = spawnSync(process.execPath, ['--require', join(dir, 'loaded.js'), MAIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HUISHANG_DATA_DIR: data } });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.stringContaining(join(data, 'access.sqlite')) });
  const loaded = JSON.parse(readFileSync(join(dir, 'loaded.json'), 'utf8')) as string[];
  // It did open the database (the ORM is loaded) …
  expect(loaded.some((path) => path.includes('node_modules/@mikro-orm/core/'))).toBe(true);
  // … and nothing of GraphQL, nor the kit's index.
  expect(loaded.filter((path) => GRAPHQL_STACK.test(path) || path.endsWith(join('schema', 'dist', 'src', 'index.js')))).toEqual([]);
});
