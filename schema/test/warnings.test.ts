import { formatBeside, TARGET_WARNING_DEFAULTS, targetWarningThresholds, thresholdsFromEnv } from '../src/warnings/thresholds';

describe('warning thresholds (configuration, not code)', () => {
  it('flags every target behind time progress by default', () => {
    expect(targetWarningThresholds({})).toEqual(TARGET_WARNING_DEFAULTS);
    expect(TARGET_WARNING_DEFAULTS.targetGapPoints).toBe(0);
  });

  it('reads HUISHANG_WARN_TARGET_GAP_POINTS, and a department\'s own variables, from the environment', () => {
    expect(targetWarningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: '2.5' }).targetGapPoints).toBe(2.5);
    expect(targetWarningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: '' }).targetGapPoints).toBe(0);
    const defaults = { dropPct: 20, steadyPct: 5 };
    const variables = { dropPct: 'X_DROP_PCT', steadyPct: 'X_STEADY_PCT' };
    expect(thresholdsFromEnv(defaults, variables, {})).toEqual(defaults);
    expect(thresholdsFromEnv(defaults, variables, { X_DROP_PCT: '15' })).toEqual({ dropPct: 15, steadyPct: 5 });
    expect(defaults).toEqual({ dropPct: 20, steadyPct: 5 });
  });

  it('refuses a setting that is not a non-negative number, naming the variable', () => {
    expect(() => targetWarningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: '-1' })).toThrow(/HUISHANG_WARN_TARGET_GAP_POINTS must be a non-negative number/);
    expect(() => targetWarningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: 'five' })).toThrow(/HUISHANG_WARN_TARGET_GAP_POINTS/);
  });
});

describe('figures printed beside a threshold (formatBeside)', () => {
  it.each([
    [49.96, 50, 1, '49.96'],
    [49.94, 50, 1, '49.9'],
    [50, 50, 1, '50'],
    [50.04, 50, 1, '50.04'],
    [1000.004, 1000, 2, '1000.004'],
    [1000.01, 1000, 2, '1000.01'],
    [999.999, 1000, 2, '999.999'],
    [1200, 1000, 2, '1200'],
  ])('%f against %f with %i decimals prints %s, on the same side of the threshold', (value, threshold, decimals, printed) => {
    expect(formatBeside(value, threshold, decimals)).toBe(printed);
    expect(Math.sign(Number(printed) - threshold)).toBe(Math.sign(value - threshold));
  });
});
