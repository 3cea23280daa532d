/**
 * The reporting page (报送页面) in the browser: a department's clerk reports a month with the
 * department's token. It is the CLI's own code, bundled by esbuild (see ../src/pageBundle.ts):
 * the same reader (read.ts: GB18030 CSV, title rows, two-row headers, full-width digits …), the
 * same row mapping (batch.ts) and the same staged upload (upload.ts) through the gateway's
 * GraphQL endpoint — authenticated, authorised by the department's subgraph, audited. Nothing is
 * parsed or written anywhere else.
 */
import { buildBatch, type BuiltBatch, type RowProblem } from '../src/batch';
import { catalogueNames, catalogueOf, GatewayClient, GatewayUnavailable, GraphQLRequestError, type CatalogueEntry, type Viewer } from '../src/gateway';
import { formatOf, FileError, readTable } from '../src/read';
import { leftOutNote, subjects, templateRows, templateWorkbook } from '../src/template';
import { CommitUnknown, uploadBatch, type BatchHeader, type SubmissionOutcome } from '../src/upload';

/** The registry's names of the departments (市工信委 …), put in by the bundler (pageBundle.ts). */
declare const HUISHANG_DEPARTMENT_NAMES: Record<string, string>;
const DEPARTMENTS: Record<string, string> = Object.fromEntries(Object.entries(HUISHANG_DEPARTMENT_NAMES).map(([name, zh]) => [name, `${zh} ${name}`]));

/** How to put a problem right, by its code, where the reason alone does not say (修改方法). */
const FIXES: Record<string, string> = {
  NOT_A_NUMBER: '填写数字（不带单位、百分号或其他文字） Enter a plain number',
  MISSING_VALUE: '填写当月值或累计值，或删除该行 Fill in the figure or delete the row',
  UNIT_MISMATCH: '按指标目录的计量单位填写 Use the catalogue’s unit',
  UNKNOWN_INDICATOR: '使用模板“指标目录”页中的指标代码 Use a code from the catalogue sheet',
  UNKNOWN_SUBJECT: '核对地区代码或统一社会信用代码（见模板） Check the code against the template',
  SUBJECT_NOT_REPORTED: '该指标不对此类主体报送，删除该行 Delete the row: this indicator is not reported for this subject',
  DUPLICATE_ROW: '每个指标和主体只保留一行 Keep one row per indicator and subject',
  OUT_OF_RANGE: '核对数值及单位（万元/亿元） Check the figure and its unit',
  NOT_APPLICABLE: '清空该单元格 Leave this cell empty',
  STATUS_REGRESSION: '终报数据不能改回初报：选择“终报 FINAL” Choose FINAL',
  SCALE_SLIP: '核对数量级；确认无误请填写确认理由后再报送 Check the scale, or confirm with a reason',
  IMPLAUSIBLE_JUMP: '核对数值；确认无误请填写确认理由后再报送 Check the figure, or confirm with a reason',
  GROWTH_CONTRADICTION: '核对同比增速与当月值；确认无误请填写确认理由 Check the growth, or confirm with a reason',
  COPIED_MONTH: '各数与上月完全相同，疑为上月报表：填写本月数据；确认无误请填写确认理由 Every figure equals last month’s: send this month’s, or confirm with a reason',
  MISSING_COLUMN: '按模板补上该列（可先下载模板） Add the column as in the template',
  UNKNOWN_COLUMN: '按模板修改列名 Rename the column as in the template',
  DUPLICATE_COLUMN: '删除重复的列 Delete the repeated column',
  EMPTY_FILE: '填写数据后再上传 Fill in the figures and upload again',
  BAD_FILE: '另存为 .xlsx 或 “CSV (逗号分隔)” 后再上传 Save as .xlsx or CSV and upload again',
  FUTURE_MONTH: '选择已结束的月份 Choose a month that has ended',
  MONTH_MISMATCH: '表头标题的月份与报送月份不符：选择标题所写的月份，或改正标题 The title states another month: choose that month, or correct the title',
  FORBIDDEN: '使用本部门的令牌 Use your own department’s token',
  YTD_INCONSISTENT: '核对累计值与当月值（1月累计=当月；累计≥当月；累计=上月累计+当月） Check the year-to-date against the month',
  BAD_SUBJECT_KIND: '主体类型填“地区”“企业”或“园区” Write 地区 (REGION), 企业 (ENTERPRISE) or 园区 (PARK)',
  MERGED_FIGURE: '取消合并单元格，逐行填写数值 Unmerge the cell and write each row’s figure',
  JAN_FEB_COMBINED: '1–2月合并发布：1月不报，2月填1–2月累计 Report January and February together in February',
  UNAUTHENTICATED: '检查令牌 Check the token',
};

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
};

function text(tag: string, content: string, className?: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

function previousMonth(): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

interface Session {
  client: GatewayClient;
  viewer: Viewer;
  department: string;
  catalogue: CatalogueEntry[];
}

let session: Session | null = null;
/** The file as last checked: confirming sends exactly these rows. */
let checked: { built: BuiltBatch; header: BatchHeader; name: string } | null = null;

function setMessage(id: string, message: string, kind: 'info' | 'ok' | 'error' = 'info'): void {
  const element = $(id);
  element.textContent = message;
  element.className = `message ${kind}`;
  element.hidden = message === '';
}

function errorMessage(error: unknown): string {
  if (error instanceof GraphQLRequestError) {
    return error.errors.map((e) => `${e.message}${e.extensions?.code ? ` [${e.extensions.code}]${FIXES[String(e.extensions.code)] ? ` — ${FIXES[String(e.extensions.code)]}` : ''}` : ''}`).join('\n');
  }
  if (error instanceof GatewayUnavailable || error instanceof CommitUnknown || error instanceof FileError) return error.message;
  return `意外错误 unexpected error: ${(error as Error).message}`;
}

function cellValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '（空 empty）';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Rows of the problem table at most: a file refused whole for one column would otherwise build a table of every row (298,920 rows, two minutes). The count by code covers the rest. */
const SHOWN_PROBLEMS = 200;
const count = (n: number) => n.toLocaleString('en-US');

function showProblems(problems: RowProblem[], rows: number): void {
  const body = $('problems-body');
  body.replaceChildren();
  for (const p of problems.slice(0, SHOWN_PROBLEMS)) {
    const tr = document.createElement('tr');
    tr.dataset.code = p.code;
    tr.append(
      text('td', p.row === null ? '—' : String(p.row), 'row'),
      text('td', p.column, 'column'),
      text('td', cellValue(p.value), 'value'),
      text('td', p.reason, 'reason'),
      text('td', FIXES[p.code] ?? '按原因所述修改 See the reason', 'fix'),
      text('td', p.code, 'code'),
    );
    body.append(tr);
  }
  $('problems-section').hidden = problems.length === 0;
  const byCode = new Map<string, number>();
  for (const p of problems) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
  const more =
    problems.length > SHOWN_PROBLEMS
      ? ` 仅列出前 ${SHOWN_PROBLEMS} 个 First ${SHOWN_PROBLEMS} shown; 按代码 by code: ${[...byCode].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${count(n)}`).join(', ')}.`
      : '';
  const inRows = rows > 0 ? `，${count(rows)} 行数据` : '';
  const inRowsEn = rows > 0 ? ` in ${count(rows)} row${rows === 1 ? '' : 's'}` : '';
  $('problems-count').textContent = problems.length
    ? `共 ${count(problems.length)} 个问题${inRows}；未写入任何数据。修改后请重新上传。 ${count(problems.length)} problem${problems.length === 1 ? '' : 's'}${inRowsEn}; nothing was written. Correct the file and upload it again.${more}`
    : '';
  $('problems-count').dataset.total = String(problems.length);
}

function showNotes(notes: string[]): void {
  const list = $('notes');
  // The reader's notes are in English (shared with the command): each is marked in Chinese too.
  list.replaceChildren(...notes.map((n) => (n.startsWith('warning') ? text('li', `注意 ${n}`, 'warning') : text('li', `说明 ${n}`, 'note'))));
  list.hidden = notes.length === 0;
}

function showOutcome(outcome: SubmissionOutcome | null): void {
  const box = $('outcome');
  box.replaceChildren();
  box.hidden = outcome === null;
  if (!outcome) return;
  const { submissionId, replayed, created, updated, revised, unchanged } = outcome;
  box.append(
    text('h3', replayed ? `此文件已报送过（第 ${submissionId} 号），未作改动 Already submitted as No. ${submissionId}; nothing changed` : `报送成功：第 ${submissionId} 号 Submitted: No. ${submissionId}`),
    text('p', `新增 created ${created} · 更新 updated ${updated} · 修订 revised ${revised} · 未变 unchanged ${unchanged}`),
  );
  // Later months whose reported year-to-date this batch left behind: the clerk's next reports.
  const stale = outcome.staleObservations ?? [];
  if (stale.length) {
    box.append(
      text('p', `待重报：以下 ${count(stale.length)} 个以后月份的累计值与更正后的前期数据不再相符，请重新报送这些月份。 ${count(stale.length)} later figure${stale.length === 1 ? ' no longer adds' : 's no longer add'} up after this batch: report ${stale.length === 1 ? 'that month' : 'those months'} again.`, 'stale'),
    );
    const list = document.createElement('ul');
    list.id = 'stale';
    list.append(...stale.slice(0, SHOWN_PROBLEMS).map((f) => text('li', `${f.month} ${f.indicator} ${f.subjectCode}：报送累计 reported ${f.ytdValue}，前期推算 implied ${f.impliedYtdValue}`)));
    box.append(list);
  }
  box.dataset.submission = String(submissionId);
  box.dataset.stale = String(stale.length);
}

async function loadSubmissions(): Promise<void> {
  if (!session) return;
  const field = `${session.department}Submissions`;
  const body = $('submissions-body');
  try {
    const data = await session.client.request<Record<string, { submissionId: number; month: string; reportedBy: string; receivedAt: string; created: number; updated: number; revised: number; unchanged: number }[]>>(
      `query HuishangPageSubmissions { ${field}(first: 20) { submissionId month reportedBy receivedAt created updated revised unchanged } }`,
    );
    body.replaceChildren(
      ...data[field].map((s) => {
        const tr = document.createElement('tr');
        tr.append(
          text('td', String(s.submissionId)),
          text('td', s.month),
          text('td', s.reportedBy),
          // The city's time, said as such (the pack prints 北京时间 too), whatever the browser's zone.
          text('td', `${new Date(s.receivedAt).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}（北京时间）`),
          text('td', String(s.created)),
          text('td', String(s.updated)),
          text('td', String(s.revised)),
          text('td', String(s.unchanged)),
        );
        return tr;
      }),
    );
    setMessage('submissions-message', data[field].length ? '' : '尚无报送记录 No submissions yet');
  } catch (error) {
    body.replaceChildren();
    setMessage('submissions-message', errorMessage(error), 'error');
  }
}

async function connect(): Promise<void> {
  const token = $<HTMLInputElement>('token').value.trim();
  session = null;
  checked = null;
  $('work').hidden = true;
  if (!token) {
    setMessage('connect-message', '请填写本部门的令牌 Enter your department’s token', 'error');
    return;
  }
  sessionStorage.setItem('huishang.token', token);
  const client = new GatewayClient({ url: '/graphql', token, tokenSource: 'page' }, {});
  const chosen = $<HTMLSelectElement>('department').value;
  try {
    const probe = await client.request<{ viewer: Viewer }>('query HuishangPageViewer { viewer { clientId department role } }');
    const department = chosen || probe.viewer.department;
    const { viewer, catalogue } = await catalogueOf(client, department);
    if (!catalogue) throw new Error(`the ${department} department’s catalogue is not available now`);
    session = { client, viewer, department, catalogue };
    $<HTMLSelectElement>('department').value = department;
    // The reporting department as the registry names it (市工信委), not a client id a pack would print.
    $<HTMLInputElement>('reported-by').value ||= HUISHANG_DEPARTMENT_NAMES[department] ?? department;
    setMessage('connect-message', `已连接 Connected: ${DEPARTMENTS[viewer.department] ?? viewer.department} · ${viewer.clientId} (${viewer.role})；报送部门 reporting for ${DEPARTMENTS[department] ?? department}`, 'ok');
    $('work').hidden = false;
    await loadSubmissions();
  } catch (error) {
    setMessage('connect-message', errorMessage(error), 'error');
  }
}

async function downloadTemplate(): Promise<void> {
  if (!session) return;
  const month = $<HTMLInputElement>('month').value;
  setMessage('template-message', '正在生成模板… Preparing the template…');
  try {
    const found = await subjects(session.client, session.department, session.catalogue.some((d) => d.subjects.includes('ENTERPRISE')), session.catalogue.some((d) => d.subjects.includes('PARK')));
    const rows = templateRows(session.catalogue, found.regions, found.enterprises, month || undefined, found.parks);
    const leftOut = leftOutNote(session.catalogue, month || undefined);
    const workbook = await templateWorkbook(session.department, session.catalogue, rows, month || undefined);
    const url = URL.createObjectURL(new Blob([new Uint8Array(workbook)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${session.department}-${month || 'template'}.xlsx`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setMessage(
      'template-message',
      `模板已下载 Template downloaded: ${count(rows.length)} 行 rows (${count(found.enterprises.length)} 家企业 enterprises, 名称已填 names filled)${leftOut ? `；1–2月合并发布的指标不在1月模板中 ${leftOut.replace(/^note: /, '')}` : ''}`,
      'ok',
    );
  } catch (error) {
    setMessage('template-message', errorMessage(error), 'error');
  }
}

async function sha256(content: Uint8Array): Promise<string> {
  // crypto.subtle exists in secure contexts (https, localhost); elsewhere a random key (the page's confirm button is the guard).
  if (globalThis.crypto?.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(content));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function uploadId(): string {
  return `page:${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function setBusy(busy: boolean): void {
  for (const id of ['check', 'confirm', 'template', 'connect']) $<HTMLButtonElement>(id).disabled = busy;
  $('progress').hidden = !busy;
}

/** Sends the rows; a dry run checks them (nothing written), otherwise they are submitted. */
async function send(built: BuiltBatch, header: BatchHeader, dryRun: boolean) {
  const progress = $<HTMLProgressElement>('progress');
  progress.value = 0;
  return uploadBatch(session!.client, session!.department, built, header, {
    dryRun,
    partBytes: 200_000,
    concurrency: 3,
    uploadId: uploadId(),
    onStaged: (sent, total) => (progress.value = total ? sent / total : 1),
    onCommitting: () => progress.removeAttribute('value'),
  });
}

async function check(): Promise<void> {
  if (!session) return;
  checked = null;
  $<HTMLButtonElement>('confirm').hidden = true;
  showOutcome(null);
  showProblems([], 0);
  showNotes([]);
  const file = $<HTMLInputElement>('file').files?.[0];
  const month = $<HTMLInputElement>('month').value;
  if (!month) return setMessage('upload-message', '请选择报送月份 Choose the month', 'error');
  if (!file) return setMessage('upload-message', '请选择文件 Choose a file (.xlsx or .csv)', 'error');
  const format = formatOf(file.name);
  if (!format) {
    const old = /\.(xls|et|wps)$/i.test(file.name) ? '（旧版 Excel 格式：请在 Excel 中“另存为” .xlsx）(an old Excel format: use Save As .xlsx) ' : '';
    return setMessage('upload-message', `${file.name}: 只接受 .xlsx 或 .csv 文件 ${old}The file must be .xlsx or .csv`, 'error');
  }
  setBusy(true);
  setMessage('upload-message', `正在读取 Reading ${file.name}…`);
  try {
    const content = Buffer.from(await file.arrayBuffer());
    const notes: string[] = [];
    let built: BuiltBatch;
    try {
      built = buildBatch(await readTable(content, format, undefined, notes), catalogueNames(session.catalogue), { month });
      built.notes.unshift(...notes);
    } catch (error) {
      if (!(error instanceof FileError)) throw error;
      // A library's own wording (JSZip's "see https://…") is not for a clerk: its URL is left out.
      showProblems([{ row: null, column: 'file', value: file.name, code: 'BAD_FILE', reason: error.message.replace(/[,;]?\s*see https?:\/\/\S+/g, '').replace(/https?:\/\/\S+/g, '') }], 0);
      return setMessage('upload-message', '文件无法读取 The file cannot be read', 'error');
    }
    showNotes(built.notes);
    if (built.headerProblems.length) {
      showProblems(built.headerProblems, built.observations.length);
      return setMessage('upload-message', '表头有问题 The header has problems', 'error');
    }
    const status = $<HTMLSelectElement>('status').value as BatchHeader['status'];
    const reason = $<HTMLInputElement>('accept-outliers').value.trim();
    const reportedBy = $<HTMLInputElement>('reported-by').value.trim() || (HUISHANG_DEPARTMENT_NAMES[session.department] ?? session.department);
    const header: BatchHeader = {
      // The options are part of the key: the same file sent again as FINAL after PRELIMINARY (or by someone else) is a new batch, not a conflict.
      idempotencyKey: `page:${session.department}:${month}:${await sha256(Buffer.concat([content, Buffer.from(`\n${status}\n${reportedBy}\n${reason}`)]))}`.slice(0, 128),
      month,
      reportedBy,
      status,
      ...(reason ? { acceptOutliers: { reason } } : {}),
    };
    setMessage('upload-message', `正在检查 ${built.observations.length} 行 Checking ${built.observations.length} rows…`);
    const verdict = await send(built, header, true);
    if (verdict.kind === 'refused') {
      showProblems(verdict.problems, built.observations.length);
      return setMessage('upload-message', `未通过检查 Refused: ${file.name}`, 'error');
    }
    if (verdict.kind === 'conflict') return setMessage('upload-message', '此文件以前用其他选项报送过 This file was submitted before with other options (status or reported by)', 'error');
    checked = { built, header, name: file.name };
    const skipped = built.skipped ? `，${built.skipped} 行无数据已略过 (${built.skipped} rows without figures left out)` : '';
    const n = built.observations.length;
    setMessage('upload-message', `检查通过：${count(n)} 行${skipped}。尚未写入，请确认报送。 Checked: ${count(n)} row${n === 1 ? '' : 's'} valid; nothing written yet — confirm to submit.`, 'ok');
    $<HTMLButtonElement>('confirm').hidden = false;
  } catch (error) {
    setMessage('upload-message', errorMessage(error), 'error');
  } finally {
    setBusy(false);
  }
}

async function confirmSubmission(): Promise<void> {
  if (!session || !checked) return;
  setBusy(true);
  setMessage('upload-message', `正在报送 Submitting ${checked.built.observations.length} rows…`);
  try {
    const verdict = await send(checked.built, checked.header, false);
    if (verdict.kind === 'refused') {
      showProblems(verdict.problems, checked.built.observations.length);
      setMessage('upload-message', '未通过检查 Refused', 'error');
    } else if (verdict.kind === 'conflict') {
      setMessage('upload-message', '此文件以前用其他选项报送过 This file was submitted before with other options', 'error');
    } else {
      showOutcome(verdict.outcome);
      setMessage('upload-message', `${checked.name}：已报送 submitted`, 'ok');
      $<HTMLButtonElement>('confirm').hidden = true;
      checked = null;
      await loadSubmissions();
    }
  } catch (error) {
    setMessage('upload-message', errorMessage(error), 'error');
  } finally {
    setBusy(false);
  }
}

function start(): void {
  const select = $<HTMLSelectElement>('department');
  select.append(new Option('（令牌所属部门 the token’s department）', ''), ...Object.entries(DEPARTMENTS).map(([value, label]) => new Option(label, value)));
  $<HTMLInputElement>('month').value = previousMonth();
  $<HTMLInputElement>('token').value = sessionStorage.getItem('huishang.token') ?? '';
  $('connect').addEventListener('click', () => void connect());
  $('template').addEventListener('click', () => void downloadTemplate());
  $('check').addEventListener('click', () => void check());
  $('confirm').addEventListener('click', () => void confirmSubmission());
  // Confirming sends exactly what was checked: any change of the file or the batch's header asks for a new check, and says so.
  const changed = () => {
    if (!checked) return;
    checked = null;
    $<HTMLButtonElement>('confirm').hidden = true;
    setMessage('upload-message', '内容已修改，请重新检查后再报送 Changed since the check: press Check again before submitting', 'info');
  };
  for (const id of ['file', 'month', 'status', 'reported-by', 'accept-outliers']) {
    $(id).addEventListener('change', changed);
    $(id).addEventListener('input', changed);
  }
  // Another reporting department: the session (catalogue, submissions) follows at once, not at the next Connect.
  $('department').addEventListener('change', () => {
    changed();
    if (session) void connect();
  });
  document.body.dataset.ready = 'true';
}

start();
