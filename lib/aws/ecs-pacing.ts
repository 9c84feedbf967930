/**
 * Client-side pacing for the ECS API, so that discovery stays just under ECS's request quotas instead of
 * running into `ThrottlingException` and backing off.
 *
 * ECS throttles per account, Region and *action category* with token buckets ("Request throttling for the
 * Amazon ECS API", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html):
 *
 * | category | actions we call | burst | sustained / s |
 * |---|---|---|---|
 * | cluster read | ListClusters | 50 | 20 |
 * | service read | ListServices, DescribeServices | 100 | 20 |
 * | task definition read | DescribeTaskDefinition | 50 | 20 |
 * | service modify | UpdateService | 50 | 5 |
 * | tag read | ListTagsForResource | 50 | 20 |
 *
 * We pace at `share` (default 0.5, `SECRET_REFRESH_ECS_QUOTA_SHARE`) of the sustained rate and start with half the
 * burst: the account's own deploy pipelines and tools draw from the same buckets, and quotas raised by AWS Support
 * only make us conservative. Buckets are per process (warm Lambda invocations keep them) and per Region, shared by
 * every client. That is enough because at most one planning run acts on an account at a time (the account lease,
 * lib/pipeline/lease.ts): concurrent runs never need to share a budget across processes.
 */

/** Burst and sustained rate of one ECS throttling category. */
export interface PaceLimits {
  readonly burst: number;
  readonly sustained: number;
}

/** The documented ECS categories of the actions secret-refresh sends. */
export const ECS_QUOTAS: Readonly<Record<string, PaceLimits & { readonly commands: readonly string[] }>> = {
  'cluster-read': { burst: 50, sustained: 20, commands: ['ListClustersCommand', 'DescribeClustersCommand'] },
  'service-read': { burst: 100, sustained: 20, commands: ['ListServicesCommand', 'DescribeServicesCommand'] },
  'task-definition-read': { burst: 50, sustained: 20, commands: ['DescribeTaskDefinitionCommand'] },
  'service-modify': { burst: 50, sustained: 5, commands: ['UpdateServiceCommand'] },
  'tag-read': { burst: 50, sustained: 20, commands: ['ListTagsForResourceCommand'] },
};

/**
 * A token bucket that waits for a token instead of refusing: `take()` resolves when the call may go.
 * Waiters are served in order. `now` and `sleep` are injectable for tests.
 */
export class PacingBucket {
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  public constructor(
    private readonly limits: PaceLimits,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.#tokens = limits.burst;
    this.#last = now();
  }

  /** Resolves when a token was taken. */
  public take(): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        this.#refill();
        if (this.#tokens >= 1) {
          this.#tokens -= 1;
          return;
        }
        await this.sleep(Math.ceil(((1 - this.#tokens) / this.limits.sustained) * 1000));
      }
    });
    this.#queue = turn;
    return turn;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.limits.burst, this.#tokens + ((now - this.#last) / 1000) * this.limits.sustained);
    this.#last = now;
  }
}

/**
 * The pacing buckets of one process (one Lambda execution environment). {@link ecsPacingBucket} uses the shared
 * one; a benchmark that simulates several execution environments in one process gives each its own.
 */
export class EcsPacing {
  readonly #buckets = new Map<string, PacingBucket>();

  /** The bucket for `command` in `region`, or `undefined` when ECS does not throttle it by category. */
  public bucket(region: string, command: string, share: number): PacingBucket | undefined {
    const entry = Object.entries(ECS_QUOTAS).find(([, quota]) => quota.commands.includes(command));
    if (!entry) return undefined;
    const [category, quota] = entry;
    const key = `${region}|${category}|${share}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new PacingBucket({ burst: Math.max(1, Math.floor(quota.burst / 2)), sustained: quota.sustained * share });
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Forgets every bucket. */
  public reset(): void {
    this.#buckets.clear();
  }
}

const shared = new EcsPacing();

/**
 * The shared bucket for `command` in `region`, or `undefined` when ECS does not throttle it by category.
 * @param share fraction of the documented sustained rate to use (0 < share ≤ 1).
 */
export function ecsPacingBucket(region: string, command: string, share: number): PacingBucket | undefined {
  return shared.bucket(region, command, share);
}

/** Forgets every shared bucket (tests). */
export function resetEcsPacing(): void {
  shared.reset();
}
