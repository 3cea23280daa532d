/**
 * `--pdf`: prints the pack's HTML to A4 PDF with Debian's chromium through playwright-core. The
 * browser is offline for the job: the page is set from the HTML string and every request it would
 * make is refused (the pack needs none).
 */
import { existsSync } from 'node:fs';
import { BriefingError } from './query';

export const CHROMIUM = process.env.HUISHANG_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function printPdf(html: string, title: string, executablePath = CHROMIUM): Promise<Buffer> {
  if (!existsSync(executablePath)) {
    throw new BriefingError(`错误：找不到 chromium（${executablePath}），无法生成 PDF。请安装 Debian 的 chromium（apt-get install chromium），或去掉 --pdf 只生成 HTML。`);
  }
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new BriefingError(`错误：无法启动 chromium（${executablePath}）：${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: `<div style="width:100%;font-size:7pt;color:#7f7f7f;padding:0 12mm;display:flex;justify-content:space-between;font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif"><span>${escaped}</span><span>第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</span></div>`,
    });
  } finally {
    await browser.close();
  }
}
