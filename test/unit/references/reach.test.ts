import { describe, expect, it } from 'vitest';
import { referenceReach } from '../../../lib/references/index.js';

const SCOPE = { account: '111122223333', regions: ['us-east-1', 'eu-west-1'] };

describe('referenceReach', () => {
  it('is watched in a scanned Region of the same account', () => {
    expect(referenceReach({ account: '111122223333', region: 'eu-west-1' }, SCOPE)).toBe('watched');
  });

  it('is an unwatched Region in the same account, outside the scanned Regions', () => {
    expect(referenceReach({ account: '111122223333', region: 'ap-south-1' }, SCOPE)).toBe('unwatched-region');
  });

  it('is another account whatever its Region (its events are refused, watched Region or not)', () => {
    expect(referenceReach({ account: '444455556666', region: 'us-east-1' }, SCOPE)).toBe('other-account');
    expect(referenceReach({ account: '444455556666', region: 'ap-south-1' }, SCOPE)).toBe('other-account');
  });
});
