import { deployWave } from '../actions/index.js';
import type { AwsClients } from '../aws/clients.js';
import { describeServices, type Service } from '../aws/ecs.js';
import { eventBusRegion } from '../aws/events.js';
import type { StateTable } from '../aws/state-table.js';
import { ConfigurationError, InvalidInputError } from '../errors.js';
import { type ImageDriftPolicy, type PlannedEcsService, startedSince } from '../plan/index.js';
import { publishEvent, RESULT_DETAIL_TYPES } from '../report/result-events.js';
import { deploymentFailedDetail, rolloutOutcome } from './outcome.js';
import { windowVerdict } from './plan-rollout.js';
import type { RolloutRecords } from './rollout-records.js';
import {
  ROLLOUT_ACTIONS,
  type RolloutDeployment,
  type RolloutPlan,
  type RolloutProgress,
  type RolloutSkip,
  type RolloutStepInput,
  type RolloutTarget,
} from './types.js';
import type { Schedule } from './windows.js';

/** What the rollout steps need: the clients, the state table's rollout items, and the settings they read. */
export interface RolloutStepDependencies {
  readonly clients: AwsClients;
  /** The rollout items of the state table: status, approvals, newest rollouts. */
  readonly records: RolloutRecords;
  /** The state table's `deployed#` items (the minimum redeploy interval sees the rollout's deployments too). */
  readonly state?: StateTable;
  readonly homeRegion: string;
  readonly concurrency: number;
  readonly imageDrift: ImageDriftPolicy;
  readonly windows?: Schedule;
  readonly freeze?: Schedule;
  readonly eventBus?: string;
  readonly minRedeployIntervalSeconds: number;
  readonly now?: () => Date;
  /** Told about things worth a log line that change nothing (a tag that could not be read). */
  readonly warn?: (message: string) => void;
}

/**
 * One step of a rollout: what every Task of the state machine runs (the `rolloutStep` Lambda). Takes the rollout and
 * where it is, does the step, and returns where it is now (`$.progress`); the state machine's Choice states read
 * `status`. Every step is safe to run again (Step Functions retries a step that failed): a deploy finds the services
 * it deployed already fresh, a check only reads, an approval request keeps the first one.
 *
 * @throws {InvalidInputError} when the input is not a rollout step (nothing is done).
 */
export async function runRolloutStep(input: unknown, dependencies: RolloutStepDependencies): Promise<RolloutProgress> {
  const step = parseStepInput(input);
  const now = (dependencies.now ?? (() => new Date()))();
  const { rollout, progress } = step;
  let next: RolloutProgress;
  switch (step.action) {
    case 'request-approval':
      next = await requestApproval(rollout, progress, dependencies, now);
      break;
    case 'check-approval':
      next = await checkApproval(rollout, progress, dependencies, now);
      break;
    case 'prepare-wave':
      next = await prepareWave(rollout, progress, dependencies, now);
      break;
    case 'deploy-wave':
      next = await deployRolloutWave(rollout, progress, dependencies, now);
      break;
    case 'check-wave':
      next = await checkWave(rollout, progress, dependencies, now);
      break;
    case 'finish':
      next = await finish(step, dependencies);
      break;
  }
  await dependencies.records.putStatus({
    name: rollout.name,
    status: next.status,
    wave: Math.min(next.wave + 1, rollout.waves.length),
    waves: rollout.waves.length,
    services: rollout.waves.flat().length,
    changes: rollout.changes.map((change) => change.name),
    ...(next.status === 'waiting-window' && next.waitingReason ? { waitingReason: next.waitingReason } : {}),
    ...(next.status === 'waiting-window' && next.opensAt ? { opensAt: next.opensAt } : {}),
    ...(next.why ? { why: next.why } : {}),
    updatedAt: now.toISOString(),
  });
  return next;
}

function parseStepInput(input: unknown): RolloutStepInput {
  const step = input as Partial<RolloutStepInput> | null;
  if (
    !step ||
    typeof step !== 'object' ||
    !ROLLOUT_ACTIONS.includes(step.action as never) ||
    typeof step.rollout?.name !== 'string' ||
    !Array.isArray(step.rollout.waves) ||
    typeof step.progress?.wave !== 'number'
  ) {
    throw new InvalidInputError(
      `rolloutStep expects { "action": ${ROLLOUT_ACTIONS.map((action) => `"${action}"`).join('|')}, "rollout": {…}, "progress": {…} } from the rollout state machine`,
    );
  }
  return step as RolloutStepInput;
}

/** Publishes one event of ours, when there is a bus; a failed publish is a warning (the step itself happened). */
async function publish(detailType: string, detail: Record<string, unknown>, dependencies: RolloutStepDependencies): Promise<void> {
  if (!dependencies.eventBus) return;
  const client = dependencies.clients.events(eventBusRegion(dependencies.eventBus, dependencies.homeRegion));
  for (const warning of await publishEvent(detailType, detail, dependencies.eventBus, client)) dependencies.warn?.(warning);
}

/** The summary an approver reads: the changes, the waves and their services. */
function planSummary(rollout: RolloutPlan): Record<string, unknown> {
  return {
    changes: rollout.changes,
    services: rollout.waves.flat().length,
    waves: rollout.waves.map((wave, index) => ({
      wave: index + 1,
      tag: wave[0]?.wave ?? 'untagged',
      services: wave.slice(0, 100).map((target) => ({ name: target.name, cluster: target.cluster, region: target.region, arn: target.arn })),
      ...(wave.length > 100 ? { more: wave.length - 100 } : {}),
    })),
  };
}

async function requestApproval(rollout: RolloutPlan, progress: RolloutProgress, dependencies: RolloutStepDependencies, now: Date): Promise<RolloutProgress> {
  await dependencies.records.requestApproval(rollout.name, now);
  const expiresAt = new Date(now.getTime() + rollout.approvalTimeoutSeconds * 1000).toISOString();
  await publish(
    RESULT_DETAIL_TYPES.approvalNeeded,
    {
      rollout: rollout.name,
      message: `rollout ${rollout.name} waits for an approval before it redeploys ${rollout.waves.flat().length} service(s) in ${rollout.waves.length} wave(s)`,
      ...planSummary(rollout),
      expiresAt,
      approve: `secret-refresh approve ${rollout.name}`,
      reject: `secret-refresh reject ${rollout.name}`,
    },
    dependencies,
  );
  return { ...progress, status: 'approval-pending', approvalRequestedAt: now.toISOString() };
}

async function checkApproval(rollout: RolloutPlan, progress: RolloutProgress, dependencies: RolloutStepDependencies, now: Date): Promise<RolloutProgress> {
  const answer = await dependencies.records.approval(rollout.name);
  const by = answer?.answeredBy ? { answeredBy: answer.answeredBy } : {};
  if (answer?.status === 'approved') return { ...progress, status: 'approved', ...by };
  if (answer?.status === 'rejected') {
    return { ...progress, status: 'rejected', ...by, why: `rejected${answer.answeredBy ? ` by ${answer.answeredBy}` : ''}: nothing was deployed` };
  }
  const requested = Date.parse(progress.approvalRequestedAt ?? answer?.requestedAt ?? now.toISOString());
  if (now.getTime() - requested >= rollout.approvalTimeoutSeconds * 1000) {
    return {
      ...progress,
      status: 'approval-timed-out',
      why: `nobody approved it within ${rollout.approvalTimeoutSeconds / 60} minutes (SECRET_REFRESH_APPROVAL_TIMEOUT_MINUTES): nothing was deployed`,
    };
  }
  return { ...progress, status: 'approval-pending' };
}

async function prepareWave(rollout: RolloutPlan, progress: RolloutProgress, dependencies: RolloutStepDependencies, now: Date): Promise<RolloutProgress> {
  const { waitingReason: _reason, opensAt: previousOpening, ...rest } = progress;
  if (progress.wave >= rollout.waves.length) return { ...rest, status: 'completed' };
  const superseded = await supersededBy(rollout, dependencies.records);
  if (superseded) return { ...rest, status: 'superseded', why: superseded };
  const wave = rollout.waves[progress.wave] ?? [];
  if (rollout.windows) {
    const verdict = windowVerdict(wave, dependencies, now, (message) => dependencies.warn?.(message));
    if (!verdict.open) {
      const opensAt = verdict.opensAt.toISOString();
      // Published once per opening waited for (the Wait state comes back here when it ends).
      if (previousOpening !== opensAt) {
        await publish(
          RESULT_DETAIL_TYPES.rolloutWaiting,
          {
            rollout: rollout.name,
            message: `rollout ${rollout.name} waits to deploy wave ${progress.wave + 1} of ${rollout.waves.length}: ${verdict.reason}; it starts at ${opensAt}`,
            wave: progress.wave + 1,
            waves: rollout.waves.length,
            reason: verdict.reason,
            opensAt,
            changes: rollout.changes,
            services: wave.map((target) => target.arn).slice(0, 200),
            bypass: 'secret-refresh refresh --ref <secret-or-parameter> --now deploys past the windows on purpose',
          },
          dependencies,
        );
      }
      return { ...rest, status: 'waiting-window', opensAt, waitingReason: verdict.reason };
    }
  }
  return { ...rest, status: 'ready' };
}

/**
 * Why the rollout must stop: every change it answers has a newer rollout (a newer value, recorded when that rollout
 * started). A rollout of which only some changes were superseded goes on: the others still need its deployments, and
 * a deployment always reads the newest value.
 */
async function supersededBy(rollout: RolloutPlan, records: RolloutRecords): Promise<string | undefined> {
  const newer: string[] = [];
  for (const change of rollout.changes) {
    const newest = await records.newest(change);
    if (!newest || newest.rollout === rollout.name || Date.parse(newest.since) <= Date.parse(change.since)) return undefined;
    newer.push(`${change.kind} ${change.name} has a newer value (current since ${newest.since}), rolled out by ${newest.rollout}`);
  }
  return newer.length > 0 ? `superseded: ${newer.join('; ')}; this rollout stops before its next wave` : undefined;
}

/** The latest moment any of the rollout's values became current: a service deployed after it runs them all. */
function latestSince(rollout: RolloutPlan): string {
  return rollout.changes.map((change) => change.since).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/** The services of `targets` as ECS describes them now (deployments only), by ARN. */
async function describeTargets(
  targets: readonly RolloutTarget[],
  dependencies: RolloutStepDependencies,
): Promise<{ found: Map<string, Service>; missing: Set<string> }> {
  const found = new Map<string, Service>();
  const missing = new Set<string>();
  const groups = new Map<string, RolloutTarget[]>();
  for (const target of targets) groups.set(`${target.region} ${target.clusterArn}`, [...(groups.get(`${target.region} ${target.clusterArn}`) ?? []), target]);
  for (const group of groups.values()) {
    const first = group[0] as RolloutTarget;
    const { services, failures } = await describeServices(
      dependencies.clients.ecs(first.region),
      first.clusterArn,
      group.map((target) => target.arn),
      dependencies.concurrency,
      { tags: false },
    );
    for (const service of services) if (service.serviceArn) found.set(service.serviceArn, service);
    for (const failure of failures) if (failure.reason === 'MISSING') missing.add(failure.arn);
  }
  for (const service of found.values()) if (service.status === 'INACTIVE' && service.serviceArn) missing.add(service.serviceArn);
  return { found, missing };
}

const GONE = 'the service is gone (deleted after the plan): nothing of it runs, so nothing reads an old value';

/**
 * Deploys the current wave through the deploy step a direct run uses (lib/actions `deployWave`: the image drift guard,
 * then UpdateService forceNewDeployment). Services redeployed after the change meanwhile (by another run, a person, or
 * this step's earlier attempt) are not deployed again: a completed one is skipped as `already-fresh`, one still rolling
 * out is waited for. A wave left with nothing to wait for is complete at once (an empty wave is skipped).
 */
async function deployRolloutWave(rollout: RolloutPlan, progress: RolloutProgress, dependencies: RolloutStepDependencies, now: Date): Promise<RolloutProgress> {
  const index = progress.wave;
  const wave = rollout.waves[index] ?? [];
  const since = latestSince(rollout);
  const { found, missing } = await describeTargets(wave, dependencies);
  const deployments: RolloutDeployment[] = [];
  const skipped: RolloutSkip[] = [];
  const toDeploy: RolloutTarget[] = [];
  for (const target of wave) {
    const primary = found.get(target.arn)?.deployments?.find((deployment) => deployment.status === 'PRIMARY');
    if (missing.has(target.arn)) skipped.push({ arn: target.arn, wave: index, code: 'not-found', reason: GONE });
    else if (primary?.id && primary.createdAt && startedSince(primary.createdAt, since)) {
      const when = primary.createdAt.toISOString();
      if (primary.rolloutState === 'COMPLETED') {
        skipped.push({
          arn: target.arn,
          wave: index,
          code: 'already-fresh',
          reason: `already fresh: redeployed at ${when}, after the value became current at ${since}`,
        });
      } else {
        deployments.push({
          arn: target.arn,
          wave: index,
          deploymentId: primary.id,
          state: 'IN_PROGRESS',
          reason: `already redeployed at ${when} (after the change): waiting for it`,
        });
      }
    } else toDeploy.push(target);
  }
  const reports = await deployWave(toDeploy.map(plannedService), {
    clients: dependencies.clients,
    dryRun: false,
    concurrency: dependencies.concurrency,
    imageDrift: dependencies.imageDrift,
  });
  for (const [position, report] of reports.entries()) {
    const target = toDeploy[position] as RolloutTarget;
    if (report.status === 'done' && report.deploymentId)
      deployments.push({ arn: target.arn, wave: index, deploymentId: report.deploymentId, state: 'IN_PROGRESS' });
    else if (report.status === 'done') skipped.push({ arn: target.arn, wave: index, reason: 'UpdateService returned no PRIMARY deployment to follow' });
    else if (report.status === 'skipped') skipped.push({ arn: target.arn, wave: index, reason: report.reason, ...(report.code ? { code: report.code } : {}) });
    else skipped.push({ arn: target.arn, wave: index, reason: `UpdateService failed: ${report.error ?? report.reason}` });
  }
  const started = deployments.filter((deployment) => !deployment.reason).map((deployment) => deployment.arn);
  if (dependencies.state && started.length > 0) {
    try {
      await dependencies.state.putDeployed(started, now, dependencies.minRedeployIntervalSeconds + 3600);
    } catch (error) {
      dependencies.warn?.(`could not record when the services were deployed: ${String(error)}`);
    }
  }
  const next: RolloutProgress = {
    ...progress,
    waveStartedAt: now.toISOString(),
    // A retried step replaces what an earlier attempt of it recorded for this wave.
    deployments: [...progress.deployments.filter((deployment) => deployment.wave !== index), ...deployments],
    skipped: [...progress.skipped.filter((skip) => skip.wave !== index), ...skipped],
  };
  if (deployments.length > 0) return { ...next, status: 'wave-in-progress' };
  return waveEnd(rollout, next);
}

/** A wave with nothing left rolling out: complete (next wave), or failed when a service of it could not be deployed. */
function waveEnd(rollout: RolloutPlan, progress: RolloutProgress): RolloutProgress {
  const failedUpdates = progress.skipped.filter((skip) => skip.wave === progress.wave && skip.code === undefined);
  if (failedUpdates.length > 0) {
    return {
      ...progress,
      status: 'failed',
      why: `wave ${progress.wave + 1} of ${rollout.waves.length}: ${failedUpdates.length} service(s) could not be deployed (${failedUpdates
        .slice(0, 5)
        .map((skip) => `${nameOf(rollout, skip.arn)}: ${skip.reason}`)
        .join('; ')})`,
    };
  }
  return { ...progress, status: 'wave-completed', wave: progress.wave + 1 };
}

/**
 * Reads the ECS deployment state (`rolloutState`) of the wave's deployments: every one COMPLETED ends the wave; one
 * FAILED (the deployment circuit breaker) stops the rollout at once; past `SECRET_REFRESH_WAVE_TIMEOUT_MINUTES` the
 * rollout stops too. A deployment replaced by a newer one (someone deployed the service again after the change) is
 * followed through the newer one. A deployment without `rolloutState` (not reported by every ECS deployment
 * controller) counts as COMPLETED once it is the only deployment and runs its desired count: that is ECS's steady
 * state.
 */
async function checkWave(rollout: RolloutPlan, progress: RolloutProgress, dependencies: RolloutStepDependencies, now: Date): Promise<RolloutProgress> {
  const index = progress.wave;
  const wave = rollout.waves[index] ?? [];
  const open = progress.deployments.filter((deployment) => deployment.wave === index && deployment.state === 'IN_PROGRESS');
  const { found, missing } = await describeTargets(
    wave.filter((target) => open.some((deployment) => deployment.arn === target.arn)),
    dependencies,
  );
  const since = latestSince(rollout);
  const skipped: RolloutSkip[] = [];
  const updated = progress.deployments.flatMap((deployment): RolloutDeployment[] => {
    if (deployment.wave !== index || deployment.state !== 'IN_PROGRESS') return [deployment];
    if (missing.has(deployment.arn)) {
      skipped.push({ arn: deployment.arn, wave: index, code: 'not-found', reason: GONE });
      return [];
    }
    const service = found.get(deployment.arn);
    const deployments = service?.deployments ?? [];
    let current = deployments.find((candidate) => candidate.id === deployment.deploymentId);
    let followed = deployment;
    if (!current) {
      const primary = deployments.find((candidate) => candidate.status === 'PRIMARY');
      if (!primary?.id || !primary.createdAt || !startedSince(primary.createdAt, since)) return [deployment];
      current = primary;
      followed = {
        ...deployment,
        deploymentId: primary.id,
        reason: `deployment ${deployment.deploymentId} was replaced by ${primary.id}, started after the change`,
      };
    }
    const state =
      current.rolloutState ??
      (deployments.length === 1 && current.status === 'PRIMARY' && current.runningCount === current.desiredCount ? 'COMPLETED' : 'IN_PROGRESS');
    if (state === 'COMPLETED') return [{ ...followed, state: 'COMPLETED' }];
    if (state === 'FAILED') return [{ ...followed, state: 'FAILED', reason: current.rolloutStateReason ?? 'ECS reported the deployment FAILED' }];
    return [followed];
  });
  const next: RolloutProgress = { ...progress, deployments: updated, skipped: [...progress.skipped, ...skipped] };
  const mine = updated.filter((deployment) => deployment.wave === index);
  const failed = mine.filter((deployment) => deployment.state === 'FAILED');
  if (failed.length > 0) {
    return {
      ...next,
      status: 'failed',
      why: `wave ${index + 1} of ${rollout.waves.length}: ${failed.map((deployment) => `the deployment ${deployment.deploymentId} of ${nameOf(rollout, deployment.arn)} FAILED (${deployment.reason})`).join('; ')}`,
    };
  }
  const rolling = mine.filter((deployment) => deployment.state === 'IN_PROGRESS');
  if (rolling.length === 0) return waveEnd(rollout, next);
  const started = Date.parse(progress.waveStartedAt ?? now.toISOString());
  if (now.getTime() - started >= rollout.waveTimeoutSeconds * 1000) {
    return {
      ...next,
      status: 'failed',
      why: `wave ${index + 1} of ${rollout.waves.length} did not complete within ${rollout.waveTimeoutSeconds / 60} minutes (SECRET_REFRESH_WAVE_TIMEOUT_MINUTES): ${rolling
        .map((deployment) => nameOf(rollout, deployment.arn))
        .join(', ')} still IN_PROGRESS`,
    };
  }
  return { ...next, status: 'wave-in-progress' };
}

/**
 * The end of a rollout: a step that kept failing (the Catch's `error`) makes it `failed`; a failed rollout publishes
 * `Secret Refresh Deployment Failed` with the exact lists (deployed, failed, not deployed, each with why); a superseded,
 * rejected or timed-out one publishes a `Secret Refresh Alert` (`rollout-stopped`) saying why.
 */
async function finish(step: RolloutStepInput, dependencies: RolloutStepDependencies): Promise<RolloutProgress> {
  const progress = rolloutOutcome(step);
  const { rollout } = step;
  if (progress.status === 'failed') {
    await publish(RESULT_DETAIL_TYPES.deploymentFailed, deploymentFailedDetail(rollout, progress), dependencies);
  } else if (progress.status !== 'completed') {
    await publish(
      RESULT_DETAIL_TYPES.alert,
      {
        alert: 'rollout-stopped',
        rollout: rollout.name,
        status: progress.status,
        message: `rollout ${rollout.name} stopped (${progress.status}): ${progress.why ?? ''}`,
        changes: rollout.changes,
        ...deploymentFailedDetail(rollout, progress),
      },
      dependencies,
    );
  }
  return progress;
}

function nameOf(rollout: RolloutPlan, arn: string): string {
  return rollout.waves.flat().find((target) => target.arn === arn)?.name ?? arn;
}

/** A rollout's service as the deploy step takes it: a `redeploy` decision. */
function plannedService(target: RolloutTarget): PlannedEcsService {
  return { ...target, type: 'ecs-service', decision: 'redeploy', references: [] };
}

/** The rollout's configuration errors are named for the operator. */
export function requireRecords(records: RolloutRecords | undefined): RolloutRecords {
  if (!records) throw new ConfigurationError('rolloutStep needs SECRET_REFRESH_IDEMPOTENCY_TABLE (the state table keeps the rollouts and their approvals)');
  return records;
}
