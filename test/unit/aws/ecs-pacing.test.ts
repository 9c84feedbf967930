import { describe, expect, it } from 'vitest';
import { ECS_QUOTAS, ecsPacingBucket, PacingBucket, resetEcsPacing } from '../../../lib/aws/ecs-pacing.js';

/** A bucket on a fake clock: `sleep` advances time instead of waiting. */
function fakeBucket(burst: number, sustained: number) {
  let now = 0;
  const sleeps: number[] = [];
  const bucket = new PacingBucket(
    { burst, sustained },
    () => now,
    async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  );
  return { bucket, sleeps, time: () => now };
}

describe('PacingBucket', () => {
  it('lets the burst through at once, then paces at the sustained rate', async () => {
    const { bucket, time } = fakeBucket(5, 10);
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(time()).toBe(0);
    for (let i = 0; i < 10; i++) await bucket.take();
    // 10 more tokens at 10 per second: one second.
    expect(time()).toBe(1000);
  });

  it('serves concurrent callers one token each, in order', async () => {
    const { bucket, time } = fakeBucket(1, 2);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(time()).toBe(1000); // the 2 calls after the burst at 2 per second
  });
});

describe('ecsPacingBucket', () => {
  it('shares one bucket per Region and ECS quota category', () => {
    resetEcsPacing();
    expect(ecsPacingBucket('us-east-1', 'ListServicesCommand', 0.95)).toBe(ecsPacingBucket('us-east-1', 'DescribeServicesCommand', 0.95));
    expect(ecsPacingBucket('us-east-1', 'DescribeServicesCommand', 0.95)).not.toBe(ecsPacingBucket('eu-west-1', 'DescribeServicesCommand', 0.95));
    expect(ecsPacingBucket('us-east-1', 'DescribeTaskDefinitionCommand', 0.95)).not.toBe(ecsPacingBucket('us-east-1', 'DescribeServicesCommand', 0.95));
    expect(ecsPacingBucket('us-east-1', 'RunTaskCommand', 0.95)).toBeUndefined();
  });

  it('knows the documented rates of every ECS action secret-refresh sends', () => {
    expect(ECS_QUOTAS['task-definition-read']).toMatchObject({ burst: 50, sustained: 20 });
    expect(ECS_QUOTAS['service-modify']).toMatchObject({ burst: 50, sustained: 5 });
  });
});
