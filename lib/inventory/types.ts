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
