import type { Change } from '../changes/types.js';
import type { BatchJobRecord, ContainerImageRecord, EcsDeploymentStyle } from '../inventory/types.js';
import type { ChangeForMatching, ReferenceImpact, ReferenceLocation } from '../references/types.js';

/** A change the Plan can act on: it has an identity and an effect other than `none`. */
export type ActionableChange = Change & { effect: ChangeForMatching['effect']; arn: string };

/**
 * A change as a plan target names it: its batch id (`c1`…), identity and moment, and what a rollout record keeps
 * of it. A batch of changes lists each target once with every change it answers. Never a value.
 */
export type AnsweredChange = Pick<ActionableChange, 'kind' | 'arn' | 'name' | 'versionId' | 'time' | 'currentSince'> & { readonly id: string };

/** One reference of a target that points at the changed secret/parameter, with what the change does to it. */
export interface PlannedReference {
  readonly container: string;
  readonly location: ReferenceLocation;
  /** Environment variable / log option name, when there is one. */
  readonly name?: string;
  readonly valueFrom: string;
  readonly impact: ReferenceImpact;
  readonly reason: string;
}

/**
 * Why a target is skipped, as a stable code for scripts and metrics (the `reason` is for people).
 * `blast-radius-cap` and `rate-limit` are set after the targets are decided, by the cap and the hourly budget;
 * `image-drift` and (for an UpdateService that found the service gone) `not-found` by Actions, at the moment of the
 * deployment.
 */
export type SkipCode =
  | 'deleted'
  | 'value-unchanged'
  | 'not-active'
  | 'ignored'
  | 'out-of-scope'
  | 'not-opted-in'
  | 'deployment-controller'
  | 'nothing-running'
  | 'already-fresh'
  | 'policy-report'
  | 'superseded'
  | 'nothing-to-do'
  | 'blast-radius-cap'
  | 'rate-limit'
  | 'not-found'
  | 'image-drift';

/** A decision with its reason; skips carry a {@link SkipCode}. */
export type Decision<Act extends string> =
  | { readonly decision: Act; readonly reason: string; readonly code?: undefined }
  | { readonly decision: 'skip'; readonly reason: string; readonly code: SkipCode };

/** A skip decision. */
export function skip<Code extends SkipCode>(code: Code, reason: string): Skip<Code> {
  return { decision: 'skip', reason, code };
}

/** A skip with a code from `Code`. */
export interface Skip<Code extends SkipCode = SkipCode> {
  readonly decision: 'skip';
  readonly reason: string;
  readonly code: Code;
}

/** The skips of an ECS service that do not depend on the change (see `standingServiceSkip`). */
export type StandingServiceSkipCode = 'not-active' | 'ignored' | 'out-of-scope' | 'not-opted-in' | 'deployment-controller' | 'nothing-running';

/** The skips of a running Batch job that do not depend on the change (see `standingJobSkip`). */
export type StandingJobSkipCode = 'ignored' | 'superseded';

/** The decision for one ECS service. Every decision carries a reason a person can read. */
export interface PlannedEcsService {
  readonly type: 'ecs-service';
  /** Set when `decision` is `skip`. */
  readonly code?: SkipCode;
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly region: string;
  /** `defer`: secret-refresh deployed it less than the minimum interval ago; it is deployed at `due` (see `limitPlan`). */
  readonly decision: 'redeploy' | 'skip' | 'defer';
  readonly reason: string;
  readonly references: readonly PlannedReference[];
  /** From the tag `secret-refresh:wave`; undefined = the last wave. */
  readonly wave?: number;
  /** For `defer`: when the service may be deployed again (ISO-8601). */
  readonly due?: string;
  /** How ECS rolls the deployment out, when it is more than a plain rolling update (reported). */
  readonly deployment?: EcsDeploymentStyle;
  /** What the image drift guard reads before redeploying (not reported); absent when nothing is known. */
  readonly images?: EcsServiceImages;
}

/** A service's containers with their images, and the service deployment and revisions ECS says it runs. */
export interface EcsServiceImages {
  readonly containers: readonly ContainerImageRecord[];
  readonly currentServiceDeployment?: string;
  readonly currentServiceRevisions?: readonly string[];
}

/**
 * `SECRET_REFRESH_IMAGE_DRIFT`: what to do when a forced new deployment would also ship a different image (a
 * mutable tag that moved since the running deployment resolved it):
 * - `warn` (default): redeploy, and say which image changes with it (report entry, `Secret Refresh Alert`);
 * - `block`: do not redeploy (code `image-drift`), and alert;
 * - `allow`: redeploy without looking.
 */
export type ImageDriftPolicy = 'warn' | 'block' | 'allow';

/** The accepted {@link ImageDriftPolicy} values. */
export const IMAGE_DRIFT_POLICIES: readonly ImageDriftPolicy[] = ['warn', 'block', 'allow'];

/** The Plan: targets (services that reference the changed resource) and warnings. */
export interface RefreshPlan {
  readonly targets: readonly PlannedEcsService[];
  readonly warnings: readonly string[];
}

/**
 * - `event`: an automatic run (EventBridge, or `secret-refresh event`): services deployed after the
 *   change are skipped as already fresh.
 * - `manual`: `refresh`: the operator asked for it, every matching service is redeployed.
 */
export type RunMode = 'event' | 'manual';

/** Plan options taken from configuration. */
export interface PlanOptions {
  readonly mode: RunMode;
  /** Cluster include/exclude globs and opt-in mode (`SECRET_REFRESH_CLUSTERS_*`, `SECRET_REFRESH_MODE`). */
  readonly scope?: PlanScope;
  /** Redeploy references pinned to AWSPREVIOUS (their value changes whenever AWSCURRENT moves). */
  readonly redeployOnPreviousChange: boolean;
}

/** Which services may be acted on. Empty `include` means every cluster. */
export interface PlanScope {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Only services tagged `secret-refresh:enabled=true`. */
  readonly optIn: boolean;
}

/** Tag on a service that opts it out of automatic and manual refreshes. */
export const IGNORE_TAG = 'secret-refresh:ignore';
/** Tag on a service that opts it in when `SECRET_REFRESH_MODE=opt-in`. */
export const ENABLED_TAG = 'secret-refresh:enabled';

/**
 * What to do with a RUNNING/STARTING Batch job that holds an old value:
 * - `report` (default): nothing; it is reported (never surprise anyone with an expensive re-run);
 * - `resubmit`: submit a clone, which reads the new value; the original runs on;
 * - `resubmit-and-terminate`: submit a clone, then terminate the original.
 */
export type BatchPolicy = 'report' | 'resubmit' | 'resubmit-and-terminate';

/** The accepted {@link BatchPolicy} values. */
export const BATCH_POLICIES: readonly BatchPolicy[] = ['report', 'resubmit', 'resubmit-and-terminate'];

/** Tag on a job definition or job queue overriding `SECRET_REFRESH_BATCH_POLICY` (job definition wins). */
export const BATCH_POLICY_TAG = 'secret-refresh:batch-policy';
/** Tag on a clone: the id of the job it replaces. */
export const RESUBMITTED_FROM_TAG = 'secret-refresh:resubmitted-from';
/** Tag on an original job: the id of its clone. A job carrying it is never cloned again. */
export const SUPERSEDED_BY_TAG = 'secret-refresh:superseded-by';

/** A Batch job definition revision that reads the changed value: reported, nothing to do. */
export interface PlannedBatchJobDefinition {
  readonly type: 'batch-job-definition';
  readonly code: SkipCode;
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly decision: 'skip';
  readonly reason: string;
  readonly references: readonly PlannedReference[];
}

/** The decision for one active Batch job (an array or multi-node job as its parent). */
export interface PlannedBatchJob {
  readonly type: 'batch-job';
  /** Set when `decision` is `skip`. */
  readonly code?: SkipCode;
  /** The job's ARN (its id when Batch gave no ARN). */
  readonly arn: string;
  readonly jobId: string;
  readonly name: string;
  readonly jobQueue: string;
  readonly region: string;
  readonly policy: BatchPolicy;
  readonly decision: 'resubmit' | 'skip';
  readonly terminate: boolean;
  readonly reason: string;
  readonly references: readonly PlannedReference[];
  /** The job as DescribeJobs returned it, for the clone. */
  readonly job: BatchJobRecord;
}

/** Batch plan options. */
export interface BatchPlanOptions extends PlanOptions {
  /** `SECRET_REFRESH_BATCH_POLICY`. */
  readonly batchPolicy: BatchPolicy;
}

/** The Batch part of the Plan. */
export interface BatchPlan {
  readonly jobDefinitions: readonly PlannedBatchJobDefinition[];
  readonly jobs: readonly PlannedBatchJob[];
  readonly warnings: readonly string[];
}

/** What {@link Plan} targets carry on top of their decision: the change(s) the decision answers. */
export type Answering<Target> = Target & { readonly changes: readonly AnsweredChange[] };

/** One target of a {@link Plan}: an ECS service, a Batch job definition revision or a running Batch job. */
export type PlanTarget = Answering<PlannedEcsService> | Answering<PlannedBatchJobDefinition> | Answering<PlannedBatchJob>;

/**
 * The Plan: every target that reads the changed value, with its decision, reason and code, in report order
 * (ECS services, then Batch job definitions, then Batch jobs), plus warnings. Pure data: Actions carry it out.
 */
export interface Plan {
  /** The changes the plan answers, in batch order. */
  readonly changes: readonly AnsweredChange[];
  readonly targets: readonly PlanTarget[];
  readonly warnings: readonly string[];
  /** Set when the change triggers nothing at all (no new value; the changed resource is tagged ignore): why. */
  readonly skipped?: string;
  /**
   * Set when the run was refused: by the blast-radius cap (every would-be action a `blast-radius-cap` skip) or by
   * the hourly deployment budget (`rate-limit` skips).
   */
  readonly refused?: string;
  /** Which limit refused the run, when one did. */
  readonly refusedBy?: 'blast-radius-cap' | 'rate-limit';
}

/** Everything {@link Plan} decisions depend on besides the change and the inventory (from the configuration and the request). */
export interface PlanSettings extends BatchPlanOptions {
  /** `SECRET_REFRESH_MAX_TARGETS`: the blast-radius cap. */
  readonly maxTargets: number;
  /** A manual `refresh --confirm-large`: the operator reviewed the plan, the cap does not apply. */
  readonly confirmLarge: boolean;
}
