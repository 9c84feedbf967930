import { createHash } from 'node:crypto';
import type { AnsweredChange, PlannedEcsService } from '../plan/types.js';
import { groupByWave } from '../plan/waves.js';
import type { ApprovalPolicy, RolloutChange, RolloutPlan, RolloutTarget } from './types.js';
import { nextOpening, parseSchedule, type Schedule, ScheduleSyntaxError, type WindowVerdict } from './windows.js';

/** What decides whether a plan becomes a rollout, and how it waits (from the configuration and the request). */
export interface RolloutSettings {
  /** `SECRET_REFRESH_WAIT_FOR_STEADY`: even one wave runs as a rollout that waits for its deployments. */
  readonly waitForSteady: boolean;
  readonly approval: ApprovalPolicy;
  readonly windows?: Schedule;
  readonly freeze?: Schedule;
  /** `refresh --now`: go past the windows and freezes on purpose. */
  readonly ignoreWindows?: boolean;
  readonly waveTimeoutMinutes: number;
  readonly approvalTimeoutMinutes: number;
}

/** Seconds between two looks at a wave's deployments (2 state transitions each). */
export const WAVE_POLL_SECONDS = 30;
/** Seconds between two looks at an approval (2 state transitions each). */
export const APPROVAL_POLL_SECONDS = 300;

/**
 * Why a plan's redeploys need a rollout (an execution of the state machine) rather than one direct wave: more than
 * one wave, a steady-state wait, a closed window or freeze, an approval. Empty: deploy directly, through the same
 * deploy step.
 */
export function rolloutReasons(redeploys: readonly PlannedEcsService[], settings: RolloutSettings, now: Date): string[] {
  if (redeploys.length === 0) return [];
  const reasons: string[] = [];
  const waves = groupByWave(redeploys).length;
  if (waves > 1) reasons.push(`${waves} waves, each after the previous one COMPLETED`);
  else if (settings.waitForSteady) reasons.push('waits until the deployments COMPLETED (SECRET_REFRESH_WAIT_FOR_STEADY)');
  if (needsApproval(redeploys, settings.approval)) reasons.push(`needs an approval (SECRET_REFRESH_APPROVAL=${settings.approval})`);
  if (!settings.ignoreWindows) {
    const verdict = windowVerdict(redeploys, settings, now, () => undefined);
    if (!verdict.open) reasons.push(`${verdict.reason}: waits until ${verdict.opensAt.toISOString()}`);
  }
  return reasons;
}

/** Whether `targets` need an approval under `policy` (`tagged`: one of them is tagged `secret-refresh:approval=true`). */
export function needsApproval(targets: readonly { readonly approval?: boolean }[], policy: ApprovalPolicy): boolean {
  return policy === 'all' || (policy === 'tagged' && targets.some((target) => target.approval === true));
}

/**
 * The windows verdict for services (their tag `secret-refresh:window`, else `SECRET_REFRESH_WINDOWS`) under
 * `SECRET_REFRESH_FREEZE`. A tag that cannot be read is reported through `warn` and the service keeps the global window
 * (never deployed outside the window it was meant to have, or more often than configured).
 */
export function windowVerdict(
  targets: readonly { readonly arn: string; readonly window?: string }[],
  settings: Pick<RolloutSettings, 'windows' | 'freeze'>,
  now: Date,
  warn: (message: string) => void,
): WindowVerdict {
  const schedules = targets.map((target) => {
    if (!target.window) return settings.windows;
    try {
      return parseSchedule(target.window, `${target.arn}: tag secret-refresh:window`);
    } catch (error) {
      if (!(error instanceof ScheduleSyntaxError)) throw error;
      warn(`${error.message}; the service keeps SECRET_REFRESH_WINDOWS`);
      return settings.windows;
    }
  });
  return nextOpening(schedules, settings.freeze, now);
}

/**
 * The rollout's execution name: derived from the batch's changes (each one's ARN and version; a parameter's change time
 * too), so a replayed or
 * retried batch names the same rollout and never starts a second one (StartExecution answers ExecutionAlreadyExists).
 * A manual refresh adds the moment it was asked for: asking again is a new rollout. At most 80 characters of
 * `[A-Za-z0-9_-]`: the first change's name, then a hash.
 *
 * @example
 * rolloutName([{ arn: 'arn:aws:secretsmanager:…:secret:demo/orders/db-AbCdEf', versionId: 'v2', name: 'demo/orders/db', … }], 'event')
 * // → 'demo-orders-db-5f0c…' (40 hex characters after the name)
 */
export function rolloutName(changes: readonly Pick<AnsweredChange, 'kind' | 'arn' | 'name' | 'versionId' | 'time'>[], manualAt?: Date): string {
  // A parameter deleted and created again starts at version 1 again: its change's time tells the two apart (a rollout
  // name is unique for 90 days, and a name taken by the old one must never hide the new value's rollout).
  const keys = changes.map((change) => `${change.arn}#${change.versionId ?? change.time}${change.kind === 'parameter' ? `#${change.time}` : ''}`).sort();
  const hash = createHash('sha256')
    .update(JSON.stringify([keys, manualAt?.toISOString() ?? null]))
    .digest('hex')
    .slice(0, 40);
  const first = [...changes].sort((a, b) => a.arn.localeCompare(b.arn))[0];
  const label = (first?.name ?? 'rollout')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 38);
  return `${label || 'rollout'}-${hash}`;
}

/** The moment a change's value became current, as the rollout's already-fresh check uses it. */
export function rolloutChange(change: AnsweredChange): RolloutChange {
  return {
    kind: change.kind,
    arn: change.arn,
    name: change.name,
    ...(change.versionId ? { versionId: change.versionId } : {}),
    since: change.currentSince ?? change.time,
  };
}

/** A planned service as a rollout carries it (no references, no decision). */
export function rolloutTarget(target: PlannedEcsService): RolloutTarget {
  return {
    arn: target.arn,
    name: target.name,
    cluster: target.cluster,
    clusterArn: target.clusterArn,
    region: target.region,
    reason: target.reason,
    ...(target.wave !== undefined ? { wave: target.wave } : {}),
    ...(target.window ? { window: target.window } : {}),
    ...(target.deployment ? { deployment: target.deployment } : {}),
    ...(target.images ? { images: target.images } : {}),
  };
}

/** Step Functions takes at most 256 KiB of input; the rollout keeps a margin for its progress. */
export const MAX_ROLLOUT_INPUT_BYTES = 200_000;

/**
 * The rollout for `redeploys` answering `changes`: its waves, approval and timing. When the input would pass
 * {@link MAX_ROLLOUT_INPUT_BYTES}, the services' image details are left out (the image drift guard then reads nothing for
 * them and says so in `warnings`) rather than lose the rollout.
 */
export function buildRolloutPlan(
  changes: readonly AnsweredChange[],
  redeploys: readonly PlannedEcsService[],
  settings: RolloutSettings,
  mode: 'event' | 'manual',
  now: Date,
): { plan: RolloutPlan; warnings: string[] } {
  const waves = groupByWave(redeploys).map((wave) => wave.map(rolloutTarget));
  const plan: RolloutPlan = {
    name: rolloutName(changes, mode === 'manual' ? now : undefined),
    changes: changes.map(rolloutChange),
    waves,
    approval: needsApproval(redeploys, settings.approval),
    windows: settings.ignoreWindows !== true,
    mode,
    pollSeconds: WAVE_POLL_SECONDS,
    waveTimeoutSeconds: settings.waveTimeoutMinutes * 60,
    approvalPollSeconds: APPROVAL_POLL_SECONDS,
    approvalTimeoutSeconds: settings.approvalTimeoutMinutes * 60,
    plannedAt: now.toISOString(),
  };
  if (Buffer.byteLength(JSON.stringify(plan)) <= MAX_ROLLOUT_INPUT_BYTES) return { plan, warnings: [] };
  const lean = { ...plan, waves: waves.map((wave) => wave.map(({ images: _images, ...target }) => target)) };
  return {
    plan: lean,
    warnings: [
      `the rollout ${plan.name} carries ${redeploys.length} services: their image details were left out of its input (Step Functions' 256 KiB limit), so the image drift guard does not check them`,
    ],
  };
}
