import { describe, expect, it } from 'vitest';
import { ECS_QUOTAS, EcsPacing, ecsPacingBucket, PacingBucket, resetEcsPacing } from '../../../lib/aws/ecs-pacing.js';

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

/** The process's buckets on a fake clock, with the time of every call that was let through. */
function fakePacing() {
  let now = 0;
  const pacing = new EcsPacing(
    () => now,
    async (ms) => {
      now += ms;
    },
  );
  const sent: number[] = [];
  const call = async (command: string, share: number) => {
    await pacing.bucket('us-east-1', command, share)?.take();
    sent.push(now);
  };
  return { call, sent, time: () => now, wait: (ms: number) => (now += ms) };
}

describe('EcsPacing: the documented burst first, then the configured share of the sustained rate', () => {
  it('lets 40 UpdateService calls of a run go out at once (service modify: burst 50)', async () => {
    const { call, sent } = fakePacing();
    await Promise.all(Array.from({ length: 40 }, () => call('UpdateServiceCommand', 0.5)));
    expect(sent).toHaveLength(40);
    expect(Math.max(...sent)).toBe(0);
  });

  it('spends the whole documented burst of each category, then waits for the share of the sustained rate', async () => {
    for (const [category, quota] of Object.entries(ECS_QUOTAS)) {
      const { call, sent } = fakePacing();
      const command = quota.commands[0] as string;
      for (let i = 0; i < quota.burst + 1; i++) await call(command, 0.5);
      expect(
        sent.filter((at) => at === 0),
        category,
      ).toHaveLength(quota.burst);
      // The next token: one call at half the sustained rate later.
      expect(sent.at(-1), category).toBe(Math.ceil(1000 / (quota.sustained * 0.5)));
    }
  });

  it('never sends more than burst + share × sustained × t over any window from the start', async () => {
    for (const share of [0.25, 0.5, 0.95, 1]) {
      const { call, sent } = fakePacing();
      await Promise.all(Array.from({ length: 200 }, () => call('UpdateServiceCommand', share)));
      const rate = ECS_QUOTAS['service-modify']?.sustained ?? 0;
      for (const [index, at] of sent.entries()) {
        // index + 1 calls had gone out by `at` ms.
        expect(index + 1, `share ${share}, call ${index + 1} at ${at} ms`).toBeLessThanOrEqual(50 + Math.floor((share * rate * at) / 1000) + 1);
      }
      // After the burst the pace is the share: 150 more calls at share × 5 per second.
      expect(sent.at(-1)).toBeGreaterThanOrEqual(Math.floor((150 / (share * rate)) * 1000) - 1);
    }
  });

  it('refills at the share while idle, never above the documented burst', async () => {
    const { call, sent, wait } = fakePacing();
    for (let i = 0; i < 50; i++) await call('UpdateServiceCommand', 0.5);
    wait(4_000); // 4 s at 2.5 tokens a second: 10 tokens
    const before = sent.length;
    for (let i = 0; i < 10; i++) await call('UpdateServiceCommand', 0.5);
    expect(sent.slice(before).every((at) => at === 4_000)).toBe(true);
    wait(3_600_000); // an hour idle: a full bucket, not more
    const start = sent.length;
    for (let i = 0; i < 51; i++) await call('UpdateServiceCommand', 0.5);
    expect(sent.slice(start).filter((at) => at === 3_604_000)).toHaveLength(50);
  });

  it('keeps one budget per share, Region and category', async () => {
    const { call, sent } = fakePacing();
    await Promise.all(Array.from({ length: 50 }, () => call('DescribeServicesCommand', 0.5)));
    await Promise.all(Array.from({ length: 50 }, () => call('ListServicesCommand', 0.5)));
    // service read: burst 100 shared by ListServices and DescribeServices
    expect(sent.every((at) => at === 0)).toBe(true);
    await call('DescribeServicesCommand', 0.5);
    expect(sent.at(-1)).toBe(100);
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
