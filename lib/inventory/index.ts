/**
 * The Inventory step's face: who reads secrets and parameters, on ECS and on AWS Batch, in every configured
 * Region. Unreadable parts become `problems` (reported, and they fail the run) instead of hiding readers.
 */
import type { AwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import { collectBatchInventory } from './batch-inventory.js';
import { collectEcsInventory, collectKnownEcsServices, type KnownEcsService } from './ecs-inventory.js';
import type { Inventory } from './types.js';

export type { KnownEcsService } from './ecs-inventory.js';
export type * from './types.js';

/** What {@link collectInventory} needs. */
export interface InventoryOptions {
  readonly clients: AwsClients;
  readonly regions: readonly string[];
  /** Calls in flight per Region and quota category. */
  readonly concurrency: number;
  readonly taskDefinitions: TaskDefinitionCache;
}

/**
 * ECS services with their task definitions' references, and Batch job definitions with their running jobs,
 * collected side by side.
 *
 * @example
 * const inventory = await collectInventory({ clients, regions: config.regions, concurrency: 5, taskDefinitions });
 */
export async function collectInventory(options: InventoryOptions): Promise<Inventory> {
  const { taskDefinitions, ...common } = options;
  const [ecs, batch] = await Promise.all([collectEcsInventory({ ...common, taskDefinitions }), collectBatchInventory(common)]);
  return { ecs, batch };
}

/**
 * The inventory of known services only (the service index's candidates): ECS services described and read exactly
 * as {@link collectInventory} reads them, no Batch (the index holds ECS services; Batch is found by the scan).
 *
 * @example
 * const candidates = await collectKnownServices(options, [{ arn, clusterArn, region }]);
 */
export async function collectKnownServices(options: InventoryOptions, services: readonly KnownEcsService[]): Promise<Inventory> {
  const ecs = await collectKnownEcsServices(options, services);
  return { ecs, batch: { regions: ecs.regions, queues: 0, jobDefinitions: [], jobs: [], problems: [] } };
}
