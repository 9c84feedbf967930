import type { SQSBatchResponse } from 'aws-lambda';
import type { Config } from '../config/config.js';
import { errorText } from '../errors.js';
import { collectInventory, collectKnownServices, type InventoryOptions } from '../inventory/index.js';
import { updateIndex } from '../pipeline/indexed-path.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import { indexHintOf, mergeHints, reindexServices } from '../service-index/index.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';

/** What a reconcile (the schedule) did. */
export interface IndexReconcileReport {
  readonly regions: readonly string[];
  readonly indexedRegions: readonly string[];
  readonly services: number;
  readonly written: number;
  readonly removed: number;
  readonly warnings: readonly string[];
}

/**
 * `indexServices`: keeps the service index fresh. Its SQS event source is the hint queue (ECS deployment and service
 * events, CloudTrail's service and task definition calls): each batch's hinted services are read again, 10 per
 * DescribeServices, and written as ECS describes them now; registered revisions are read into the revision index
 * ahead of their first deployment. Its schedule is the reconciler: a full scan of every configured Region, and the
 * index of each Region read without problems made what the scan found.
 *
 * A batch whose re-reads could not be made is given back whole (`batchItemFailures`); a hint is advisory, so an
 * unreadable message is logged and dropped.
 */
export async function runIndexInLambda(event: unknown): Promise<SQSBatchResponse | IndexReconcileReport> {
  const { config, dependencies } = lambdaDependencies();
  const records = (event as { Records?: unknown } | null)?.Records;
  if (Array.isArray(records)) return applyHintBatch(records as { messageId: string; body: string }[], config, dependencies);
  return reconcileIndex(config, dependencies);
}

/** @internal The hint half of {@link runIndexInLambda}, on given dependencies. */
export async function applyHintBatch(
  records: readonly { readonly messageId: string; readonly body: string }[],
  config: Config,
  dependencies: PipelineDependencies,
): Promise<SQSBatchResponse> {
  const store = dependencies.serviceIndex;
  if (!store) {
    logger.warn('indexServices: no service index table (SECRET_REFRESH_SERVICE_INDEX_TABLE): hints dropped', { messages: records.length });
    return { batchItemFailures: [] };
  }
  const hints = mergeHints(
    records.map((record) => {
      try {
        return indexHintOf(JSON.parse(record.body));
      } catch {
        logger.warn('indexServices: a hint that is not JSON was dropped', { messageId: record.messageId });
        return { services: [], revisions: [] };
      }
    }),
  );
  try {
    const readAt = Date.now();
    const found = await collectKnownServices(inventoryOptions(config, dependencies), hints.services);
    const writes = await reindexServices(store, hints.services, found.ecs, readAt);
    await Promise.all(
      hints.revisions.map((revision) =>
        dependencies.taskDefinitions.get(dependencies.clients.ecs(revision.region), revision.region, revision.arn).catch(() => undefined),
      ),
    );
    logger.info('indexServices: hints applied', { messages: records.length, services: hints.services.length, revisions: hints.revisions.length, ...writes });
    return { batchItemFailures: [] };
  } catch (error) {
    logger.error('indexServices: hints could not be applied, the batch comes again', { error: errorText(error) });
    return { batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) };
  }
}

/** @internal The schedule half of {@link runIndexInLambda}: the reconciler. */
export async function reconcileIndex(config: Config, dependencies: PipelineDependencies): Promise<IndexReconcileReport> {
  const store = dependencies.serviceIndex;
  if (!store) throw new Error('indexServices: SECRET_REFRESH_SERVICE_INDEX_TABLE is not set: nothing to reconcile');
  const scannedAt = Date.now();
  const inventory = await collectInventory(inventoryOptions(config, dependencies));
  const updated = await updateIndex(store, inventory, scannedAt);
  const report: IndexReconcileReport = {
    regions: config.regions,
    indexedRegions: updated.regions,
    services: inventory.ecs.services.length,
    written: updated.written,
    removed: updated.removed,
    warnings: [...inventory.ecs.problems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`), ...updated.warnings],
  };
  logger.info('indexServices: index reconciled with a full scan', { report });
  return report;
}

function inventoryOptions(config: Config, dependencies: PipelineDependencies): InventoryOptions {
  return { clients: dependencies.clients, regions: config.regions, concurrency: config.concurrency, taskDefinitions: dependencies.taskDefinitions };
}
