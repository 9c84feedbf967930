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
  readonly tags: Readonly<Record<string, string>>;
  readonly references: readonly FoundReference[];
}

/** Something inventory could not read; reported as a warning, never silently dropped. */
export interface InventoryProblem {
  readonly region: string;
  readonly subject: string;
  readonly message: string;
}

/** The ECS side of the inventory. */
export interface EcsInventory {
  readonly regions: readonly string[];
  readonly clusters: number;
  readonly services: readonly EcsServiceRecord[];
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
