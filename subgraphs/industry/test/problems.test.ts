import 'reflect-metadata';
import { CITY_CODE, completeCreditCode } from '@huishang/schema';
import { openTestbed, type Testbed } from '@huishang/schema/testing';
import { industry } from '../src/subgraph';

/**
 * The problem list (问题清单): expected values are computed here from the rows of `problem` and
 * `problem_status_change`, never copied from an answer.
 */

interface ProblemRow {
  code: string;
  enterprise_code: string | null;
  region_code: string;
  category: string;
  description: string;
  raised_by: string;
  raised_on: unknown;
  owner: string;
  deadline: unknown;
  status: string;
}
interface ChangeRow {
  id: number;
  problem_code: string;
  from_status: string | null;
  to_status: string;
  changed_at: unknown;
  changed_by: string;
  note: string | null;
}

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
/** A stored timestamp as milliseconds, whichever way the database hands it over. */
const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'number' || /^\d+$/.test(String(v)) ? Number(v) : Date.parse(String(v)));

/** Status at the end of `on` in the city (UTC+8), from the history rows; null before it was raised. */
function statusOn(problem: ProblemRow, history: ChangeRow[], on: string): string | null {
  if (day(problem.raised_on) > on) return null;
  const end = Date.parse(`${on}T00:00:00+08:00`) + 86_400_000;
  const recorded = history.filter((h) => h.problem_code === problem.code && time(h.changed_at) < end).sort((a, b) => time(a.changed_at) - time(b.changed_at) || a.id - b.id);
  return recorded.length ? recorded[recorded.length - 1].to_status : 'OPEN';
}
const overdueOn = (problem: ProblemRow, history: ChangeRow[], on: string) => {
  const status = statusOn(problem, history, on);
  return (status === 'OPEN' || status === 'IN_PROGRESS') && day(problem.deadline) < on;
};

const OWNERS: Record<string, string> = { industry: '市工信委', finance: '市金融办', energy: '供电公司', statistics: '市统计局', hr: '市人社局' };

describe('industry subgraph: the problem list (问题清单)', () => {
  let bed: Testbed;
  const rows = () => bed.sql<ProblemRow>('select * from problem order by code');
  const changes = () => bed.sql<ChangeRow>('select * from problem_status_change order by problem_code, changed_at, id');

  beforeAll(async () => {
    process.env.HUISHANG_DEMO_ENTERPRISES = '60';
    bed = await openTestbed(industry);
  });
  afterAll(async () => bed?.close());

  describe('reading', () => {
    let problems: ProblemRow[];
    let history: ChangeRow[];
    beforeAll(async () => {
      problems = await rows();
      history = await changes();
    });

    it('holds about thirty problems of 2015, every one with its raising in the history and its status the last change', async () => {
      expect(problems.length).toBeGreaterThanOrEqual(25);
      expect(new Set(problems.map((p) => p.owner))).toEqual(new Set(Object.keys(OWNERS)));
      expect(new Set(problems.map((p) => p.category)).size).toBeGreaterThanOrEqual(5);
      const register = new Set((await bed.sql<{ credit_code: string }>('select credit_code from enterprise')).map((r) => r.credit_code));
      for (const p of problems) {
        const own = history.filter((h) => h.problem_code === p.code);
        expect(own[0]).toMatchObject({ from_status: null, to_status: 'OPEN' });
        expect(own[own.length - 1].to_status).toBe(p.status);
        for (let i = 1; i < own.length; i++) expect(own[i].from_status).toBe(own[i - 1].to_status);
        if (p.enterprise_code) expect(register.has(p.enterprise_code)).toBe(true);
        expect(day(p.deadline) >= day(p.raised_on)).toBe(true);
      }
      expect(new Set(problems.map((p) => p.status))).toEqual(new Set(['OPEN', 'IN_PROGRESS', 'RESOLVED']));
    });

    it('answers problems with the rows, their owner, enterprise, region and history', async () => {
      const result: any = await bed.execute(
        `{ problems { code category description raisedBy raisedOn owner ownerName deadline status enterprise { creditCode } region { code }
             history { from to at by note } } }`,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.problems.map((p: any) => p.code)).toEqual(problems.map((p) => p.code));
      for (const [i, p] of problems.entries()) {
        expect(result.data.problems[i]).toEqual({
          code: p.code,
          category: p.category,
          description: p.description,
          raisedBy: p.raised_by,
          raisedOn: day(p.raised_on),
          owner: p.owner,
          ownerName: OWNERS[p.owner],
          deadline: day(p.deadline),
          status: p.status,
          enterprise: p.enterprise_code ? { creditCode: p.enterprise_code } : null,
          region: { code: p.region_code },
          history: history
            .filter((h) => h.problem_code === p.code)
            .map((h) => ({ from: h.from_status, to: h.to_status, at: new Date(time(h.changed_at)).toISOString(), by: h.changed_by, note: h.note })),
        });
      }
    });

    it('filters by status, region (the city code means all) and owner (its key or Chinese name)', async () => {
      const region = problems[0].region_code;
      const result: any = await bed.execute(
        `{ open: problems(status: OPEN) { code } inProgress: problems(status: IN_PROGRESS) { code }
           region: problems(region: "${region}") { code } city: problems(region: "${CITY_CODE}") { code }
           energy: problems(owner: "energy") { code } power: problems(owner: "供电公司") { code } pbc: problems(owner: "人行") { code }
           both: problems(owner: "finance", status: RESOLVED) { code } }`,
      );
      expect(result.errors).toBeUndefined();
      const codes = (key: string) => result.data[key].map((p: any) => p.code);
      const of = (filter: (p: ProblemRow) => boolean) => problems.filter(filter).map((p) => p.code);
      expect(codes('open')).toEqual(of((p) => p.status === 'OPEN'));
      expect(codes('inProgress')).toEqual(of((p) => p.status === 'IN_PROGRESS'));
      expect(codes('region')).toEqual(of((p) => p.region_code === region));
      expect(codes('city')).toEqual(of(() => true));
      expect(codes('energy')).toEqual(of((p) => p.owner === 'energy'));
      expect(codes('power')).toEqual(codes('energy'));
      expect(codes('pbc')).toEqual(of((p) => p.owner === 'finance'));
      expect(codes('both')).toEqual(of((p) => p.owner === 'finance' && p.status === 'RESOLVED'));
      for (const key of ['open', 'inProgress', 'region', 'energy', 'both']) expect({ key, n: codes(key).length > 0 }).toEqual({ key, n: true });
    });

    it.each(['2015-06-30', '2015-12-31', '2015-05-20'])('derives overdue on %s from the status history and deadline', async (on) => {
      const result: any = await bed.execute(`{ all: problems { code status overdue(on: "${on}") } overdue: problems(overdueOn: "${on}") { code } }`);
      expect(result.errors).toBeUndefined();
      for (const p of result.data.all) expect({ code: p.code, overdue: p.overdue }).toEqual({ code: p.code, overdue: overdueOn(problems.find((r) => r.code === p.code)!, history, on) });
      expect(result.data.overdue.map((p: any) => p.code)).toEqual(problems.filter((p) => overdueOn(p, history, on)).map((p) => p.code));
      expect(result.data.overdue.length).toBeGreaterThan(0);
    });

    it('has the cases a meeting on 2015-06-30 needs: overdue ones resolved later and ones still open, one due that day, and ones due later', () => {
      const on = '2015-06-30';
      const overdue = problems.filter((p) => overdueOn(p, history, on));
      expect(overdue.length).toBeGreaterThanOrEqual(5);
      expect(overdue.some((p) => p.status === 'RESOLVED')).toBe(true);
      expect(overdue.some((p) => p.status !== 'RESOLVED')).toBe(true);
      const open = (p: ProblemRow) => ['OPEN', 'IN_PROGRESS'].includes(statusOn(p, history, on) ?? '');
      // Due that very day and still being handled: not (yet) overdue.
      expect(problems.some((p) => open(p) && day(p.deadline) === on && !overdueOn(p, history, on))).toBe(true);
      expect(problems.some((p) => open(p) && day(p.deadline) > on)).toBe(true);
    });

    it('combines overdueOn with the other filters', async () => {
      const on = '2015-06-30';
      const owner = problems.find((p) => overdueOn(p, history, on))!.owner;
      const result: any = await bed.execute(`{ problems(overdueOn: "${on}", owner: "${owner}", status: RESOLVED) { code } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data.problems.map((p: any) => p.code)).toEqual(problems.filter((p) => p.owner === owner && p.status === 'RESOLVED' && overdueOn(p, history, on)).map((p) => p.code));
    });

    it('reads owners, enterprises, regions, histories and overdue flags of any number of problems in the same number of statements', async () => {
      const selection = 'code ownerName enterprise { name } region { name } history { to } overdue(on: "2015-06-30")';
      const region = problems[0].region_code;
      const all = await bed.countStatements(() => bed.execute(`{ problems { ${selection} } }`));
      const few = await bed.countStatements(() => bed.execute(`{ problems(region: "${region}") { ${selection} } }`));
      const overdue = await bed.countStatements(() => bed.execute(`{ problems(overdueOn: "2015-06-30") { ${selection} } }`));
      // problems, their enterprises, regions and histories
      expect(all).toBe(4);
      expect(few).toBe(4);
      expect(overdue).toBe(4);
    });

    it.each([
      ['problems(owner: "国土局") { code }', 'owner', /"国土局" is not a department of the meeting; use one of industry \(市工信委\)/],
      ['problems(overdueOn: "2015-02-30") { code }', undefined, /"2015-02-30" is not a valid date \(YYYY-MM-DD\): that day does not exist: 2015-02 has days 01 to 28/],
      ['problems(overdueOn: "30/06/2015") { code }', undefined, /must look like "2015-06-30"/],
      ['problems(region: "411099") { code }', undefined, /is not a region of/],
    ])('refuses %s with BAD_USER_INPUT', async (selection, field, message) => {
      const result = await bed.execute(`{ ${selection} }`);
      expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      if (field) expect(result.errors?.[0].extensions?.field).toBe(field);
      expect(result.errors?.[0].message).toMatch(message);
    });
  });

  describe('changing status', () => {
    const update = (code: string, status: string, by: string, note: string | null = null) =>
      bed.execute(
        'mutation($code: String!, $status: ProblemStatus!, $by: String!, $note: String) { updateProblemStatus(code: $code, status: $status, by: $by, note: $note) { code status history { from to by note at } } }',
        { code, status, by, note },
      ) as Promise<any>;

    it('appends every change to the history and keeps the status, through resolving and reopening', async () => {
      const problem = (await rows()).find((p) => p.status === 'OPEN')!;
      const before = (await changes()).filter((h) => h.problem_code === problem.code);
      const started = Date.now();
      const steps: [string, string, string | null][] = [
        ['IN_PROGRESS', '市金融办', '已约谈银行'],
        ['RESOLVED', '市金融办', '贷款已到位'],
        ['OPEN', '长葛市工信局', '企业反映问题再次出现'],
      ];
      for (const [status, by, note] of steps) {
        const result = await update(problem.code, status, by, note);
        expect(result.errors).toBeUndefined();
        expect(result.data.updateProblemStatus.status).toBe(status);
        const [row] = await bed.sql<ProblemRow>('select * from problem where code = ?', [problem.code]);
        expect(row.status).toBe(status);
      }
      const after = (await changes()).filter((h) => h.problem_code === problem.code);
      // Append-only: the earlier rows are unchanged, three rows were added in order.
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.slice(before.length).map((h) => [h.from_status, h.to_status, h.changed_by, h.note])).toEqual([
        ['OPEN', 'IN_PROGRESS', '市金融办', '已约谈银行'],
        ['IN_PROGRESS', 'RESOLVED', '市金融办', '贷款已到位'],
        ['RESOLVED', 'OPEN', '长葛市工信局', '企业反映问题再次出现'],
      ]);
      expect(after.slice(before.length).every((h) => time(h.changed_at) >= started - 1000)).toBe(true);
      const read: any = await bed.execute(`{ problems(status: OPEN) { code history { to } } }`);
      expect(read.data.problems.find((p: any) => p.code === problem.code).history.map((h: any) => h.to)).toEqual(after.map((h) => h.to_status));
    });

    it('judges overdue by the status at the end of the day asked about: resolving now does not rewrite June', async () => {
      const on = '2015-06-30';
      const history = await changes();
      const problem = (await rows()).find((p) => p.status !== 'RESOLVED' && overdueOn(p, history, on))!;
      const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      const ask = `{ problem(code: "${problem.code}") { status june: overdue(on: "${on}") today: overdue(on: "${today}") } }`;
      expect(((await bed.execute(ask)) as any).data.problem).toEqual({ status: problem.status, june: true, today: true });
      expect((await update(problem.code, 'RESOLVED', '市工信委', '已协调解决')).errors).toBeUndefined();
      expect(((await bed.execute(ask)) as any).data.problem).toEqual({ status: 'RESOLVED', june: true, today: false });
      const list: any = await bed.execute(`{ problems(overdueOn: "${today}") { code } }`);
      expect(list.data.problems.map((p: any) => p.code)).not.toContain(problem.code);
    });

    it.each([
      ['the status it already has', (p: ProblemRow) => [p.code, p.status, '市工信委'], 'status', /is already/],
      ['an unknown code', () => ['WT2015-999', 'RESOLVED', '市工信委'], 'code', /"WT2015-999" is not on the problem list/],
      ['an empty by', (p: ProblemRow) => [p.code, p.status === 'OPEN' ? 'IN_PROGRESS' : 'OPEN', '  '], 'by', /must not be empty/],
    ])('refuses %s with BAD_USER_INPUT naming the field, and records nothing', async (_case, args, field, message) => {
      const problem = (await rows())[0];
      const before = await changes();
      const [code, status, by] = (args as (p: ProblemRow) => string[])(problem);
      const result = await update(code, status, by);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0].message).toMatch(message);
      expect(await changes()).toEqual(before);
    });

    it('refuses a status that does not exist', async () => {
      const result = await update('WT2015-001', 'CLOSED', '市工信委');
      expect(result.errors?.[0].message).toMatch(/CLOSED/);
    });
  });

  describe('raising a problem', () => {
    const raise = (input: Record<string, unknown>) =>
      bed.execute(
        'mutation($input: RaiseProblemInput!) { raiseProblem(input: $input) { code status owner ownerName raisedOn deadline enterprise { creditCode } region { code } history { from to by } } }',
        { input },
      ) as Promise<any>;
    let enterprise: { credit_code: string; region_code: string };
    const valid = () => ({
      enterprise: enterprise.credit_code,
      category: 'LABOUR',
      description: '  用工缺口约80人，需组织专场招聘会。 ',
      raisedBy: '长葛市工信局',
      raisedOn: '2015-12-20',
      owner: '人社局',
      deadline: '2016-01-31',
    });
    beforeAll(async () => {
      [enterprise] = await bed.sql<{ credit_code: string; region_code: string }>('select credit_code, region_code from enterprise order by credit_code limit 1');
    });

    it('puts it on the list, open, with the next number of its year, the enterprise’s region and its raising in the history', async () => {
      const codes = (await rows()).filter((p) => p.code.startsWith('WT2015-')).map((p) => Number(p.code.slice(7)));
      const result = await raise(valid());
      expect(result.errors).toBeUndefined();
      expect(result.data.raiseProblem).toEqual({
        code: `WT2015-${String(Math.max(...codes) + 1).padStart(3, '0')}`,
        status: 'OPEN',
        owner: 'hr',
        ownerName: '市人社局',
        raisedOn: '2015-12-20',
        deadline: '2016-01-31',
        enterprise: { creditCode: enterprise.credit_code },
        region: { code: enterprise.region_code },
        history: [{ from: null, to: 'OPEN', by: '长葛市工信局' }],
      });
      const [row] = await bed.sql<ProblemRow>('select * from problem where code = ?', [result.data.raiseProblem.code]);
      expect(row).toMatchObject({ description: '用工缺口约80人，需组织专场招聘会。', owner: 'hr', status: 'OPEN', region_code: enterprise.region_code });
      // A later problem of another year starts that year's numbering.
      const next = await raise({ ...valid(), raisedOn: '2016-01-04', deadline: '2016-02-29' });
      expect(next.data.raiseProblem.code).toBe('WT2016-001');
      // Raised after the day asked about: not overdue then, even though its deadline has passed by now.
      const asked: any = await bed.execute(`{ problem(code: "WT2016-001") { before: overdue(on: "2015-12-31") later: overdue(on: "2016-03-01") } }`);
      expect(asked.data.problem).toEqual({ before: false, later: true });
    });

    it('takes a problem of a district without an enterprise', async () => {
      const { enterprise: _e, ...input } = valid();
      const result = await raise({ ...input, region: '411072', category: 'LAND', owner: 'industry' });
      expect(result.errors).toBeUndefined();
      expect(result.data.raiseProblem).toMatchObject({ enterprise: null, region: { code: '411072' }, owner: 'industry' });
    });

    it.each([
      ['an enterprise the register does not hold', () => ({ enterprise: completeCreditCode('91411082MA0000001') }), 'input.enterprise', /is not in the enterprise register/],
      ['an owner outside the meeting', () => ({ owner: '国土局' }), 'input.owner', /is not a department of the meeting/],
      ['a deadline before it was raised', () => ({ deadline: '2015-12-01' }), 'input.deadline', /2015-12-01 is before the day the problem is raised, 2015-12-20/],
      ['an empty description', () => ({ description: ' ' }), 'input.description', /must not be empty/],
      ['a region that is not the enterprise’s', () => ({ region: '411073' }), 'input.region', /is not the region of enterprise/],
      ['neither enterprise nor region', () => ({ enterprise: null }), 'input.region', /give the enterprise concerned, or the region/],
    ])('refuses %s with BAD_USER_INPUT naming the field, and adds nothing', async (_case, change, field, message) => {
      const before = (await rows()).length;
      const patch = change();
      // The region mismatch case needs a region the enterprise is not in.
      if ('region' in patch && patch.region === enterprise.region_code) patch.region = '411002';
      const result = await raise({ ...valid(), ...patch });
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0].message).toMatch(message);
      expect((await rows()).length).toBe(before);
    });

    it('refuses a malformed credit code or date before anything runs', async () => {
      for (const patch of [{ enterprise: '91411082MA00000010' }, { raisedOn: '2015-13-01' }]) {
        const result = await raise({ ...valid(), ...patch });
        expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      }
    });
  });
});
