/**
 * The pack as one self-contained HTML file in Chinese: inline CSS, inline SVG charts, no script,
 * no font, image or style sheet fetched from anywhere. Every number is a <span class="fig"> whose
 * data attributes and title say which department reported it, under which indicator code, for
 * which subject and month, with which status; each table's note lists its sources for paper.
 */
import { targetChartSvg, trendChartSvg } from './charts';
import { formatNumber, formatPct, formatValue, growthWords, rawValue } from './format';
import { ABSENCE_LABELS, forbiddenAbsence } from './absence';
import { DEPARTMENT_BODIES, DEPARTMENT_LABELS, STATUS_LABELS, STATUS_MARKS } from './labels';
import { allFigures, departmentOfIndicator, observationFigure, unreportedDepartments, type DistrictTable, type Figure, type PackModel, type ParkRowView, type RankedFigure, type TrendChart, type WarningView } from './model';
import { axisMonthLabel, monthLabel } from './months';
import { DEPARTMENTS, REGISTER_DEPARTMENT, type Department, type ObservationStatus } from './types';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const FIELD_LABELS: Record<Figure['field'], string> = {
  value: '当月值',
  ytdValue: '累计值',
  yoyPct: '当月同比',
  ytdYoyPct: '累计同比',
  actualValue: '实际值',
  completionPct: '完成全年目标',
  gap: '与序时进度（目标）之差',
  targetValue: '全年目标',
  timeProgressPct: '序时进度',
  qtdValue: '季度累计',
  qtdYoyPct: '季度累计同比',
  change: '比上季末增减',
};

/** Beijing time, as the meeting reads it: 2015-07-10 09:00. */
export function beijingTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** The title attribute of a figure: code, field, department, reporter, status, raw value. */
export function figureTitle(f: Figure): string {
  const parts = [`${f.indicator} ${f.indicatorName}`, FIELD_LABELS[f.field], `${DEPARTMENT_LABELS[f.department]}`, `${f.subjectCode} · ${f.month}`];
  if (f.status) parts.push(`状态：${STATUS_LABELS[f.status]}`);
  if (f.reportedBy) parts.push(`报送：${f.reportedBy}${f.reportedAt ? ` ${beijingTime(f.reportedAt)}` : ''}`);
  if (f.derived) parts.push('系统推算');
  parts.push(`原值：${f.value === null ? (f.absence ? ABSENCE_LABELS[f.absence] : '无') : `${f.value} ${f.unit}`}`);
  if (f.note) parts.push(f.note);
  if (f.stale) parts.push(staleTitle(f.stale.implied, f.unit));
  return parts.join(' | ');
}

/** What a figure awaiting re-reporting (待重报) says in its provenance. */
function staleTitle(implied: number | null, unit: string): string {
  return `待重报：前期数据更正后本期累计不再相符${implied === null ? '' : `，按前期推算累计 ${implied} ${unit}`}`;
}

function statusMark(status: ObservationStatus | null): string {
  const mark = status ? STATUS_MARKS[status] : '';
  return mark ? `<sup class="st st-${status!.toLowerCase()}">${mark}</sup>` : '';
}

interface FigOptions {
  /** Append the display unit. */
  unit?: boolean;
  /** Colour negative values. */
  signed?: boolean;
  /** Extra class. */
  cls?: string;
  /** Print "—" rather than why the figure is missing (dense tables whose note says why). */
  dash?: boolean;
}

/** Fields printed with the reason a figure is missing (不予共享 / 未获授权 / 未报送); a growth beside it prints "—". */
const LEVEL_FIELDS = new Set<Figure['field']>(['value', 'ytdValue', 'actualValue', 'qtdValue']);

/** What a figure with no value prints: the reason it is missing where the data tells it, else "—". */
export function missingText(f: Pick<Figure, 'value' | 'absence' | 'field' | 'text'>, dash = false): string {
  if (f.value !== null) return f.text;
  return !dash && f.absence && LEVEL_FIELDS.has(f.field) ? ABSENCE_LABELS[f.absence] : f.text;
}

/** A figure as printed: the text in a span that carries its provenance. */
export function fig(f: Figure | null | undefined, options: FigOptions = {}): string {
  if (!f) return '<span class="na">—</span>';
  const classes = ['fig'];
  if (options.cls) classes.push(options.cls);
  if (options.signed && f.value !== null && f.value < 0) classes.push('neg');
  if (f.derived) classes.push('derived');
  if (f.stale) classes.push('stale');
  const attributes = [
    `class="${classes.join(' ')}"`,
    `data-indicator="${escapeHtml(f.indicator)}"`,
    `data-department="${f.department}"`,
    `data-subject="${escapeHtml(f.subjectCode)}"`,
    `data-month="${escapeHtml(f.month)}"`,
    `data-field="${f.field}"`,
    `data-value="${escapeHtml(rawValue(f.value))}"`,
    `data-unit="${escapeHtml(f.unit)}"`,
    f.status ? `data-status="${f.status}"` : '',
    f.value === null && f.absence ? `data-absence="${f.absence}"` : '',
    f.stale ? `data-stale="true"` : '',
    `title="${escapeHtml(figureTitle(f))}"`,
  ].filter(Boolean);
  if (f.value === null && f.absence && missingText(f, options.dash) !== f.text) classes.push('absent');
  attributes[0] = `class="${classes.join(' ')}"`;
  const unit = options.unit && f.value !== null ? `<span class="u">${escapeHtml(f.displayUnit)}</span>` : '';
  return `<span ${attributes.join(' ')}>${escapeHtml(missingText(f, options.dash))}</span>${unit}${statusMark(f.status)}${f.derived ? '<sup class="dv">推</sup>' : ''}${f.stale ? '<sup class="rr">待重报</sup>' : ''}`;
}

function rank(f: RankedFigure): string {
  if (f.rank === null) return '';
  const cls = f.rank === 1 ? 'rk rk-first' : f.rank === f.rankOf ? 'rk rk-last' : 'rk';
  const basis = f.rankBasis === 'GROWTH' ? '增速' : '总量';
  return `<span class="${cls}" data-rank="${f.rank}" title="${basis}排名第${f.rank}位（共${f.rankOf}个地区，${DEPARTMENT_LABELS[f.department]}排名通报）">${f.rank}</span>`;
}

/** "来源：统计局 STAT_GROSS_OUTPUT（规模以上工业总产值）…；状态：最终 45项。" for the table's note. */
export function sourceNote(figures: Figure[]): string {
  const byDepartment = new Map<Department, Map<string, string>>();
  const statuses: Record<ObservationStatus, number> = { PRELIMINARY: 0, FINAL: 0, REVISED: 0 };
  let derived = 0;
  for (const f of figures) {
    if (f.indicator.startsWith('KEY_PROJECT')) continue;
    const codes = byDepartment.get(f.department) ?? new Map<string, string>();
    codes.set(f.indicator, f.indicatorName);
    byDepartment.set(f.department, codes);
    if (f.status && f.value !== null) statuses[f.status]++;
    if (f.derived && f.value !== null) derived++;
  }
  const sources = DEPARTMENTS.filter((d) => byDepartment.has(d))
    .map((d) => `${DEPARTMENT_LABELS[d]}（${[...new Set(byDepartment.get(d)!.values())].join('、')}）`)
    .join('；');
  const status = (Object.keys(statuses) as ObservationStatus[])
    .filter((s) => statuses[s])
    .map((s) => `${STATUS_LABELS[s]}${statuses[s]}项`)
    .join('，');
  // Nothing printed: 暂缺 when the owner's service did not answer (a tester's table said 均未报送 beside "数据暂缺").
  const none = figures.length && figures.every((f) => f.absence === 'UNAVAILABLE') ? '暂缺（数据服务不可用）' : figures.some((f) => f.absence === 'UNAVAILABLE') ? '无（暂缺或未报送）' : '均未报送';
  return `来源：${sources}。数据状态：${status || none}${derived ? `；系统推算${derived}项（标“推”）` : ''}。`;
}

function collect(value: unknown, out: Figure[] = []): Figure[] {
  if (!value || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out);
    return out;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.text === 'string' && 'field' in record && 'department' in record) {
    out.push(record as unknown as Figure);
    return out;
  }
  for (const v of Object.values(record)) collect(v, out);
  return out;
}

function note(figures: unknown, extra = ''): string {
  return `<p class="note">${escapeHtml(sourceNote(collect(figures)))}${extra ? ` ${extra}` : ''}</p>`;
}

// ---------------------------------------------------------------------------------------------

const CSS = `
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #f2f2f2; color: #262626; font-family: 'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC','SimHei',sans-serif; font-size: 10.5pt; line-height: 1.55; }
.page { max-width: 190mm; margin: 0 auto; background: #fff; padding: 12mm 12mm 14mm; }
@media screen { .page { margin: 16px auto; box-shadow: 0 1px 6px rgba(0,0,0,.15); } }
@media print { body { background: #fff; } .page { padding: 0; max-width: none; } }
header.masthead { text-align: center; border-bottom: 3px solid #c00000; padding-bottom: 8px; margin-bottom: 4px; }
header.masthead .top { display: flex; justify-content: space-between; align-items: center; font-size: 9pt; }
header.masthead .mark { color: #c00000; border: 1px solid #c00000; padding: 0 6px; letter-spacing: 2px; }
header.masthead .kind { color: #595959; }
header.masthead h1 { color: #c00000; font-size: 20pt; margin: 10px 0 4px; letter-spacing: 1px; font-weight: 700; line-height: 1.3; }
header.masthead .sub { font-size: 10.5pt; color: #404040; }
.meta-line { display: flex; justify-content: space-between; font-size: 8.5pt; color: #595959; border-top: 1px solid #c00000; margin-top: 2px; padding-top: 3px; margin-bottom: 10px; }
.summary { background: #f7f9fc; border-left: 4px solid #2f5597; padding: 6px 10px; margin: 10px 0 4px; font-size: 10pt; }
.summary li { margin: 1px 0; }
.summary ul { margin: 2px 0; padding-left: 18px; }
h2 { font-size: 13.5pt; color: #1f3864; border-bottom: 1.5px solid #1f3864; padding-bottom: 2px; margin: 18px 0 8px; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; color: #1f3864; margin: 12px 0 4px; break-after: avoid; page-break-after: avoid; }
section { break-inside: auto; }
.unavailable { border: 2px solid #b00; color: #b00; padding: 8px 12px; margin: 12px 0; font-weight: bold; }
.unavailable-note { color: #b00; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; }
.card { border: 1px solid #d0d7e5; border-top: 3px solid #2f5597; padding: 5px 7px 4px; background: #fff; break-inside: avoid; page-break-inside: avoid; }
.card .label { font-size: 9.5pt; font-weight: 700; color: #1f3864; }
.card .period { font-size: 8pt; color: #7f7f7f; }
.card .value { font-size: 16pt; font-weight: 700; line-height: 1.25; color: #1f1f1f; }
.card .value .u { font-size: 9pt; font-weight: 400; margin-left: 2px; color: #404040; }
.card .growth { font-size: 9pt; }
.card .month { font-size: 8pt; color: #595959; }
.card .src { font-size: 7pt; color: #8c8c8c; margin-top: 2px; border-top: 1px dotted #d9d9d9; line-height: 1.35; }
.card .src .c { font-size: 6.5pt; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2px 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #bfbfbf; padding: 2px 4px; }
th { background: #dde4f0; color: #1f3864; font-weight: 700; text-align: center; line-height: 1.3; }
th .u { font-weight: 400; font-size: 7.5pt; color: #404040; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name { white-space: nowrap; }
td.center { text-align: center; white-space: nowrap; }
td.code { font-size: 7pt; color: #404040; word-break: break-all; }
span.code { font-size: 7pt; color: #404040; white-space: nowrap; }
td.wrap { min-width: 9em; }
td.ent { min-width: 12em; }
td.ent .ind { font-size: 7pt; color: #7f7f7f; }
td.region { text-align: center; min-width: 4.2em; max-width: 6em; }
td.reasons { min-width: 8em; }
td.by { text-align: center; min-width: 4.5em; }
td.desc { min-width: 16em; }
tr.overdue .subj { color: #c00000; }
td .ind { font-size: 7pt; color: #7f7f7f; }
tr.city td { font-weight: 700; background: #f2f5fa; }
tr.behind td.name { color: #c00000; font-weight: 700; }
table#parks tr.total td { font-weight: 700; border-top: 1.5px solid #595959; }
table.targets td.behind, table.targets tbody tr[data-stripe] td.behind { background: #fde9e9; color: #c00000; }
.absent { color: #a6a6a6; font-size: 0.92em; }
.rule-name { color: #c00000; font-weight: 700; }
/* No table starts with one row at a page's foot: the heading, the header and the first rows go together. */
table tbody.lead-rows, table tbody.tail-rows { break-inside: avoid; page-break-inside: avoid; }
.keep { break-inside: avoid; page-break-inside: avoid; }
tbody tr[data-stripe] td { background: #fafafa; }
tbody tr.city[data-stripe] td { background: #f2f5fa; }
.rk { display: inline-block; min-width: 14px; margin-left: 3px; padding: 0 2px; font-size: 7pt; line-height: 12px; text-align: center; color: #595959; border: 1px solid #bfbfbf; border-radius: 7px; font-weight: 400; }
.rk-first { color: #fff; background: #2f5597; border-color: #2f5597; }
.rk-last { color: #fff; background: #c00000; border-color: #c00000; }
.neg { color: #c00000; }
.flag { display: inline-block; font-size: 7.5pt; color: #fff; background: #c00000; padding: 0 4px; border-radius: 2px; margin-left: 3px; }
.ok { color: #2f5597; font-size: 7.5pt; }
sup.st { font-size: 6.5pt; color: #c55a11; margin-left: 1px; }
sup.st-revised { color: #7030a0; }
sup.dv { font-size: 6.5pt; color: #7f7f7f; margin-left: 1px; }
sup.rr { font-size: 6.5pt; color: #b00020; margin-left: 1px; }
.na { color: #a6a6a6; }
.note { font-size: 7.5pt; color: #7f7f7f; margin: 2px 0 8px; line-height: 1.4; }
.lead { margin: 4px 0 6px; orphans: 3; widows: 3; }
figure { margin: 6px 0 10px; break-inside: avoid; page-break-inside: avoid; }
figure svg.chart { width: 100%; height: auto; display: block; }
figcaption { font-size: 9.5pt; font-weight: 700; color: #1f3864; margin-bottom: 2px; }
.chart-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; }
.chart-grid figure { margin: 4px 0; }
table.trend-data { font-size: 7.5pt; }
table.trend-data th, table.trend-data td { padding: 1px 2px; }
.warning { border: 1px solid #e4b9b9; border-left: 4px solid #c00000; padding: 5px 9px; margin: 6px 0; break-inside: avoid; page-break-inside: avoid; background: #fffafa; }
.warning .head { font-weight: 700; }
.warning .rule { color: #c00000; }
.warning .code { font-size: 8pt; color: #7f7f7f; font-weight: 400; margin-left: 4px; }
.warning p { margin: 2px 0; font-size: 9.5pt; }
.warning .action { color: #7f3f00; }
.warning .thresholds { font-size: 8pt; color: #595959; }
.warning table { margin-top: 3px; }
.pending { border: 1.5px dashed #c55a11; background: #fff8f0; padding: 8px 10px; margin: 6px 0; font-size: 9.5pt; }
.pending strong { color: #c55a11; }
.quarter { border: 1.5px solid #2f5597; padding: 4px 10px 8px; background: #f7f9fc; }
.reasons { font-size: 8pt; }
.reasons .w { color: #c00000; font-weight: 700; }
table + .note { break-before: avoid; page-break-before: avoid; }
/* A section's lead text stays with the table it introduces (else heading and summary end one page, the table starts the next). */
section > p:has(+ table), section > p:has(+ .note + table), section > .note:has(+ table) { break-after: avoid; page-break-after: avoid; }
dl.colophon { break-inside: avoid; page-break-inside: avoid; display: grid; grid-template-columns: 7.5em 1fr; gap: 1px 8px; font-size: 8.5pt; margin: 4px 0; }
dl.colophon dt { color: #595959; }
dl.colophon dd { margin: 0; word-break: break-all; }
.appendix table { font-size: 7.5pt; }
footer.end { margin-top: 14px; font-size: 8pt; color: #7f7f7f; text-align: center; border-top: 1px solid #d9d9d9; padding-top: 4px; }
`;

// ---------------------------------------------------------------------------------------------
// Sections

const CHINESE_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

function summary(model: PackModel): string {
  const items: string[] = [];
  const byCode = new Map(model.headline.map((h) => [h.indicator, h]));
  const va = byCode.get('STAT_VALUE_ADDED_GROWTH');
  const output = byCode.get('STAT_GROSS_OUTPUT');
  const power = byCode.get('EN_ELECTRICITY');
  const loans = byCode.get('FIN_LOANS_OUTSTANDING');
  const parts: string[] = [];
  if (va?.primary.value !== null && va) parts.push(`规上工业增加值同比${growthWords(va.primary.value)}`);
  if (output?.primary.value !== null && output) parts.push(`规上工业总产值${output.primary.text}${output.primary.displayUnit}，${output.growth ? growthWords(output.growth.value) : ''}`);
  if (power?.primary.value !== null && power) parts.push(`工业用电量${power.primary.text}${power.primary.displayUnit}，${power.growth ? growthWords(power.growth.value) : ''}`);
  if (loans?.primary.value !== null && loans) parts.push(`${loans.primaryLabel}贷款余额${loans.primary.text}${loans.primary.displayUnit}，${loans.growth ? growthWords(loans.growth.value) : ''}`);
  if (model.quarter) {
    const q = model.quarter;
    const pick = (code: string) => q.city.find((f) => f.indicator === code);
    const qParts = ['STAT_GROSS_OUTPUT', 'EN_ELECTRICITY', 'IND_PROJECT_INVESTMENT']
      .map(pick)
      .filter((f): f is NonNullable<typeof f> => !!f && f.main.value !== null)
      .map((f) => `${f.label}${f.main.text}${f.main.displayUnit}${f.growth?.value != null ? `，${growthWords(f.growth.value)}` : ''}`);
    if (qParts.length) items.push(`${q.label}（${q.period}），全市${qParts.join('；')}${q.firstQuarter ? '' : '（季度数由累计推算）'}。`);
  }
  const unreported = unreportedDepartments(model);
  if (unreported.length) items.push(`${unreported.map((d) => DEPARTMENT_LABELS[d]).join('、')}本月数据尚未报送，本材料中其数据标“未报送”，请在报送后重新生成。`);
  if (parts.length) items.push(`${model.meta.ytdLabel}，全市${parts.join('；')}。`);
  const behind = model.targets.behindDistricts;
  // A department down sent no targets: the counts are of the others' (a tester's 襄城县 went from 5 to 4 without a word).
  const downLabels = (model.meta.unavailable ?? []).map((d) => DEPARTMENT_LABELS[d]).join('、');
  const targetsCaveat = downLabels ? `（${downLabels}数据暂缺，其目标任务未计入）` : '';
  if (model.targets.timeProgressPct !== null) {
    items.push(
      behind.length
        ? `序时进度${formatNumber(model.targets.timeProgressPct, 1, true)}%，${behind.length}个地区有目标任务落后于序时进度${targetsCaveat}：${behind.map((b) => `${b.name}（${b.behind.length}项）`).join('、')}。`
        : `序时进度${formatNumber(model.targets.timeProgressPct, 1, true)}%，各地区目标任务均未落后于序时进度${targetsCaveat}。`,
    );
  }
  const withheld = withheldWarnings(model);
  if (withheld.length) items.push(`${withheld.map((w) => w.rule).join('、')}预警所用数据${[...new Set(withheld.map((w) => w.label))].join('或')}，本材料未能判断。`);
  const warnings = model.warnings.length;
  const rules = [...new Set(model.warnings.map((w) => w.title))];
  // Zero enterprises to watch is said only when their figures came: with none reported, nothing was judged.
  const k = model.keyEnterprises;
  const keyDown = KEY_FIGURES.some(([, d]) => (model.meta.unavailable ?? []).includes(d));
  const watch = k.unavailable
    ? `重点企业名单暂缺（${DEPARTMENT_LABELS[REGISTER_DEPARTMENT]}数据服务不可用），未判断需关注企业`
    : k.listed > 0 && k.reported === 0
      ? `重点企业本月${keyDown ? keyFiguresMissing(model) : '数据均未报送'}，未能判断需关注企业`
      : `需关注重点企业${k.attention.length}家${keyFiguresCaveat(model)}`;
  // A department down: its rules were not judged, so the count is not the month's whole (a tester compared 53 with 56).
  const down = model.meta.unavailable ?? [];
  // The register's department down also takes the key-enterprise list the other departments' enterprise rules judge (a tester's HR and energy warnings vanished unexplained).
  const unjudged = down.length
    ? `；${down.map((d) => DEPARTMENT_LABELS[d]).join('、')}数据服务不可用，其预警规则${down.includes(REGISTER_DEPARTMENT) ? '及按重点企业名单判断的预警' : ''}本次未判断`
    : '';
  items.push(warnings ? `本月预警${warnings}条（${rules.join('、')}）${unjudged}，${watch}。` : `本月无预警${unjudged}；${watch}。`);
  if (model.parks) {
    const p = model.parks;
    const t = p.total;
    items.push(`全市${p.parkCount}个园区${t.periodLabel ? `${t.periodLabel}完成基础设施投资${t.periodActual.text}亿元，完成目标的${t.periodCompletionPct.text}%` : t.ytdCompleted.value === null ? '本年尚无园区报送基础设施投资' : `累计完成基础设施投资${t.ytdCompleted.text}亿元`}${p.hasTargets ? `，${p.behind}个园区落后于序时进度` : '（本年目标未下达）'}${p.reportedCount < p.parkCount ? `，${p.parkCount - p.reportedCount}个园区未报送` : ''}。`);
  }
  if (model.keyProjects) items.push(model.keyProjects.total ? `重点项目${model.keyProjects.total}个，${model.meta.monthLabel.replace(/^\d+年/, '')}末进度滞后${model.keyProjects.behind}个。` : `${model.keyProjects.year}年重点项目台账尚未录入项目，未判断项目进度。`);
  // The register's department down: its ledgers are 暂缺, said here too (a tester's key points just lost these lines).
  if ((model.meta.unavailable ?? []).includes(REGISTER_DEPARTMENT)) items.push(`园区基础设施投资、重点项目和问题清单暂缺（${DEPARTMENT_LABELS[REGISTER_DEPARTMENT]}数据服务不可用）。`);
  if (model.problems) items.push(`问题清单截至${dayLabel(model.problems.monthEnd)}未办结${model.problems.open.length}项，其中逾期${model.problems.overdueCount}项。`);
  const counts = model.meta.statusCounts;
  const provisional = counts.PRELIMINARY + counts.REVISED;
  // "All final" is not said of a pack that holds figures awaiting re-reporting (待重报): a tester found both on one page.
  const printed = allFigures(model).filter((f) => f.value !== null);
  const awaiting = printed.filter((f) => f.stale).length;
  const derivedCount = printed.filter((f) => f.derived).length;
  items.push(
    provisional
      ? `本材料含初步数据${counts.PRELIMINARY}项、修订数据${counts.REVISED}项，分别以“初”“修”标注。`
      : awaiting
        ? `本材料所列数据为各部门最终数据，其中${awaiting}项累计值待重报（标“待重报”）。`
        : `本材料所列数据均为各部门最终数据${derivedCount ? `，其中${derivedCount}项为系统推算（标“推”）` : ''}。`,
  );
  // The city's figures whose year to date an earlier correction left behind: the reader is told up front, not only by the mark.
  const stale = model.sources.filter((s) => s.figure?.staleFields?.length).map((s) => s.name);
  if (stale.length) items.push(`${stale.join('、')}的全市累计值待重报：前期数据更正后本期累计不再相符（标“待重报”），以部门重新报送的数据为准。`);
  return `<div class="summary" id="summary"><strong>要点</strong><ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul></div>`;
}

/** Why a department has no figure for the month: its service did not answer (暂缺), January published with February, or not reported. */
function missingNote(department: Department, month: string, unavailable: readonly Department[] = []): string {
  // A department down is not one that did not report (a tester's table note blamed hr for 未报送 beside cells marked 暂缺).
  if (unavailable.includes(department)) return `${DEPARTMENT_LABELS[department]}数据服务本次不可用，数据暂缺`;
  return department === 'statistics' && month.endsWith('-01') ? '统计局1—2月数据合并发布，1月无数据' : `${DEPARTMENT_LABELS[department]}本月未报送`;
}

/** 人社局, or 供电公司（供电公司、燃气公司）: the bodies behind a department, without saying one name twice (人社局（人社局）). */
function departmentWithBodies(department: Department, extra = ''): string {
  const bodies = DEPARTMENT_BODIES[department] === DEPARTMENT_LABELS[department] ? '' : DEPARTMENT_BODIES[department];
  const inside = [bodies, extra].filter(Boolean).join('；');
  return inside ? `${DEPARTMENT_LABELS[department]}（${inside}）` : DEPARTMENT_LABELS[department];
}

function headlineSection(model: PackModel): string {
  const cards = model.headline
    .map((h) => {
      // The % is the figure's unit, printed before its marks (8.6%初, not 8.6初%: a tester's finding).
      const pct = (f: Figure) => fig(f, { signed: true, unit: f.value !== null });
      const missing = h.primary.value === null;
      // Why it is missing, as the data tells it (absence.ts); statistics' merged January is its own case.
      const why = h.primary.absence && h.primary.absence !== 'NOT_REPORTED' ? `${DEPARTMENT_LABELS[h.department]}数据${ABSENCE_LABELS[h.primary.absence]}` : missingNote(h.department, model.meta.month);
      const growth = missing
        ? `<div class="growth na">${escapeHtml(why)}</div>`
        : h.growth
          ? `<div class="growth">${escapeHtml(h.growthLabel ?? '')} ${pct(h.growth)}</div>`
          : '<div class="growth">&nbsp;</div>';
      const monthLine =
        h.month && !(missing && h.month.value === null)
          ? `<div class="month">${escapeHtml(h.monthLabel)} ${fig(h.month, { unit: true })}${h.monthGrowth ? `，同比 ${pct(h.monthGrowth)}` : ''}</div>`
          : '<div class="month">&nbsp;</div>';
      const status = h.primary.status ? STATUS_LABELS[h.primary.status] : ABSENCE_LABELS[h.primary.absence ?? 'NOT_REPORTED'];
      return `<div class="card" data-headline="${h.indicator}">
  <div class="label">${escapeHtml(h.label)}</div>
  <div class="period">${escapeHtml(h.primaryLabel)}</div>
  <div class="value">${fig(h.primary, { unit: true, signed: h.kind === 'RATE' })}</div>
  ${growth}
  ${monthLine}
  <div class="src">${DEPARTMENT_LABELS[h.department]} · ${status}</div>
</div>`;
    })
    .join('\n');
  return `<div class="cards" id="headline">${cards}</div>
${note(model.headline, '金额类指标由万元折算为亿元、用电量由万千瓦时折算为亿千瓦时显示，原值见HTML版各数字的提示信息，或附表（原单位）。')}`;
}

function districtTableHtml(table: DistrictTable, index: number, prefix: string, month: string, unavailable: readonly Department[] = []): string {
  const head1 = table.columns
    .map((c) => `<th colspan="${c.growthHeader ? 2 : 1}" title="${c.indicator}（${DEPARTMENT_LABELS[c.department]}）">${escapeHtml(c.label)}<br><span class="u">${DEPARTMENT_LABELS[c.department]}</span></th>`)
    .join('');
  const head2 = table.columns
    .map((c) => `<th>${c.kind === 'RATE' ? '累计增速' : c.levelHeader}<br><span class="u">${escapeHtml(c.levelUnit)}</span></th>${c.growthHeader ? '<th>同比<br><span class="u">%</span></th>' : ''}`)
    .join('');
  const rowHtml = (row: DistrictTable['rows'][number], city: boolean) =>
    `<tr class="${city ? 'city' : ''}" data-region="${row.code}"><td class="name">${escapeHtml(city ? `全市` : row.name)}</td>${row.cells
      .map(
        (cell, i) =>
          `<td class="num">${fig(cell.level, { signed: table.columns[i].kind === 'RATE' })}${rank(cell.level)}</td>${cell.growth ? `<td class="num">${fig(cell.growth, { signed: true })}${rank(cell.growth)}</td>` : ''}`,
      )
      .join('')}</tr>`;
  return `<h3>${prefix}表${index + 1}　各地区${escapeHtml(table.title)}</h3>
<table class="districts" id="${table.id}">
<thead><tr><th rowspan="2">地区</th>${head1}</tr><tr>${head2}</tr></thead>
<tbody>
${table.rows.map((r) => rowHtml(r, false)).join('\n')}
${rowHtml(table.cityRow, true)}
</tbody>
</table>
${note([table.rows, table.cityRow], `${absentNote(table, month, unavailable)}圈内数字为各部门排名通报的位次（蓝色第一、红色末位）：总量列按累计值（存量指标按月末余额）排名，同比列按增速排名。`)}`;
}

/** "统计局1—2月数据合并发布，1月无数据。" for the departments with no figure at all in a table. */
function absentNote(table: DistrictTable, month: string, unavailable: readonly Department[]): string {
  return table.departments
    .filter((d) => [...table.rows, table.cityRow].every((r) => r.cells.every((c, i) => table.columns[i].department !== d || (c.level.value === null && (c.growth?.value ?? null) === null))))
    .map((d) => `${missingNote(d, month, unavailable)}。`)
    .join('');
}

function districtsSection(model: PackModel): string {
  return model.districtTables.map((t, i) => districtTableHtml(t, i, '', model.meta.month, model.meta.unavailable ?? [])).join('\n');
}

/**
 * The table shows completion percentages; a printed page has no tooltips, so the city's annual
 * target of each total (the amount 100 % stands for) is printed under it. Districts' shares are in
 * each cell's title and in the department's target list.
 */
function cityTargets(level: PackModel['targets']['groups']): string {
  const parts = level.flatMap((g) => {
    const city = g.rows.find((r) => r.isCity);
    return city && city.targetValue.value !== null ? [`<span data-city-target="${g.id}">${escapeHtml(g.name)} ${fig(city.targetValue, { unit: true })}</span>`] : [];
  });
  return parts.length ? `<p class="note" id="city-targets">全市全年目标：${parts.join('；')}。</p>` : '';
}

function targetsSection(model: PackModel): string {
  const t = model.targets;
  if (!t.groups.length) return '<p class="lead">本月各部门未返回可判断进度的目标任务。</p>';
  const time = t.timeProgressPct === null ? '' : `${formatNumber(t.timeProgressPct, 1, true)}%`;
  const level = t.groups.filter((g) => g.measure === 'LEVEL');
  const growth = t.groups.filter((g) => g.measure === 'GROWTH_PCT');
  const regions = t.groups[0].rows.map((r) => ({ code: r.code, name: r.name, isCity: r.isCity }));
  const behindCodes = new Set(t.behindDistricts.map((b) => b.code));
  const header = t.groups
    .map((g) => `<th title="${escapeHtml(`${g.indicator}：${g.description}（${g.source}）`)}">${escapeHtml(g.name)}<br><span class="u">${g.measure === 'LEVEL' ? '完成全年目标 %' : '累计增速 / 目标 %'} · ${DEPARTMENT_LABELS[g.department]}</span></th>`)
    .join('');
  const body = regions
    .map((region) => {
      const cells = t.groups
        .map((g) => {
          const row = g.rows.find((r) => r.code === region.code);
          if (!row) return '<td class="num"><span class="na">—</span></td>';
          const shown = row.completion ?? row.actual;
          const flag = row.behind === true ? '<span class="flag" data-behind="true">落后</span>' : row.behind === false ? '' : '';
          const target = g.measure === 'GROWTH_PCT' ? `<span class="na">/</span>${fig(row.targetValue)}` : '';
          return `<td class="num${row.behind === true ? ' behind' : ''}" data-target="${g.id}" data-behind="${row.behind}">${fig(shown, { signed: g.measure === 'GROWTH_PCT' })}${target}${flag}</td>`;
        })
        .join('');
      const cls = [region.isCity ? 'city' : '', behindCodes.has(region.code) ? 'behind' : ''].filter(Boolean).join(' ');
      return `<tr class="${cls}" data-region="${region.code}"><td class="name">${escapeHtml(region.isCity ? `全市` : region.name)}</td>${cells}</tr>`;
    })
    .join('\n');
  const behindList = t.behindDistricts.length
    ? `<p class="lead"><strong>有目标落后序时进度的地区</strong>（括号内为落后项数，明细见下表）：${t.behindDistricts.map((b) => `<span data-behind-region="${b.code}" title="${escapeHtml(b.behind.join('、'))}">${escapeHtml(b.name)}（${b.behind.length}）</span>`).join('、')}。</p>`
    : '<p class="lead">各地区目标任务均未落后于序时进度。</p>';
  const charts = [...level, ...growth]
    .map(
      (g) => `<figure data-target-chart="${g.id}"><figcaption>${escapeHtml(g.name)}${g.measure === 'LEVEL' ? '：完成全年目标进度' : '：累计增速与目标'}</figcaption>${targetChartSvg(g)}</figure>`,
    )
    .join('\n');
  const unjudged = t.unjudged.length
    ? `<p class="note">以下目标本月无法由部门数据判断进度（占比、百分点或单一产业集群目标），仅列示：${t.unjudged
        .map((u) => `${escapeHtml(u.description)}（${escapeHtml(u.regions.length > 3 ? `${u.regions.slice(0, 3).join('、')}等${u.regions.length}地` : u.regions.join('、'))}，${DEPARTMENT_LABELS[u.department]}，${escapeHtml(u.source)}）`)
        .join('；')}。</p>`
    : '';
  return `<p class="lead">截至${escapeHtml(model.meta.monthLabel.replace(/^\d+年/, ''))}末，序时进度为 <strong>${time}</strong>。总量目标按累计完成占全年目标的比例与序时进度比较，增速目标按累计增速与目标增速比较；是否落后以各部门的判定为准（红色标“落后”）。</p>
${behindList}
<table class="targets" id="targets">
<thead><tr><th>地区</th>${header}</tr></thead>
<tbody>
${body}
</tbody>
</table>
${cityTargets(level)}
${note(t.groups.map((g) => g.rows), `目标来源：${escapeHtml([...new Set(t.groups.map((g) => g.source))].join('、'))}。`)}
<div class="chart-grid">
${charts}
</div>
${unjudged}`;
}

function clustersSection(model: PackModel): string {
  // The clusters are the register's groups: with its department down the section stays, 暂缺, so the
  // sections after it keep their numbers (a tester's pack renumbered 五→四 with industry down).
  if (!model.clusters) return pending('产业集群名单及主营业务收入', 'clusters', model);
  const c = model.clusters;
  if (!c.rows.length) return '<p class="lead">本月未返回产业集群数据。</p>';
  const yi = (v: number | null) => (v === null ? '<span class="na">—</span>' : escapeHtml(formatValue(v, '万元', 'region')));
  const pct = (v: number | null, signed = false) => (v === null ? '<span class="na">—</span>' : escapeHtml(`${signed && v > 0 ? '+' : ''}${formatPct(v)}`));
  const ordered = [...c.rows].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code));
  const body = ordered
    .map((r) => {
      const missing = r.withheld ? '<span class="na" data-absence="withheld">未获授权</span>' : r.unavailable ? '<span class="na">数据暂缺</span>' : '<span class="na">未报送</span>';
      const revenue = r.revenueYtd === null ? missing : yi(r.revenueYtd);
      const flag = r.behind === true ? '<span class="flag" data-behind="true">落后</span>' : '';
      return `<tr data-cluster="${escapeHtml(r.code)}"${r.behind === true ? ' class="behind"' : ''}><td class="num">${r.rank ?? '—'}</td><td class="name">${escapeHtml(r.name)}</td><td class="num">${r.enterpriseCount}</td><td class="num">${revenue}</td><td class="num">${pct(r.revenueGrowth, true)}</td><td class="num">${yi(r.targetValue)}</td><td class="num${r.behind === true ? ' behind' : ''}">${pct(r.completionPct)}${flag}</td><td class="num">${pct(r.gap, true)}</td></tr>`;
    })
    .join('\n');
  const behind = c.rows.filter((r) => r.behind === true).map((r) => r.name);
  // Only clusters with a revenue target are judged; one whose total the reader may not read (or that is missing) cannot be.
  const targeted = c.rows.filter((r) => r.targetValue !== null || r.withheld || r.unavailable);
  const unjudged = targeted.filter((r) => r.behind === null);
  const verdict = behind.length
    ? `落后序时进度的集群：${behind.map(escapeHtml).join('、')}。`
    : unjudged.length === targeted.length
      ? `各集群是否落后序时进度无法判断（集群收入${c.rows.some((r) => r.withheld) ? '未获授权' : '数据暂缺或未报送'}）。`
      : unjudged.length
        ? `已判断的${targeted.length - unjudged.length}个集群均未落后于序时进度，另${unjudged.length}个无法判断。`
        : '各集群均未落后于序时进度。';
  const time = c.timeProgressPct === null ? '—' : `${formatNumber(c.timeProgressPct, 1, true)}%`;
  const e = c.emerging;
  const emerging = e
    ? `<p class="lead" data-cluster="emerging">${escapeHtml(e.name)}：产值累计${e.withheld ? '增速未获授权' : e.growth === null ? '增速未报送' : escapeHtml(growthWords(e.growth))}，目标增长${formatNumber(e.target, 1, true)}%以上（${escapeHtml(e.source)}第九项）${e.behind === true ? '，<strong class="behind-text">低于目标</strong>' : e.behind === false ? '，达到目标' : ''}。</p>`
    : '';
  return `<p class="lead">截至${escapeHtml(model.meta.monthLabel.replace(/^\d+年/, ''))}末，序时进度为 <strong>${time}</strong>。各产业集群主营业务收入为统计局按集群所含行业（工信委产业集群目录）汇总的规上企业累计数，按累计收入排名；完成目标 = 累计 ÷ 全年目标（${escapeHtml(c.source ?? '许政[2015]39号')}第七项）。${verdict}</p>
<table class="targets clusters" id="clusters">
<thead><tr><th>排名</th><th>产业集群</th><th>企业数<br><span class="u">户</span></th><th>主营业务收入累计<br><span class="u">亿元</span></th><th>同比<br><span class="u">%</span></th><th>全年目标<br><span class="u">亿元</span></th><th>完成目标<br><span class="u">%</span></th><th>与序时进度差<br><span class="u">百分点</span></th></tr></thead>
<tbody>
${body}
</tbody>
</table>
${emerging}
<p class="note">来源：统计局（各集群企业主营业务收入逐户汇总；集群合计视同企业数据，未获统计局授权时不列示）；集群目录：工信委；目标：${escapeHtml(c.source ?? '许政[2015]39号')}。装备制造与电力装备、汽车及零部件、电梯等集群有交叉，各集群不可相加。</p>`;
}

function trendTable(chart: TrendChart): string {
  const head = chart.months.map((m) => `<th>${escapeHtml(axisMonthLabel(m))}</th>`).join('');
  const rows = chart.series
    .map((s) => {
      const unit = s.axis === 1 || s.field === 'yoyPct' || s.field === 'ytdYoyPct' ? '%' : chart.units[0];
      return `<tr><td class="name">${escapeHtml(s.name)}<span class="u">（${escapeHtml(unit)}）</span></td>${s.points.map((p) => `<td class="num">${fig(p, { signed: unit === '%', dash: true })}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table class="trend-data"><thead><tr><th>月份</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function gapNote(chart: TrendChart): string {
  const gaps = chart.series.some((s) => s.points.some((p) => p.value === null));
  if (!gaps) return '';
  return chart.department === 'statistics'
    ? '“—”为该月无此数据：统计局1—2月数据合并发布，1月无数据，2月只发布累计值。'
    : '“—”为该月无此数据。';
}

function trendsSection(model: PackModel): string {
  return model.trends
    .map(
      (chart, i) => `<figure data-trend="${chart.id}">
<figcaption>图${i + 1}　全市${escapeHtml(chart.title)}（${escapeHtml(monthLabel(chart.months[0]))}—${escapeHtml(monthLabel(chart.months[chart.months.length - 1]))}）</figcaption>
${trendChartSvg(chart)}
${trendTable(chart)}
</figure>
${note(chart.series, gapNote(chart))}`,
    )
    .join('\n');
}

function quarterSection(model: PackModel): string {
  const q = model.quarter!;
  const cityRows = q.city
    .map((f) => {
      const months = f.months.map((m) => `<td class="num">${fig(m, { signed: f.kind === 'RATE' })}</td>`).join('');
      return `<tr data-indicator="${f.indicator}"><td class="name">${escapeHtml(f.label)}<span class="u">（${escapeHtml(f.main.displayUnit)}）</span></td><td class="center">${escapeHtml(f.mainLabel)}</td><td class="num"><strong>${fig(f.main, { signed: f.kind === 'RATE' })}</strong></td><td class="num">${f.growth ? `${fig(f.growth, { signed: true })}` : '<span class="na">—</span>'}</td><td class="center">${escapeHtml(f.growthLabel ?? '')}</td>${months}</tr>`;
    })
    .join('\n');
  const monthHeads = q.city[0]?.months.map((m) => `<th>${escapeHtml(axisMonthLabel(m.month))}当月</th>`).join('') ?? '';
  const districtHead = q.districtColumns.map((c) => `<th colspan="2">${escapeHtml(c.label)}<br><span class="u">${DEPARTMENT_LABELS[c.department]}</span></th>`).join('');
  const districtHead2 = q.districtColumns.map((c) => `<th>${escapeHtml(q.period)}<br><span class="u">${escapeHtml(c.unit)}</span></th><th>同比<br><span class="u">%</span></th>`).join('');
  const districtRows = q.districts
    .map((d) => `<tr data-region="${d.code}"><td class="name">${escapeHtml(d.name)}</td>${d.cells.map((c) => `<td class="num">${fig(c.qtd)}</td><td class="num">${fig(c.growth, { signed: true })}</td>`).join('')}</tr>`)
    .join('\n');
  const how = q.firstQuarter
    ? '一季度的季度累计即年度累计，为各部门报告值。'
    : `季度累计由本月累计减去${escapeHtml(monthLabel(q.previousQuarterEnd))}累计推算，季度同比由两期累计同比还原上年同期值推算（标“推”）；增加值增速按可比价报告，不作推算，列示本季各月当月增速；存量指标列示季末余额及比上季末增减。`;
  return `<div class="quarter" id="quarter">
<p class="lead">${escapeHtml(q.label)}（${escapeHtml(q.period)}）全市主要指标。${how}</p>
<table id="quarter-city">
<thead><tr><th>指标</th><th>口径</th><th>本季</th><th>增速 / 增减</th><th>说明</th>${monthHeads}</tr></thead>
<tbody>
${cityRows}
</tbody>
</table>
<h3>各地区${escapeHtml(q.period)}主要指标</h3>
<table id="quarter-districts">
<thead><tr><th rowspan="2">地区</th>${districtHead}</tr><tr>${districtHead2}</tr></thead>
<tbody>
${districtRows}
</tbody>
</table>
${note([q.city, q.districts])}
</div>`;
}

/** The key enterprises' four figures and whose they are (百户重点企业: 产值, 用电, 用工, 贷款). */
const KEY_FIGURES: readonly [string, Department][] = [
  ['产值', 'industry'],
  ['用电', 'energy'],
  ['用工', 'hr'],
  ['贷款', 'finance'],
];

/**
 * "（用工、贷款数据暂缺，相关条件未判断）" when a department of the key enterprises' figures is down: the
 * count of enterprises to watch is then a lower bound (a tester's 需关注14家 was 17 with hr up).
 */
function keyFiguresCaveat(model: PackModel): string {
  const down = model.meta.unavailable ?? [];
  const missing = KEY_FIGURES.filter(([, d]) => down.includes(d)).map(([k]) => k);
  return missing.length ? `（${missing.join('、')}数据暂缺，相关条件未判断）` : '';
}

/**
 * Why none of the key enterprises' figures is there: 未报送, or 暂缺 for those of a department whose
 * service did not answer (a tester's pack said 用工 was 未报送 while the hr subgraph was down).
 */
function keyFiguresMissing(model: PackModel): string {
  const down = model.meta.unavailable ?? [];
  const missing = KEY_FIGURES.filter(([, d]) => down.includes(d));
  const unreported = KEY_FIGURES.filter(([, d]) => !down.includes(d));
  if (!missing.length) return `${unreported.map(([k]) => k).join('、')}数据均未报送`;
  const labels = [...new Set(missing.map(([, d]) => DEPARTMENT_LABELS[d]))].join('、');
  return `${missing.map(([k]) => k).join('、')}数据暂缺（${labels}数据服务不可用）${unreported.length ? `，${unreported.map(([k]) => k).join('、')}数据未报送` : ''}`;
}

function enterprisesSection(model: PackModel): string {
  const k = model.keyEnterprises;
  const truncated = k.listed < k.total ? `（网关返回${k.listed}家，共${k.total}家，其余未列入本材料）` : '';
  const rows = k.attention
    .map(
      (e) => `<tr data-credit-code="${e.creditCode}"><td class="ent">${escapeHtml(e.name)}<br><span class="code">${escapeHtml(e.creditCode)}</span> <span class="ind">${escapeHtml(e.industry)}</span></td><td class="region">${escapeHtml(e.region)}</td>
<td class="num">${fig(e.output)}</td><td class="num">${fig(e.outputYtdGrowth, { signed: true })}</td><td class="num">${fig(e.outputGrowth, { signed: true })}</td><td class="num">${fig(e.electricityGrowth, { signed: true })}</td><td class="num">${fig(e.employees)}</td><td class="num">${fig(e.employeesGrowth, { signed: true })}</td><td class="num">${fig(e.loans)}</td>
<td class="reasons">${e.reasons.map((r) => (r.startsWith('预警') ? `<span class="w">${escapeHtml(r)}</span>` : escapeHtml(r))).join('；')}</td></tr>`,
    )
    .join('\n');
  const table = k.attention.length
    ? `<table id="attention-enterprises">
<thead><tr><th rowspan="2">企业</th><th rowspan="2">地区</th><th colspan="3">百户产值 · 工信委</th><th>用电 · 供电</th><th colspan="2">用工 · 人社局</th><th>贷款 · 金融办</th><th rowspan="2">关注原因</th></tr>
<tr><th>累计<br><span class="u">万元</span></th><th>累计同比<br><span class="u">%</span></th><th>当月同比<br><span class="u">%</span></th><th>当月同比<br><span class="u">%</span></th><th>月末<br><span class="u">人</span></th><th>同比<br><span class="u">%</span></th><th>余额<br><span class="u">万元</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${note(k.attention)}`
    : '<p class="lead">本月百户重点企业无需特别关注的情况。</p>';
  // No list is not an empty list: with the register's department down a tester's pack said
  // 百户重点企业0家，需关注0家 and 无需特别关注, which a meeting reads as all clear.
  if (k.unavailable) {
    return `<h3>（一）重点企业</h3>
${pending('百户重点企业名单', 'keyEnterprises', model)}
<h3>（二）重点项目</h3>
${keyProjectsHtml(model)}`;
  }
  // Nothing to judge is not "none to watch" (a tester's January pack said 无需特别关注 with no figures at all).
  if (k.listed > 0 && k.reported === 0 && !k.attention.length) {
    return `<h3>（一）重点企业</h3>
<p class="lead" data-key-enterprises-unjudged>百户重点企业${k.total}家：本月其${keyFiguresMissing(model)}，未能判断需关注的企业。</p>`;
  }
  return `<h3>（一）重点企业</h3>
<p class="lead">百户重点企业${k.total}家${escapeHtml(truncated)}，需关注${k.attention.length}家${keyFiguresCaveat(model)}。${escapeHtml(k.criteria)}</p>
${table}
<h3>（二）重点项目</h3>
${keyProjectsHtml(model)}`;
}

function parksSection(model: PackModel): string {
  const p = model.parks;
  if (!p) return pending('园区基础设施投资台账', 'parkInfrastructure', model);
  const t = p.total;
  const period = t.periodLabel ?? p.rows.find((r) => r.periodLabel)?.periodLabel ?? '本期';
  const notReported = (r: ParkRowView) => r.reported === false;
  // A park that did not report prints 未报送 where its figures would be (issue 16 item 4), not dashes.
  const cell = (r: ParkRowView, f: Figure, opts: { dash?: boolean } = {}) => (notReported(r) && f.value === null ? '<span class="missing">未报送</span>' : fig(f, opts));
  const line = (r: ParkRowView, total = false) =>
    `<tr class="${[total ? 'total' : '', r.behind === true || r.yearBehind === true ? 'behind' : ''].filter(Boolean).join(' ')}" data-park="${escapeHtml(r.code ?? 'ALL')}" data-behind="${r.behind}" data-year-behind="${r.yearBehind}"><td class="center">${r.rank ?? (total ? '' : '—')}</td><td class="name">${escapeHtml(r.name)}</td><td class="region">${escapeHtml(r.region)}</td>` +
    `<td class="num">${fig(r.periodTarget, { dash: true })}</td><td class="num">${cell(r, r.periodActual)}</td><td class="num${r.behind === true ? ' behind' : ''}">${cell(r, r.periodCompletionPct, { dash: true })}${r.behind === true ? '<span class="flag">落后</span>' : ''}</td><td class="num">${fig(r.timeProgressPct, { dash: true })}</td>` +
    `<td class="num">${fig(r.yearTarget, { dash: true })}</td><td class="num">${cell(r, r.ytdCompleted)}</td><td class="num${r.yearBehind === true ? ' behind' : ''}">${cell(r, r.yearCompletionPct, { dash: true })}${r.yearBehind === true ? '<span class="flag">落后</span>' : ''}</td><td class="num">${fig(r.yearTimeProgressPct, { dash: true })}</td></tr>`;
  const missing = p.reportedCount < p.parkCount ? `（已报送${p.reportedCount}个，合计只含已报送园区）` : '';
  const year = model.meta.month.slice(0, 4);
  const judged = p.hasTargets
    ? `${escapeHtml(period)}完成基础设施投资${t.periodActual.text}亿元，完成${escapeHtml(period)}目标${t.periodTarget.text}亿元的${t.periodCompletionPct.text}%（序时进度${t.timeProgressPct.text}%）；本年累计${t.ytdCompleted.text}亿元` +
      (t.yearCompletionPct.value !== null ? `，完成全年目标的${t.yearCompletionPct.text}%（全年序时进度${t.yearTimeProgressPct.text}%，按季度目标分解）` : '') +
      `。${p.behind ? `${p.behind}个园区落后于序时进度（红色标“落后”，本期或全年）。` : p.reportedCount ? '已报送园区均达到序时进度。' : ''}`
    : `${t.ytdCompleted.value === null ? '本年尚无园区报送基础设施投资' : `本年累计完成基础设施投资${t.ytdCompleted.text}亿元`}。${year}年园区投资目标未下达，本期不判定序时进度。`;
  const lead = `<p class="lead">全市${p.parkCount}个园区${escapeHtml(missing)}，${judged}</p>`;
  const rankedOn = p.rankedOnYear ? '全年' : period;
  const targets = p.sources.length ? `目标：${escapeHtml(p.sources.join('；'))}。` : '';
  return `${lead}
<table id="parks" class="targets"><thead><tr><th rowspan="2">排名</th><th rowspan="2">园区</th><th rowspan="2">地区</th><th colspan="4">${escapeHtml(period)}</th><th colspan="4">全年</th></tr>
<tr><th>目标<br><span class="u">亿元</span></th><th>完成<br><span class="u">亿元</span></th><th>完成目标<br><span class="u">%</span></th><th>序时进度<br><span class="u">%</span></th><th>目标<br><span class="u">亿元</span></th><th>累计完成<br><span class="u">亿元</span></th><th>完成目标<br><span class="u">%</span></th><th>序时进度<br><span class="u">%</span></th></tr></thead><tbody>
${p.rows.map((r) => line(r)).join('\n')}
${line(t, true)}
</tbody></table>
<p class="note">来源：工信委园区基础设施投资台账（parkInfrastructure；${period === '一季度' || period === '全年' || period === '上半年' ? `${escapeHtml(period)}完成即本年累计` : `${escapeHtml(period)}完成 = 本年累计 − 上期末累计`}）。${p.hasTargets ? `排名按完成${escapeHtml(rankedOn)}目标的比例（未四舍五入）；全年序时进度按各季度目标累计分解（成办发〔2012〕1号）。` : ''}${targets}</p>`;
}

/** A register part the answer lacks: its department down says so in words (a tester read "网关的回答中没有 keyProjects"). */
function pending(what: string, field: string, model: PackModel): string {
  const why = (model.meta.unavailable ?? []).includes(REGISTER_DEPARTMENT)
    ? `${DEPARTMENT_LABELS[REGISTER_DEPARTMENT]}数据服务本次不可用`
    : `网关的回答中没有 <code>${field}</code>（${DEPARTMENT_LABELS[REGISTER_DEPARTMENT]}台账未接入或未返回）`;
  return `<div class="pending" data-pending="${field}"><strong>【暂缺】${escapeHtml(what)}</strong>：${why}，本期材料暂缺此项。</div>`;
}

function keyProjectsHtml(model: PackModel): string {
  const k = model.keyProjects;
  if (!k) return pending('重点项目台账', 'keyProjects', model);
  const threshold = k.thresholdPct === null ? '' : `（完成投资低于计划的${formatNumber(k.thresholdPct, 1, true)}%）`;
  if (!k.total) return `<p class="lead">${k.year}年重点项目台账尚未录入项目，本期不判断项目进度。</p>`;
  const lead = `<p class="lead">${k.year}年重点项目台账${k.total}个，${escapeHtml(model.meta.monthLabel.replace(/^\d+年/, ''))}末进度滞后${k.behind}个${threshold}，需关注${k.attention.length}个。</p>`;
  if (!k.attention.length) return `${lead}<p class="lead">重点项目均按计划推进。</p>`;
  const rows = k.attention
    .map(
      (p) => `<tr data-project="${escapeHtml(p.code)}" data-behind="${p.behindSchedule}"><td class="center">${escapeHtml(p.code)}</td><td class="ent">${escapeHtml(p.name)}${p.enterprise ? `<br><span class="ind">${escapeHtml(p.enterprise)}</span>` : ''}</td><td class="region">${escapeHtml(p.region)}</td><td class="center">${escapeHtml(p.stage)}</td><td class="num">${fig(p.planned)}</td><td class="num">${fig(p.completed)}</td><td class="num">${fig(p.completionPct)}${p.behindSchedule ? '<span class="flag">滞后</span>' : ''}</td><td class="reasons">${escapeHtml(p.reasons.join('；'))}</td></tr>`,
    )
    .join('\n');
  return `${lead}
<table id="key-projects"><thead><tr><th>编号</th><th>项目</th><th>地区</th><th>阶段</th><th>计划累计<br><span class="u">万元</span></th><th>完成累计<br><span class="u">万元</span></th><th>完成计划<br><span class="u">%</span></th><th>关注原因</th></tr></thead><tbody>
${rows}
</tbody></table>
<p class="note">来源：工信委重点项目台账（keyProjects，${k.year}年；进度为${escapeHtml(model.meta.monthLabel.replace(/^\d+年/, ''))}末年度计划累计与完成累计，是否滞后以台账判定为准）。列入条件：进度滞后，或已到计划开工月份仍处前期阶段。</p>`;
}

/**
 * Rules whose warnings are rows of a table of the pack (the same department's judgement): told
 * there, counted here, not repeated as near-identical cards. A warning whose subject is not in its
 * table keeps its card.
 */
const TABULATED_RULES: Record<string, { where: string | ((model: PackModel) => string); inTable: (w: WarningView, model: PackModel) => boolean }> = {
  TARGET_BEHIND: {
    // Numbered as this pack numbers it: a tester's quarterly pack pointed to 三, its targets being 四.
    where: (model) => `“${sectionName(model, 'sec-targets')}”表（红色标“落后”）`,
    inTable: (w, model) => model.targets.groups.some((g) => g.indicator === w.evidence[0]?.value.indicator && g.rows.some((r) => r.code === w.subjectCode && r.behind === true)),
  },
  PROJECT_BEHIND_SCHEDULE: {
    where: '“重点项目”表（标“滞后”）',
    inTable: (w, model) => !!model.keyProjects?.attention.some((p) => p.code === w.subjectCode && p.behindSchedule === true),
  },
  PROBLEM_OVERDUE: {
    where: '“问题清单”表（标“逾期”）',
    inTable: (w, model) => !!model.problems?.open.some((p) => p.code === w.subjectCode && p.overdue),
  },
};

const tabulated = (w: WarningView, model: PackModel) => !!TABULATED_RULES[w.rule]?.inTable(w, model);

/** The warning a withheld field of `warnings` belongs to (the rule's field, or a figure it `@requires`). */
const WITHHELD_WARNINGS: Record<string, string> = {
  loanWithdrawals: '抽贷报告',
  powerDrop: '重点企业用电量大幅下降而产值未降',
  keyEnterpriseOutput: '重点企业用电量大幅下降而产值未降',
  employmentDrop: '重点企业用工大幅减少',
  projectsBehindSchedule: '重点项目投资进度滞后',
  overdueProblems: '问题逾期未办结',
};

/**
 * The warnings the caller's department may not see (FORBIDDEN under `warnings`): named, with why
 * and whose figures, so that a missing card never reads as "no warning".
 */
export function withheldWarnings(model: PackModel): { rule: string; label: string; owner: string | null }[] {
  const out = new Map<string, { rule: string; label: string; owner: string | null }>();
  for (const w of model.meta.withheld ?? []) {
    if (!w.path.startsWith('warnings.')) continue;
    const field = w.path.split('.').filter((p) => !/^\d+$/.test(p)).pop()!;
    const rule = WITHHELD_WARNINGS[field] ?? (field.endsWith('TargetsBehind') ? '目标任务落后序时进度' : field);
    const owner = w.indicator ? DEPARTMENT_LABELS[departmentOfIndicator(w.indicator)] : null;
    out.set(`${rule}|${w.sharing}`, { rule, label: ABSENCE_LABELS[forbiddenAbsence(w.sharing)], owner });
  }
  return [...out.values()];
}

function warningsSection(model: PackModel): string {
  const withheld = withheldWarnings(model);
  const notice = withheld.length
    ? `<p class="lead withheld" data-withheld-warnings="${withheld.length}"><strong>未能判断的预警：</strong>${withheld
        .map((w) => `【${escapeHtml(w.rule)}】${escapeHtml(w.label)}${w.owner ? `（需${escapeHtml(w.owner)}数据）` : ''}`)
        .join('、')}。本部门无权读取其所用数据，本材料不列示这些预警，并非未触发。</p>\n`
    : '';
  if (!model.warnings.length) return `${notice}<p class="lead">${withheld.length ? '其余预警规则本月均未触发。' : '本月各部门预警规则均未触发。'}</p>`;
  const summaries = Object.entries(TABULATED_RULES)
    .map(([rule, { where }]) => {
      const ws = model.warnings.filter((w) => w.rule === rule && tabulated(w, model));
      if (!ws.length) return '';
      const subjects = [...new Set(ws.map((w) => w.subjectName ?? w.subjectCode))];
      return `<p class="lead tabulated" data-rule-summary="${rule}" data-count="${ws.length}"><span class="rule-name">【${escapeHtml(ws[0].title)}】</span>${ws.length}条（${escapeHtml(subjects.join('、'))}），明细见${escapeHtml(typeof where === 'function' ? where(model) : where)}，此处不再逐条列示。${ws[0].action ? escapeHtml(ws[0].action) : ''}</p>`;
    })
    .join('\n');
  const cards = model.warnings
    .filter((w) => !tabulated(w, model))
    .map((w) => {
      const rows = w.evidence
        .map(
          (e) => `<tr><td class="center">${escapeHtml(e.departmentLabel)}</td><td>${escapeHtml(e.roleLabel)}</td><td>${escapeHtml(e.value.indicatorName)}</td><td class="center">${escapeHtml(monthLabel(e.value.month))}</td><td class="num">${fig(e.value, { unit: true })}</td><td class="num">${fig(e.growth, { signed: true })}</td><td class="center">${e.value.status ? STATUS_LABELS[e.value.status] : '台账'}</td><td class="center">${escapeHtml(e.value.reportedBy ?? DEPARTMENT_LABELS[e.value.department])}</td></tr>`,
        )
        .join('');
      const subject = w.subjectName ? `${w.subjectName}${w.regionName ? `（${w.regionName}）` : ''}` : `${w.regionName ? `${w.regionName}企业` : '企业'}（名称未随预警返回）`;
      // A rule with no threshold (a deadline passed) says nothing rather than an empty 判定条件.
      const thresholds = w.thresholds.filter((t) => t.trim());
      return `<div class="warning" data-rule="${escapeHtml(w.rule)}" data-subject="${escapeHtml(w.subjectCode)}">
<div class="head" title="${escapeHtml(`${w.rule}：${w.message}`)}"><span class="rule">【${escapeHtml(w.title)}】</span>${escapeHtml(subject)}<span class="code">${escapeHtml(w.subjectCode)}</span></div>
<p>${escapeHtml(w.summary)}</p>
${w.action ? `<p class="action">${escapeHtml(w.action)}</p>` : ''}
<table><thead><tr><th>部门</th><th>数据项</th><th>指标</th><th>月份</th><th>数值</th><th>同比 %</th><th>状态</th><th>报送单位</th></tr></thead><tbody>${rows}</tbody></table>
${thresholds.length ? `<p class="thresholds">判定条件：${escapeHtml(thresholds.join('；'))}。</p>` : ''}
</div>`;
    })
    .join('\n');
  return `${notice}${summaries}\n${cards}`;
}

function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

function problemsSection(model: PackModel): string {
  const p = model.problems;
  if (!p) return pending('问题清单', 'problems', model);
  const lead = `<p class="lead">截至${escapeHtml(dayLabel(p.monthEnd))}，问题清单累计列入${p.raised}项，未办结${p.open.length}项，其中逾期${p.overdueCount}项（逾期在前）。</p>`;
  if (!p.open.length) return `${lead}<p class="lead">所列问题均已办结。</p>`;
  const rows = p.open
    .map(
      (x) => `<tr data-problem="${escapeHtml(x.code)}" data-overdue="${x.overdue}" class="${x.overdue ? 'overdue' : ''}"><td class="center">${escapeHtml(x.code)}</td><td class="desc"><strong class="subj">${escapeHtml(x.subject)}</strong><br>${escapeHtml(x.description)}${x.latest ? `<br><span class="ind">进展：${escapeHtml(x.latest)}</span>` : ''}</td><td class="center">${escapeHtml(x.category)}</td><td class="by">${escapeHtml(x.raisedBy)}<br><span class="ind">${escapeHtml(x.raisedOn)}</span></td><td class="center">${escapeHtml(x.owner)}</td><td class="center">${escapeHtml(x.deadline)}</td><td class="center">${escapeHtml(x.statusAtMonthEnd)}${x.overdue ? '<span class="flag">逾期</span>' : ''}${x.statusNow ? `<br><span class="ind">现${escapeHtml(x.statusNow)}</span>` : ''}</td></tr>`,
    )
    .join('\n');
  return `${lead}
<table id="problems"><thead><tr><th>编号</th><th>问题（对象、内容、月末前最新进展）</th><th>类别</th><th>提出</th><th>责任单位</th><th>办结时限</th><th>月末状态</th></tr></thead><tbody>
${rows}
</tbody></table>
<p class="note">来源：工信委问题清单（problems）。月末状态按各问题的办理记录（history）取${escapeHtml(dayLabel(p.monthEnd))}末的状态；是否逾期以问题清单对该日的判定（overdue）为准；“现”为生成时的状态。</p>`;
}

function appendix(model: PackModel): string {
  const rows = model.sources
    .map((s) => {
      const o = s.figure;
      // Printed as every figure of the pack is (fig): its provenance in its title, its marks (初/修, 推, 待重报) beside it; in the department's own unit.
      const f = (field: 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct') =>
        o ? fig(observationFigure(s.department, o, field, { indicator: s.code, subjectCode: o.subjectCode, month: o.month }, 'enterprise')) : '<span class="na">—</span>';
      return `<tr><td class="center">${s.departmentLabel}</td><td>${escapeHtml(s.name)}<br><span class="code">${escapeHtml(s.code)}</span></td><td class="center">${escapeHtml(s.unit)}</td><td class="num">${f('value')}</td><td class="num">${f('ytdValue')}</td><td class="num">${f('yoyPct')}</td><td class="num">${f('ytdYoyPct')}</td><td class="center${o ? '' : ' absent'}"${s.absence ? ` data-absence="${s.absence}"` : ''}>${o ? STATUS_LABELS[o.status] + (o.derived ? '·推算' : '') + (o.staleFields?.length ? `·待重报${o.impliedYtdValue != null ? `（前期推算累计${formatValue(o.impliedYtdValue, o.unit, 'enterprise')}）` : ''}` : '') : ABSENCE_LABELS[s.absence ?? 'NOT_REPORTED']}</td><td class="by">${o ? escapeHtml(o.reportedBy) : ''}</td><td class="center" title="${o ? escapeHtml(beijingTime(o.reportedAt)) : ''}">${o ? escapeHtml(beijingTime(o.reportedAt).slice(0, 10)) : ''}</td></tr>`;
    })
    .join('\n');
  const m = model.meta;
  return `<div class="appendix">
<h3>附表　全市各部门全部指标（${escapeHtml(m.monthLabel)}，原单位）</h3>
<table id="sources"><thead><tr><th>部门</th><th>指标（代码）</th><th>单位</th><th>当月</th><th>累计</th><th>当月<br>同比%</th><th>累计<br>同比%</th><th>状态</th><th>报送单位</th><th>报送日期</th></tr></thead><tbody>
${rows}
</tbody></table>
${(m.unavailable ?? []).length ? `<p class="note" data-unavailable-catalogue>${(m.unavailable ?? []).map((d) => DEPARTMENT_LABELS[d]).join('、')}数据服务本次不可用，其指标目录未能读取：上表只列本材料版式中的该部门主要指标，均暂缺。</p>\n` : ''}<h3>数据说明</h3>
<dl class="colophon">
<dt>数据来源</dt><dd>${DEPARTMENTS.map((d) => departmentWithBodies(d, (model.meta.unavailable ?? []).includes(d) ? '数据服务本次不可用，数据暂缺' : '')).join('；')}，各部门数据服务经会商数据网关一次查询取得。</dd>
<dt>生成时间</dt><dd data-generated-at="${escapeHtml(m.generatedAt)}">${escapeHtml(beijingTime(m.generatedAt))}（北京时间）</dd>
<dt>网关</dt><dd data-gateway>${escapeHtml(m.gateway)}</dd>
<dt>查询文档</dt><dd>${escapeHtml(m.documentName)}（操作 MeetingPack），sha256 <code data-document-sha256>${escapeHtml(m.documentSha256)}</code></dd>
<dt>请求编号</dt><dd>${escapeHtml(m.requestId ?? '—')}</dd>
<dt>数据时点</dt><dd>${m.asOf ? `按 ${escapeHtml(beijingTime(m.asOf))} 时各部门数据（asOf）` : '各部门当前数据'}</dd>
<dt>数据状态</dt><dd>最终 ${m.statusCounts.FINAL} 项，初步 ${m.statusCounts.PRELIMINARY} 项（标“初”），修订 ${m.statusCounts.REVISED} 项（标“修”）；“推”为系统推算。每个数字的指标代码、部门、状态、报送单位和原值见HTML版中该数字的提示信息（悬停查看）。${model.sources.some((s) => s.figure?.staleFields?.length) ? '“待重报”为前期数据更正后本期累计不再相符、待部门重新报送的数据，附表状态栏列有按前期推算的累计值。' : ''}</dd>
<dt>口径</dt><dd>累计为年初至本月；同比为与上年同期相比；存量指标（贷款余额、用工人数）为月末数；规上工业增加值增速按可比价计算，由统计局报告，不作推算；1—2月统计数据合并发布。排名、目标完成进度和是否落后均取自各部门的数据服务，本材料不重新计算。</dd>
</dl>
</div>`;
}

/** Rows kept with a table's header (and the heading before it) on one page, and rows kept together at its end. */
export const LEAD_ROWS = 2;
export const TAIL_ROWS = 2;

/**
 * Every table body split in up to three: its first LEAD_ROWS rows in a `tbody.lead-rows` that
 * does not break, its last TAIL_ROWS in a `tbody.tail-rows` that does not either, the rest
 * between; so a table never starts with one row at a page's foot nor ends with one row (and its
 * note) at the next page's head, whichever section it is in. Striping is by attribute (`tr[data-stripe]`), as
 * `:nth-child` would restart in each body.
 */
export function keepLeadRows(html: string): string {
  return html.replace(/<tbody>([\s\S]*?)<\/tbody>/g, (whole, inner: string) => {
    const rows = (inner.match(/<tr\b[\s\S]*?<\/tr>/g) ?? []).map((row, i) => (i % 2 === 1 ? stripe(row) : row));
    if (!rows.length) return whole;
    if (rows.length <= LEAD_ROWS + TAIL_ROWS) return `<tbody class="lead-rows">\n${rows.join('\n')}\n</tbody>`;
    const lead = rows.slice(0, LEAD_ROWS).join('\n');
    const middle = rows.slice(LEAD_ROWS, rows.length - TAIL_ROWS).join('\n');
    const tail = rows.slice(rows.length - TAIL_ROWS).join('\n');
    return `<tbody class="lead-rows">\n${lead}\n</tbody>${middle ? `<tbody>\n${middle}\n</tbody>` : ''}<tbody class="tail-rows">\n${tail}\n</tbody>`;
  });
}

/** Marks an even row for the striping (an attribute last in the tag: the row's class and data stay as they are). */
function stripe(row: string): string {
  return row.replace(/^<tr\b([^>]*)>/, '<tr$1 data-stripe>');
}

export function renderHtml(model: PackModel): string {
  return keepLeadRows(renderDocument(model));
}

/** The departments whose figures the model part holds a place for (a department down keeps its places, marked 暂缺). */
const figuresOf = (part: unknown): Department[] => {
  const found = new Set(allFigures({ part } as unknown as PackModel).map((f) => f.department));
  return DEPARTMENTS.filter((d) => found.has(d));
};

interface SectionSpec {
  id: string;
  title: string;
  html: (model: PackModel) => string;
  /**
   * The departments the section draws on, so its 暂缺 note names only a department down that it
   * uses (a tester's pack said "本节人社局数据暂缺" above the parks' ledger, which has no HR figure).
   */
  departments: (model: PackModel) => Department[];
}

/** The pack's sections in order (a quarterly pack leads with the quarter): their numbers are their places here. */
function sectionList(model: PackModel): SectionSpec[] {
  // Every department publishes its own targets and the warning rules compare departments' figures:
  // those sections lack a department down even where it left no place.
  const every = () => [...DEPARTMENTS];
  const register = (...more: Department[]): Department[] => DEPARTMENTS.filter((d) => d === REGISTER_DEPARTMENT || more.includes(d));
  const registerDown = (model.meta.unavailable ?? []).includes(REGISTER_DEPARTMENT);
  return [
    ...(model.quarter ? [{ id: 'sec-quarter', title: `${model.quarter.label}运行情况（季调度）`, html: quarterSection, departments: (m: PackModel) => figuresOf(m.quarter) }] : []),
    { id: 'sec-headline', title: `全市主要指标（${model.meta.ytdLabel}）`, html: headlineSection, departments: (m) => figuresOf(m.headline) },
    { id: 'sec-districts', title: '各地区主要指标及排名', html: districtsSection, departments: (m) => figuresOf(m.districtTables) },
    { id: 'sec-targets', title: '目标任务完成情况（对照序时进度）', html: targetsSection, departments: every },
    // The clusters' revenue, targets and ranking are the statistics bureau's (clusters() in model.ts); the clusters are the register's groups.
    ...(model.clusters || registerDown ? [{ id: 'sec-clusters', title: '产业集群主营业务收入完成情况及排名', html: clustersSection, departments: () => register('statistics') }] : []),
    { id: 'sec-trends', title: '近12个月走势', html: trendsSection, departments: (m) => figuresOf(m.trends) },
    { id: 'sec-attention', title: '需关注的重点企业和重点项目', html: enterprisesSection, departments: (m) => register(...figuresOf([m.keyEnterprises, m.keyProjects])) },
    { id: 'sec-parks', title: '园区基础设施投资（对照目标）', html: parksSection, departments: (m) => register(...figuresOf(m.parks)) },
    { id: 'sec-warnings', title: '预警提示（多部门数据比对）', html: warningsSection, departments: every },
    { id: 'sec-problems', title: '问题清单（未办结及逾期）', html: problemsSection, departments: () => register() },
  ];
}

/** "三、目标任务完成情况" as this pack numbers it (a quarterly pack's targets are 四). */
function sectionName(model: PackModel, id: string): string {
  const list = sectionList(model);
  const at = list.findIndex((s) => s.id === id);
  return at < 0 ? '' : `${CHINESE_NUMBERS[at]}、${list[at].title.replace(/（.*$/, '')}`;
}

function renderDocument(model: PackModel): string {
  const m = model.meta;
  const unavailable = m.unavailable ?? [];
  // Every section says which department's figures it lacks, so no empty cell reads as a zero; and
  // only those it draws on, so no note blames a department for a section it has no part in.
  const note = (departments: Department[]) => {
    const missing = unavailable.filter((d) => departments.includes(d)).map((d) => DEPARTMENT_LABELS[d]).join('、');
    return missing ? `<p class="unavailable-note">本节${escapeHtml(missing)}数据暂缺（数据服务不可用）。</p>\n` : '';
  };
  const sections = sectionList(model).map((s) => ({ id: s.id, title: s.title, html: s.html(model), note: note(s.departments(model)) }));
  const body = sections.map((s, i) => `<section id="${s.id}">\n<h2>${CHINESE_NUMBERS[i]}、${escapeHtml(s.title)}</h2>\n${s.note}${s.html}\n</section>`).join('\n');
  const banner = unavailable.length
    ? `<div class="unavailable" role="alert">注意：${unavailable.map((d) => departmentWithBodies(d)).join('、')}数据服务本次不可用，本材料中其数据暂缺，其余部门数据照常。请在${unavailable.length > 1 ? '上述部门' : '该部门'}恢复后重新生成。</div>\n`
    : '';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="huishang-briefing">
<meta name="huishang-month" content="${m.month}">
<meta name="huishang-document-sha256" content="${m.documentSha256}">
<title>${escapeHtml(m.title)}</title>
<style>${CSS}</style>
</head>
<body>
<div class="page">
<header class="masthead">
<div class="top"><span class="mark">内部资料 注意保存</span><span class="kind">${m.quarterly ? '季调度' : '月度会商'} · ${escapeHtml(m.monthLabel)}</span></div>
<h1>${escapeHtml(m.title)}</h1>
<div class="sub">${escapeHtml(m.cityName)}工业经济运行会商机制 · ${DEPARTMENTS.map((d) => DEPARTMENT_LABELS[d]).join(' · ')}</div>
</header>
<div class="meta-line"><span>数据期：${escapeHtml(m.ytdLabel)}（${escapeHtml(m.monthLabel)}）</span><span>生成：${escapeHtml(beijingTime(m.generatedAt))}</span><span>文档 sha256：${escapeHtml(m.documentSha256.slice(0, 12))}…</span></div>
${banner}${summary(model)}
${body}
<section id="sec-appendix">
<h2>附：数据来源与说明</h2>
${appendix(model)}
</section>
<footer class="end">${escapeHtml(m.title)} · 生成于 ${escapeHtml(beijingTime(m.generatedAt))} · 网关 ${escapeHtml(m.gateway)}</footer>
</div>
</body>
</html>
`;
}
