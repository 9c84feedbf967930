import type { AwsClients } from '../aws/clients.js';
import { mapWithConcurrency } from '../aws/concurrency.js';
import { forceNewDeployment } from '../aws/ecs.js';
import { awsErrorKind } from '../aws/errors.js';
import { errorText } from '../errors.js';
import type { ImageDriftPolicy, PlannedEcsService } from '../plan/types.js';
import { groupByWave } from '../plan/waves.js';
import type { EcsServiceTargetReport, ImageDriftReport } from '../report/types.js';
import { describeDrift, inspectImageDrift } from './image-drift.js';

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
  /** `SECRET_REFRESH_IMAGE_DRIFT` (default `warn`): what a redeploy that would also ship another image does. */
  readonly imageDrift?: ImageDriftPolicy;
}

/** Message on targets that the time budget left unstarted. */
export const NOT_STARTED = 'not started: the time budget ran out before this action; a retry of the event handles it';

/**
 * @internal The ECS part of `executePlan` (lib/actions/index.ts).
 *
 * Carries out the Plan's ECS decisions: `UpdateService { forceNewDeployment: true }` for each `redeploy`,
 * wave by wave (tag `secret-refresh:wave`, ascending, untagged last) without waiting between them (a plan whose
 * waves must wait for each other runs as a rollout instead: lib/rollout), `concurrency` calls at a time within a
 * wave. One failure never stops the others: it is recorded on its target. In dry run nothing is changed and
 * redeploy targets become `planned` (the image drift guard still looks, read-only, so a dry run shows what
 * `SECRET_REFRESH_IMAGE_DRIFT` would do); deferred targets (the minimum redeploy interval) are reported `deferred`.
 *
 * A service that is gone when UpdateService runs (ServiceNotFound, ServiceNotActive, ClusterNotFound: deleted
 * after the inventory) is `skipped` with code `not-found`: nothing of it runs, so nothing holds an old value.
 *
 * Replay safety: a second run for the same change finds these services already fresh (their new PRIMARY
 * deployment is newer than the change), so retries by Lambda do not deploy twice.
 */
export async function executeEcsPlan(targets: readonly PlannedEcsService[], options: ExecuteOptions): Promise<EcsServiceTargetReport[]> {
  const results = new Map<PlannedEcsService, EcsServiceTargetReport>();
  for (const target of targets) {
    if (target.decision === 'skip') results.set(target, { ...reportBase(target), status: 'skipped' });
    else if (target.decision === 'defer') results.set(target, { ...reportBase(target), status: 'deferred' });
  }
  if (options.dryRun) {
    const planned = targets.filter((target) => !results.has(target));
    const drifts = await imageDrifts(planned, options);
    for (const [index, target] of planned.entries()) results.set(target, dryRunReport(target, drifts[index], options));
  }
  const waves = groupByWave(targets.filter((target) => !results.has(target)));
  for (const wave of waves) {
    const reports = await deployWave(wave, options);
    for (const [position, target] of wave.entries()) results.set(target, reports[position] as EcsServiceTargetReport);
  }
  return targets.map((target) => results.get(target) as EcsServiceTargetReport);
}

/**
 * The deploy step of one wave: the image drift guard for the whole wave (read-only, unless
 * `SECRET_REFRESH_IMAGE_DRIFT=allow`), then `UpdateService { forceNewDeployment: true }` for each service,
 * `concurrency` at a time, none started after the deadline, each failure recorded on its own report. What a
 * rollout engine calls per wave.
 */
export async function deployWave(wave: readonly PlannedEcsService[], options: ExecuteOptions): Promise<EcsServiceTargetReport[]> {
  // Stryker disable next-line EqualityOperator: `>` differs only in the very millisecond of the deadline, where redeploy() refuses to start anyway
  const expired = options.deadline !== undefined && Date.now() >= options.deadline.getTime();
  // Stryker disable next-line ArrayDeclaration: past the deadline redeploy() returns "not started" before it reads a finding
  const drifts = expired ? [] : await imageDrifts(wave, options);
  return mapWithConcurrency(wave, options.concurrency, (target, index) => redeploy(target, drifts[index], options));
}

/** The guard's findings for `targets` (none with policy `allow`). */
function imageDrifts(targets: readonly PlannedEcsService[], options: ExecuteOptions): Promise<(ImageDriftReport | undefined)[]> {
  // Stryker disable next-line StringLiteral,ConditionalExpression: any default but `allow` looks, as `warn` does; the guard of no target makes no call and finds nothing
  if ((options.imageDrift ?? 'warn') === 'allow' || targets.length === 0) return Promise.resolve([]);
  return inspectImageDrift(targets, options.clients, options.concurrency);
}

/** `block` and a drifted image: the service is not redeployed. */
function blockedByDrift(drift: ImageDriftReport | undefined, options: ExecuteOptions): drift is ImageDriftReport {
  return drift?.status === 'drift' && options.imageDrift === 'block';
}

function blockedReason(drift: ImageDriftReport, target: PlannedEcsService): string {
  return (
    `image drift: a forced new deployment would also ship another image: ${describeDrift(drift)}. SECRET_REFRESH_IMAGE_DRIFT=block: not redeployed; ` +
    `deploy the new image deliberately (or pin the task definition's images by digest), then refresh: ${target.reason}`
  );
}

/** The report entry with the guard's finding: a drift is named in the reason too (`warn`). */
function withDrift(report: EcsServiceTargetReport, drift: ImageDriftReport | undefined): EcsServiceTargetReport {
  if (!drift) return report;
  const note =
    drift.status === 'drift' ? `; image drift (SECRET_REFRESH_IMAGE_DRIFT=warn), the new image ships with this deployment: ${describeDrift(drift)}` : '';
  return { ...report, imageDrift: drift, reason: `${report.reason}${note}` };
}

function dryRunReport(target: PlannedEcsService, drift: ImageDriftReport | undefined, options: ExecuteOptions): EcsServiceTargetReport {
  if (blockedByDrift(drift, options)) {
    return { ...reportBase(target), status: 'skipped', code: 'image-drift', imageDrift: drift, reason: `dry run: would skip: ${blockedReason(drift, target)}` };
  }
  return withDrift({ ...reportBase(target), status: 'planned', reason: `dry run: would redeploy: ${target.reason}` }, drift);
}

async function redeploy(target: PlannedEcsService, drift: ImageDriftReport | undefined, options: ExecuteOptions): Promise<EcsServiceTargetReport> {
  if (options.deadline && Date.now() >= options.deadline.getTime()) {
    return { ...reportBase(target), status: 'failed', error: NOT_STARTED };
  }
  if (blockedByDrift(drift, options)) {
    return { ...reportBase(target), status: 'skipped', code: 'image-drift', imageDrift: drift, reason: blockedReason(drift, target) };
  }
  try {
    // BLUE_GREEN / LINEAR / CANARY and Express Mode services get the same call. What ECS answers to a forced
    // deployment while one of these is still shifting or baking is not documented: if it refuses, the target is
    // `failed` (the run fails, Lambda retries later, nothing was changed); if it accepts, the new deployment
    // supersedes the one in flight as it does for rolling updates. Either way no refresh is lost.
    const { deploymentId } = await forceNewDeployment(options.clients.ecs(target.region), target.clusterArn, target.arn);
    return withDrift({ ...reportBase(target), status: 'done', ...(deploymentId ? { deploymentId } : {}) }, drift);
  } catch (error) {
    const message = errorText(error);
    if (awsErrorKind(error) === 'not-found') {
      return {
        ...reportBase(target),
        status: 'skipped',
        code: 'not-found',
        reason: `the service is gone (UpdateService: ${message}): it was deleted after the inventory; nothing of it runs, so nothing reads an old value`,
      };
    }
    return { ...reportBase(target), status: 'failed', error: message };
  }
}

/**
 * @internal The report entry of a planned service: its fields without the decision, the cluster ARN and the guard's inputs,
 * the changes it answers by id.
 */
export function reportBase(target: PlannedEcsService & { readonly changes?: readonly { readonly id: string }[] }): Omit<EcsServiceTargetReport, 'status'> {
  const { decision: _decision, clusterArn: _clusterArn, images: _images, changes, ...rest } = target;
  return { ...rest, changes: (changes ?? []).map((change) => change.id) };
}
