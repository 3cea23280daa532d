/**
 * Issue 11's "done when", for every department in turn (the registry's list, not a chosen one): a
 * system with that department's subgraph ended (`system.kill`: its URL has nothing listening, as
 * when it is down)
 * - answers every other root field — `viewer`, the other departments' grants, the register — with
 *   only that department's root fields null, each with a coded error and its path (root fields a
 *   department serves are nullable: schema/test/nullability.test.ts);
 * - still makes the meeting pack: `npm run brief` exits 3, says which department on stderr, marks
 *   its figures 暂缺 in every section and shows the other departments' figures. With the register's
 *   department (industry) down, the pack comes from the register-free entry points
 *   (`withoutRegister`, briefing/queries/meeting-pack-without-register.graphql).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { departmentRegistry } from '@huishang/schema';
import { runBrief } from '../support/brief';
import { catalogue } from '../support/figures';
import { startSystem, type SubgraphName, type System } from '../support/system';

const MONTH = '2015-06';
const DEPARTMENTS = departmentRegistry().departments.map((d) => d.name) as SubgraphName[];
const LABELS: Record<string, string> = { industry: '工信委', statistics: '统计局', energy: '供电公司', finance: '金融办', hr: '人社局' };
const LEAK = /127\.0\.0\.1|localhost|ECONNREFUSED|\n\s+at /;
const record: string[] = [];

afterAll(() => {
  if (record.length) console.log(`one department down (${process.env.DATABASE_URL ? 'postgresql' : 'sqlite'}):\n  ${record.join('\n  ')}`);
});

// One system for every case: each department in turn is ended (nothing listens on its port, as when
// it is down) and started again after its case. Five systems of four subgraphs each cost four times the CPU.
let system: System;
beforeAll(async () => {
  system = await startSystem({ enterprises: 60, env: { SUBGRAPH_TIMEOUT_MS: '15000', SUBGRAPH_BREAKER_RESET_MS: '1000' } });
});
afterAll(async () => {
  await system?.stop();
});

/** Waits until the gateway answers `department`'s own root field again (its breaker closes after a request gets through). */
async function answeredAgain(department: SubgraphName): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await system.query(`{ ${department}Grants { id } }`);
    if (Array.isArray(result.data?.[`${department}Grants`])) return;
    if (Date.now() > deadline) throw new Error(`${department} does not answer through the gateway after its restart: ${JSON.stringify(result.errors)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe.each(DEPARTMENTS)('with %s down', (down) => {
  const others = DEPARTMENTS.filter((d) => d !== down);

  beforeAll(async () => {
    await system.kill(down);
  });
  afterAll(async () => {
    await system.restart(down);
    await answeredAgain(down);
  });

  it('every other root field answers; only its own are null, each with a coded error and its path', async () => {
    const grants = DEPARTMENTS.map((d) => `${d}Grants { id owner }`).join('\n');
    const result = await system.query(`{
      viewer { department role }
      ${grants}
      regions { code name }
      enterprises(first: 2) { edges { node { creditCode } } }
      withoutRegister { region(code: "411002") { code division { name } } }
    }`);
    expect(result.status).toBe(200);
    expect(result.data).not.toBeNull();
    expect(result.data!.viewer).toEqual({ department: 'industry', role: expect.any(String) });
    // Named with the answer's errors, so a failure under load says which department did not answer and why.
    const unanswered = others.filter((d) => !Array.isArray(result.data![`${d}Grants`]));
    expect({ unanswered, errors: unanswered.length ? result.errors : [] }).toEqual({ unanswered: [], errors: [] });
    const ownRoots = [`${down}Grants`, ...(down === 'industry' ? ['regions', 'enterprises'] : [])];
    for (const field of ownRoots) expect({ field, value: result.data![field] }).toEqual({ field, value: null });
    if (down !== 'industry') {
      expect(result.data!.regions).toEqual(expect.arrayContaining([{ code: '411002', name: '魏都区' }]));
      expect(result.data!.enterprises.edges).toHaveLength(2);
    } else {
      // The register-free entry point answers from another department, names from the division table.
      expect(result.data!.withoutRegister).toEqual({ region: { code: '411002', division: { name: '魏都区' } } });
    }
    // withoutRegister is shared by the departments that extend the register: when the one the planner
    // chose is the one down, it is null like any of that department's fields.
    const nulled = [...ownRoots, ...(result.data!.withoutRegister === null ? ['withoutRegister'] : [])];
    expect(result.errors!.map((e) => e.path?.[0]).sort()).toEqual(nulled.sort());
    for (const error of result.errors!) expect(error.extensions).toMatchObject({ code: expect.stringMatching(/^SUBGRAPH_(UNAVAILABLE|TIMEOUT)$/), subgraph: down });
    expect(JSON.stringify(result)).not.toMatch(LEAK);
  });

  // A clerk of another department still reports (huishang import): with the register down too, the
  // catalogue comes through the register-free entry point (cli/src/gateway.ts catalogueOf).
  it('another department\'s clerk still imports a month\'s figure through the gateway', async () => {
    const reporters = down === 'industry' ? others : [others[others.length - 1]];
    for (const department of reporters) {
      const computed = new Set(catalogue(department).filter((c) => c.computed).map((c) => c.code));
      const rows = await system.sql(department, "select indicator, subject_code, value, ytd_value from observation where subject_type = 'REGION' and month = ? and value is not null order by indicator, subject_code", [MONTH]);
      const row = rows.find((r) => !computed.has(r.indicator))!;
      const unit = catalogue(department).find((c) => c.code === row.indicator)!.unit;
      const dir = mkdtempSync(join(tmpdir(), 'huishang-clerk-'));
      try {
        const file = join(dir, 'figures.csv');
        writeFileSync(file, `indicator,subject_kind,subject_code,unit,value,ytd_value\n${row.indicator},REGION,${row.subject_code},${unit},${Number(row.value) + 1},${row.ytd_value === null ? '' : Number(row.ytd_value) + 1}\n`);
        const result = await system.cli(['import', '--department', department, '--month', MONTH, '--status', 'FINAL', '--token', system.tokens[department], '--accept-outliers', 'resilience test', '--json', file]);
        if (result.code !== 0) throw new Error(`${department}'s import exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
        expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, rows: 1 });
        const [stored] = await system.sql(department, "select value from observation where indicator = ? and subject_type = 'REGION' and subject_code = ? and month = ?", [row.indicator, row.subject_code, MONTH]);
        expect(Number(stored.value)).toBeCloseTo(Number(row.value) + 1, 6);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('npm run brief writes the pack with its figures marked 暂缺, says so on stderr and exits 3', async () => {
    const out = mkdtempSync(join(tmpdir(), 'huishang-pack-'));
    try {
      const run = await runBrief(system, MONTH, out);
      // The whole stderr on failure: the exit code alone does not say which error stopped the pack.
      if (run.code !== 3) throw new Error(`npm run brief exited ${run.code}, not 3; stderr:\n${run.stderr.slice(-4000)}`);
      expect(run.stderr).toContain(`${LABELS[down]}（${down}）数据服务不可用`);
      const file = join(out, `briefing-${MONTH}.html`);
      expect(existsSync(file)).toBe(true);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('数据服务本次不可用');
      // A section with a place for the department's figures (each printed figure names its department,
      // 暂缺 or not) says it lacks them; the problem list, the register's (工信委), notes only
      // industry: a note above a section without the department's figures blamed it for nothing.
      const sections = [...html.matchAll(/<section id="(sec-(?!appendix)[^"]+)">([\s\S]*?)<\/section>/g)].map((m) => ({ id: m[1], body: m[2] }));
      const note = `本节${LABELS[down]}数据暂缺（数据服务不可用）`;
      const placed = sections.filter((s) => s.body.includes(`data-department="${down}"`));
      expect(placed.length).toBeGreaterThan(0);
      for (const s of placed) expect({ section: s.id, noted: s.body.includes(note) }).toEqual({ section: s.id, noted: true });
      const problems = sections.find((s) => s.id === 'sec-problems')!;
      expect(problems.body.includes(note)).toBe(down === 'industry');
      for (const d of others) expect(html).not.toContain(`本节${LABELS[d]}数据暂缺`);
      // The appendix still lists the department's indicators the pack lays out, each 暂缺.
      const appendix = html.slice(html.indexOf('<table id="sources">'), html.indexOf('</table>', html.indexOf('<table id="sources">')));
      const rows = appendix.match(new RegExp(`<tr[^>]*><td class="center">${LABELS[down]}</td>[\\s\\S]*?</tr>`, 'g')) ?? [];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toContain('data-absence="UNAVAILABLE">暂缺');
      // What a department down leaves is 暂缺, never 未报送 nor an all-clear (a tester's findings:
      // charts said 均未报送 with empty units, and with the register down 需关注重点企业0家).
      expect(html.match(new RegExp(`data-department="${down}"[^>]*data-absence="NOT_REPORTED"`, 'g')) ?? []).toEqual([]);
      expect(html).not.toContain('（）');
      // Every section of the whole pack, in its place: the clusters' too (with industry down it was dropped and the rest renumbered).
      expect(sections.map((s) => s.id)).toEqual(['sec-headline', 'sec-districts', 'sec-targets', 'sec-clusters', 'sec-trends', 'sec-attention', 'sec-parks', 'sec-warnings', 'sec-problems']);
      if (down === 'industry') {
        expect(html).not.toMatch(/需关注重点企业0家|无需特别关注|百户重点企业0家/);
        expect(html).toContain('重点企业名单暂缺（工信委数据服务不可用）');
        expect(html).not.toContain('网关的回答中没有');
      }
      // Exactly that department's figures are gone: every other department shows numbers.
      const valued = (d: string) => (html.match(new RegExp(`data-department="${d}"[^>]*data-value="-?\\d`, 'g')) ?? []).length;
      expect(valued(down)).toBe(0);
      for (const d of others) expect({ department: d, figures: valued(d) }).toEqual({ department: d, figures: expect.any(Number) });
      for (const d of others) expect(valued(d)).toBeGreaterThan(0);
      // The districts are named even without the register.
      expect(html).toContain('魏都区');
      const requests = /(\d) 次 GraphQL 请求/.exec(run.stdout)?.[1];
      expect(requests).toBe(down === 'industry' ? '2' : '1');
      record.push(`${down} down: pack written (exit ${run.code}, ${Math.round(html.length / 1024)} KB, ${requests} request(s)); figures shown: ${others.map((d) => `${d} ${valued(d)}`).join(', ')}; ${down} 0`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
