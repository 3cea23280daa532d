import { COLORS, inlineSvg, labelBoxes, labelProblems, targetChartSvg, trendChartSvg } from '../src/charts';
import { formatPct } from '../src/format';
import { buildPack } from '../src/model';
import { fixture, meta } from './fixture';

const model = buildPack(fixture(), meta());
const paths = (svg: string) => (svg.match(/<path\b[^>]*\bd="M[^"]+"/g) ?? []).length;

describe('trend charts (ECharts server-side SVG)', () => {
  it.each(model.trends.map((t) => [t.id, t] as const))('%s is a non-empty SVG with its series', (_id, chart) => {
    const svg = trendChartSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain(`data-chart="${chart.id}"`);
    expect(svg).toMatch(/viewBox="0 0 700 260"/);
    expect(paths(svg)).toBeGreaterThan(10);
    // The legend names every series; the month axis is there.
    for (const s of chart.series) expect(svg).toContain(`>${s.name}<`);
    expect(svg).toContain('>6月<');
  });

  it('draws one bar per month that has a value', () => {
    const chart = model.trends.find((t) => t.indicator === 'EN_ELECTRICITY')!;
    const svg = trendChartSvg(chart);
    const bars = svg.match(new RegExp(`<path d="M[^"]+" fill="${COLORS.bar}"`, 'g')) ?? [];
    const withValue = chart.series[0].points.filter((p) => p.value !== null).length;
    // One bar per month with a value (the legend's swatch may match too).
    expect(bars.length - withValue).toBeGreaterThanOrEqual(0);
    expect(bars.length - withValue).toBeLessThanOrEqual(1);
  });

  it('marks the quarter in the quarterly variant', () => {
    const quarterly = buildPack(fixture({ quarterly: true }), meta({ quarterly: true }));
    expect(trendChartSvg(quarterly.trends[0])).toContain('>本季度<');
    expect(trendChartSvg(model.trends[0])).not.toContain('本季度');
  });
});

describe('target charts', () => {
  const level = model.targets.groups.find((g) => g.measure === 'LEVEL')!;
  const growth = model.targets.groups.find((g) => g.measure === 'GROWTH_PCT')!;

  it('has a bar per region, behind ones in red, and the time-progress line', () => {
    const svg = targetChartSvg(level);
    for (const row of level.rows) expect(svg).toContain(row.isCity ? `${row.name}（全市）` : `>${row.name}<`);
    expect(svg).toContain('序时进度50%');
    const red = svg.match(new RegExp(`<path d="M[^"]+" fill="${COLORS.behind}"`, 'g')) ?? [];
    expect(red.length).toBe(level.rows.filter((r) => r.behind).length);
    expect(paths(svg)).toBeGreaterThan(level.rows.length);
    expect(svg).toContain('40.0%'); // 魏都区's completion label
  });

  it('labels each bar as the targets table prints it (68.35 → 68.4, where toFixed gave 68.3: a tester saw the two disagree)', () => {
    const rows = level.rows.map((r, i) => (i === 1 ? { ...r, completion: { ...r.completion!, value: 68.35, text: formatPct(68.35) } } : r));
    const svg = targetChartSvg({ ...level, rows });
    expect(formatPct(68.35)).toBe('68.4');
    expect(svg).toContain('68.4%');
    expect(svg).not.toContain('68.3%');
  });

  it('compares growth with the target growth for a growth target', () => {
    const svg = targetChartSvg(growth);
    expect(svg).toContain('目标13%');
    expect(svg).toContain('0.9%');
  });
});

describe('labels never overlap (boxes measured on the SVG)', () => {
  const quarterly = buildPack(fixture({ quarterly: true }), meta({ quarterly: true }));
  const charts: [string, string][] = [
    ...model.trends.map((t) => [t.id, trendChartSvg(t)] as [string, string]),
    ...quarterly.trends.map((t) => [`${t.id} (quarterly)`, trendChartSvg(t)] as [string, string]),
    ...model.targets.groups.map((g) => [g.id, targetChartSvg(g)] as [string, string]),
  ];

  it.each(charts)('%s: no label overlaps another, is crossed by the dashed line or leaves the drawing', (_id, svg) => {
    expect(labelBoxes(svg).length).toBeGreaterThan(5);
    expect(labelProblems(svg)).toEqual([]);
  });

  it('holds for target charts with every value near the time-progress line, many districts and negative growth', () => {
    const level = model.targets.groups.find((g) => g.measure === 'LEVEL')!;
    const near = { ...level, rows: Array.from({ length: 11 }, (_, i) => ({ ...level.rows[i % level.rows.length], code: `41${i}`, name: ['城乡一体化示范区', '许昌经济技术开发区', '东城区', '禹州市'][i % 4] + i, isCity: i === 0, completion: { ...level.rows[0].completion!, value: 48 + i * 0.4 }, behind: i % 2 === 0 })) };
    expect(labelProblems(targetChartSvg(near))).toEqual([]);
    const growth = model.targets.groups.find((g) => g.measure === 'GROWTH_PCT')!;
    const negative = { ...growth, rows: growth.rows.map((r, i) => ({ ...r, actual: { ...r.actual, value: [-12.5, 13.1, 99.9][i % 3] } })) };
    expect(labelProblems(targetChartSvg(negative))).toEqual([]);
  });

  it('finds an overlap and a crossing when there is one (the check can fail)', () => {
    const text = (x: number, y: number, t: string) => `<text dominant-baseline="central" text-anchor="middle" style="font-size:10px;" transform="translate(${x} ${y})">${t}</text>`;
    const svg = `<svg viewBox="0 0 200 100">${text(50, 50, '序时进度50%')}${text(60, 52, '48.7%')}<path d="M100 0L100 100" stroke-dasharray="4 2"/>${text(100, 20, '47.9%')}</svg>`;
    expect(labelProblems(svg)).toEqual(['"序时进度50%" overlaps "48.7%"', '"47.9%" is crossed by the dashed line']);
  });
});

describe('inlining', () => {
  it('drops namespaces and hover styles, labels the chart for screen readers', () => {
    const svg = inlineSvg('<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><path d="M0 0L1 1"/><style ><![CDATA[.a:hover{}]]></style></svg>', '图 "1" <a>', 'x');
    expect(svg).toBe('<svg role="img" aria-label="图 &quot;1&quot; &lt;a>" class="chart" data-chart="x" width="10" height="10"><path d="M0 0L1 1"/></svg>');
  });

  it('renders with no URL at all', () => {
    const all = [...model.trends.map((t) => trendChartSvg(t)), ...model.targets.groups.map((g) => targetChartSvg(g))].join('');
    expect(all).not.toMatch(/https?:/);
  });
});
