import { randomUUID } from 'node:crypto';
import type { StateTable } from '../aws/state-table.js';
import { SecretRefreshError } from '../errors.js';

/**
 * Another run holds the account's lease and did not release it in time. Nothing was done: the caller gives the
 * batch back (the intake queue delivers it again shortly) or, in the CLI, says to try again.
 */
export class LeaseUnavailableError extends SecretRefreshError {
  public constructor(
    message: string,
    /** When the holder's lease expires at the latest. */
    public readonly heldUntil?: Date,
  ) {
    super(message);
  }
}

/** What {@link withAccountLease} needs. */
export interface LeaseOptions {
  readonly state: StateTable;
  readonly account: string;
  /** The lease frees itself then, even if this run is killed (the Lambda invocation's deadline). */
  readonly expiresAt: Date;
  /** How long to wait for another run's lease before giving up. */
  readonly waitMs: number;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How often a waiting run asks again. */
const POLL_MS = 1000;

/**
 * Runs `work` holding the account's lease (`lease#<account>` in the state table): **at most one planning run acts on
 * an account at a time**, so runs never compete for ECS quotas (pacing is per process and needs no sharing) and two
 * runs never deploy one service for one change. The lease is a conditional write (free, or expired) with an expiry
 * at the run's own deadline, so a run that is killed frees it when its invocation would have ended; it is released
 * when `work` settles. A run that finds the lease held waits (polling every second) up to `waitMs`.
 *
 * @throws {LeaseUnavailableError} when the lease stayed held for `waitMs`; store errors propagate.
 */
export async function withAccountLease<T>(options: LeaseOptions, work: () => Promise<T>): Promise<T> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = `lease#${options.account}`;
  const owner = randomUUID();
  const giveUpAt = now().getTime() + options.waitMs;
  for (;;) {
    if (await options.state.tryLease(key, owner, options.expiresAt, now())) break;
    if (now().getTime() >= giveUpAt) {
      const holder = await options.state.leaseHolder(key);
      throw new LeaseUnavailableError(
        `another secret-refresh run is acting on account ${options.account}${holder ? ` (its lease expires at ${holder.expiresAt.toISOString()} at the latest)` : ''}: nothing was done; the changes are delivered again`,
        holder?.expiresAt,
      );
    }
    await sleep(Math.min(POLL_MS, Math.max(0, giveUpAt - now().getTime())) || POLL_MS);
  }
  try {
    return await work();
  } finally {
    await options.state.releaseLease(key, owner).catch(() => undefined);
  }
}
