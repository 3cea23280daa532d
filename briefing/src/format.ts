/**
 * How the pack prints numbers. Region aggregates reported in 万元 / 万千瓦时 are printed in 亿元 /
 * 亿千瓦时 (as municipal bulletins do); the value as the department reported it, in its own unit,
 * stays on every number (data-value and the title), so nothing is lost to the conversion.
 */

export type Scale = 'region' | 'enterprise';

export interface DisplayUnit {
  unit: string;
  divisor: number;
  decimals: number;
  /** Print fewer decimals when the value has none (enterprise amounts such as 1200万元). */
  trimZeros?: boolean;
}

const REGION_UNITS: Record<string, DisplayUnit> = {
  万元: { unit: '亿元', divisor: 10_000, decimals: 2 },
  万千瓦时: { unit: '亿千瓦时', divisor: 10_000, decimals: 2 },
  万立方米: { unit: '万立方米', divisor: 1, decimals: 1 },
  '%': { unit: '%', divisor: 1, decimals: 1 },
  百分点: { unit: '百分点', divisor: 1, decimals: 1 },
};

const ENTERPRISE_UNITS: Record<string, DisplayUnit> = {
  万元: { unit: '万元', divisor: 1, decimals: 2, trimZeros: true },
  万千瓦时: { unit: '万千瓦时', divisor: 1, decimals: 2, trimZeros: true },
  万立方米: { unit: '万立方米', divisor: 1, decimals: 2, trimZeros: true },
  '%': { unit: '%', divisor: 1, decimals: 1 },
};

/** Counts (人, 户, 场, 人次) are whole numbers. */
const COUNT: Omit<DisplayUnit, 'unit'> = { divisor: 1, decimals: 0 };
const COUNT_UNITS = new Set(['人', '户', '场', '人次', '次', '个', '家', '项']);
/**
 * Any other unit (吨标准煤, 万千瓦, an intensity in 吨标准煤/万元) prints what was reported, up to
 * four decimals: an intensity of 0.7153 or a curtailed load of 14.095万千瓦 is not a whole number.
 */
const MEASURE: Omit<DisplayUnit, 'unit'> = { divisor: 1, decimals: 4, trimZeros: true };

export function displayUnit(unit: string, scale: Scale = 'region'): DisplayUnit {
  return (scale === 'region' ? REGION_UNITS : ENTERPRISE_UNITS)[unit] ?? REGION_UNITS[unit] ?? { unit, ...(COUNT_UNITS.has(unit) ? COUNT : MEASURE) };
}

const formatters = new Map<string, Intl.NumberFormat>();
function formatter(min: number, max: number): Intl.NumberFormat {
  const key = `${min}:${max}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: true });
    formatters.set(key, f);
  }
  return f;
}

/** A number with thousands separators and fixed decimals; `—` for a missing value. */
export function formatNumber(value: number | null | undefined, decimals: number, trimZeros = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = formatter(trimZeros ? 0 : decimals, decimals).format(value);
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

/** A value in its department's unit, printed in the display unit: (2482690.61, 万元) → 248.27. */
export function formatValue(value: number | null | undefined, unit: string, scale: Scale = 'region'): string {
  const d = displayUnit(unit, scale);
  return formatNumber(value === null || value === undefined ? value : value / d.divisor, d.decimals, d.trimZeros);
}

/** A growth rate or share, one decimal: 11.7, -2.0. */
export function formatPct(value: number | null | undefined): string {
  return formatNumber(value, 1);
}

/** Growth in words, as bulletins write it: 增长11.7% / 下降2.0% / 持平. */
export function growthWords(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 10) / 10;
  if (rounded === 0) return '持平';
  return rounded > 0 ? `增长${formatPct(rounded)}%` : `下降${formatPct(-rounded)}%`;
}

/** A stable text for a raw value in data attributes: what the department reported, unrounded. */
export function rawValue(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
