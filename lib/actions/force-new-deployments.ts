import type { AwsClients } from '../aws/clients.js';
import { mapWithConcurrency } from '../aws/concurrency.js';
import { forceNewDeployment } from '../aws/ecs.js';
import type { PlannedEcsService } from '../plan/types.js';
import type { EcsServiceTargetReport } from '../report/types.js';

/** What {@link executeEcsPlan} needs. */
export interface ExecuteOptions {
  readonly clients: AwsClients;
  readonly dryRun: boolean;
  /** UpdateService calls in flight at once. */
  readonly concurrency: number;
}

/**
 * Carries out the Plan's ECS decisions: `UpdateService { forceNewDeployment: true }` for each `redeploy`,
 * `concurrency` at a time. One failure never stops the others: it is recorded on its target.
 * In dry run nothing is called and redeploy targets become `planned`.
 *
 * Replay safety: a second run for the same change finds these services already fresh (their new PRIMARY
 * deployment is newer than the change), so retries by Lambda do not deploy twice.
 */
export async function executeEcsPlan(
  targets: readonly PlannedEcsService[],
  options: ExecuteOptions,
): Promise<EcsServiceTargetReport[]> {
  return mapWithConcurrency(targets, options.concurrency, async (target) => {
    const { decision: _decision, clusterArn: _clusterArn, ...rest } = target;
    if (target.decision === 'skip') return { ...rest, status: 'skipped' };
    if (options.dryRun) return { ...rest, status: 'planned', reason: `dry run: would redeploy: ${target.reason}` };
    try {
      const { deploymentId } = await forceNewDeployment(options.clients.ecs(target.region), target.clusterArn, target.arn);
      return { ...rest, status: 'done', ...(deploymentId ? { deploymentId } : {}) };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { ...rest, status: 'failed', error: message };
    }
  });
}
