/**
 * The account lease (lib/pipeline/lease.ts) on an atomic in-memory state table with a stepped clock: one holder at
 * a time, a waiter gets it when it is released or expires, a killed holder's lease frees itself at its deadline,
 * store errors propagate.
 */
import { describe, expect, it } from 'vitest';
import { LeaseUnavailableError, withAccountLease } from '../../../lib/pipeline/lease.js';
import { dynamoDbDenied, MemoryStateTable } from '../../support/memory-state-table.js';

/** A clock the waiting loop advances (sleep moves time instead of waiting). */
function clock(start = Date.parse('2026-11-20T10:00:00.000Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    sleep: async (ms: number) => {
      now += ms;
      await Promise.resolve();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('withAccountLease', () => {
  it('holds lease#<account> while the work runs, and releases it when the work settles (also when it throws)', async () => {
    const state = new MemoryStateTable();
    const time = clock();
    const options = { state, account: '111122223333', expiresAt: new Date(time.now().getTime() + 300_000), waitMs: 0, ...time };
    const seen = await withAccountLease(options, async () => [...state.items.leases.keys()]);
    expect(seen).toEqual(['lease#111122223333']);
    expect(state.items.leases.size).toBe(0);
    await expect(withAccountLease(options, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(state.items.leases.size).toBe(0);
  });

  it('lets one of two consumers act at a time: the second waits, then acts after the first released', async () => {
    const items = new MemoryStateTable().items;
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = withAccountLease(
      { state: new MemoryStateTable(items), account: 'a', expiresAt: new Date(Date.now() + 60_000), waitMs: 5000 },
      () =>
        new Promise<void>((resolve) => {
          order.push('first acts');
          releaseFirst = () => {
            order.push('first done');
            resolve();
          };
        }),
    );
    await Promise.resolve();
    const second = withAccountLease(
      {
        state: new MemoryStateTable(items),
        account: 'a',
        expiresAt: new Date(Date.now() + 60_000),
        waitMs: 5000,
        sleep: () => new Promise((resolve) => setTimeout(resolve, 5)),
      },
      async () => {
        order.push('second acts');
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(order).toEqual(['first acts']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first acts', 'first done', 'second acts']);
  });

  it('gives up after waitMs with LeaseUnavailableError saying until when the holder may hold it, having done nothing', async () => {
    const state = new MemoryStateTable();
    const time = clock();
    state.items.leases.set('lease#a', { owner: 'other', expiresAt: Date.parse('2026-11-20T10:05:00.000Z') });
    let ran = false;
    const run = withAccountLease({ state, account: 'a', expiresAt: new Date('2026-11-20T10:10:00.000Z'), waitMs: 10_000, ...time }, async () => {
      ran = true;
    });
    await expect(run).rejects.toBeInstanceOf(LeaseUnavailableError);
    await expect(run).rejects.toThrow(
      'another secret-refresh run is acting on account a (its lease expires at 2026-11-20T10:05:00.000Z at the latest): nothing was done; the changes are delivered again',
    );
    expect(ran).toBe(false);
    expect(state.count('tryLease')).toBe(11); // once a second for 10 s, and once more at the end
    expect(state.items.leases.get('lease#a')?.owner).toBe('other');
  });

  it('takes over a lease whose holder was killed once its expiry (the holder’s own deadline) has passed', async () => {
    const state = new MemoryStateTable();
    const time = clock();
    state.items.leases.set('lease#a', { owner: 'killed', expiresAt: time.now().getTime() + 3000 });
    const acted = await withAccountLease(
      { state, account: 'a', expiresAt: new Date(time.now().getTime() + 60_000), waitMs: 10_000, ...time },
      async () => 'acted',
    );
    expect(acted).toBe('acted');
    expect(state.count('tryLease')).toBe(5); // held at +0 s … +3 s, free at +4 s
  });

  it('never releases a lease someone else took over', async () => {
    const state = new MemoryStateTable();
    await withAccountLease({ state, account: 'a', expiresAt: new Date(Date.now() + 60_000), waitMs: 0 }, async () => {
      state.items.leases.set('lease#a', { owner: 'someone-else', expiresAt: Date.now() + 60_000 });
    });
    expect(state.items.leases.get('lease#a')?.owner).toBe('someone-else');
  });

  it('propagates a store error (denied, throttled) instead of reading it as "held by someone else"', async () => {
    const state = new MemoryStateTable();
    state.fault = (operation) => (operation === 'tryLease' ? { when: 'before', error: dynamoDbDenied() } : undefined);
    await expect(withAccountLease({ state, account: 'a', expiresAt: new Date(Date.now() + 60_000), waitMs: 60_000 }, async () => 'x')).rejects.toThrow(
      'User is not authorized to perform: dynamodb:PutItem',
    );
    expect(state.count('tryLease')).toBe(1);
  });
});

describe('withAccountLease: waiting and giving up', () => {
  it('polls once a second and sleeps only what is left of waitMs at the end', async () => {
    const state = new MemoryStateTable();
    const time = clock();
    state.items.leases.set('lease#a', { owner: 'other', expiresAt: Date.parse('2026-11-20T10:05:00.000Z') });
    const slept: number[] = [];
    const run = withAccountLease(
      {
        state,
        account: 'a',
        expiresAt: new Date('2026-11-20T10:10:00.000Z'),
        waitMs: 2500,
        now: time.now,
        sleep: async (ms) => {
          slept.push(ms);
          await time.sleep(ms);
        },
      },
      async () => 'acted',
    );
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LeaseUnavailableError);
    expect((error as LeaseUnavailableError).heldUntil).toEqual(new Date('2026-11-20T10:05:00.000Z'));
    expect(slept).toEqual([1000, 1000, 500]);
    expect(state.count('tryLease')).toBe(4);
  });

  it('tries once and gives up at once with waitMs 0, and says nothing of an expiry it could not read', async () => {
    const busy = new MemoryStateTable();
    const time = clock();
    // Held at the conditional write, gone when the holder is read (it released in between).
    let tries = 0;
    const state = Object.assign(Object.create(busy) as MemoryStateTable, {
      tryLease: async () => {
        tries += 1;
        return false;
      },
      leaseHolder: async () => undefined,
    });
    const error = await withAccountLease(
      { state, account: '111122223333', expiresAt: new Date('2026-11-20T10:10:00.000Z'), waitMs: 0, ...time },
      async () => 'x',
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LeaseUnavailableError);
    expect((error as Error).message).toBe('another secret-refresh run is acting on account 111122223333: nothing was done; the changes are delivered again');
    expect((error as LeaseUnavailableError).heldUntil).toBeUndefined();
    expect(tries).toBe(1);
  });

  it('writes the lease with the run’s own deadline as its expiry, and keeps the work’s result when the release fails', async () => {
    const state = new MemoryStateTable();
    state.fault = (operation) => (operation === 'releaseLease' ? { when: 'before', error: dynamoDbDenied() } : undefined);
    const expiresAt = new Date('2026-11-20T10:14:00.000Z');
    const seen = await withAccountLease({ state, account: 'a', expiresAt, waitMs: 0, ...clock() }, async () => state.items.leases.get('lease#a')?.expiresAt);
    expect(seen).toBe(expiresAt.getTime());
    expect(state.count('releaseLease')).toBe(1);
  });
});

describe('withAccountLease: the default clock and sleep', () => {
  it('waits between polls with the real clock (a handful of conditional writes for 1.2 s, never a busy loop)', async () => {
    const state = new MemoryStateTable();
    state.items.leases.set('lease#a', { owner: 'other', expiresAt: Date.now() + 60_000 });
    await expect(withAccountLease({ state, account: 'a', expiresAt: new Date(Date.now() + 60_000), waitMs: 1200 }, async () => 'x')).rejects.toBeInstanceOf(
      LeaseUnavailableError,
    );
    // At 0 s, 1 s and 1.2 s (one more if a timer fires a millisecond early).
    expect(state.count('tryLease')).toBeGreaterThanOrEqual(3);
    expect(state.count('tryLease')).toBeLessThanOrEqual(4);
  });
});
