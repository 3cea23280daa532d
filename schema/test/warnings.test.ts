import { DEFAULT_THRESHOLDS, formatBeside, warningThresholds } from '../src/warnings/thresholds';

describe('warning thresholds (configuration, not code)', () => {
  it('defaults to the rules of 许政[2015]39号 and flags every target behind time progress', () => {
    expect(warningThresholds({})).toEqual(DEFAULT_THRESHOLDS);
    expect(DEFAULT_THRESHOLDS.targetGapPoints).toBe(0);
  });

  it('reads HUISHANG_WARN_TARGET_GAP_POINTS and the others from the environment', () => {
    expect(warningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: '2.5' }).targetGapPoints).toBe(2.5);
    expect(warningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: '' }).targetGapPoints).toBe(0);
    expect(warningThresholds({ HUISHANG_WARN_POWER_DROP_PCT: '15', HUISHANG_WARN_TARGET_GAP_POINTS: '5' })).toEqual({ ...DEFAULT_THRESHOLDS, powerDropPct: 15, targetGapPoints: 5 });
  });

  it('refuses a setting that is not a non-negative number, naming the variable', () => {
    expect(() => warningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: '-1' })).toThrow(/HUISHANG_WARN_TARGET_GAP_POINTS must be a non-negative number/);
    expect(() => warningThresholds({ HUISHANG_WARN_TARGET_GAP_POINTS: 'five' })).toThrow(/HUISHANG_WARN_TARGET_GAP_POINTS/);
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
