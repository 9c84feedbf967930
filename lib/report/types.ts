import type { ChangeEffect, ChangeKind, ChangeOrigin } from '../changes/types.js';
import type { EcsDeploymentStyle } from '../inventory/types.js';
import type { BatchPolicy, PlannedReference, SkipCode } from '../plan/types.js';

/**
 * `done`: the action ran (UpdateService returned). `planned`: dry run, it would have run.
 * `skipped`: deliberately not acted on (`reason` says why). `failed`: the action was tried and failed, or the
 * time budget ran out before it started. `waiting`: a later wave, started when the earlier wave completes.
 */
export type TargetStatus = 'done' | 'planned' | 'skipped' | 'failed' | 'waiting';

/** One ECS service in the report. */
export interface EcsServiceTargetReport {
  readonly type: 'ecs-service';
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly region: string;
  readonly status: TargetStatus;
  readonly reason: string;
  /** Why it was skipped, as a stable code (`already-fresh`, `deleted`, `blast-radius-cap`…). */
  readonly code?: SkipCode;
  /** The new PRIMARY deployment id (`ecs-svc/…`), when status is `done`. */
  readonly deploymentId?: string;
  /** Its wave (tag `secret-refresh:wave`); absent = the last wave. */
  readonly wave?: number;
  /**
   * How ECS rolls the deployment out, when it is more than a plain rolling update: `strategy` (`BLUE_GREEN`,
   * `LINEAR`, `CANARY`), `bakeTimeInMinutes`, `linearConfiguration`, `canaryConfiguration` (the ECS API's names),
   * `expressMode` for an Express Mode service. Such a refresh may take many minutes and briefly runs both
   * revisions side by side.
   */
  readonly deployment?: EcsDeploymentStyle;
  /**
   * The image drift guard's finding (`SECRET_REFRESH_IMAGE_DRIFT` `warn` or `block`), when a container names a
   * mutable tag: `drift` (the tag now resolves to another digest than the running deployment's, so a forced
   * deployment ships another image) or `unknown` (it could not be checked, and why). Absent when every
   * container is pinned by digest, has versionConsistency disabled, or still resolves to the running digest.
   */
  readonly imageDrift?: ImageDriftReport;
  /** The error, when status is `failed`. */
  readonly error?: string;
  readonly references: readonly PlannedReference[];
}

/** What the image drift guard found for one service: see {@link EcsServiceTargetReport.imageDrift}. */
export interface ImageDriftReport {
  /** `drift` when any container drifted, else `unknown`. */
  readonly status: 'drift' | 'unknown';
  /** The containers that drifted or could not be checked. */
  readonly containers: readonly ContainerImageDrift[];
}

/** One container of an {@link ImageDriftReport}. */
export interface ContainerImageDrift {
  readonly container: string;
  /** The image as the task definition names it. */
  readonly image: string;
  readonly status: 'drift' | 'unknown';
  /** The digest the current deployment runs (DescribeServiceRevisions `containerImages[].imageDigest`). */
  readonly runningDigest?: string;
  /** The digest the tag resolves to now (ECR DescribeImages); absent when the tag or repository is gone. */
  readonly currentDigest?: string;
  readonly reason: string;
}

/** A Batch job definition revision that reads the changed value (always `skipped`: nothing to do). */
export interface BatchJobDefinitionTargetReport {
  readonly type: 'batch-job-definition';
  readonly arn: string;
  /** `name:revision` */
  readonly name: string;
  readonly region: string;
  readonly status: TargetStatus;
  readonly reason: string;
  /** Why it was skipped, as a stable code (`already-fresh`, `deleted`, `blast-radius-cap`…). */
  readonly code?: SkipCode;
  readonly references: readonly PlannedReference[];
}

/** A running Batch job: reported, resubmitted (`newJobId`) and perhaps terminated, by policy. */
export interface BatchJobTargetReport {
  readonly type: 'batch-job';
  readonly arn: string;
  readonly jobId: string;
  readonly name: string;
  readonly jobQueue: string;
  readonly region: string;
  readonly policy: BatchPolicy;
  readonly status: TargetStatus;
  readonly reason: string;
  /** Why it was skipped, as a stable code (`already-fresh`, `deleted`, `blast-radius-cap`…). */
  readonly code?: SkipCode;
  /** The clone's job id, when one was submitted (or found from an earlier run). */
  readonly newJobId?: string;
  /** True when the original was terminated (policy `resubmit-and-terminate`). */
  readonly terminated?: boolean;
  readonly error?: string;
  readonly references: readonly PlannedReference[];
}

/** Any target in the report. */
export type TargetReport = EcsServiceTargetReport | BatchJobDefinitionTargetReport | BatchJobTargetReport;

/** What changed, as reported. No value, ever: only identities, versions and labels. */
export interface ChangeReport {
  readonly kind: ChangeKind;
  readonly effect: ChangeEffect;
  readonly reason: string;
  readonly arn?: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly versionId?: string;
  readonly labels: readonly string[];
  readonly time: string;
  readonly origin: ChangeOrigin;
}

/**
 * The one JSON document every run produces: logged, returned by the Lambda, printed by the CLI.
 *
 * `skipped` is set when the whole event leads to nothing (AWSPENDING staging, description-only update,
 * a duplicate of a change already handled…): it says why. `idempotency` is set when the run was a
 * duplicate: `replayed` (the change was already handled; this is that run's report) or `in-progress`
 * (another invocation is handling it right now).
 */
export interface RefreshReport {
  readonly dryRun: boolean;
  readonly mode: 'event' | 'manual';
  readonly change: ChangeReport;
  readonly skipped?: string;
  /** Set when the blast-radius cap refused the run: nothing was acted on. */
  readonly refused?: string;
  readonly idempotency?: 'replayed' | 'in-progress';
  readonly targets: readonly TargetReport[];
  readonly warnings: readonly string[];
  readonly summary: ReportSummary;
}

/** Counts by status, plus inventory coverage. `failed` includes inventory problems (unseen services). */
export interface ReportSummary {
  readonly regions: readonly string[];
  readonly clusters: number;
  readonly servicesScanned: number;
  readonly jobDefinitionsScanned: number;
  readonly jobsScanned: number;
  readonly targets: number;
  readonly done: number;
  readonly planned: number;
  readonly skipped: number;
  readonly waiting: number;
  readonly failed: number;
  readonly inventoryProblems: number;
}
