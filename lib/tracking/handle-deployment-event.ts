import type { AwsClients } from '../aws/clients.js';
import { mapWithConcurrency } from '../aws/concurrency.js';
import { describeServices, forceNewDeployment } from '../aws/ecs.js';
import { eventBusRegion } from '../aws/events.js';
import { errorText } from '../errors.js';
import { startedSince } from '../plan/freshness.js';
import { publishEvent, RESULT_DETAIL_TYPES } from '../report/result-events.js';
import { parseDeploymentStateChange } from './deployment-event.js';
import type { DeploymentTracker, RolloutChange, StartedDeployment, WaveTarget } from './deployment-tracker.js';

/** What the deployment state change handler needs. */
export interface DeploymentEventDependencies {
  readonly tracker: DeploymentTracker;
  readonly clients: AwsClients;
  readonly homeRegion: string;
  readonly concurrency: number;
  readonly eventBus?: string;
}

/** What one deployment state change led to (logged and returned). */
export interface DeploymentEventReport {
  readonly deploymentId: string;
  readonly eventName: string;
  readonly outcome: 'untracked' | 'progress' | 'next-wave' | 'rollout-complete' | 'failed';
  readonly rolloutId?: string;
  /** Next-wave services redeployed, with their new deployment ids. */
  readonly deployed?: readonly { readonly arn: string; readonly deploymentId: string }[];
  /** Next-wave services not redeployed (already fresh, or UpdateService failed), or services left undeployed after a failure. */
  readonly skipped?: readonly { readonly arn: string; readonly reason: string }[];
  readonly warnings: readonly string[];
}

/** Why a failed secret refresh cannot be undone by the ECS circuit breaker. */
export const ROLLBACK_NOTE =
  'A circuit-breaker rollback starts tasks of the previous task definition, which reads the same (new) secret value: it cannot restore the old value. Fix or revert the secret (e.g. move AWSCURRENT back), then refresh.';

/**
 * Handles `ECS Deployment State Change`: ignores deployments secret-refresh did not start; on the event that
 * completes a wave, redeploys the next wave (skipping services already redeployed since the change); on
 * `SERVICE_DEPLOYMENT_FAILED`, stops the rollout and publishes `Secret Refresh Deployment Failed` with the
 * services left undeployed and the circuit-breaker note.
 */
export async function handleDeploymentEvent(event: unknown, dependencies: DeploymentEventDependencies): Promise<DeploymentEventReport> {
  const parsed = parseDeploymentStateChange(event);
  const { deploymentId, eventName } = parsed.detail;
  const outcome = await dependencies.tracker.onDeploymentEvent(deploymentId, eventName);
  const base = { deploymentId, eventName, warnings: [] as string[] };
  switch (outcome.kind) {
    case 'untracked':
      return { ...base, outcome: 'untracked' };
    case 'progress':
      return { ...base, outcome: 'progress', rolloutId: outcome.rolloutId };
    case 'rollout-complete':
      return { ...base, outcome: 'rollout-complete', rolloutId: outcome.rolloutId };
    case 'failed': {
      const detail = {
        deploymentId,
        service: outcome.target,
        reason: parsed.detail.reason ?? 'SERVICE_DEPLOYMENT_FAILED',
        change: outcome.change,
        rolloutId: outcome.rolloutId,
        skipped: outcome.skipped.map((target) => ({ ...target, reason: 'earlier wave failed' })),
        note: ROLLBACK_NOTE,
      };
      const warnings = dependencies.eventBus
        ? await publishEvent(
            RESULT_DETAIL_TYPES.deploymentFailed,
            detail,
            dependencies.eventBus,
            dependencies.clients.events(eventBusRegion(dependencies.eventBus, dependencies.homeRegion)),
          )
        : [];
      return {
        ...base,
        outcome: 'failed',
        rolloutId: outcome.rolloutId,
        skipped: outcome.skipped.map((target) => ({ arn: target.arn, reason: 'earlier wave failed' })),
        warnings,
      };
    }
    case 'next-wave': {
      const { deployed, skipped } = await deployWave(outcome.targets, outcome.change, dependencies);
      await dependencies.tracker.recordWave(
        outcome.rolloutId,
        outcome.wave,
        deployed.map(({ deploymentId: id, target }) => ({ deploymentId: id, target })),
      );
      return {
        ...base,
        outcome: 'next-wave',
        rolloutId: outcome.rolloutId,
        deployed: deployed.map(({ deploymentId: id, target }) => ({ arn: target.arn, deploymentId: id })),
        skipped,
      };
    }
  }
}

async function deployWave(
  targets: readonly WaveTarget[],
  change: RolloutChange,
  dependencies: DeploymentEventDependencies,
): Promise<{ deployed: StartedDeployment[]; skipped: { arn: string; reason: string }[] }> {
  const fresh = await alreadyFresh(targets, change, dependencies);
  const skipped: { arn: string; reason: string }[] = [...fresh].map((arn) => ({ arn, reason: 'already fresh: redeployed after the change by another run' }));
  const results = await mapWithConcurrency(
    targets.filter((target) => !fresh.has(target.arn)),
    dependencies.concurrency,
    async (target): Promise<StartedDeployment | { arn: string; reason: string }> => {
      try {
        const { deploymentId } = await forceNewDeployment(dependencies.clients.ecs(target.region), target.clusterArn, target.arn);
        return deploymentId ? { deploymentId, target } : { arn: target.arn, reason: 'UpdateService returned no PRIMARY deployment' };
      } catch (error) {
        return { arn: target.arn, reason: `UpdateService failed: ${errorText(error)}` };
      }
    },
  );
  const deployed: StartedDeployment[] = [];
  for (const result of results) {
    if ('deploymentId' in result) deployed.push(result);
    else skipped.push(result);
  }
  return { deployed, skipped };
}

/** Services whose PRIMARY deployment is newer than the change (a retry or another run already redeployed them). */
async function alreadyFresh(targets: readonly WaveTarget[], change: RolloutChange, dependencies: DeploymentEventDependencies): Promise<Set<string>> {
  const fresh = new Set<string>();
  const byCluster = new Map<string, WaveTarget[]>();
  for (const target of targets)
    byCluster.set(`${target.region}|${target.clusterArn}`, [...(byCluster.get(`${target.region}|${target.clusterArn}`) ?? []), target]);
  for (const [key, group] of byCluster) {
    const [region = dependencies.homeRegion, cluster = ''] = key.split('|');
    // One DescribeServices call at a time (10 services each), without tags: only the deployments are read.
    const { services } = await describeServices(
      dependencies.clients.ecs(region),
      cluster,
      group.map((target) => target.arn),
      1,
      { tags: false },
    );
    for (const service of services) {
      const primary = service.deployments?.find((deployment) => deployment.status === 'PRIMARY');
      if (service.serviceArn && primary?.createdAt && startedSince(primary.createdAt, change.time)) fresh.add(service.serviceArn);
    }
  }
  return fresh;
}
