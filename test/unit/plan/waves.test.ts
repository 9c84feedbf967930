import { describe, expect, it } from 'vitest';
import { groupByWave, WAVE_TAG, waveOf } from '../../../lib/plan/waves.js';

describe('waveOf', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['1000', 1000],
    [' 12 ', 12],
  ])('reads tag secret-refresh:wave=%j as wave %d', (value, wave) => {
    const warnings: string[] = [];
    expect(waveOf({ [WAVE_TAG]: value }, (message) => warnings.push(message), 'svc')).toBe(wave);
    expect(warnings).toEqual([]);
  });

  it('puts an untagged service in the last wave without a warning', () => {
    const warnings: string[] = [];
    expect(waveOf({ other: '1' }, (message) => warnings.push(message), 'svc')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.each(['1001', '-1', 'first', '1.5', '', '12345'])('warns about %j and puts the service in the last wave', (value) => {
    const warnings: string[] = [];
    expect(waveOf({ [WAVE_TAG]: value }, (message) => warnings.push(message), 'arn:svc')).toBeUndefined();
    expect(warnings).toEqual([`arn:svc: tag secret-refresh:wave="${value}" is not a whole number from 0 to 1000; the service goes in the last wave`]);
  });
});

describe('groupByWave', () => {
  it('groups by ascending wave, untagged last, keeping the order within a wave', () => {
    const items = [{ name: 'u1' }, { name: 'w2a', wave: 2 }, { name: 'w0', wave: 0 }, { name: 'w2b', wave: 2 }, { name: 'u2' }, { name: 'w10', wave: 10 }];
    expect(groupByWave(items).map((group) => group.map((item) => item.name))).toEqual([['w0'], ['w2a', 'w2b'], ['w10'], ['u1', 'u2']]);
  });

  it('returns no group for no items', () => {
    expect(groupByWave([])).toEqual([]);
  });
});
