import { describe, expect, it } from 'vitest';
import { chunk, createLimiter, mapWithConcurrency } from '../../../lib/aws/concurrency.js';
import { type Deferred, deferred, settle } from './ecs-doubles.js';

/** A worker whose calls stay in flight until the test resolves them; tracks how many run at once. */
function heldWorker() {
  const pending = new Map<number, Deferred<string>>();
  const started: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async (item: string, index: number): Promise<string> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    started.push(index);
    const call = deferred<string>();
    pending.set(index, call);
    try {
      return `${item}:${await call.promise}`;
    } finally {
      inFlight--;
    }
  };
  return {
    worker,
    pending,
    started,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
  };
}

describe('mapWithConcurrency', () => {
  it('never has more than `limit` calls in flight, and keeps the limit full while work remains', async () => {
    const items = Array.from({ length: 10 }, (_, index) => `item-${index}`);
    const held = heldWorker();
    const result = mapWithConcurrency(items, 3, held.worker);
    let remaining = items.length;
    while (remaining > 0) {
      await settle();
      expect(held.inFlight()).toBe(Math.min(3, remaining));
      // Finish the most recently started call first, so completion order differs from input order.
      const newest = Math.max(...held.pending.keys());
      held.pending.get(newest)?.resolve(`done-${newest}`);
      held.pending.delete(newest);
      remaining--;
    }
    await expect(result).resolves.toEqual(items.map((item, index) => `${item}:done-${index}`));
    expect(held.maxInFlight()).toBe(3);
    expect(held.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps input order when later items finish first', async () => {
    const delays = [30, 5, 20, 0, 10];
    const result = await mapWithConcurrency(
      delays,
      2,
      (delay, index) => new Promise<string>((resolve) => setTimeout(() => resolve(`#${index}/${delay}`), delay)),
    );
    expect(result).toEqual(['#0/30', '#1/5', '#2/20', '#3/0', '#4/10']);
  });

  it('runs every item at once when the limit exceeds the number of items', async () => {
    const held = heldWorker();
    const result = mapWithConcurrency(['a', 'b', 'c'], 50, held.worker);
    await settle();
    expect(held.inFlight()).toBe(3);
    for (const [index, call] of held.pending) call.resolve(String(index));
    await expect(result).resolves.toEqual(['a:0', 'b:1', 'c:2']);
  });

  it('returns an empty array for empty input without calling the worker', async () => {
    let calls = 0;
    const result = await mapWithConcurrency([], 4, async () => {
      calls++;
      return 1;
    });
    expect(result).toEqual([]);
    expect(calls).toBe(0);
  });

  it('treats a limit below 1 as 1 instead of never starting', async () => {
    const held = heldWorker();
    const result = mapWithConcurrency(['a', 'b'], 0, held.worker);
    await settle();
    expect(held.inFlight()).toBe(1);
    held.pending.get(0)?.resolve('x');
    await settle();
    expect(held.started).toEqual([0, 1]);
    held.pending.get(1)?.resolve('y');
    await expect(result).resolves.toEqual(['a:x', 'b:y']);
    expect(held.maxInFlight()).toBe(1);
  });

  it('rejects the whole map when a worker rejects', async () => {
    await expect(
      mapWithConcurrency([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('boom on 2');
        return item;
      }),
    ).rejects.toThrow('boom on 2');
  });
});

describe('chunk', () => {
  it('refuses a size that would never finish', () => {
    expect(() => chunk([1, 2], 0)).toThrow(RangeError);
    expect(() => chunk([1, 2], 0)).toThrow('chunk size must be a positive integer, got 0');
  });

  it('splits into chunks of `size` with a shorter last chunk', () => {
    const items = Array.from({ length: 25 }, (_, index) => index);
    const chunks = chunk(items, 10);
    expect(chunks.map((part) => part.length)).toEqual([10, 10, 5]);
    expect(chunks.flat()).toEqual(items);
    expect(chunks[2]).toEqual([20, 21, 22, 23, 24]);
  });

  it('makes exact chunks for a multiple of size, and none for empty input', () => {
    expect(chunk([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(chunk([], 10)).toEqual([]);
  });

  it('does not modify its input', () => {
    const items = Object.freeze([1, 2, 3]);
    expect(chunk(items, 2)).toEqual([[1, 2], [3]]);
    expect(items).toEqual([1, 2, 3]);
  });
});

describe('createLimiter', () => {
  it('never runs more than the limit at once, whoever calls it, and runs everything', async () => {
    const limit = createLimiter(3);
    let inFlight = 0;
    let peak = 0;
    const task = async (n: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return n;
    };
    const groupA = Promise.all([1, 2, 3, 4, 5].map((n) => limit(() => task(n))));
    const groupB = Promise.all([6, 7, 8, 9].map((n) => limit(() => task(n))));
    expect([...(await groupA), ...(await groupB)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
  });

  it('frees its slot when a call fails', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(() => Promise.resolve('next'))).toBe('next');
  });
});
