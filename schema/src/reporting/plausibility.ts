import { COUNT_UNITS, type IndicatorDefinition } from '../observation/indicator';

/**
 * How far a submitted figure may stray from the same subject's history before it is refused as
 * implausible (domain.md, Plausibility). Settings, each an environment variable:
 * - `HUISHANG_PLAUSIBILITY_SCALE_RATIO` (1000): a value at least this many times larger or smaller
 *   than the previous month or the same month a year earlier is a change of scale (SCALE_SLIP;
 *   the 万/亿 slip is 10,000);
 * - `HUISHANG_PLAUSIBILITY_JUMP_RATIO` (10): at least this many times, but less than a change of
 *   scale, is a jump far outside the subject's history (IMPLAUSIBLE_JUMP);
 * - `HUISHANG_PLAUSIBILITY_GROWTH_POINTS` (1): a stated growth differing by more than this many
 *   percentage points from the growth computed from last year's figure contradicts it
 *   (GROWTH_CONTRADICTION). Stated growth is rounded to 0.1, so 1 point leaves room for rounding.
 * - `HUISHANG_PLAUSIBILITY_COPIED_ROWS` (3): a batch whose flow figures all equal the previous
 *   month's to the last digit, at least this many of them, is last month's sent again (COPIED_MONTH).
 */
export interface PlausibilitySettings {
  scaleRatio: number;
  jumpRatio: number;
  growthPoints: number;
  copiedRows: number;
}

export const DEFAULT_PLAUSIBILITY: PlausibilitySettings = { scaleRatio: 1000, jumpRatio: 10, growthPoints: 1, copiedRows: 3 };

const VARIABLES: Record<keyof PlausibilitySettings, string> = {
  scaleRatio: 'HUISHANG_PLAUSIBILITY_SCALE_RATIO',
  jumpRatio: 'HUISHANG_PLAUSIBILITY_JUMP_RATIO',
  growthPoints: 'HUISHANG_PLAUSIBILITY_GROWTH_POINTS',
  copiedRows: 'HUISHANG_PLAUSIBILITY_COPIED_ROWS',
};

export function plausibilitySettings(env: NodeJS.ProcessEnv = process.env): PlausibilitySettings {
  const settings = { ...DEFAULT_PLAUSIBILITY };
  for (const [name, variable] of Object.entries(VARIABLES) as [keyof PlausibilitySettings, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a positive number, got ${JSON.stringify(raw)}`);
    settings[name] = value;
  }
  if (settings.jumpRatio > settings.scaleRatio) throw new Error(`${VARIABLES.jumpRatio} (${settings.jumpRatio}) must not exceed ${VARIABLES.scaleRatio} (${settings.scaleRatio})`);
  return settings;
}

/** A figure of the same subject to compare with. */
export interface Reference {
  month: string;
  /** "the previous month" or "the same month a year earlier". */
  label: string;
  value: number | null;
  ytdValue: number | null;
  /**
   * Set when this figure went in only because its submitter confirmed it as an outlier
   * (acceptOutliers): their reason. Such a figure is compared with only when the subject has no
   * other reference, and a finding against it says so.
   */
  confirmedOutlier?: string | null;
}

export interface PlausibilityFinding {
  field: 'value' | 'ytdValue' | 'yoyPct' | 'ytdYoyPct';
  code: 'SCALE_SLIP' | 'IMPLAUSIBLE_JUMP' | 'GROWTH_CONTRADICTION' | 'COPIED_MONTH';
  value: number;
  /** The figure it was compared with. */
  compared: { month: string; field: 'value' | 'ytdValue'; value: number };
  /** SCALE_SLIP, IMPLAUSIBLE_JUMP, COPIED_MONTH: value ÷ compared; GROWTH_CONTRADICTION: the growth computed from the values, %. */
  computed: number;
  likelyCause: string;
  reason: string;
}

const format = (v: number) => (Math.abs(v) >= 1 ? Number(v.toPrecision(8)).toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(Number(v.toPrecision(6))));

/** What a power of ten between a figure and its history most likely means, given the unit. */
function scaleCause(unit: string, value: number, exponent: number): string {
  const base = unit.replace(/^[万亿]/, '');
  const asIs = (factor: number, from: string) => `${format(value)}${from} = ${format(value * factor)}${unit}`;
  if (exponent === -4 && unit.startsWith('万')) return `typed in 亿${base} where the unit is ${unit} (${asIs(1e4, `亿${base}`)})`;
  if (exponent === 4 && unit.startsWith('万')) return `typed in ${base || 'units'} where the unit is ${unit} (${asIs(1e-4, base)})`;
  if (exponent === 4 && unit.startsWith('亿')) return `typed in 万${base} where the unit is ${unit} (${asIs(1e-4, `万${base}`)})`;
  if (exponent === -4 && !/^[万亿]/.test(unit)) return `typed in 万${unit} where the unit is ${unit} (${asIs(1e4, `万${unit}`)})`;
  return `a slip of units or decimal places (a factor of 10^${exponent})`;
}

/**
 * Compares one submitted row with the subject's previous month and the same month a year earlier.
 * Rates are not compared (a percentage has no scale to slip); reported-only growth (at comparable
 * prices) is not compared with nominal values. Only positive values are compared by ratio.
 *
 * Every problem is listed at once (issue 13: a submitter fixes the batch in one go): a change of
 * scale and a stated growth that contradicts the values are both reported, each against the first
 * reference that shows it. A reference that was itself a confirmed outlier (e.g. last month's
 * 0.41958 accepted with acceptOutliers) is not used when the subject has another reference: a
 * figure on the usual scale is not refused for disagreeing with the one figure that was not; when it
 * is the only reference, the finding's reason says it was a confirmed outlier.
 */
export function checkPlausibility(
  definition: IndicatorDefinition,
  row: { value: number | null; ytdValue: number | null; yoyPct: number | null; ytdYoyPct: number | null },
  references: { previous?: Reference; lastYear?: Reference },
  settings: PlausibilitySettings,
): PlausibilityFinding[] {
  if (definition.kind === 'RATE') return [];
  const findings: PlausibilityFinding[] = [];
  const unit = definition.unit;
  const ratioCheck = (field: 'value' | 'ytdValue', reference: Reference | undefined): boolean => {
    const v = row[field];
    const c = reference?.[field];
    if (!reference || v === null || c === null || c === undefined || !(v > 0) || !(c > 0)) return false;
    const ratio = v / c;
    const far = Math.max(ratio, 1 / ratio);
    if (far < settings.jumpRatio) return false;
    const exponent = Math.round(Math.log10(ratio));
    const scale = far >= settings.scaleRatio;
    const likelyCause = scale ? scaleCause(unit, v, exponent) : `a jump far outside the subject’s history, or a typing error`;
    const times = ratio >= 1 ? `${format(ratio)} times` : `1/${format(1 / ratio)} of`;
    const outlier = reference.confirmedOutlier ? `, itself a figure confirmed as an outlier (${reference.confirmedOutlier.slice(0, 200)})` : '';
    findings.push({
      field,
      code: scale ? 'SCALE_SLIP' : 'IMPLAUSIBLE_JUMP',
      value: v,
      compared: { month: reference.month, field, value: c },
      computed: Number(ratio.toPrecision(6)),
      likelyCause,
      reason: `${format(v)} ${unit} is ${times} ${format(c)} ${unit} in ${reference.month} (${reference.label}${outlier}): likely ${likelyCause}. Check the figure, or confirm it with acceptOutliers and a reason`,
    });
    return true;
  };
  // The references to compare with: a confirmed outlier only when there is nothing else.
  const all = [references.lastYear, references.previous].filter((r): r is Reference => r !== undefined);
  const trusted = all.filter((r) => !r.confirmedOutlier);
  const compareWith = trusted.length ? trusted : all;
  // One finding per field: against the first reference that shows it (last year first).
  for (const r of compareWith) if (ratioCheck('value', r)) break;
  // A January's year to date starts the year again: December's (the previous month) is no reference for it.
  const ytdReferences = compareWith.filter((r) => !(r === references.previous && r.month.endsWith('-12')));
  if (definition.kind === 'FLOW') for (const r of ytdReferences) if (ratioCheck('ytdValue', r)) break;
  if (definition.reportedOnly) return findings;
  const lastYearUsable = references.lastYear && compareWith.includes(references.lastYear);
  const growthCheck = (field: 'yoyPct' | 'ytdYoyPct', of: 'value' | 'ytdValue') => {
    const stated = row[field];
    const v = row[of];
    const last = lastYearUsable ? references.lastYear?.[of] : undefined;
    // Listed even when the value is already suspect: the submitter sees every problem at once.
    if (stated === null || v === null || last === null || last === undefined || !(last > 0)) return;
    const computed = (v / last - 1) * 100;
    if (Math.abs(stated - computed) <= settings.growthPoints) return;
    findings.push({
      field,
      code: 'GROWTH_CONTRADICTION',
      value: stated,
      compared: { month: references.lastYear!.month, field: of, value: last },
      computed: Number(computed.toFixed(2)),
      likelyCause: 'a typing error in the growth or in one of the two figures',
      reason: `stated growth ${stated} % contradicts ${format(v)} ${unit} against ${format(last)} ${unit} in ${references.lastYear!.month}, which is ${computed.toFixed(2)} %: likely a typing error in the growth or in one of the figures. Correct it, or confirm with acceptOutliers and a reason`,
    });
  };
  growthCheck('yoyPct', 'value');
  if (definition.kind === 'FLOW') growthCheck('ytdYoyPct', 'ytdValue');
  return findings;
}

/** One row of a batch as `copiedMonth` compares it: its indicator's definition, its value and the subject's previous month. */
export interface CopyCandidate {
  definition: IndicatorDefinition;
  value: number | null;
  previous?: Reference;
}

/**
 * Last month's figures sent again as this month's (a tester's clerk copied May's sheet into June,
 * without year-to-date values, and it passed). The rows compared are the batch's flows with a
 * positive value in money, kilowatt-hours or cubic metres whose subject has a previous month: counts (户, 场, 人 …)
 * and stocks often stay as they were, a flow to the last digit does not. When there are at least
 * `settings.copiedRows` of them and every one equals the previous month's value exactly, each gets a
 * COPIED_MONTH finding (confirmable with acceptOutliers, like the other plausibility findings); one
 * figure that changed clears the batch. Returns the findings by the row's position in `rows`.
 */
export function copiedMonth(rows: readonly CopyCandidate[], settings: PlausibilitySettings): Map<number, PlausibilityFinding> {
  const compared = rows
    .map((row, index) => ({ ...row, index }))
    .filter((r) => r.definition.kind === 'FLOW' && !COUNT_UNITS.has(r.definition.unit) && r.value !== null && r.value > 0 && r.previous?.value != null && r.previous.value > 0);
  const findings = new Map<number, PlausibilityFinding>();
  if (compared.length < settings.copiedRows || !compared.every((r) => r.value === r.previous!.value)) return findings;
  for (const r of compared) {
    const previous = r.previous!;
    findings.set(r.index, {
      field: 'value',
      code: 'COPIED_MONTH',
      value: r.value!,
      compared: { month: previous.month, field: 'value', value: previous.value! },
      computed: 1,
      likelyCause: `${previous.month}'s figures sent again as this month's`,
      reason: `${format(r.value!)} ${r.definition.unit} equals ${previous.month}'s figure (${previous.label}) to the last digit, as do all ${compared.length} flow figures of this batch that have one: likely ${previous.month}'s figures sent again as this month's. Send this month's figures, or confirm them with acceptOutliers and a reason`,
    });
  }
  return findings;
}
