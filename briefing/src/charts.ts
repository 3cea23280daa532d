/**
 * The pack's charts: ECharts rendered on the server to SVG strings (no browser, no canvas, no
 * network), inlined into the HTML. Text uses the CJK fonts of the reader's machine.
 */
import * as echarts from 'echarts';
import { displayUnit } from './format';
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
 * as the department judged it.
 */
export function targetChartSvg(group: TargetGroup, size?: ChartSize): string {
  const rows = [...group.rows].sort((a, b) => {
    if (a.isCity !== b.isCity) return a.isCity ? -1 : 1;
    return (value(b) ?? -Infinity) - (value(a) ?? -Infinity);
  });
  const level = group.measure === 'LEVEL';
  const reference = level ? group.timeProgressPct : (group.rows[0]?.targetValue.value ?? null);
  const height = size?.height ?? 44 + rows.length * 21;
  const width = size?.width ?? 340;
  return renderSvg(
    {
      grid: { left: 118, right: 46, top: 24, bottom: 22 },
      xAxis: { type: 'value', min: 0, max: (extent: { max: number }) => Math.ceil(Math.max(extent.max, reference ?? 0) / 10) * 10 + 10, splitLine: { lineStyle: { color: COLORS.grid } }, axisLabel: { fontSize: 9, formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => (r.isCity ? `${r.name}（全市）` : r.name)), axisLabel: { fontSize: 10, interval: 0 }, axisTick: { show: false } },
      series: [
        {
          name: level ? '完成全年目标' : '累计增速',
          type: 'bar',
          barMaxWidth: 13,
          data: rows.map((r) => {
            const v = value(r);
            // Long bars carry their label inside (clear of the dashed line), short ones beside.
            const inside = v !== null && v >= 20;
            return {
              value: v,
              itemStyle: { color: r.behind ? COLORS.behind : r.isCity ? COLORS.city : COLORS.ahead },
              label: inside ? { position: 'insideRight', color: '#ffffff' } : { position: 'right', color: COLORS.text },
            };
          }),
          label: { show: true, fontSize: 9, formatter: (p: { value: number | null }) => (p.value === null ? '—' : `${p.value.toFixed(1)}%`) },
          markLine:
            reference === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { type: 'dashed', color: COLORS.mark, width: 1.5 },
                  label: { show: true, position: 'start', fontSize: 9, color: '#404040', formatter: level ? `序时进度${reference}%` : `目标${reference}%` },
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

function value(row: TargetGroup['rows'][number]): number | null {
  return row.completion ? row.completion.value : row.actual.value;
}
