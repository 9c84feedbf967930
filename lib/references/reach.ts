import type { Reference } from './types.js';

/** What a deployment watches: its own account and the Regions it scans (`SECRET_REFRESH_REGIONS`). */
export interface WatchScope {
  readonly account: string;
  readonly regions: readonly string[];
}

/**
 * Whether a change of what `reference` reads can reach a deployment that watches `scope`: `watched`; `other-account`
 * (its events are refused here: someone must refresh by hand in this account); `unwatched-region` (same account, a
 * Region this deployment does not watch: its events never arrive unless forwarded and its Region added).
 *
 * Why one function: the secrets map (findings `unwatched-region` / `other-account`) and every run's report (its
 * out-of-sight warnings) must call the same references out of sight.
 *
 * @example
 * referenceReach({ account: '111122223333', region: 'eu-west-1' }, { account: '111122223333', regions: ['us-east-1'] })
 * // → 'unwatched-region'
 */
export function referenceReach(reference: Pick<Reference, 'account' | 'region'>, scope: WatchScope): 'watched' | 'unwatched-region' | 'other-account' {
  if (reference.account !== scope.account) return 'other-account';
  return scope.regions.includes(reference.region) ? 'watched' : 'unwatched-region';
}
