import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { Config } from '../config/config.js';
import { errorText } from '../errors.js';
import { collectInventory, collectKnownServices, type EcsScanCursor, type InventoryOptions, scanInventory } from '../inventory/index.js';
import { updateIndex } from '../pipeline/indexed-path.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import { CHECKPOINT_TTL_SECONDS, RECONCILE_CONTINUATION, type ReconcileContinuation, SCAN_RESERVE_MS } from '../pipeline/scan-checkpoint.js';
import { finishSteppedScan, indexHintOf, mergeHints, reindexServices } from '../service-index/index.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';
import { DEADLINE_MARGIN_MS } from './run-in-lambda.js';

/** What a reconcile (the schedule) did. */
export interface IndexReconcileReport {
  readonly regions: readonly string[];
  readonly indexedRegions: readonly string[];
  readonly services: number;
  readonly written: number;
  readonly removed: number;
  readonly warnings: readonly string[];
  /** A reconcile in steps: the invocations it has taken, and whether it is finished (else a continuation was sent). */
  readonly scan?: { readonly invocations: number; readonly complete: boolean; readonly checkpoint: string };
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
export async function runIndexInLambda(event: unknown, context?: Context): Promise<SQSBatchResponse | IndexReconcileReport> {
  const { config, dependencies } = lambdaDependencies();
  const records = (event as { Records?: unknown } | null)?.Records;
  if (Array.isArray(records)) return applyHintBatch(records as { messageId: string; body: string }[], config, dependencies);
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  if (remaining !== undefined && dependencies.scanCheckpoints && dependencies.intake && dependencies.serviceIndex) {
    return reconcileIndexInSteps(config, dependencies, new Date(Date.now() + Math.max(0, remaining - DEADLINE_MARGIN_MS)));
  }
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

/** What a reconcile in steps keeps between invocations (state table item `scan#reconcile-<id>`). */
interface ReconcileCheckpoint {
  readonly step: number;
  /** When the reconcile started (ms): every service it wrote is as read at or after this. */
  readonly startedAt: number;
  readonly invocations: number;
  readonly services: number;
  readonly written: number;
  /** Regions where something could not be read: their index is not reconciled at the end. */
  readonly troubled: readonly string[];
  readonly cursor?: EcsScanCursor;
}

/**
 * @internal The reconcile as a scan in steps (issue 16, item 3): each invocation scans until 45 s before its
 * `deadline` (lib/inventory `scanInventory`), writes every service it read into the index as it goes (each as read at
 * that step's start: a newer reading from a hint wins), keeps its cursor in a state table checkpoint and sends a
 * continuation message (`secretRefresh: "index-reconcile"`) through the intake queue, which `onChanges` hands back
 * here. When the cursor is done, each Region read without problems loses the services no step wrote (deleted) and is
 * marked covered. Started by the schedule (`continuation` absent); a copy of a continuation already taken does nothing.
 */
export async function reconcileIndexInSteps(
  config: Config,
  dependencies: PipelineDependencies,
  deadline: Date,
  continuation?: ReconcileContinuation,
): Promise<IndexReconcileReport> {
  const store = dependencies.serviceIndex;
  const checkpoints = dependencies.scanCheckpoints;
  const intake = dependencies.intake;
  if (!store || !checkpoints || !intake) throw new Error('indexServices: a reconcile in steps needs the service index, the state table and the intake queue');
  const id = continuation?.checkpoint ?? `scan#reconcile-${randomUUID()}`;
  const stored = continuation ? await checkpoints.read(id) : undefined;
  const previous = stored ? (JSON.parse(stored.body) as ReconcileCheckpoint) : undefined;
  const base = { regions: config.regions, indexedRegions: [], services: previous?.services ?? 0, written: previous?.written ?? 0, removed: 0 };
  if (continuation && (!stored || !previous || stored.step !== continuation.step || !previous.cursor)) {
    // Taken already (the cursor moved), or lost: the next schedule reconciles again (the index stays as it is).
    const warning = stored
      ? `reconcile continuation ${id} step ${continuation.step}: already taken`
      : `reconcile checkpoint ${id} is gone: the next schedule reconciles again`;
    logger.warn(`indexServices: ${warning}`);
    return { ...base, warnings: [warning] };
  }
  const stepAt = Date.now();
  const startedAt = previous?.startedAt ?? stepAt;
  const options = inventoryOptions(config, dependencies);
  const scanned = await scanInventory(options, {
    stopAt: new Date(deadline.getTime() - SCAN_RESERVE_MS),
    ...(previous?.cursor ? { resume: previous.cursor } : {}),
  });
  const records = scanned.ecs.services;
  const writes = await reindexServices(
    store,
    records.map((record) => ({ arn: record.arn, clusterArn: record.clusterArn, region: record.region })),
    scanned.ecs,
    stepAt,
  );
  const troubled = [...new Set([...(previous?.troubled ?? []), ...scanned.ecs.problems.map((problem) => problem.region)])];
  const next: ReconcileCheckpoint = {
    step: (previous?.step ?? 0) + 1,
    startedAt,
    invocations: (previous?.invocations ?? 0) + 1,
    services: (previous?.services ?? 0) + records.length,
    written: (previous?.written ?? 0) + writes.written,
    troubled,
    ...(scanned.cursor ? { cursor: scanned.cursor } : {}),
  };
  const warnings = scanned.ecs.problems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`);
  await checkpoints.write(id, { step: next.step, body: JSON.stringify(next) }, previous?.step, CHECKPOINT_TTL_SECONDS);
  if (scanned.cursor) {
    const message: ReconcileContinuation = { secretRefresh: RECONCILE_CONTINUATION, version: 1, checkpoint: id, step: next.step };
    await intake.deliver([{ body: JSON.stringify(message), delaySeconds: 0 }]);
    const report = {
      ...base,
      services: next.services,
      written: next.written,
      warnings,
      scan: { invocations: next.invocations, complete: false, checkpoint: id },
    };
    logger.info('indexServices: reconcile continues in the next invocation', { report });
    return report;
  }
  const indexed = config.regions.filter((region) => !troubled.includes(region));
  let removed = 0;
  for (const region of indexed) removed += (await finishSteppedScan(store, region, startedAt)).removed;
  const report: IndexReconcileReport = {
    regions: config.regions,
    indexedRegions: indexed,
    services: next.services,
    written: next.written,
    removed,
    warnings,
    scan: { invocations: next.invocations, complete: true, checkpoint: id },
  };
  logger.info('indexServices: index reconciled with a full scan in steps', { report });
  return report;
}

function inventoryOptions(config: Config, dependencies: PipelineDependencies): InventoryOptions {
  return { clients: dependencies.clients, regions: config.regions, concurrency: config.concurrency, taskDefinitions: dependencies.taskDefinitions };
}
