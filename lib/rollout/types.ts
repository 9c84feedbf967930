import type { EcsDeploymentStyle } from '../inventory/types.js';
import type { EcsServiceImages, SkipCode } from '../plan/types.js';

/**
 * A service of a rollout wave: what the deploy step needs (UpdateService, the image drift guard) and what reports
 * name. Never its references or a value: the execution's input is visible in the Step Functions console.
 */
export interface RolloutTarget {
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly reason: string;
  readonly wave?: number;
  /** Its tag `secret-refresh:window`, when it has one (overrides SECRET_REFRESH_WINDOWS for it). */
  readonly window?: string;
  readonly deployment?: EcsDeploymentStyle;
  readonly images?: EcsServiceImages;
}

/** A change a rollout answers: identity and the moment its value became current (`since`). Never a value. */
export interface RolloutChange {
  readonly kind: 'secret' | 'parameter';
  readonly arn: string;
  readonly name: string;
  readonly versionId?: string;
  /** When the value became current (ISO-8601): services deployed after it already run it (already fresh). */
  readonly since: string;
}

/** What a rollout is given when its execution starts (`$.rollout`); it never changes during the execution. */
export interface RolloutPlan {
  /** The execution name (see `rolloutName`): the rollout's id for `approve`, `reject` and `rollouts`. */
  readonly name: string;
  readonly changes: readonly RolloutChange[];
  /** The ECS services to redeploy, wave by wave (tag `secret-refresh:wave`, ascending, untagged last). */
  readonly waves: readonly (readonly RolloutTarget[])[];
  /** Wait for an approval (`SECRET_REFRESH_APPROVAL`) before the first wave. */
  readonly approval: boolean;
  /** Honour the maintenance windows and freezes (`false`: `refresh --now`). */
  readonly windows: boolean;
  readonly mode: 'event' | 'manual';
  /** Seconds between two looks at a wave's deployments. */
  readonly pollSeconds: number;
  /** `SECRET_REFRESH_WAVE_TIMEOUT_MINUTES` in seconds. */
  readonly waveTimeoutSeconds: number;
  readonly approvalPollSeconds: number;
  /** `SECRET_REFRESH_APPROVAL_TIMEOUT_MINUTES` in seconds. */
  readonly approvalTimeoutSeconds: number;
  /** When the run that started the rollout planned it (ISO-8601). */
  readonly plannedAt: string;
}

/**
 * Where a rollout is (`$.progress.status`), the word `secret-refresh rollouts` shows:
 * - `approval-pending` / `approved` / `rejected` / `approval-timed-out`: the approval (`SECRET_REFRESH_APPROVAL`);
 * - `waiting-window`: outside a maintenance window (or inside a freeze) until `opensAt`;
 * - `ready`: the next wave deploys now; `wave-in-progress`: its deployments are rolling out; `wave-completed`;
 * - `completed`, `failed`, `superseded` (a newer rollout for the same changes took over): the end.
 */
export type RolloutStatus =
  | 'starting'
  | 'approval-pending'
  | 'approved'
  | 'rejected'
  | 'approval-timed-out'
  | 'waiting-window'
  | 'ready'
  | 'wave-in-progress'
  | 'wave-completed'
  | 'completed'
  | 'failed'
  | 'superseded';

/** The states a rollout ends in. */
export const FINAL_STATUSES: readonly RolloutStatus[] = ['completed', 'failed', 'superseded', 'rejected', 'approval-timed-out'];

/** A deployment the rollout started (or found: a service redeployed after the change by someone else). */
export interface RolloutDeployment {
  readonly arn: string;
  readonly wave: number;
  readonly deploymentId: string;
  /** ECS `rolloutState` as last read: COMPLETED runs the new value. */
  readonly state: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly reason?: string;
}

/** A service of the rollout that was not deployed by it, and why (skipped on purpose, or UpdateService failed). */
export interface RolloutSkip {
  readonly arn: string;
  readonly wave: number;
  readonly reason: string;
  /** `already-fresh`: it runs the new value already (counted as deployed); `not-found`, `image-drift`; absent: failed. */
  readonly code?: SkipCode;
}

/** What the execution carries from step to step (`$.progress`): small, the Lambda returns the next one. */
export interface RolloutProgress {
  readonly status: RolloutStatus;
  /** The wave being handled (index into `waves`). */
  readonly wave: number;
  readonly waveStartedAt?: string;
  /** `waiting-window`: when the window opens (ISO-8601, the Wait state's TimestampPath). */
  readonly opensAt?: string;
  /** Why it waits (the window, the freeze), while `waiting-window`. */
  readonly waitingReason?: string;
  readonly approvalRequestedAt?: string;
  /** Who answered the approval (`approved` / `rejected`), when known. */
  readonly answeredBy?: string;
  readonly deployments: readonly RolloutDeployment[];
  readonly skipped: readonly RolloutSkip[];
  /** Why the rollout stopped (`failed`, `superseded`, `rejected`, `approval-timed-out`). */
  readonly why?: string;
}

/** The Lambda task's input: the step to take, the rollout, where it is, and the error a Catch recorded (or null). */
export interface RolloutStepInput {
  readonly action: RolloutAction;
  readonly rollout: RolloutPlan;
  readonly progress: RolloutProgress;
  readonly error?: { readonly Error?: string; readonly Cause?: string } | null;
}

/** The steps of the state machine's Tasks (statemachine/rollout.asl.json). */
export type RolloutAction = 'request-approval' | 'check-approval' | 'prepare-wave' | 'deploy-wave' | 'check-wave' | 'finish';

/** The accepted {@link RolloutAction}s. */
export const ROLLOUT_ACTIONS: readonly RolloutAction[] = ['request-approval', 'check-approval', 'prepare-wave', 'deploy-wave', 'check-wave', 'finish'];

/** `SECRET_REFRESH_APPROVAL`: which rollouts wait for a person's `secret-refresh approve`. */
export type ApprovalPolicy = 'none' | 'all' | 'tagged';

/** The accepted {@link ApprovalPolicy} values. */
export const APPROVAL_POLICIES: readonly ApprovalPolicy[] = ['none', 'all', 'tagged'];

export { APPROVAL_TAG, WINDOW_TAG } from '../plan/types.js';
