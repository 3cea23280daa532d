/**
 * GraphiQL as an analyst meets it: a real chromium opens the gateway URL, the page loads from the
 * gateway alone (no CDN), the example tabs are there, and running the first one shows data.
 * Skipped, saying why, on a machine without Debian's chromium (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT, startSystem, type System } from '../support/system';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`GraphiQL browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

describeWithBrowser('GraphiQL in a real browser', () => {
  let system: System;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem({ enterprises: 40 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('gives the demo token to its own page, not to a script tag on another local page (another port)', async () => {
    const token = system.tokens.industry;
    const own = await browser.newPage();
    await own.goto(system.gatewayUrl, { waitUntil: 'networkidle' });
    expect(await own.evaluate('window.HUISHANG_DEMO_HEADERS')).toContain(token);
    await own.close();

    // Another local page (127.0.0.1, another port: same site, another origin) tries a script tag.
    const script = new URL('/assets/huishang/demo-headers.js', system.gatewayUrl).href;
    const html = `<!doctype html><script src="${script}"></script><script>document.title = 'seen:' + JSON.stringify(window.HUISHANG_DEMO_HEADERS === undefined ? 'no script' : window.HUISHANG_DEMO_HEADERS);</script>`;
    const evil: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      const served: string[] = [];
      page.on('response', async (response) => {
        if (response.url().startsWith(script)) served.push(await response.text().catch(() => '(blocked)'));
      });
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`, { waitUntil: 'networkidle' });
      const title = await page.title();
      expect(title.startsWith('seen:')).toBe(true);
      expect(title).not.toContain(token);
      expect(served.join(' ')).not.toContain(token);
      await page.close();
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
  });

  it('loads offline from the gateway, preloads the examples and runs one', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const origin = new URL(system.gatewayUrl).origin;
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Nothing the page asks for may fail (a tester saw a 404 in the console).
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(system.gatewayUrl, { waitUntil: 'networkidle' });
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    const tabs = await page.locator('.graphiql-tab').allInnerTexts();
    expect(tabs.join(' ')).toContain('DistrictAllDepartments');
    expect(tabs.length).toBeGreaterThanOrEqual(4);

    // As an analyst does on a first visit: Run at once, on the tab that is open. GraphiQL 3 left
    // the first tab's variables out until another tab was opened (graphql/graphiql#3392).
    expect(await page.locator('.graphiql-tab-active').innerText()).toContain('DistrictAllDepartments');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('DistrictAllDepartments')),
      page.locator('.graphiql-execute-button').click(),
    ]);
    expect(JSON.parse(answer.request().postData() ?? '{}').variables).toMatchObject({ month: expect.stringMatching(/^\d{4}-\d{2}$/) });
    const body = await answer.json();
    expect(body.errors).toBeUndefined();
    for (const department of ['industry', 'finance', 'energy', 'statistics', 'hr']) {
      expect(body.data.region[department].indicators.length).toBeGreaterThan(0);
    }
    // The answer is on screen too (the result editor renders only its visible lines).
    await page.locator('.graphiql-response').getByText('魏都区').first().waitFor({ timeout: 30_000 });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png') });
    expect(pageErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
