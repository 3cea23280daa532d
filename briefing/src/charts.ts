/**
 * The pack's charts: ECharts rendered on the server to SVG strings (no browser, no canvas, no
 * network), inlined into the HTML. Text uses the CJK fonts of the reader's machine.
 */
import * as echarts from 'echarts';
import { displayUnit, formatPct } from './format';
import type { Figure, TargetGroup, TrendChart } from './model';
import { axisMonthLabel } from './months';

export const FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC','SimHei',sans-serif";

export const COLORS = {
  bar: '#2f5597',
  line: '#c55a11',
  line2: '#2f5597',
  behind: '#c00000',
  ahead: '#2f5597',
  city: '#1f3864',
  mark: '#7f7f7f',
  quarter: 'rgba(47,85,151,0.08)',
  grid: '#d9d9d9',
  text: '#262626',
};

export interface ChartSize {
  width: number;
  height: number;
}

/** Renders one option to an SVG string and tidies it for inlining into HTML. */
export function renderSvg(option: echarts.EChartsCoreOption, size: ChartSize, label: string, id: string): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT_FAMILY, color: COLORS.text }, ...option });
    return inlineSvg(chart.renderToSVGString(), label, id);
  } finally {
    chart.dispose();
  }
}

/**
 * HTML needs no XML namespaces on inline SVG: dropping them leaves the file without any URL but
 * the gateway's, printed as text. The hover styles of the interactive chart are dropped too.
 */
export function inlineSvg(svg: string, label: string, id: string): string {
  const escaped = label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return svg
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/^<svg\b/, `<svg role="img" aria-label="${escaped}" class="chart" data-chart="${id}"`)
    .trim();
}

function scaled(figure: Figure): number | null {
  if (figure.value === null) return null;
  if (figure.unit === '%') return figure.value;
  return Math.round((figure.value / displayUnit(figure.unit).divisor) * 10000) / 10000;
}

/** A 12-month trend: bars and/or lines, a right-hand % axis when a series needs it. */
export function trendChartSvg(chart: TrendChart, size: ChartSize = { width: 700, height: 260 }): string {
  const categories = chart.months.map(axisMonthLabel);
  const twoAxes = chart.units[1] !== null;
  const lineColors = [COLORS.line, COLORS.line2];
  let lineIndex = 0;
  const series = chart.series.map((s) => {
    const data = s.points.map((p) => scaled(p));
    if (s.type === 'bar') {
      return {
        name: s.name,
        type: 'bar',
        yAxisIndex: s.axis,
        data,
        barMaxWidth: 26,
        itemStyle: { color: COLORS.bar },
      };
    }
    const color = lineColors[lineIndex++ % lineColors.length];
    return {
      name: s.name,
      type: 'line',
      yAxisIndex: s.axis,
      data,
      connectNulls: false,
      symbol: 'circle',
      symbolSize: 5,
      lineStyle: { width: 2, color },
      itemStyle: { color },
    };
  });
  if (chart.highlight) {
    const [from, to] = chart.highlight;
    const first = series[0] as Record<string, unknown>;
    first.markArea = {
      silent: true,
      itemStyle: { color: COLORS.quarter },
      label: { show: true, position: 'insideTop', fontSize: 10, color: '#595959', formatter: '本季度' },
      data: [[{ xAxis: axisMonthLabel(from) }, { xAxis: axisMonthLabel(to) }]],
    };
  }
  const yAxis = [
    { type: 'value', name: chart.units[0], nameTextStyle: { fontSize: 10, align: 'left' }, scale: chart.series.every((s) => s.type === 'line'), splitLine: { lineStyle: { color: COLORS.grid } }, axisLabel: { fontSize: 10, formatter: formatAxis } },
    ...(twoAxes ? [{ type: 'value', name: '同比 %', nameTextStyle: { fontSize: 10, align: 'right' }, scale: true, splitLine: { show: false }, axisLabel: { fontSize: 10 } }] : []),
  ];
  return renderSvg(
    {
      legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 } },
      grid: { left: 56, right: twoAxes ? 48 : 20, top: 40, bottom: 26 },
      xAxis: { type: 'category', data: categories, axisTick: { alignWithLabel: true }, axisLabel: { fontSize: 10, interval: 0 } },
      yAxis,
      series,
    },
    size,
    `${chart.title}：近12个月走势`,
    chart.id,
  );
}

function formatAxis(value: number): string {
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * Target progress of the districts on one target: bars for completion (or growth, for a growth
 * target), a dashed line for time progress (or the target growth); bars behind in red. Behind is
 * as the department judged it. The values are printed as a column of labels right of the plot
 * (a second category axis), so no label sits on a bar's end where the dashed line may cross it;
 * the line's own label sits above the plot (`start`: the category axis runs downwards); the value axis has at most five ticks.
 */
export function targetChartSvg(group: TargetGroup, size?: ChartSize): string {
  const rows = [...group.rows].sort((a, b) => {
    if (a.isCity !== b.isCity) return a.isCity ? -1 : 1;
    return (value(b) ?? -Infinity) - (value(a) ?? -Infinity);
  });
  const level = group.measure === 'LEVEL';
  const reference = level ? group.timeProgressPct : (group.rows[0]?.targetValue.value ?? null);
  const height = size?.height ?? 48 + rows.length * 20;
  const width = size?.width ?? 340;
  const values = rows.map(value).filter((v): v is number => v !== null);
  const step = tickStep(Math.max(...values, reference ?? 0, 0) - Math.min(...values, 0));
  const max = Math.ceil(Math.max(...values, reference ?? 0, step) / step) * step;
  const min = Math.min(0, Math.floor(Math.min(...values, 0) / step) * step);
  const colour = (r: TargetGroup['rows'][number]) => (r.behind ? COLORS.behind : r.isCity ? COLORS.city : COLORS.ahead);
  const valueLabels = rows.map((r) => {
    const v = value(r);
    // Rounded as the table beside it rounds (formatPct): toFixed gave 68.3 where the table said 68.4 (68.35).
    return v === null ? '—' : `${formatPct(v)}%`;
  });
  return renderSvg(
    {
      grid: { left: 112, right: 50, top: 26, bottom: 22 },
      xAxis: { type: 'value', min, max, interval: step, splitLine: { lineStyle: { color: COLORS.grid } }, axisLabel: { fontSize: 9, formatter: '{value}%' } },
      yAxis: [
        { type: 'category', inverse: true, data: rows.map((r) => (r.isCity ? `${r.name}（全市）` : r.name)), axisLabel: { fontSize: 10, interval: 0 }, axisTick: { show: false } },
        {
          type: 'category',
          inverse: true,
          position: 'right',
          data: valueLabels,
          axisLine: { show: false },
          axisTick: { show: false },
          axisLabel: { fontSize: 9, interval: 0, margin: 6, color: (_v: string, i: number) => colour(rows[i]) },
        },
      ],
      series: [
        {
          name: level ? '完成全年目标' : '累计增速',
          type: 'bar',
          barMaxWidth: 12,
          data: rows.map((r) => ({ value: value(r), itemStyle: { color: colour(r) } })),
          markLine:
            reference === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { type: 'dashed', color: COLORS.mark, width: 1.5 },
                  label: { show: true, position: 'start', distance: 3, fontSize: 9, color: '#404040', formatter: level ? `序时进度${reference}%` : `目标${reference}%` },
                  data: [{ xAxis: reference }],
                },
        },
      ],
    },
    { width, height },
    `${group.name}${level ? '目标完成进度' : '增速目标'}：各地区对比`,
    group.id,
  );
}

/** A round tick step giving at most five intervals over `span` (10, 20, 25, 50 …). */
function tickStep(span: number): number {
  const raw = Math.max(span, 1) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].find((f) => f * magnitude >= raw) ?? 10;
  return nice * magnitude;
}

function value(row: TargetGroup['rows'][number]): number | null {
  return row.completion ? row.completion.value : row.actual.value;
}

// ---------------------------------------------------------------------------------------------
// Label boxes: where each text of a rendered chart lies, to check that none overlaps another or a line.

export interface LabelBox {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Advance width of a text in ems, as the CJK fonts the pack names draw it: ideographs and
 * full-width punctuation one em, digits and Latin letters about 0.6, a few narrow or wide marks
 * apart. Deliberately on the wide side, so a check with it errs towards "overlaps".
 */
export function textEms(text: string): number {
  let ems = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x2e80 || (code >= 0xff00 && code <= 0xffef)) ems += 1;
    else if ('.,:;\'|!il'.includes(ch)) ems += 0.32;
    else if (ch === '%' || ch === 'M' || ch === 'W' || ch === 'm' || ch === 'w') ems += 0.9;
    else if (ch === ' ') ems += 0.3;
    else ems += 0.62;
  }
  return ems;
}

/** The box of every <text> of an SVG rendered by ECharts (translate/matrix transforms, x/y, anchor, baseline, font size). */
export function labelBoxes(svg: string): LabelBox[] {
  const boxes: LabelBox[] = [];
  for (const m of svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)) {
    const attrs = m[1];
    const text = m[2].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    if (!text.trim()) continue;
    const attr = (name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1] ?? null;
    const size = Number(/font-size:\s*([\d.]+)px/.exec(attrs)?.[1] ?? /font:[^;"]*?([\d.]+)px/.exec(attrs)?.[1] ?? 12);
    let tx = 0;
    let ty = 0;
    const transform = attr('transform');
    if (transform) {
      const t = /translate\(([-\d.e]+)[ ,]+([-\d.e]+)\)/.exec(transform);
      const mx = /matrix\(([-\d.e]+)[ ,]+([-\d.e]+)[ ,]+([-\d.e]+)[ ,]+([-\d.e]+)[ ,]+([-\d.e]+)[ ,]+([-\d.e]+)\)/.exec(transform);
      if (t) [tx, ty] = [Number(t[1]), Number(t[2])];
      else if (mx) [tx, ty] = [Number(mx[5]), Number(mx[6])];
    }
    const x = tx + Number(attr('x') ?? 0);
    const y = ty + Number(attr('y') ?? 0);
    const width = textEms(text) * size;
    const anchor = attr('text-anchor') ?? 'start';
    const baseline = attr('dominant-baseline') ?? 'alphabetic';
    const x0 = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
    const y0 = baseline === 'central' || baseline === 'middle' ? y - size / 2 : baseline === 'hanging' || baseline === 'text-before-edge' ? y : y - 0.88 * size;
    boxes.push({ text, x0, y0, x1: x0 + width, y1: y0 + size });
  }
  return boxes;
}

/** The dashed lines of a chart (a target's reference line) as boxes one pixel wide. */
export function dashedLines(svg: string): LabelBox[] {
  const lines: LabelBox[] = [];
  for (const m of svg.matchAll(/<path\b([^>]*)>/g)) {
    if (!/stroke-dasharray="[^"]*\d/.test(m[1])) continue;
    const d = /\sd="M([-\d.]+) ([-\d.]+)L([-\d.]+) ([-\d.]+)"/.exec(m[1]);
    if (!d) continue;
    const [x0, y0, x1, y1] = d.slice(1).map(Number);
    lines.push({ text: 'dashed line', x0: Math.min(x0, x1) - 0.5, y0: Math.min(y0, y1), x1: Math.max(x0, x1) + 0.5, y1: Math.max(y0, y1) });
  }
  return lines;
}

function intersect(a: LabelBox, b: LabelBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * What is wrong with a chart's labels: two labels overlapping, a label crossed by a dashed line,
 * a label outside the drawing. Empty when every label can be read.
 */
export function labelProblems(svg: string): string[] {
  const boxes = labelBoxes(svg);
  const [width, height] = (/viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)?.slice(1) ?? ['0', '0']).map(Number);
  const problems: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    if (a.x0 < -0.5 || a.y0 < -0.5 || a.x1 > width + 0.5 || a.y1 > height + 0.5) problems.push(`"${a.text}" lies outside the ${width}×${height} drawing`);
    for (let j = i + 1; j < boxes.length; j++) if (intersect(a, boxes[j])) problems.push(`"${a.text}" overlaps "${boxes[j].text}"`);
    for (const line of dashedLines(svg)) if (intersect(a, line)) problems.push(`"${a.text}" is crossed by the dashed line`);
  }
  return problems;
}
