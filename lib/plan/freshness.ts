/**
 * The already-fresh rule, in one place (ECS services, Batch jobs, the next wave of a rollout): a service whose
 * PRIMARY deployment was created, or a job that started, at or after the moment of the change already reads the
 * new value, so acting on it again would only repeat the deployment.
 *
 * @example
 * startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20Z') // → true
 */
export function startedSince(startedAt: string | Date, changeTime: string): boolean {
  const started = typeof startedAt === 'string' ? Date.parse(startedAt) : startedAt.getTime();
  return started >= Date.parse(changeTime);
}
