/**
 * The Inventory step's face: who reads secrets and parameters, on ECS and on AWS Batch, in every configured
 * Region. Unreadable parts become `problems` (reported, and they fail the run) instead of hiding readers.
 */
import type { AwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import { collectBatchInventory } from './batch-inventory.js';
import { collectEcsInventory, collectKnownEcsServices, type KnownEcsService, type ScanLimits, scanEcsInventory } from './ecs-inventory.js';
import type { EcsScanCursor, Inventory } from './types.js';

export type { KnownEcsService, ScanLimits } from './ecs-inventory.js';
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
 * The ECS inventory as a scan that stops when `limits.stopAt` passes and resumes from `limits.resume` (see
 * `scanEcsInventory`): `cursor` is set while units are left. Batch is not read here: the run that acts reads it once
 * with {@link collectBatch}, so a scan that takes several invocations reads Batch once, in the last.
 *
 * @example
 * const { ecs, cursor } = await scanInventory(options, { stopAt, resume: checkpoint.cursor });
 */
export async function scanInventory(options: InventoryOptions, limits: ScanLimits): Promise<{ ecs: Inventory['ecs']; cursor?: EcsScanCursor }> {
  const { cursor, ...ecs } = await scanEcsInventory(options, limits);
  return { ecs, ...(cursor ? { cursor } : {}) };
}

/** The Batch side of the inventory alone (job definitions and running jobs), for a run whose ECS side was scanned in steps. */
export function collectBatch(options: InventoryOptions): Promise<Inventory['batch']> {
  const { taskDefinitions: _unused, ...common } = options;
  return collectBatchInventory(common);
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
