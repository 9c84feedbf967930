import type { JobDetail } from '../aws/batch.js';
import type { ParsedReference, ReferenceLocation } from '../references/types.js';

/** One `valueFrom`-like string found in a task definition, parsed or not. */
export interface FoundReference {
  /** Container name (`volume:<name>` for FSx volume credentials). */
  readonly container: string;
  readonly location: ReferenceLocation;
  /** Environment variable / log option name the value is injected as, when there is one. */
  readonly name?: string;
  /** The string exactly as written in the task definition. */
  readonly valueFrom: string;
  /** The parsed reference, or the reason it could not be parsed (reported as "unparseable"). */
  readonly parsed: ParsedReference | { readonly error: string };
}

/** Deployment controller of an ECS service; only `ECS` supports `forceNewDeployment`. */
export type DeploymentController = 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';

/**
 * A container of a task definition and the image it names, as written (a tag, a digest, or both). What the image
 * drift guard and the secrets map's `mutable-image-tag` finding read. Never a value.
 */
export interface ContainerImageRecord {
  readonly name: string;
  /** Always set by the inventory (ECS and Batch require an image); optional so other producers of records fit. */
  readonly image?: string;
  /** `versionConsistency` of the container definition: `disabled` means ECS never resolves the tag to a digest. Absent = enabled. */
  readonly versionConsistency?: string;
}

/**
 * How ECS rolls a new deployment of an ECS-controller service out, when it is more than a plain rolling update:
 * the `deploymentConfiguration.strategy` (`BLUE_GREEN`, `LINEAR`, `CANARY`; `ROLLING` is the default and
 * ECS may omit it) with its bake times and steps, and whether the service is an Express Mode service
 * (`resourceManagementType: ECS`). Field names are the ECS API's.
 */
export interface EcsDeploymentStyle {
  readonly strategy: string;
  /** `deploymentConfiguration.bakeTimeInMinutes`: how long both revisions run after production traffic moved. */
  readonly bakeTimeInMinutes?: number;
  readonly linearConfiguration?: { readonly stepPercent?: number; readonly stepBakeTimeInMinutes?: number };
  readonly canaryConfiguration?: { readonly canaryPercent?: number; readonly canaryBakeTimeInMinutes?: number };
  /** An Express Mode service: ECS manages its load balancer, scaling and deployments. */
  readonly expressMode?: true;
}

/**
 * What the Plan needs to know about one ECS service: identity, state, tags, PRIMARY deployment time and
 * the references its task definition makes. Plain data, so planning stays pure.
 */
export interface EcsServiceRecord {
  readonly arn: string;
  readonly name: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** ACTIVE | DRAINING | INACTIVE */
  readonly status: string;
  readonly desiredCount: number;
  readonly deploymentController: DeploymentController;
  readonly taskDefinitionArn?: string;
  /** The PRIMARY deployment: its id and creation time (ISO-8601). */
  readonly primaryDeployment?: { readonly id: string; readonly createdAt: string };
  /** Set when the service rolls out with more than a plain rolling update (see {@link EcsDeploymentStyle}). */
  readonly deployment?: EcsDeploymentStyle;
  /** The task definition's containers and their images (absent when the task definition was not read). */
  readonly containers?: readonly ContainerImageRecord[];
  /** `currentServiceDeployment` of DescribeServices: the service deployment whose revision the service runs. */
  readonly currentServiceDeployment?: string;
  /** `currentServiceRevisions[].arn` of DescribeServices. */
  readonly currentServiceRevisions?: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly references: readonly FoundReference[];
}

/**
 * A service ListServices named that DescribeServices then reported as a failure (`MISSING`: deleted between the
 * two calls). Nothing of it runs, so nothing of it reads an old value; it is reported (code `not-found`), never a
 * failed run.
 */
export interface VanishedEcsService {
  readonly arn: string;
  readonly name: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly region: string;
  /** The failure reason ECS gave (`MISSING`). */
  readonly reason: string;
}

/** Something inventory could not read; reported as a warning, never silently dropped. */
export interface InventoryProblem {
  readonly region: string;
  readonly subject: string;
  readonly message: string;
}

/**
 * Where a scan that stopped at its deadline resumes (see `scanEcsInventory`): per Region not finished, the clusters
 * still to read, each with the token of its next ListServices page (absent: from the first page); `clusters` absent:
 * the Region's ListClusters has not run. A Region that is not listed is finished. ARNs and page tokens only.
 */
export interface EcsScanCursor {
  readonly regions: readonly RegionScanCursor[];
}

/** One Region of an {@link EcsScanCursor}. */
export interface RegionScanCursor {
  readonly region: string;
  readonly clusters?: readonly { readonly cluster: string; readonly next?: string }[];
}

/** The ECS side of the inventory. */
export interface EcsInventory {
  readonly regions: readonly string[];
  readonly clusters: number;
  readonly services: readonly EcsServiceRecord[];
  /** Services listed but gone by the time they were described. */
  readonly vanished?: readonly VanishedEcsService[];
  readonly problems: readonly InventoryProblem[];
}

/** A Batch job definition revision and the references it makes. */
export interface BatchJobDefinitionRecord {
  readonly arn: string;
  readonly name: string;
  readonly revision: number;
  readonly status: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly tags: Readonly<Record<string, string>>;
  /** EKS job definitions use Kubernetes secrets: out of scope. */
  readonly eks: boolean;
  readonly references: readonly FoundReference[];
  /** The containers and their images (container names as in `references`). */
  readonly containers?: readonly ContainerImageRecord[];
}

/**
 * A STARTING or RUNNING Batch job (an array or multi-node job as its parent), with what a clone needs.
 * `detail` is the DescribeJobs answer, kept as plain data so planning stays pure.
 */
export interface BatchJobRecord {
  readonly jobId: string;
  readonly jobArn?: string;
  readonly jobName: string;
  readonly jobQueue: string;
  readonly region: string;
  readonly status: string;
  readonly kind: 'single' | 'array' | 'multi-node';
  /** When the job (or, for a parent, its first child) started; ISO-8601. */
  readonly startedAt?: string;
  readonly jobDefinitionArn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly queueTags: Readonly<Record<string, string>>;
  readonly detail: JobDetail;
}

/** The Batch side of the inventory. */
export interface BatchInventory {
  readonly regions: readonly string[];
  readonly queues: number;
  readonly jobDefinitions: readonly BatchJobDefinitionRecord[];
  readonly jobs: readonly BatchJobRecord[];
  readonly problems: readonly InventoryProblem[];
}

/** What the Inventory step collects for a run: both sides, every configured Region. */
export interface Inventory {
  readonly ecs: EcsInventory;
  readonly batch: BatchInventory;
}
