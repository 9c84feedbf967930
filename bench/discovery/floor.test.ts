import { describe, expect, it } from 'vitest';
import { discoveryFloor } from './floor.js';

describe('discoveryFloor', () => {
  it('counts pages of 100, batches of 10 and one describe per revision', () => {
    const floor = discoveryFloor([250, 5], 40, 0);
    expect(floor.calls).toEqual({ ListClusters: 1, ListServices: 4, DescribeServices: 26, DescribeTaskDefinition: 40 });
    expect(floor.totalCalls).toBe(71);
    expect(floor.seconds).toBe(0); // everything fits in the bursts
  });

  it('is bound by the slowest category after its burst', () => {
    // 2,000 revisions: (2000 − 50) / 20 = 97.5 s; 4 × 40 ms of dependent latency.
    const floor = discoveryFloor(
      Array.from({ length: 50 }, () => 100),
      2000,
      40,
    );
    expect(floor.seconds).toBeCloseTo(97.66, 2);
  });
});
