import type { Change } from '../changes/types.js';

/**
 * The already-fresh rule, in one place (ECS services, Batch jobs, the next wave of a rollout, the change record):
 * a service whose PRIMARY deployment was created, or a job that started, after the moment the value became current
 * already reads it, so acting on it again would only repeat the deployment.
 *
 * Compared at whole seconds, conservatively: ECS and CloudTrail times do not share a sub-second clock, so a
 * deployment created in the same second as the moment is *not* fresh (one deployment too many is harmless; a
 * service left on the old value is not).
 *
 * @example
 * startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20.900Z') // → true
 * startedSince('2026-11-20T10:00:20.950Z', '2026-11-20T10:00:20.100Z') // → false: same second
 */
export function startedSince(startedAt: string | Date, moment: string): boolean {
  const started = typeof startedAt === 'string' ? Date.parse(startedAt) : startedAt.getTime();
  const since = Date.parse(moment);
  if (Number.isNaN(started) || Number.isNaN(since)) return false;
  return Math.floor(started / 1000) > Math.floor(since / 1000);
}

/** The moment a change's value became current: `currentSince`, else the event's `time` (see `Change.currentSince`). */
export function becameCurrentAt(change: Pick<Change, 'currentSince' | 'time'>): string {
  return change.currentSince ?? change.time;
}
