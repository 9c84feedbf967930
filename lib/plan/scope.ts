import type { PlanScope } from './types.js';

/**
 * Why a cluster is outside the configured scope, or `undefined` when it is inside.
 * Patterns are cluster names or globs (`*` any run of characters, `?` one character), matched on the
 * whole cluster name; exclusion wins over inclusion.
 *
 * @example
 * scopeReason('prod-eu', { include: ['prod-*'], exclude: [], optIn: false }); // → undefined
 */
export function scopeReason(clusterName: string, scope: PlanScope | undefined): string | undefined {
  if (!scope) return undefined;
  const excludedBy = scope.exclude.find((pattern) => globMatches(pattern, clusterName));
  if (excludedBy) return `cluster ${clusterName} is excluded by SECRET_REFRESH_CLUSTERS_EXCLUDE (${excludedBy})`;
  if (scope.include.length > 0 && !scope.include.some((pattern) => globMatches(pattern, clusterName))) {
    return `cluster ${clusterName} is not in SECRET_REFRESH_CLUSTERS_INCLUDE (${scope.include.join(', ')})`;
  }
  return undefined;
}

/** Whole-string glob match with `*` and `?`. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}
