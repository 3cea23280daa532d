import { DEFAULT_THRESHOLDS, warningThresholds } from '../src/warnings/thresholds';

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
