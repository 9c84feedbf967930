import type { EcsDeploymentStyle, EcsServiceRecord, VanishedEcsService } from '../inventory/types.js';
import { changeForMatching } from './change-for-matching.js';
import { becameCurrentAt, startedSince } from './freshness.js';
import { describeReaders, matchFoundReferences, readingReferences, unchangedReason } from './match-found-references.js';
import { scopeReason } from './scope.js';
import {
  type ActionableChange,
  type Decision,
  type EcsServiceImages,
  ENABLED_TAG,
  IGNORE_TAG,
  type PlannedEcsService,
  type PlannedReference,
  type PlanOptions,
  type PlanScope,
  type RefreshPlan,
  type Skip,
  type StandingServiceSkipCode,
  skip,
} from './types.js';
import { waveOf } from './waves.js';

/**
 * @internal The ECS part of {@link planRefresh} (lib/plan/index.ts).
 *
 * Decides, for every ECS service that references the changed secret/parameter, whether to force a new
 * deployment, and why. Pure and synchronous: no AWS calls, so hundreds of cases test in milliseconds and
 * every decision can be explained in the report.
 *
 * Order of the rules (the first that applies wins):
 * 1. a deletion never redeploys (new tasks would fail to start): every reader is reported;
 * 2. no reference reads a changed value (version-id pin, custom stage that did not move, SSM selector,
 *    AWSPREVIOUS without opt-in) → skip;
 * 3. service not ACTIVE, tagged `secret-refresh:ignore=true`, its cluster outside
 *    `SECRET_REFRESH_CLUSTERS_INCLUDE` / inside `…_EXCLUDE`, not tagged `secret-refresh:enabled=true` in opt-in
 *    mode, CODE_DEPLOY / EXTERNAL controller, desiredCount 0 → skip with the reason;
 * 4. automatic runs only: the PRIMARY deployment was created after the value became current (whole seconds,
 *    see `startedSince`) → already fresh;
 * 5. otherwise redeploy. A BLUE_GREEN / LINEAR / CANARY strategy or an Express Mode service is an ordinary target
 *    of forceNewDeployment; its reason says how ECS will roll it out (it may take many minutes and briefly runs
 *    both revisions) and the target carries the {@link EcsDeploymentStyle} for the report.
 *
 * @example
 * const plan = planEcsRefresh(change, inventory.services, { mode: 'event', redeployOnPreviousChange: false });
 */
export function planEcsRefresh(change: ActionableChange, services: readonly EcsServiceRecord[], options: PlanOptions): RefreshPlan {
  const matching = changeForMatching(change);
  const targets: PlannedEcsService[] = [];
  const warnings: string[] = [];
  for (const service of services) {
    const references = matchFoundReferences(service.references, matching, service.arn, warnings);
    if (references.length === 0) continue;
    const { decision, reason, code } = decide(change, service, references, options);
    const wave = waveOf(service.tags, (message) => warnings.push(message), service.arn);
    const images = imagesOf(service);
    targets.push({
      ...(wave !== undefined ? { wave } : {}),
      ...(code ? { code } : {}),
      ...(service.deployment ? { deployment: service.deployment } : {}),
      ...(images ? { images } : {}),
      type: 'ecs-service',
      arn: service.arn,
      name: service.name,
      cluster: service.clusterName,
      clusterArn: service.clusterArn,
      region: service.region,
      decision,
      reason,
      references,
    });
  }
  targets.sort((a, b) => a.region.localeCompare(b.region) || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
  return { targets, warnings };
}

function decide(change: ActionableChange, service: EcsServiceRecord, references: readonly PlannedReference[], options: PlanOptions): Decision<'redeploy'> {
  const what = change.kind === 'secret' ? `secret ${change.name}` : `parameter ${change.name}`;
  if (change.effect === 'deleted') {
    return skip(
      'deleted',
      `${what} was deleted or is scheduled for deletion: new tasks would fail to start, so the service is not redeployed; restore it or update the task definition`,
    );
  }
  const reading = readingReferences(references, options);
  if (reading.length === 0) return skip('value-unchanged', unchangedReason(references));
  const standing = standingServiceSkip(service, options.scope);
  if (standing) return standing;
  const primary = service.primaryDeployment;
  const moment = becameCurrentAt(change);
  if (options.mode === 'event' && primary && startedSince(primary.createdAt, moment)) {
    return skip(
      'already-fresh',
      `already fresh: PRIMARY deployment ${primary.id} was created at ${primary.createdAt}, after the value became current at ${moment}`,
    );
  }
  const valueWord = change.effect === 'label-moved' ? `label ${change.labels.join(', ')} of` : 'the current value of';
  const rollout = service.deployment ? `; ${describeRollout(service.deployment)}` : '';
  return { decision: 'redeploy', reason: `${describeReaders(reading)} read ${valueWord} ${what}, which changed${rollout}` };
}

/**
 * The skip the Plan gives `service` whatever changed (rule 3 of {@link planEcsRefresh}): not ACTIVE, tagged
 * `secret-refresh:ignore=true`, its cluster outside the configured scope, not opted in (opt-in mode), a
 * CODE_DEPLOY / EXTERNAL deployment controller, or desiredCount 0; `undefined` when a change of a value it reads
 * would redeploy it. One rule for the Plan and for the secrets map (its `scope` of each service), so the map never
 * tells a different story than the run would.
 *
 * @example
 * standingServiceSkip(service, { include: ['prod-*'], exclude: [], optIn: false })?.code // → 'out-of-scope' for cluster dev-1
 */
export function standingServiceSkip(service: EcsServiceRecord, scope: PlanScope | undefined): Skip<StandingServiceSkipCode> | undefined {
  if (service.status !== 'ACTIVE') return skip('not-active', `service is ${service.status}, not ACTIVE`);
  if ((service.tags[IGNORE_TAG] ?? '').toLowerCase() === 'true') return skip('ignored', `service is tagged ${IGNORE_TAG}=true`);
  const outOfScope = scopeReason(service.clusterName, scope);
  if (outOfScope) return skip('out-of-scope', outOfScope);
  if (scope?.optIn && (service.tags[ENABLED_TAG] ?? '').toLowerCase() !== 'true') {
    return skip('not-opted-in', `SECRET_REFRESH_MODE=opt-in and the service is not tagged ${ENABLED_TAG}=true`);
  }
  if (service.deploymentController === 'CODE_DEPLOY') {
    return skip(
      'deployment-controller',
      'deployment controller is CODE_DEPLOY: forceNewDeployment does not apply; start a CodeDeploy deployment (CreateDeployment) with the same task definition',
    );
  }
  if (service.deploymentController === 'EXTERNAL') {
    return skip(
      'deployment-controller',
      'deployment controller is EXTERNAL: forceNewDeployment does not apply; create a new task set (CreateTaskSet) with the same task definition',
    );
  }
  if (service.desiredCount === 0) {
    return skip('nothing-running', 'desiredCount is 0: no task is running; new tasks will read the new value');
  }
  return undefined;
}

/**
 * How ECS will roll the forced deployment out, for the reason operators read: the strategy with its steps and
 * bake times, and that the refresh may take many minutes with both revisions running meanwhile.
 *
 * @example
 * describeRollout({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 15 })
 * // → 'strategy BLUE_GREEN (bake time 15 min): the refresh may take many minutes and briefly runs both revisions (double the tasks)'
 */
export function describeRollout(deployment: EcsDeploymentStyle): string {
  const details: string[] = [];
  const linear = deployment.linearConfiguration;
  const canary = deployment.canaryConfiguration;
  if (linear?.stepPercent !== undefined) details.push(`${linear.stepPercent}% a step`);
  if (linear?.stepBakeTimeInMinutes !== undefined) details.push(`step bake time ${linear.stepBakeTimeInMinutes} min`);
  if (canary?.canaryPercent !== undefined) details.push(`canary ${canary.canaryPercent}%`);
  if (canary?.canaryBakeTimeInMinutes !== undefined) details.push(`canary bake time ${canary.canaryBakeTimeInMinutes} min`);
  if (deployment.bakeTimeInMinutes !== undefined) details.push(`bake time ${deployment.bakeTimeInMinutes} min`);
  const how = `${deployment.expressMode ? 'Express Mode service, ' : ''}strategy ${deployment.strategy}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
  if (deployment.strategy === 'ROLLING') return `${how}: ECS manages the rollout`;
  return `${how}: the refresh may take many minutes and briefly runs both revisions (double the tasks)`;
}

/** What the image drift guard needs from the inventory record, when the task definition was read. */
function imagesOf(service: EcsServiceRecord): EcsServiceImages | undefined {
  if (!service.containers) return undefined;
  return {
    containers: service.containers,
    ...(service.currentServiceDeployment ? { currentServiceDeployment: service.currentServiceDeployment } : {}),
    ...(service.currentServiceRevisions ? { currentServiceRevisions: service.currentServiceRevisions } : {}),
  };
}

/**
 * @internal Part of {@link planRefresh} (lib/plan/index.ts).
 *
 * The services ListServices named but DescribeServices reported `MISSING` (deleted between the two calls): each
 * is a skip with code `not-found`. Whether it read the changed value cannot be known any more, and it does not
 * matter: nothing of it runs, so nothing of it holds an old value.
 */
export function vanishedServiceTargets(vanished: readonly VanishedEcsService[]): PlannedEcsService[] {
  return vanished.map((service) => ({
    type: 'ecs-service',
    code: 'not-found',
    arn: service.arn,
    name: service.name,
    cluster: service.clusterName,
    clusterArn: service.clusterArn,
    region: service.region,
    decision: 'skip',
    reason: `ListServices named the service but DescribeServices reports it ${service.reason}: it was deleted in between; nothing of it runs, so nothing reads an old value`,
    references: [],
  }));
}
