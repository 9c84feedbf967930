import type { AwsClients } from '../aws/clients.js';
import { mapWithConcurrency } from '../aws/concurrency.js';
import { forceNewDeployment } from '../aws/ecs.js';
import { errorText } from '../errors.js';
import type { PlannedEcsService } from '../plan/types.js';
import { groupByWave } from '../plan/waves.js';
import type { EcsServiceTargetReport } from '../report/types.js';

/** What {@link executeEcsPlan} needs. */
export interface ExecuteOptions {
  readonly clients: AwsClients;
  readonly dryRun: boolean;
  /** UpdateService calls in flight at once. */
  readonly concurrency: number;
  /**
   * No new action starts after this moment (the Lambda's remaining time minus a margin). Targets not started
   * are `failed` ("not started"), so the run fails and Lambda retries; the retry skips what was done as
   * already fresh.
   */
  readonly deadline?: Date;
  /**
   * `SECRET_REFRESH_WAIT_FOR_STEADY`: deploy only the first wave now; later waves are `waiting` and start when
   * the deployment tracker sees the previous wave's deployments COMPLETED.
   */
  readonly waitForSteady?: boolean;
}

/** Message on targets that the time budget left unstarted. */
export const NOT_STARTED = 'not started: the time budget ran out before this action; a retry of the event handles it';

/**
 * @internal The ECS part of `executePlan` (lib/actions/index.ts).
 *
 * Carries out the Plan's ECS decisions: `UpdateService { forceNewDeployment: true }` for each `redeploy`,
 * wave by wave (tag `secret-refresh:wave`, ascending, untagged last), `concurrency` calls at a time within a
 * wave. One failure never stops the others: it is recorded on its target. In dry run nothing is called and
 * redeploy targets become `planned`; deferred targets (the minimum redeploy interval) are reported `deferred`.
 *
 * Replay safety: a second run for the same change finds these services already fresh (their new PRIMARY
 * deployment is newer than the change), so retries by Lambda do not deploy twice.
 */
export async function executeEcsPlan(targets: readonly PlannedEcsService[], options: ExecuteOptions): Promise<EcsServiceTargetReport[]> {
  const results = new Map<PlannedEcsService, EcsServiceTargetReport>();
  for (const target of targets) {
    if (target.decision === 'skip') results.set(target, { ...reportBase(target), status: 'skipped' });
    else if (target.decision === 'defer') results.set(target, { ...reportBase(target), status: 'deferred' });
    else if (options.dryRun) results.set(target, { ...reportBase(target), status: 'planned', reason: `dry run: would redeploy: ${target.reason}` });
  }
  const waves = groupByWave(targets.filter((target) => !results.has(target)));
  for (const [index, wave] of waves.entries()) {
    if (index > 0 && options.waitForSteady) {
      for (const target of wave) {
        results.set(target, {
          ...reportBase(target),
          status: 'waiting',
          reason: `waiting for the earlier wave(s) to reach COMPLETED (SECRET_REFRESH_WAIT_FOR_STEADY): ${target.reason}`,
        });
      }
      continue;
    }
    const reports = await deployWave(wave, options);
    for (const [position, target] of wave.entries()) results.set(target, reports[position] as EcsServiceTargetReport);
  }
  return targets.map((target) => results.get(target) as EcsServiceTargetReport);
}

/**
 * The deploy step of one wave: `UpdateService { forceNewDeployment: true }` for each service, `concurrency` at a
 * time, none started after the deadline, each failure recorded on its own report. What a rollout engine calls
 * per wave.
 */
export function deployWave(wave: readonly PlannedEcsService[], options: ExecuteOptions): Promise<EcsServiceTargetReport[]> {
  return mapWithConcurrency(wave, options.concurrency, (target) => redeploy(target, options));
}

async function redeploy(target: PlannedEcsService, options: ExecuteOptions): Promise<EcsServiceTargetReport> {
  if (options.deadline && Date.now() >= options.deadline.getTime()) {
    return { ...reportBase(target), status: 'failed', error: NOT_STARTED };
  }
  try {
    const { deploymentId } = await forceNewDeployment(options.clients.ecs(target.region), target.clusterArn, target.arn);
    return { ...reportBase(target), status: 'done', ...(deploymentId ? { deploymentId } : {}) };
  } catch (error) {
    const message = errorText(error);
    return { ...reportBase(target), status: 'failed', error: message };
  }
}

/** The report entry of a planned service: its fields without the decision and the cluster ARN, the changes it answers by id. */
function reportBase(target: PlannedEcsService & { readonly changes?: readonly { readonly id: string }[] }): Omit<EcsServiceTargetReport, 'status'> {
  const { decision: _decision, clusterArn: _clusterArn, changes, ...rest } = target;
  return { ...rest, changes: (changes ?? []).map((change) => change.id) };
}
