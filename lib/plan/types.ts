import type { ReferenceImpact, ReferenceLocation } from '../references/types.js';

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

/** The decision for one ECS service. Every decision carries a reason a person can read. */
export interface PlannedEcsService {
  readonly type: 'ecs-service';
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly decision: 'redeploy' | 'skip';
  readonly reason: string;
  readonly references: readonly PlannedReference[];
}

/** The Plan: targets (services that reference the changed resource) and warnings. */
export interface RefreshPlan {
  readonly targets: readonly PlannedEcsService[];
  readonly warnings: readonly string[];
}

/**
 * - `event`: an automatic run (EventBridge, or `secret-refresh event`): services deployed at or after the
 *   change are skipped as already fresh.
 * - `manual`: `refresh`: the operator asked for it, every matching service is redeployed.
 */
export type RunMode = 'event' | 'manual';

/** Plan options taken from configuration. */
export interface PlanOptions {
  readonly mode: RunMode;
  /** Redeploy references pinned to AWSPREVIOUS (their value changes whenever AWSCURRENT moves). */
  readonly redeployOnPreviousChange: boolean;
}

/** Tag on a service that opts it out of automatic and manual refreshes. */
export const IGNORE_TAG = 'secret-refresh:ignore';

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
  readonly job: import('../inventory/types.js').BatchJobRecord;
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
