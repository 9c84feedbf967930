/**
 * Token buckets as ECS applies them: one bucket per *API action category*, shared by every action in it,
 * per account and Region. A request takes one token; with no token left it is throttled
 * (`ThrottlingException: Rate exceeded`). Buckets refill at the sustained rate up to the burst capacity.
 *
 * Figures: "Request throttling for the Amazon ECS API", table "Request Token Bucket Sizes and Refill Rates",
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html (read 2026-11, via the
 * stored copy of that page). Quoted rows (burst = bucket maximum capacity, sustained = refill per second):
 *
 * | category | actions | burst | sustained |
 * |---|---|---|---|
 * | Cluster read actions | DescribeClusters, ListClusters | 50 | 20 |
 * | Service read actions | DescribeServices, ListServices | 100 | 20 |
 * | Task definition read actions | DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies | 50 | 20 |
 * | Service modify actions | CreateService, DeleteService, UpdateService | 50 | 5 |
 * | Tag read actions | ListTagsForResource | 50 | 20 |
 *
 * What the page leaves unclear, and what the simulator assumes (configurable through `categories`):
 * - it says tokens are added back "every second"; the simulator refills continuously (rate × elapsed time),
 *   which is the usual reading and differs only within a second;
 * - it does not say whether a throttled request costs a token: here it does not;
 * - quotas can be raised per account through AWS Support, so real accounts may differ;
 * - AWS Batch publishes no per-action table: Batch actions are not throttled unless configured.
 */
export interface BucketLimits {
  /** Bucket maximum capacity (burst rate). */
  readonly burst: number;
  /** Refill rate in tokens per second (sustained rate). */
  readonly sustained: number;
}

/** ECS throttling categories, from the documentation table cited above. */
export const ECS_THROTTLING_CATEGORIES: Readonly<Record<string, BucketLimits & { readonly actions: readonly string[] }>> = {
  'cluster-read': { burst: 50, sustained: 20, actions: ['DescribeClusters', 'ListClusters'] },
  'service-read': { burst: 100, sustained: 20, actions: ['DescribeServices', 'ListServices'] },
  'task-definition-read': {
    burst: 50,
    sustained: 20,
    actions: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'],
  },
  'service-modify': { burst: 50, sustained: 5, actions: ['CreateService', 'DeleteService', 'UpdateService'] },
  'tag-read': { burst: 50, sustained: 20, actions: ['ListTagsForResource'] },
};

/** The category of an ECS action (undefined: not throttled by the simulator). */
export function throttlingCategory(
  action: string,
  categories: Readonly<Record<string, { readonly actions: readonly string[] }>> = ECS_THROTTLING_CATEGORIES,
): string | undefined {
  return Object.entries(categories).find(([, category]) => category.actions.includes(action))?.[0];
}

/**
 * One token bucket. `now` is injectable (milliseconds) so tests can step time instead of sleeping.
 *
 * @example
 * const bucket = new TokenBucket({ burst: 50, sustained: 20 });
 * if (!bucket.take()) throttle();
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  public constructor(
    public readonly limits: BucketLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = limits.burst;
    this.#updatedAt = now();
  }

  /** Takes one token if there is one; false means the request is throttled. */
  public take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Tokens available now (fractional while refilling). */
  public get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Back to a full bucket (a new benchmark run after an idle period). */
  public reset(): void {
    this.#tokens = this.limits.burst;
    this.#updatedAt = this.now();
  }

  #refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.limits.burst, this.#tokens + elapsed * this.limits.sustained);
    this.#updatedAt = now;
  }
}
