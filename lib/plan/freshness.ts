import type { Change } from '../changes/types.js';

/**
 * The already-fresh rule, in one place (ECS services, Batch jobs, the next wave of a rollout, the change record):
 * a service whose PRIMARY deployment was created, or a job that started, after the moment the value became current
 * already reads it, so acting on it again would only repeat the deployment.
 *
 * Compared at whole seconds, conservatively. Event times have whole seconds (`2026-11-20T10:00:20Z`) while
 * deployment `createdAt` and job `startedAt` have milliseconds: the change happened somewhere in the second it
 * names, so a deployment created in that same second (`10:00:20.500Z`) may have started its tasks before the value
 * changed and is *not* fresh. A moment given with a fraction (DescribeSecret's `LastChangedDate`, a parameter's
 * `LastModifiedDate`) is compared at its whole second too: it comes from another service's clock than ECS's, so a
 * sub-second comparison across them proves nothing. Only a start in a later second is fresh. Erring this way never
 * loses a refresh; at worst a service deployed within that second is deployed once more.
 *
 * @example
 * startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20Z') // → true
 * startedSince('2026-11-20T10:00:20.999Z', '2026-11-20T10:00:20Z') // → false (same second)
 * startedSince('2026-11-20T10:00:20.950Z', '2026-11-20T10:00:20.100Z') // → false (same second, whatever the fraction)
 */
export function startedSince(startedAt: string | Date, moment: string): boolean {
  const started = typeof startedAt === 'string' ? Date.parse(startedAt) : startedAt.getTime();
  const since = Date.parse(moment);
  // An unreadable moment is never fresh: the service is acted on, not left stale. The comparison below is false
  // for NaN too; the check says it on purpose.
  if (Number.isNaN(started) || Number.isNaN(since)) return false;
  return Math.floor(started / 1000) > Math.floor(since / 1000);
}

/** The moment a change's value became current: `currentSince`, else the event's `time` (see `Change.currentSince`). */
export function becameCurrentAt(change: Pick<Change, 'currentSince' | 'time'>): string {
  return change.currentSince ?? change.time;
}
