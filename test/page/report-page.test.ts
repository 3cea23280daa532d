/**
 * The reporting page (/report) as a department's clerk meets it, in Debian's chromium through
 * playwright-core, against a real system (SQLite, or PostgreSQL with DATABASE_URL): the energy
 * department's token; the template downloaded from the page and filled in; a workbook with problems
 * uploaded and every problem shown in the table by row and column; the file corrected (saved as
 * Chinese Excel's GB18030 CSV), checked, confirmed; the outcome and the recent submissions on the
 * page, the figure readable through the graph, the writes in the audit trail; another department's
 * token refused. Screenshots in test-artifacts/. Skipped, saying why, without /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT, startSystem, type System } from '../support/system';
import { department, workDir, type Department } from '../cli/support';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const MONTH = '2016-03'; // after the demo data (2013–2015)
const START_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_MS ?? 90_000) + 120_000;
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`reporting page browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

describeWithBrowser('the reporting page in a real browser', () => {
  let system: System;
  let browser: Browser;
  let energy: Department;
  let files: ReturnType<typeof workDir>;
  /** Three enterprises with December's electricity: figures near their history are plausible. */
  let subjects: { code: string; december: number }[];

  beforeAll(async () => {
    system = await startSystem({ enterprises: 60, services: ['industry', 'energy'] });
    energy = department(system, 'energy');
    files = workDir();
    subjects = (
      await energy.sql<{ subject_code: string; value: number }>(
        "select subject_code, value from observation where indicator = 'EN_ELECTRICITY' and subject_type = 'ENTERPRISE' and month = '2015-12' and value is not null order by subject_code limit 3",
      )
    ).map((r) => ({ code: r.subject_code, december: Number(r.value) }));
    expect(subjects).toHaveLength(3);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    files?.remove();
  });

  const origin = () => new URL(system.gatewayUrl).origin;
  const near = (december: number, factor: number) => Math.round(december * factor * 10) / 10;

  /** A page with the token entered and connected; requests to any other host and script errors are collected. */
  async function openPage(token: string, departmentChoice = ''): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    // A browser in another zone than the city's: times on the page are still the city's (北京时间).
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 }, locale: 'zh-CN', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin()) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    // Every request the page makes is answered (no favicon 404 in the console).
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/graphql')) errors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${origin()}/report`, { waitUntil: 'networkidle' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.fill('#token', token);
    if (departmentChoice) await page.selectOption('#department', departmentChoice);
    await page.click('#connect');
    await page.waitForSelector('#work:not([hidden])', { timeout: 60_000 });
    await page.fill('#month', MONTH);
    return { page, foreign, errors };
  }

  async function upload(page: Page, file: string): Promise<void> {
    await page.setInputFiles('#file', file);
    await page.click('#check');
    // The page's policy forbids eval: wait with selectors, not functions.
    await page.locator('#upload-message.ok:not([hidden]), #upload-message.error:not([hidden])').waitFor({ timeout: 120_000 });
  }

  it('downloads the template, shows every problem by row and column, takes the corrected GB18030 CSV and submits it', async () => {
    const { page, foreign, errors } = await openPage(system.tokens.energy);
    expect(await page.textContent('#connect-message')).toContain('energy');

    // The template, made in the page from the graph: the register's enterprises with their names.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#template')]);
    expect(download.suggestedFilename()).toBe(`energy-${MONTH}.xlsx`);
    const templateFile = files.path('template.xlsx');
    await download.saveAs(templateFile);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(templateFile);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, 'indicator', 'subject_kind', 'subject_code', 'subject_name', 'unit', 'value', 'ytd_value', 'yoy_pct', 'ytd_yoy_pct']);
    const rowOf = new Map<string, number>();
    sheet.eachRow((row, n) => {
      if (row.getCell(1).value === 'EN_ELECTRICITY' && row.getCell(2).value === 'ENTERPRISE') rowOf.set(String(row.getCell(3).value), n);
    });
    for (const s of subjects) expect(rowOf.has(s.code)).toBe(true);
    const [first, second, third] = subjects.map((s) => rowOf.get(s.code)!);
    expect(String(sheet.getRow(first).getCell(4).value ?? '')).not.toBe('');

    // The clerk fills three rows; two are wrong: an ambiguous full-width number, a wrong unit. A notes column is ignored with a warning.
    sheet.getRow(1).getCell(10).value = '备注';
    sheet.getRow(first).getCell(6).value = near(subjects[0].december, 1.03);
    sheet.getRow(second).getCell(6).value = '１２３，４';
    sheet.getRow(third).getCell(5).value = '千瓦时';
    sheet.getRow(third).getCell(6).value = near(subjects[2].december, 0.98);
    sheet.getRow(third).getCell(10).value = '已核实';
    const withProblems = files.path('filled-with-problems.xlsx');
    await workbook.xlsx.writeFile(withProblems);
    const before = await energy.checksum();

    await upload(page, withProblems);
    expect(await page.getAttribute('#upload-message', 'class')).toContain('error');
    await page.waitForSelector('#problems-section:not([hidden])');
    const problems = await page.$$eval('#problems-body tr', (trs) =>
      trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.className, td.textContent ?? '']))),
    );
    expect(problems).toEqual([
      expect.objectContaining({ row: String(second), column: 'value "当月值" (F)', value: '１２３，４', code: 'NOT_A_NUMBER', reason: expect.stringContaining('comma') }),
      expect.objectContaining({ row: String(third), column: 'unit "计量单位" (E)', value: '千瓦时', code: 'UNIT_MISMATCH', reason: expect.stringContaining('万千瓦时') }),
    ]);
    for (const p of problems) expect(p.fix.length).toBeGreaterThan(0);
    expect(await page.textContent('#problems-count')).toContain('nothing was written');
    expect(await page.textContent('#notes')).toContain('"备注" (J)');
    expect(await page.isHidden('#confirm')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-problems.png'), fullPage: true });
    expect(await energy.checksum()).toBe(before);

    // Corrected and saved as Chinese Excel's default CSV: GB18030, CRLF, no byte-order mark, a title row above the header.
    const values = [near(subjects[0].december, 1.03), near(subjects[1].december, 1.01), near(subjects[2].december, 0.98)];
    const csv = [
      `许昌市${MONTH.replace('-', '年')}月工业用电量报表,,,,,`,
      '指标代码,主体类型,主体代码,计量单位,当月值,备注',
      ...subjects.map((s, i) => `EN_ELECTRICITY,企业,${s.code},万千瓦时,${values[i]},${i === 2 ? '已核实' : ''}`),
    ].join('\r\n');
    const corrected = files.write('corrected.csv', iconv.encode(csv + '\r\n', 'gb18030'));
    expect(Buffer.from(csv).equals(readFileSync(corrected))).toBe(false); // really not UTF-8
    await upload(page, corrected);
    expect(await page.textContent('#upload-message')).toContain('检查通过');
    expect(await page.isVisible('#confirm')).toBe(true);
    expect(await page.isHidden('#problems-section')).toBe(true);
    const notes = await page.textContent('#notes');
    expect(notes).toContain('GB18030');
    expect(notes).toContain('许昌市2016年03月工业用电量报表');
    expect(await energy.checksum()).toBe(before); // checked, not yet written
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-checked.png'), fullPage: true });

    await page.click('#confirm');
    await page.waitForSelector('#outcome:not([hidden])', { timeout: 120_000 });
    const outcome = await page.textContent('#outcome');
    const submission = Number(await page.getAttribute('#outcome', 'data-submission'));
    expect(outcome).toContain(`报送成功：第 ${submission} 号`);
    expect(outcome).toContain('新增 created 3');
    await page.locator('#submissions-body tr td:first-child', { hasText: new RegExp(`^${submission}$`) }).waitFor({ timeout: 60_000 });
    const recent = await page.$$eval('#submissions-body tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(recent[0]).toEqual(expect.arrayContaining([String(submission), MONTH, '3']));
    // Who reported, left as the page fills it: the department as the registry names it, never a client id (a pack prints it).
    const registry = JSON.parse(readFileSync(join(REPO_ROOT, 'subgraphs', 'departments.json'), 'utf8')) as { departments: { name: string; ownerName?: string }[] };
    expect(recent[0]).toContain(registry.departments.find((d) => d.name === 'energy')!.ownerName);
    const [ledger] = await system.sql('energy', 'select received_at from submission where id = ?', [submission]);
    const beijing = new Date(ledger.received_at).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
    expect(recent[0]).toContain(`${beijing}（北京时间）`);
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-submitted.png'), fullPage: true });

    // The figure through the graph, with the department's token.
    const read = await system.query(
      `query ($code: CreditCode!) { enterprise(creditCode: $code) { energy(month: "${MONTH}") { electricity { value status } } } }`,
      { code: subjects[1].code },
      undefined,
      { token: system.tokens.energy },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data.enterprise.energy.electricity).toEqual({ value: values[1], status: 'PRELIMINARY' });

    // The writes went through the one door: staged parts and the commit, by the energy client, in the audit trail.
    const audited = await system.sql('access', "select operation_name, outcome from audit_record where operation_name in ('HuishangStage', 'HuishangCommit') and department = 'energy' order by seq");
    // Each write is recorded before it runs (ATTEMPT) and then with its outcome.
    expect(audited.filter((r) => r.outcome === 'ATTEMPT')).toHaveLength(audited.length / 2);
    const commits = audited.filter((r) => r.operation_name === 'HuishangCommit' && r.outcome !== 'ATTEMPT').map((r) => r.outcome);
    // The refused check, the check of its well-formed row against its history (so every problem comes in one table), the passed check, the submission.
    expect(commits).toHaveLength(4);
    expect(commits[0]).not.toBe('OK');
    expect(commits.slice(1)).toEqual(['OK', 'OK', 'OK']);
    expect(audited.filter((r) => r.operation_name === 'HuishangStage' && r.outcome === 'OK')).toHaveLength(4);

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('after a check: an edit asks for a new check; the same file goes again as FINAL; another department follows at once; a long problem list is capped', async () => {
    const month = '2016-04';
    const { page, errors } = await openPage(system.tokens.energy);
    await page.fill('#month', month);
    const file = files.write('final-after-preliminary.csv', `indicator,subject_kind,subject_code,unit,value\r\nEN_ELECTRICITY,ENTERPRISE,${subjects[0].code},万千瓦时,${near(subjects[0].december, 1.02)}\r\n`);
    await upload(page, file);
    expect(await page.textContent('#upload-message')).toContain('Checked: 1 row valid');

    // Finding 6: an edit of the header after the check hides Confirm and says why.
    await page.fill('#reported-by', '供电公司 李四');
    expect(await page.isHidden('#confirm')).toBe(true);
    expect(await page.textContent('#upload-message')).toContain('请重新检查');
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-changed.png'), fullPage: true });

    await page.click('#check');
    await page.locator('#confirm:not([hidden])').waitFor({ timeout: 120_000 });
    await page.click('#confirm');
    await page.waitForSelector('#outcome:not([hidden])', { timeout: 120_000 });
    expect(await page.textContent('#outcome')).toContain('新增 created 1');

    // Finding 5: the same file as FINAL after PRELIMINARY is a new batch (the options are part of its key), not a conflict.
    await page.selectOption('#status', 'FINAL');
    await page.click('#check');
    await page.locator('#confirm:not([hidden])').waitFor({ timeout: 120_000 });
    await page.click('#confirm');
    await page.locator('#outcome h3', { hasText: '报送成功' }).waitFor({ timeout: 120_000 });
    expect(await page.textContent('#outcome')).toContain('更新 updated 1');
    const [row] = await energy.sql<{ status: string }>("select status from observation where indicator = 'EN_ELECTRICITY' and subject_code = ? and month = ?", [subjects[0].code, month]);
    expect(row.status).toBe('FINAL');

    // Finding 11: 300 refused rows, the table shows the first 200 and counts the rest by code.
    const many = files.write('many-problems.csv', ['indicator,subject_kind,subject_code,unit,value', ...Array.from({ length: 300 }, () => `EN_ELECTRICITY,ENTERPRISE,${subjects[1].code},千瓦时,1`)].join('\r\n'));
    await upload(page, many);
    await page.waitForSelector('#problems-section:not([hidden])');
    expect(await page.locator('#problems-body tr').count()).toBe(200);
    const counted = await page.textContent('#problems-count');
    expect(counted).toContain('共 599 个问题'); // 300 units, 299 duplicates
    expect(counted).toContain('First 200 shown');
    expect(counted).toMatch(/UNIT_MISMATCH 300/);
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-capped.png'), fullPage: false });

    // Finding 7: choosing another department takes effect at once (here refused: the token is energy's).
    await page.selectOption('#department', 'industry');
    await page.locator('#connect-message', { hasText: 'industry' }).waitFor({ timeout: 60_000 });
    expect(await page.textContent('#connect-message')).toContain('reporting for 市工信委 industry');
    expect(errors).toEqual([]);
  });

  it('a correction that leaves a later month behind lists that month to report again (待重报)', async () => {
    const gas = (month: string, value: number, ytd: number) =>
      energy.cli(['import', '--department', 'energy', '--month', month, files.write(`gas-${month}.csv`, `indicator,subject_kind,subject_code,unit,value,ytd_value\r\nEN_GAS,REGION,411081,万立方米,${value},${ytd}\r\n`)]);
    expect((await gas('2016-04', 100, 500)).code).toBe(0);
    expect((await gas('2016-05', 100, 600)).code).toBe(0);
    const { page, errors } = await openPage(system.tokens.energy);
    await page.fill('#month', '2016-04');
    await upload(page, files.write('gas-correction.csv', 'indicator,subject_kind,subject_code,unit,value,ytd_value\r\nEN_GAS,REGION,411081,万立方米,100,550\r\n'));
    expect(await page.textContent('#upload-message')).toContain('检查通过');
    await page.click('#confirm');
    await page.waitForSelector('#outcome:not([hidden])', { timeout: 120_000 });
    expect(await page.getAttribute('#outcome', 'data-stale')).toBe('1');
    expect(await page.textContent('#outcome')).toContain('待重报：以下 1 个以后月份的累计值与更正后的前期数据不再相符');
    expect(await page.$$eval('#stale li', (lis) => lis.map((li) => li.textContent))).toEqual(['2016-05 EN_GAS 411081：报送累计 reported 600，前期推算 implied 650']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-stale.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('another department’s token is refused: nothing is written, and the ledger is not shown to it', async () => {
    const corrected = files.write('other-department.csv', `indicator,subject_kind,subject_code,unit,value\r\nEN_ELECTRICITY,ENTERPRISE,${subjects[0].code},万千瓦时,${near(subjects[0].december, 1.2)}\r\n`);
    const before = await energy.checksum();
    const { page, errors } = await openPage(system.tokens.industry, 'energy');
    await upload(page, corrected);
    const message = await page.textContent('#upload-message');
    expect(message).toContain('[FORBIDDEN]');
    expect(message).toContain('an industry client may not');
    expect(await page.textContent('#submissions-message')).toContain('[FORBIDDEN]');
    expect(await page.isHidden('#confirm')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'report-page-refused.png'), fullPage: true });
    expect(await energy.checksum()).toBe(before);
    expect(errors).toEqual([]);

    const ledger = await system.query('{ energySubmissions(first: 5) { submissionId } }', {}, undefined, { token: system.tokens.industry });
    expect(ledger.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('is served from the gateway alone, with a policy that allows no other host', async () => {
    const response = await fetch(`${origin()}/report`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/https?:/);
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The browser entry type-checks against the DOM (esbuild, which bundles it, does not type-check).
    expect(() => execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'cli', 'page')], { stdio: 'pipe' })).not.toThrow();
    expect(readFileSync(join(REPO_ROOT, 'cli', 'page', 'report-page.ts'), 'utf8')).toContain("from '../src/read'");
  });
});
