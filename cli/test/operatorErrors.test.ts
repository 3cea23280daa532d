/**
 * The operator's mistakes with the access commands (a tester's findings): each says what was wrong
 * and what to do, with exit 1 for input naming something that is not there and 2 for a wrong command
 * line (help text, "Exit codes"); nothing is written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = join(resolve(__dirname, '..', '..'), 'cli', 'dist', 'src', 'main.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'huishang-operator-'));
  writeFileSync(join(dir, 'broken.graphql'), 'query { viewer { \n');
  writeFileSync(join(dir, 'good.graphql'), 'query Mine { viewer { department } }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function huishang(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HUISHANG_DATA_DIR: join(dir, 'data') } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

it.each([
  [['clients', 'revoke', 'cl_doesnotexist'], 1, /no client cl_doesnotexist: nothing was changed; "huishang clients list" shows the ids/],
  [['clients', 'update', 'cl_doesnotexist', '--safelist'], 1, /no client cl_doesnotexist/],
  [['clients', 'add', '--department', 'police', '--role', 'ANALYST'], 2, /--department "police": not a department of the registry\. One of industry/],
  // The nearest names, as graphql-js ranks them for its own "Did you mean".
  [['clients', 'add', '--department', 'enrgy', '--role', 'ANALYST'], 2, /--department "enrgy": not a department of the registry; did you mean "energy"\? One of industry/],
  [['clients', 'add', '--department', 'energy', '--role', 'boss'], 2, /--role "BOSS": not a role\. One of ANALYST/],
  [['clients', 'add', '--department', 'energy', '--role', 'analist'], 2, /--role "ANALIST": not a role; did you mean "ANALYST"\? One of ANALYST/],
  [['clients', 'add', '--department', 'energy', '--role', 'ANALYST', '--rate-limit', '0'], 2, /--rate-limit 0: requests a minute, a whole number of 1 or more/],
  // An option a subcommand does not take is refused, not ignored (a tester's `update --role` exited 0, role unchanged).
  [['clients', 'update', 'cl_doesnotexist', '--role', 'ANALYST'], 2, /clients update does not take --role: a client keeps its department and role; revoke it and add a new one/],
  [['clients', 'list', '--department', 'enrgy'], 2, /--department "enrgy": not a department of the registry; did you mean "energy"\?/],
  [['clients', 'revoke', 'cl_x', '--json'], 2, /clients revoke does not take --json/],
  // audit export's filter is checked as the graph's auditTrail filter is: a mistyped one matched nothing.
  [['audit', 'export', '--month', '2015-13'], 2, /--month "2015-13" is not a valid month \(YYYY-MM\): month 13 does not exist/],
  [['audit', 'export', '--enterprise', '91411023370U607K4X'], 2, /--enterprise "91411023370U607K4X" is not a valid unified social credit code/],
  [['audit', 'export', '--from', 'yesterday'], 2, /--from "yesterday": a moment with its time zone/],
  [['audit', 'export', '--to', '2015-02-30T00:00:00Z'], 2, /--to "2015-02-30T00:00:00Z": a moment with its time zone/],
  [['audit', 'export', '--indicator', 'fin_loans'], 2, /--indicator "fin_loans": an indicator code in upper case/],
  [['audit', 'export', '--client', 'someone'], 2, /--client "someone": a client id/],
  [['audit', 'export', '--from', '2015-07-01T00:00:00+08:00', '--to', '2015-06-30T16:00:00Z'], 2, /--to must be later than --from \(2015-06-30T16:00:00.000Z\)/],
  [['documents', 'add', 'broken.graphql'], 1, /broken\.graphql is not a GraphQL document \(Syntax Error[^)]*\); nothing was registered/],
  [['documents', 'add', 'missing.graphql'], 2, /missing\.graphql: no such file/],
])('huishang %j exits %d and says why', (args, status, message) => {
  const result = huishang(...args);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status, stderr: expect.stringMatching(message) });
});

it('a refused document is not registered; a good one is', () => {
  huishang('documents', 'add', 'broken.graphql');
  expect(huishang('documents', 'list', '--json').stdout).not.toContain('broken.graphql');
  expect(huishang('documents', 'add', 'good.graphql').status).toBe(0);
  expect(huishang('documents', 'list', '--json').stdout).toContain('good.graphql');
});

it('audit export --from and --to mean the moment they name, whatever its time zone (they were compared as text)', () => {
  expect(huishang('clients', 'add', '--department', 'energy', '--role', 'ANALYST').status).toBe(0);
  const hourAgo = new Date(Date.now() - 3_600_000);
  // The same moment in UTC and in China Standard Time.
  const utc = hourAgo.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const cst = new Date(hourAgo.getTime() + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
  const count = (...args: string[]) => {
    const result = huishang('audit', 'export', ...args);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    return result.stdout.trim().split('\n').filter(Boolean).length;
  };
  const since = count('--from', utc);
  expect(since).toBeGreaterThan(0);
  expect(count('--from', cst)).toBe(since);
  expect(count('--to', cst)).toBe(count('--to', utc));
});
