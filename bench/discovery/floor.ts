import { ECS_THROTTLING_CATEGORIES, throttlingCategory } from '../aws-sim/token-bucket.js';

/** The least work discovery can do, and the least time that work needs under the simulated quotas. */
export interface DiscoveryFloor {
  readonly calls: Record<string, number>;
  readonly totalCalls: number;
  readonly seconds: number;
}

/**
 * Minimum calls: ListClusters (100 a page) + ListServices (100 a page, per cluster) + DescribeServices (10 a
 * call, per cluster) + one DescribeTaskDefinition per distinct revision in use.
 * Minimum time: each throttling category spends its burst at once and then runs at its sustained rate, the
 * categories in parallel: max over categories of (calls − burst) / sustained, plus the latency of the
 * four dependent steps (list clusters → list services → describe services → describe task definitions).
 */
export function discoveryFloor(clusterSizes: readonly number[], revisionsInUse: number, medianLatencyMs: number): DiscoveryFloor {
  const calls = {
    ListClusters: Math.max(1, Math.ceil(clusterSizes.length / 100)),
    ListServices: clusterSizes.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 100)), 0),
    DescribeServices: clusterSizes.reduce((sum, n) => sum + Math.ceil(n / 10), 0),
    DescribeTaskDefinition: revisionsInUse,
  };
  const seconds = quotaSeconds(calls) + (4 * medianLatencyMs) / 1000;
  return { calls, totalCalls: Object.values(calls).reduce((a, b) => a + b, 0), seconds };
}

/**
 * The least time `calls` need under the simulated quotas at `share` of each sustained rate: each throttling category
 * spends its burst at once, then runs at share × sustained, the categories in parallel (no latency counted).
 */
export function quotaSeconds(calls: Readonly<Record<string, number>>, share = 1): number {
  const perCategory = new Map<string, number>();
  for (const [action, count] of Object.entries(calls)) {
    const category = throttlingCategory(action) as string;
    perCategory.set(category, (perCategory.get(category) ?? 0) + count);
  }
  let seconds = 0;
  for (const [category, count] of perCategory) {
    const limits = ECS_THROTTLING_CATEGORIES[category];
    if (limits) seconds = Math.max(seconds, Math.max(0, count - limits.burst) / (limits.sustained * share));
  }
  return seconds;
}
