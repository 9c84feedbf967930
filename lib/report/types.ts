import type { BatchDecision, ChangeEffect, ChangeKind, ChangeOrigin } from '../changes/types.js';
import type { EcsDeploymentStyle } from '../inventory/types.js';
import type { BatchPolicy, PlannedReference, SkipCode } from '../plan/types.js';

/**
 * `done`: the action ran (UpdateService returned). `planned`: dry run, it would have run.
 * `skipped`: deliberately not acted on (`reason` says why). `failed`: the action was tried and failed, or the
 * time budget ran out before it started. `waiting`: a later wave, started when the earlier wave completes.
 * `deferred`: not now, at `due`: secret-refresh deployed the service less than the minimum redeploy interval ago
 * (or the time budget ran out before it in an automatic run), and its changes are delivered again then.
 */
export type TargetStatus = 'done' | 'planned' | 'skipped' | 'failed' | 'waiting' | 'deferred';

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
  /** When status is `deferred`: when it is due (ISO-8601). */
  readonly due?: string;
  /** The ids of the changes it answers (`c1`…, see the report's `changes`). */
  readonly changes: readonly string[];
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
  /** The ids of the changes it answers. */
  readonly changes: readonly string[];
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
  /** When status is `deferred` (the time budget ran out before it): when it is delivered again (ISO-8601). */
  readonly due?: string;
  /** The ids of the changes it answers. */
  readonly changes: readonly string[];
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
  /** When the value became current, the moment freshness is judged against (see README, "Freshness"). */
  readonly currentSince?: string;
  /** Parameters: `LastModifiedDate` of the version (tells a re-created parameter's version 1 from the old one). */
  readonly versionDate?: string;
  readonly origin: ChangeOrigin;
}

/**
 * One input of the run and what became of it (the report's `changes`): its id (`c1`… in input order, what targets
 * refer to), where it came from, its `decision` (see {@link BatchDecision}) and the change it means when it could
 * be read.
 */
export interface BatchChangeReport extends Partial<ChangeReport> {
  readonly id: string;
  /** The SQS message id, `<file>` or `<file>:<line>`. */
  readonly source?: string;
  readonly decision: BatchDecision;
  /** For `merged`: the change acted on in its place. */
  readonly mergedInto?: string;
  /** Why this decision (the change's own reason for `act` and `nothing-to-do`). */
  readonly decisionReason: string;
  /** For `invalid` / `failed`: the error. */
  readonly error?: string;
  /** When some of its targets were deferred: when the change is delivered again (ISO-8601). */
  readonly redelivery?: string;
  /**
   * Set when this input is not finished and must be delivered again (the Lambda reports it as a batch item failure;
   * the CLI exits 1): it could not be decided, a target answering it failed, part of the inventory could not be
   * read, or its change record or redelivery could not be written.
   */
  readonly retry?: true;
}

/**
 * The one JSON document every run produces: logged, returned by the Lambda, printed by the CLI.
 *
 * `changes` lists every input of the run (one for an event or a manual refresh; every message of a batch) with its
 * decision; `targets` lists each service, job definition and job once, with the ids of the changes it answers.
 * A run of a single input also has `change`, that input's change (as before batches). `skipped` is set when the
 * whole run leads to nothing (AWSPENDING staging, description-only update, a change already handled…): it says
 * why; `idempotency: "replayed"` when that is because the change record says it was already handled.
 */
export interface RefreshReport {
  readonly dryRun: boolean;
  readonly mode: 'event' | 'manual';
  /** The change of a single-input run (an event, a manual refresh). */
  readonly change?: ChangeReport;
  readonly changes: readonly BatchChangeReport[];
  readonly skipped?: string;
  /** Set when the blast-radius cap or the hourly budget refused the run: nothing was acted on. */
  readonly refused?: string;
  /** Which limit refused the run. */
  readonly refusedBy?: 'blast-radius-cap' | 'rate-limit';
  readonly idempotency?: 'replayed';
  readonly targets: readonly TargetReport[];
  readonly warnings: readonly string[];
  readonly summary: ReportSummary;
  /** With the service index (`SECRET_REFRESH_SERVICE_INDEX_TABLE`): its fast path and the backstop scan. */
  readonly serviceIndex?: ServiceIndexReport;
  /** The rollout the run's redeploys became (several waves, a steady-state wait, a window, an approval). */
  readonly rollout?: RolloutReport;
  /** A scan that can continue in the next invocation (`onChanges`): how many invocations it took, and whether it is done. */
  readonly scan?: ScanReport;
}

/**
 * The scan of an `onChanges` run, which stops before the deadline and continues in the next invocation when the
 * account is too large for one (see README, "Scale"): `invocations` it has taken so far (this one included),
 * `complete` (false: a continuation message carries the batch to the next invocation, `continued`), the services it
 * read over all of them and the services the batch's changes matched; `checkpoint` names its state table item when
 * it took more than one invocation.
 */
export interface ScanReport {
  readonly invocations: number;
  readonly complete: boolean;
  /** Set when the next invocation carries on (a continuation message was sent): the batch's messages are done. */
  readonly continued?: true;
  readonly servicesScanned: number;
  readonly matches: number;
  readonly checkpoint?: string;
}

/**
 * The service index's part of a run: the Regions it covered (their indexed services were deployed first), those it
 * did not cover yet (found by the scan alone), how many candidates it gave and how many of them the fast path acted
 * on, the services the backstop scan found that the index missed (in covered Regions), and what the scan rewrote.
 */
export interface ServiceIndexReport {
  readonly coveredRegions: readonly string[];
  readonly scannedOnlyRegions: readonly string[];
  readonly candidates: number;
  readonly fastPathTargets: number;
  /** ARNs of services the backstop deployed (or planned, in a dry run) that the index did not hold. */
  readonly missedByIndex: readonly string[];
  /** Regions whose index the scan rewrote (read without problems), and the services written and removed. */
  readonly indexedRegions: readonly string[];
  readonly servicesWritten: number;
  readonly servicesRemoved: number;
}

/**
 * A run's rollout: its name (the execution's, for `approve`, `reject`, `rollouts`), what became of it and why it is one.
 * `started`: the execution started; `exists`: it had started already (a replayed or retried batch); `not-started`:
 * StartExecution failed or no state machine is configured (`error`; the targets are `failed`, the change is retried);
 * `dry-run`: what it would be; `direct`: no state machine, the waves were deployed at once.
 */
export interface RolloutReport {
  readonly name: string;
  readonly status: 'started' | 'exists' | 'not-started' | 'dry-run' | 'direct';
  readonly executionArn?: string;
  readonly waves: number;
  readonly services: number;
  readonly approval: boolean;
  readonly reasons: readonly string[];
  /** Outside a maintenance window: when the first wave may start (ISO-8601). */
  readonly waitingUntil?: string;
  readonly error?: string;
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
  readonly deferred: number;
  readonly failed: number;
  readonly inventoryProblems: number;
  /** Inputs of the run (`changes.length`), and how many of them could not be read (`invalid`). */
  readonly inputs: number;
  readonly invalid: number;
}
