/**
 * `huishang problems list|raise|update` as real processes talking to the gateway of a real system
 * with departments' tokens: the list read, a problem raised by the energy department and put in
 * progress by it, the finance department refused on energy's problem (nothing written), every write
 * in the audit trail, help at every level, usage errors and an unreachable gateway.
 */
import { freePort, startSystem, type System } from '../support/system';
import { runCli } from './support';

const START_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000) + 120_000;
let system: System;
let enterprise: { code: string; name: string };

beforeAll(async () => {
  system = await startSystem({ enterprises: 40, services: ['industry'] });
  const [row] = await system.sql('industry', 'select credit_code, name from enterprise order by credit_code limit 1');
  enterprise = { code: row.credit_code, name: row.name };
}, START_TIMEOUT_MS);
afterAll(async () => {
  await system?.stop();
});

const cli = (args: string[]) => runCli(['problems', ...args], { ...system.env });
/** Today in China Standard Time: a problem may not be raised on a later day. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const count = async (table: string, where = '1 = 1', params: unknown[] = []) => Number((await system.sql('industry', `select count(*) as n from ${table} where ${where}`, params))[0].n);

describe('huishang problems', () => {
  it('has help at every level (exit 0), and names its usage errors (exit 2)', async () => {
    for (const args of [['--help'], ['list', '--help'], ['raise', '--help'], ['update', '-h']]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^huishang problems/);
      expect(result.stdout).toContain('Usage:');
    }
    const top = await runCli(['help', 'problems'], { ...system.env });
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('huishang problems update CODE --status');
    expect((await runCli(['--help'], { ...system.env })).stdout).toContain('huishang problems list|raise|update');

    const missing = await cli(['raise', '--owner', 'energy', '--description', 'x', '--raised-on', today(), '--deadline', '2099-01-01', '--region', '411002']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--category is required: one of FINANCING, ENERGY_SUPPLY');
    expect(missing.stderr).toContain('Run "huishang problems raise --help" for usage.');
    const badStatus = await cli(['update', 'WT2015-001', '--status', 'DONE']);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain('--status "DONE": not a status. One of OPEN, IN_PROGRESS, RESOLVED');
    expect((await cli(['delete'])).code).toBe(2);
  });

  it('lists the problems through the gateway, filtered as asked', async () => {
    const all = await cli(['list', '--json']);
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/^gateway http:\/\/.*, as industry analyst /);
    const problems = JSON.parse(all.stdout) as { code: string; owner: string; status: string }[];
    expect(problems.length).toBe(await count('problem'));
    const open = await cli(['list', '--owner', 'finance', '--status', 'open']);
    expect(open.code).toBe(0);
    const expected = await count('problem', "owner = 'finance' and status = 'OPEN'");
    expect(open.stdout).toContain(`${expected} problem${expected === 1 ? '' : 's'}\n`);
    expect(open.stdout.split('\n').filter((l) => /^WT\d{4}-\d{3}/.test(l)).every((l) => l.includes('OPEN') && l.includes('owner finance'))).toBe(true);
  });

  it('raises a problem as the energy department and puts it in progress; finance is refused; all in the audit trail', async () => {
    const before = Number((await system.sql('access', 'select max(seq) as n from audit_record'))[0].n);
    const raised = await cli(['raise', '--as', 'energy', '--owner', 'energy', '--category', 'energy-supply', '--enterprise', enterprise.code, '--deadline', '2099-12-31', '--description', '新增变压器容量未批复']);
    expect(raised.stderr).not.toMatch(/Error|at .*\.js/);
    expect(raised.code).toBe(0);
    const code = /^raised (WT\d{4}-\d{3,})$/m.exec(raised.stdout)?.[1];
    expect(code).toBeDefined();
    expect(raised.stdout).toContain(enterprise.name);
    const [row] = await system.sql('industry', 'select owner, status, category, description from problem where code = ?', [code]);
    expect(row).toMatchObject({ owner: 'energy', status: 'OPEN', category: 'ENERGY_SUPPLY', description: '新增变压器容量未批复' });
    expect(raised.stdout).toContain(`raised ${today()} by `); // --raised-on's default: today, UTC+8

    const changes = await count('problem_status_change');
    const refused = await cli(['update', code!, '--status', 'RESOLVED', '--as', 'finance']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[FORBIDDEN]');
    expect(await count('problem_status_change')).toBe(changes);

    const updated = await cli(['update', code!, '--status', 'in_progress', '--note', '已协调增容', '--as', 'energy', '--json']);
    expect(updated.code).toBe(0);
    const problem = JSON.parse(updated.stdout);
    expect(problem.status).toBe('IN_PROGRESS');
    expect(problem.history.at(-1)).toMatchObject({ from: 'OPEN', to: 'IN_PROGRESS', note: '已协调增容' });
    expect((await system.sql('industry', 'select status from problem where code = ?', [code]))[0].status).toBe('IN_PROGRESS');

    const audit = await system.sql('access', "select department, operation_name, outcome from audit_record where seq > ? and operation_name in ('HuishangRaiseProblem', 'HuishangUpdateProblem') order by seq", [before]);
    // Each write is recorded before it runs (ATTEMPT), then with its outcome.
    expect(audit.map((r) => [r.department, r.operation_name, r.outcome])).toEqual([
      ['energy', 'HuishangRaiseProblem', 'ATTEMPT'],
      ['energy', 'HuishangRaiseProblem', 'OK'],
      ['finance', 'HuishangUpdateProblem', 'ATTEMPT'],
      ['finance', 'HuishangUpdateProblem', 'ERROR'],
      ['energy', 'HuishangUpdateProblem', 'ATTEMPT'],
      ['energy', 'HuishangUpdateProblem', 'OK'],
    ]);
  });

  it('a gateway that does not answer: exit 3, a clear message', async () => {
    const port = await freePort();
    const result = await cli(['list', '--gateway', `http://127.0.0.1:${port}/graphql`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach the gateway at http://127.0.0.1:${port}/graphql`);
  });
});
