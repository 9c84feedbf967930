import type { Plan, PlanTarget, RunMode } from './types.js';

/**
 * What the loop and burst limits need to know besides the plan, read by the pipeline from the state table before
 * anything is done: when secret-refresh last deployed each candidate service, and how much of this hour's
 * deployment budget is left.
 */
export interface DeploymentLimits {
  readonly mode: RunMode;
  readonly now: Date;
  /** `SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS`; `0` turns the interval off. */
  readonly minRedeployIntervalSeconds: number;
  /** When secret-refresh last deployed a service (ISO-8601), by service ARN; services it never deployed are absent. */
  readonly lastDeployed: ReadonlyMap<string, string>;
  /** `SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR`. */
  readonly maxDeploymentsPerHour: number;
  /** Deployments (ECS redeploys plus Batch resubmits) still allowed this hour; absent: not counted (no state table). */
  readonly budgetLeft?: number;
}

/**
 * The plan as the loop and burst limits allow it, for automatic runs (a manual `refresh` is deliberate: it is
 * neither deferred nor refused, though its deployments count against the budget):
 *
 * 1. **Minimum interval.** A service secret-refresh deployed less than `minRedeployIntervalSeconds` ago is not
 *    deployed again now: it becomes `defer`, `due` when the interval has passed. The pipeline delivers its
 *    changes again then, so one later deployment covers every change since (a parameter rewritten in a loop
 *    deploys its readers once per interval, not once per write).
 * 2. **Hourly budget.** When the actions left would exceed the budget still available this hour, the run is
 *    refused like the blast-radius cap: every action becomes a `rate-limit` skip and `refused` says why.
 *
 * A plan the blast-radius cap refused is returned as it is. Pure: no clock, no AWS.
 *
 * @example
 * const limited = limitPlan(plan, { mode: 'event', now, minRedeployIntervalSeconds: 300, lastDeployed, maxDeploymentsPerHour: 500, budgetLeft: 480 });
 */
export function limitPlan(plan: Plan, limits: DeploymentLimits): Plan {
  if (limits.mode === 'manual' || plan.refused) return plan;
  const intervalMs = limits.minRedeployIntervalSeconds * 1000;
  const targets = plan.targets.map((target): PlanTarget => {
    if (target.type !== 'ecs-service' || target.decision !== 'redeploy' || intervalMs <= 0) return target;
    const last = limits.lastDeployed.get(target.arn);
    const due = last === undefined ? Number.NaN : Date.parse(last) + intervalMs;
    if (!(due > limits.now.getTime())) return target;
    const dueAt = new Date(due).toISOString();
    return {
      ...target,
      decision: 'defer',
      due: dueAt,
      reason:
        `deferred until ${dueAt}: secret-refresh deployed it at ${last}, less than SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS=${limits.minRedeployIntervalSeconds} ago; ` +
        `the change is delivered again then and one deployment covers every change since (would redeploy: ${target.reason})`,
    };
  });
  const actions = targets.filter(
    (target) => (target.type === 'ecs-service' && target.decision === 'redeploy') || (target.type === 'batch-job' && target.decision === 'resubmit'),
  );
  if (limits.budgetLeft === undefined || actions.length <= limits.budgetLeft) return { ...plan, targets };
  const left = Math.max(0, limits.budgetLeft);
  const refused =
    `rate limit: ${actions.length} deployments would exceed SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=${limits.maxDeploymentsPerHour} ` +
    `(${left} left this hour); nothing was done. Look for what changes so often, then refresh by hand with "secret-refresh refresh --ref <name>"`;
  const short = `rate limit: the run was refused (${actions.length} deployments, ${left} left this hour of SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=${limits.maxDeploymentsPerHour})`;
  return {
    ...plan,
    refused,
    refusedBy: 'rate-limit',
    targets: targets.map((target): PlanTarget => {
      if (!actions.includes(target)) return target;
      const verb = target.type === 'batch-job' ? 'resubmit' : 'redeploy';
      return {
        ...target,
        decision: 'skip',
        code: 'rate-limit',
        reason: `${short}; would ${verb}: ${target.reason}`,
        ...(target.type === 'batch-job' ? { terminate: false } : {}),
      } as PlanTarget;
    }),
  };
}
