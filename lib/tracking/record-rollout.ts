import { randomUUID } from 'node:crypto';
import { errorText } from '../errors.js';
import type { AnsweredChange, PlannedEcsService } from '../plan/types.js';
import { groupByWave } from '../plan/waves.js';
import type { EcsServiceTargetReport } from '../report/types.js';
import type { DeploymentTracker, WaveTarget } from './deployment-tracker.js';

/**
 * Records the deployments this run started, so deployment state change events can be correlated (a FAILED
 * one is published) and, with SECRET_REFRESH_WAIT_FOR_STEADY, the waiting waves are started when the
 * earlier wave completes. A recording failure is a warning: the deployments themselves happened. A batch's rollout
 * is recorded under its first change (lib/tracking is replaced by Step Functions next; the next wave's already-fresh
 * check then uses that change's moment).
 */
export async function recordRollout(
  tracker: DeploymentTracker,
  change: AnsweredChange,
  planned: readonly PlannedEcsService[],
  reports: readonly EcsServiceTargetReport[],
  waitForSteady: boolean,
): Promise<string[]> {
  const started = reports.flatMap((report, index) => {
    const target = planned[index];
    return report.status === 'done' && report.deploymentId && target ? [{ deploymentId: report.deploymentId, target: waveTarget(target) }] : [];
  });
  const redeploys = planned.filter((target, index) => target.decision === 'redeploy' && reports[index]?.status !== 'failed');
  if (started.length === 0) return [];
  const waves = waitForSteady ? groupByWave(redeploys).map((wave) => wave.map(waveTarget)) : [redeploys.map(waveTarget)];
  try {
    await tracker.startRollout(
      randomUUID(),
      // The moment the value became current: the next wave skips services deployed after it (already fresh).
      {
        kind: change.kind,
        arn: change.arn,
        name: change.name,
        ...(change.versionId ? { versionId: change.versionId } : {}),
        time: change.currentSince ?? change.time,
      },
      waves,
      started,
    );
    return [];
  } catch (error) {
    return [`could not record the deployments for tracking: ${errorText(error)}`];
  }
}

function waveTarget(target: PlannedEcsService): WaveTarget {
  return { arn: target.arn, name: target.name, clusterArn: target.clusterArn, region: target.region };
}
