import { FINAL_STATUSES, type RolloutPlan, type RolloutProgress, type RolloutStepInput } from './types.js';

/** Why a failed secret refresh cannot be undone by the ECS circuit breaker. */
export const ROLLBACK_NOTE =
  'A circuit-breaker rollback starts tasks of the previous task definition, which reads the same (new) secret value: it cannot restore the old value. Fix or revert the secret (e.g. move AWSCURRENT back), then refresh.';

/**
 * The rollout's final progress: as the steps left it, or `failed` when a step kept failing after its retries (the
 * state machine's Catch put the error in the input) or the rollout reached `finish` in a state that is not an end.
 */
export function rolloutOutcome(step: RolloutStepInput): RolloutProgress {
  const { progress, error } = step;
  if (error && (error.Error || error.Cause)) {
    return { ...progress, status: 'failed', why: `wave ${progress.wave + 1}: a step kept failing after its retries: ${describeCaught(error)}` };
  }
  if (FINAL_STATUSES.includes(progress.status)) return progress;
  return { ...progress, status: 'failed', why: progress.why ?? `the rollout stopped while ${progress.status}` };
}

/** The Error and Cause Step Functions caught (a Lambda's Cause is JSON with its errorMessage). */
function describeCaught(error: { readonly Error?: string; readonly Cause?: string }): string {
  let cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // A plain-text cause is shown as it is.
  }
  return `${error.Error ?? 'Error'}${cause ? `: ${cause}` : ''}`;
}

/** One service in the lists of `Secret Refresh Deployment Failed`. */
export interface RolloutServiceEntry {
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly region: string;
  /** 1-based wave of the rollout. */
  readonly wave: number;
  readonly deploymentId?: string;
  readonly reason: string;
}

/** The exact lists of a stopped rollout: who runs the new value, whose deployment failed or did not finish, who was never deployed. */
export interface RolloutLists {
  /** COMPLETED deployments, and services already fresh: they run the new value. */
  readonly deployed: readonly RolloutServiceEntry[];
  /** Deployments that FAILED or had not COMPLETED when the rollout stopped: some or all of their tasks may run the new value. */
  readonly failed: readonly RolloutServiceEntry[];
  /** Services no deployment was started for (later waves, UpdateService failed, gone, blocked): they run the old value. */
  readonly notDeployed: readonly RolloutServiceEntry[];
}

/** Sorts every service of `rollout` into {@link RolloutLists} by what `progress` knows of it. */
export function rolloutLists(rollout: RolloutPlan, progress: RolloutProgress): RolloutLists {
  const deployed: RolloutServiceEntry[] = [];
  const failed: RolloutServiceEntry[] = [];
  const notDeployed: RolloutServiceEntry[] = [];
  rollout.waves.forEach((wave, index) => {
    for (const target of wave) {
      const entry = (reason: string, deploymentId?: string): RolloutServiceEntry => ({
        arn: target.arn,
        name: target.name,
        cluster: target.cluster,
        region: target.region,
        wave: index + 1,
        ...(deploymentId ? { deploymentId } : {}),
        reason,
      });
      const deployment = progress.deployments.find((candidate) => candidate.arn === target.arn && candidate.wave === index);
      const skip = progress.skipped.find((candidate) => candidate.arn === target.arn && candidate.wave === index);
      if (deployment?.state === 'COMPLETED') deployed.push(entry(deployment.reason ?? 'deployment COMPLETED: runs the new value', deployment.deploymentId));
      else if (deployment?.state === 'FAILED') {
        failed.push(entry(`deployment FAILED (${deployment.reason ?? 'circuit breaker'}): some of its tasks may run the new value`, deployment.deploymentId));
      } else if (deployment) {
        failed.push(entry('deployment had not COMPLETED when the rollout stopped: some of its tasks may run the new value', deployment.deploymentId));
      } else if (skip?.code === 'already-fresh') deployed.push(entry(skip.reason));
      else if (skip) notDeployed.push(entry(skip.reason));
      else notDeployed.push(entry(notStartedReason(progress, index)));
    }
  });
  return { deployed, failed, notDeployed };
}

function notStartedReason(progress: RolloutProgress, wave: number): string {
  const where = wave === progress.wave ? `wave ${wave + 1} was not deployed` : `not started: the rollout stopped in wave ${progress.wave + 1}`;
  return `${where} (${progress.status}${progress.why ? `: ${progress.why}` : ''})`;
}

/** The detail of `Secret Refresh Deployment Failed` (and of a stopped rollout's alert): why, and the exact lists. */
export function deploymentFailedDetail(rollout: RolloutPlan, progress: RolloutProgress): Record<string, unknown> {
  const lists = rolloutLists(rollout, progress);
  const cap = (entries: readonly RolloutServiceEntry[]) => entries.slice(0, 300);
  return {
    rollout: rollout.name,
    why: progress.why ?? progress.status,
    wave: Math.min(progress.wave + 1, rollout.waves.length),
    waves: rollout.waves.length,
    changes: rollout.changes,
    counts: { deployed: lists.deployed.length, failed: lists.failed.length, notDeployed: lists.notDeployed.length },
    deployed: cap(lists.deployed),
    failed: cap(lists.failed),
    notDeployed: cap(lists.notDeployed),
    note: ROLLBACK_NOTE,
  };
}
