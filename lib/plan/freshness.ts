/**
 * The already-fresh rule, in one place (ECS services, Batch jobs, the next wave of a rollout): a service whose
 * PRIMARY deployment was created, or a job that started, after the moment of the change already reads the new
 * value, so acting on it again would only repeat the deployment.
 *
 * "After" respects the precision the change's time was given in. Event times have whole seconds
 * (`2026-11-20T10:00:20Z`) while deployment `createdAt` and job `startedAt` have milliseconds: the change
 * happened somewhere in the second it names, so a deployment created in that same second (`10:00:20.500Z`) may
 * have started its tasks before the value changed and is *not* fresh. Only a start at or after the end of the
 * change's time unit (`10:00:21.000Z` here; one millisecond after a millisecond time) is proven to be later.
 * Erring this way never loses a refresh; at worst a service deployed within that second is deployed once more.
 *
 * @example
 * startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20Z') // → true
 * startedSince('2026-11-20T10:00:20.999Z', '2026-11-20T10:00:20Z') // → false (same second)
 */
export function startedSince(startedAt: string | Date, changeTime: string): boolean {
  const started = typeof startedAt === 'string' ? Date.parse(startedAt) : startedAt.getTime();
  return started >= changeMomentEnd(changeTime);
}

/**
 * The first millisecond certainly after the change: its time plus the unit it was written in (1 s without a
 * fraction, 1 ms with one; finer fractions still count as 1 ms, which is all a `Date` holds).
 */
function changeMomentEnd(changeTime: string): number {
  const fraction = /T\d{2}:\d{2}:\d{2}(\.\d+)?/.exec(changeTime)?.[1];
  return Date.parse(changeTime) + (fraction ? 1 : 1000);
}
