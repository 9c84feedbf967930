import { randomUUID } from 'node:crypto';
import { type ExecuteOptions, type Execution, executePlan } from '../actions/index.js';
import { resourceId } from '../arn/arn.js';
import type { AwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import type { ScanCheckpointStore } from '../aws/scan-checkpoints.js';
import type { IntakeMessage } from '../aws/sqs.js';
import type { ChangeRecord, StateTable } from '../aws/state-table.js';
import { callerAccount } from '../aws/sts.js';
import { type BatchEntry, type ChangeContext, type ChangeRequest, detectChanges, type IdentifiedChange, type MetadataDirectory } from '../changes/index.js';
import type { Config } from '../config/config.js';
import {
  collectBatch,
  collectInventory,
  collectKnownServices,
  type EcsServiceRecord,
  type Inventory,
  type InventoryOptions,
  type KnownEcsService,
  scanInventory,
} from '../inventory/index.js';
import { type DeploymentLimits, limitPlan, nothingToPlan, type Plan, type PlanSettings, planRefresh, type RunMode } from '../plan/index.js';
import { buildReport, publishReport, type RefreshReport, type ReportParts, type ScanReport } from '../report/index.js';
import { rolloutReasons } from '../rollout/plan-rollout.js';
import type { RolloutRecords } from '../rollout/rollout-records.js';
import type { RolloutEngine } from '../rollout/start-rollout.js';
import type { ServiceIndexStore } from '../service-index/index.js';
import { CHANGE_RECORD_TTL_SECONDS, judgeChange, readRecords, recordFor, recordKey } from './change-records.js';
import { budgetKey, continueLater, countActions, redeliveries } from './deferral.js';
import { decidedServices, type FastPath, lookUpCandidates, mergeWithFastPath, serviceIndexReport, updateIndex, withoutHandled } from './indexed-path.js';
import { withAccountLease } from './lease.js';
import {
  ACT_RESERVE_MS,
  addMatches,
  CHECKPOINT_TTL_SECONDS,
  continuationBody,
  decodeCheckpoint,
  encodeCheckpoint,
  MAX_CHECKPOINT_BYTES,
  MAX_CONTINUATION_BYTES,
  matchedServices,
  SCAN_RESERVE_MS,
  type ScanCheckpoint,
  type ScanContinuation,
} from './scan-checkpoint.js';

/** What started the run: an EventBridge event, or a manual refresh request (`confirmLarge`: past the cap). */
export type RefreshRequest = ChangeRequest & { readonly confirmLarge?: boolean };

/** Where deferred changes are delivered again: the intake queue (`SECRET_REFRESH_INTAKE_QUEUE_URL`). */
export interface IntakeQueue {
  deliver(messages: readonly IntakeMessage[]): Promise<void>;
}

/** The AWS-facing parts of the pipeline, injected so tests and the CLI can choose them (see `createPipelineDependencies`). */
export interface PipelineDependencies {
  readonly clients: AwsClients;
  readonly directory: MetadataDirectory;
  readonly taskDefinitions: TaskDefinitionCache;
  /**
   * The state table (`SECRET_REFRESH_IDEMPOTENCY_TABLE`): the account lease, change records and deployment limits.
   * Absent: none of them (every run acts; the already-fresh rule alone prevents repeats).
   */
  readonly state?: StateTable;
  /** The intake queue, to deliver deferred changes again; absent: deferred changes are reported and the run fails. */
  readonly intake?: IntakeQueue;
  /**
   * The service index (`SECRET_REFRESH_SERVICE_INDEX_TABLE`): a change first deploys the services it indexes, then
   * the full scan backs it up and rewrites it. Absent: the scan alone.
   */
  readonly serviceIndex?: ServiceIndexStore;
  /**
   * Scan checkpoints (the state table's `scan#…` items): with them and the intake queue, an automatic run's scan
   * that cannot finish before the deadline continues in the next invocation (see lib/pipeline/scan-checkpoint.ts).
   */
  readonly scanCheckpoints?: ScanCheckpointStore;
  /** Starts rollouts (`SECRET_REFRESH_STATE_MACHINE_ARN`); absent: see `executePlan`. */
  readonly rollouts?: RolloutEngine;
  /** The state table's rollout items (the newest rollout of each secret and parameter). */
  readonly rolloutRecords?: RolloutRecords;
  /** The account whose events this deployment handles (the Lambda's own); events of others are refused. */
  readonly expectedAccount?: string;
  readonly now?: () => Date;
  /** How waiting for the account lease sleeps (tests step a fake clock). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Per-run options on top of the configuration. */
export interface RunOptions {
  /** Dry run for this run (the configuration's `dryRun` forces it on for every run). */
  readonly dryRun?: boolean;
  /** No action starts after this moment (Lambda: remaining time minus a margin). */
  readonly deadline?: Date;
  /** When the run's lease frees itself even if the run is killed (Lambda: when the invocation times out). */
  readonly leaseUntil?: Date;
  /** How long to wait for another run's lease of the account (default 60 s). */
  readonly leaseWaitMs?: number;
  /** `refresh --now`: deploy past the maintenance windows and freezes on purpose. */
  readonly ignoreWindows?: boolean;
  /**
   * A continuation message of the intake queue (its SQS message id as `source`): the run continues the scan of
   * the batch it names, from its checkpoint, instead of detecting changes from events.
   */
  readonly continuation?: { readonly message: ScanContinuation; readonly source?: string };
  /**
   * When a scan in steps stops starting ListServices pages (tests: a stop before the first page). Default: 45 s
   * before `deadline`, or a quarter of the time left when that is less (a short invocation still scans most of it).
   */
  readonly scanUntil?: Date;
}

/** Without a Lambda deadline (the CLI), a run holds the account's lease at most this long, and acts only within it. */
export const CLI_LEASE_MS = 15 * 60_000;

/**
 * The whole pipeline, the same for every entry point (the intake queue's batches, the `refresh` function, the CLI,
 * the demo), over a batch of requests: Change → Inventory → Plan → Actions → Report. One batch, one run: one
 * inventory scan, one plan listing each target once with every change it answers, one deployment per service.
 *
 * `input` is one request (an event, a manual refresh) or a batch of them. With the state table, the run holds the
 * account's lease from the change records to the last write, skips changes already handled, defers services
 * deployed less than the minimum interval ago and counts deployments against the hourly budget.
 *
 * Returns the report in every case where the run could act; `summary.failed > 0` becomes exit 1 or retried inputs.
 * Throws for a single request that is invalid ({@link InvalidInputError}, before any AWS write) or cannot be
 * decided (an AWS error), when the account's lease stays held ({@link LeaseUnavailableError}), and when the state
 * table cannot be read: the whole run is then retried. In a batch, an invalid or undecidable request is an entry of
 * the report instead.
 *
 * @example
 * const report = await runRefresh([{ type: 'event', event, source: messageId }], config, dependencies);
 */
export async function runRefresh(
  input: RefreshRequest | readonly RefreshRequest[],
  config: Config,
  dependencies: PipelineDependencies,
  options: RunOptions = {},
): Promise<RefreshReport> {
  const single = !Array.isArray(input);
  const requests: readonly RefreshRequest[] = single ? [input as RefreshRequest] : (input as readonly RefreshRequest[]);
  const continuation = options.continuation;
  const run: Run = {
    dryRun: config.dryRun || options.dryRun === true,
    mode: continuation || !(requests.length > 0 && requests.every((request) => request.type === 'manual')) ? 'event' : 'manual',
    single,
    requests,
    now: dependencies.now ?? (() => new Date()),
    continued: continuation !== undefined,
  };
  const batch = continuation ? continuedBatch(continuation) : await detectChanges(requests, changeContext(config, dependencies), config.concurrency);
  const refused = single ? batch.entries[0]?.cause : undefined;
  if (refused) throw refused;
  const entries = [...batch.entries];
  const changes = withoutNothingToPlan(batch.changes, entries);
  const state = run.dryRun ? undefined : dependencies.state;
  // Deadlines and the lease are wall-clock times (the actions compare them with Date.now); `now` dates the state.
  const timing = state ? leaseTiming(options, new Date()) : options;
  const report =
    changes.length === 0
      ? buildReport({ ...run, entries, ...firstReason(entries) })
      : state
        ? await withAccountLease(leaseOptions(state, config, dependencies, timing, changes), () =>
            refresh(run, entries, changes, config, dependencies, timing, state),
          )
        : await refresh(run, entries, changes, config, dependencies, options, undefined);
  return publishReport(report, {
    ...(config.eventBus ? { eventBus: config.eventBus } : {}),
    homeRegion: config.homeRegion,
    events: (region) => dependencies.clients.events(region),
  });
}

interface Run {
  readonly dryRun: boolean;
  readonly mode: RunMode;
  readonly single: boolean;
  readonly requests: readonly RefreshRequest[];
  readonly now: () => Date;
  /** The run continues a scan (a continuation message): its changes come from the message, not from events. */
  readonly continued: boolean;
}

/** The batch a continuation message names: its changes, each an `act` entry (they were detected by the first invocation). */
function continuedBatch({ message, source }: NonNullable<RunOptions['continuation']>): { entries: BatchEntry[]; changes: IdentifiedChange[] } {
  const changes = [...message.changes];
  const entries = changes.map(
    (change, index): BatchEntry => ({ id: change.id, index, ...(source ? { source } : {}), change, decision: 'act', reason: change.reason }),
  );
  return { entries, changes };
}

/**
 * Inventory → Plan → Actions → Report for the changes left, with the change records, limits, recording and
 * redelivery when there is a state table.
 */
async function refresh(
  run: Run,
  entries: BatchEntry[],
  detected: readonly IdentifiedChange[],
  config: Config,
  dependencies: PipelineDependencies,
  options: RunOptions,
  state: StateTable | undefined,
): Promise<RefreshReport> {
  const records = state && run.mode === 'event' ? await readRecords(state, detected) : new Map();
  const changes = unhandled(detected, records, entries);
  if (changes.length === 0) {
    return buildReport({ ...run, entries, ...firstReason(entries), ...(run.single ? { idempotency: 'replayed' as const } : {}) });
  }
  const handledAt = run.now();
  const steps = stepwiseScan(run, dependencies, options);
  const resumed = steps && options.continuation ? await resumeScan(steps.store, options.continuation.message) : undefined;
  if (resumed?.status === 'taken') return buildReport({ ...run, entries, skipped: resumed.reason, scan: resumed.scan });
  const checkpoint = resumed?.status === 'resumed' ? resumed.checkpoint : undefined;
  const stepWarnings = resumed?.status === 'lost' ? [resumed.warning] : [];
  // The fast path: the services the index holds for these changes, read again, planned and acted on first (once:
  // not again in the invocations that continue the scan).
  const fast =
    dependencies.serviceIndex && !checkpoint ? await fastPath(dependencies.serviceIndex, run, changes, config, dependencies, options, state) : undefined;
  // The backstop: the full scan, without the services the fast path decided on.
  const scannedAt = Date.now();
  let inventory: Inventory;
  let handled: ReadonlySet<string> = fast?.handled ?? new Set();
  let scan: ScanReport | undefined;
  let finish: ScanCheckpoint | undefined;
  if (steps) {
    const id = (resumed?.status !== 'lost' && options.continuation?.message.checkpoint) || `scan#${randomUUID()}`;
    const step = await scanStep({ steps, id, checkpoint, changes, fast, config, dependencies, run, startedAt: handledAt });
    if (step.status === 'continue') {
      const sent = await continueScan(steps, step.next, checkpoint?.step, changes);
      return continuedReport({ run, entries, fast, state, inventory: step.inventory, scan: step.next, sent, warnings: stepWarnings, config });
    }
    inventory = step.inventory;
    scan = step.scan;
    if (checkpoint) {
      handled = new Set(checkpoint.handled);
      finish = { ...checkpoint, step: checkpoint.step + 1, complete: true, invocations: scan.invocations, matches: [] };
      delete (finish as { cursor?: unknown }).cursor;
    }
  } else inventory = await collectInventory(inventoryOptions(config, dependencies));
  const fullPlan = planRefresh(changes, inventory, planSettings(config, run));
  const planned = withoutHandled(fullPlan, handled);
  const backstop = state ? await limitAndReserve(planned, state, config, run, changes) : planned;
  const executed = await executePlan(backstop, executeOptions(config, dependencies, run, options));
  const { plan, execution: merged } = fast ? mergeWithFastPath(fast, backstop, executed) : { plan: backstop, execution: executed };
  const execution = dependencies.intake && run.mode === 'event' ? continueLater(merged, run.now()) : merged;
  // A scan of several invocations started acting in its first (the fast path): its records say so.
  const actedFrom = checkpoint ? new Date(checkpoint.startedAt) : handledAt;
  const after = await afterActions({ run, changes, plan, execution, inventory, records, handledAt: actedFrom, state, config, dependencies });
  const warnings = [...(after.warnings ?? []), ...stepWarnings];
  if (finish && steps && checkpoint) {
    // A last step that left a change unfinished (a cluster or Region that could not be read, a failed target, a
    // record not written) must be retried as a one-go batch would be: its checkpoint stays at this step, with what
    // could not be read back in the cursor, and the continuation message fails, so SQS delivers it again (and after
    // maxReceiveCount puts it in the failed-events queue). Marking it complete would make that copy "already taken".
    const unfinished = buildReport({ ...run, entries, inventory, plan, execution, ...after }).changes.some((entry) => entry.retry);
    const next = unfinished ? retriedLastStep(checkpoint, inventory, plan, execution, scan) : finish;
    if (unfinished) {
      if (scan) scan = { ...scan, complete: false };
      warnings.push(
        `scan checkpoint ${checkpoint.id}: its last step left changes unfinished; the continuation is delivered again and reads again what could not be read`,
      );
    }
    // Marked complete only now that the batch was acted on: a run killed while acting is continued again by the
    // same message (what it deployed is then fresh), and later copies of it do nothing.
    const written = await steps.store
      .write(next.id, { step: next.step, body: encodeCheckpoint(next) }, checkpoint.step, CHECKPOINT_TTL_SECONDS)
      .catch((error) => {
        warnings.push(
          `scan checkpoint ${next.id}: could not be ${unfinished ? 'kept for the retry' : 'marked complete'} (${String(error)}); a copy of its continuation is stopped by the change records`,
        );
        return true;
      });
    if (!written) warnings.push(`scan checkpoint ${next.id}: another invocation moved it while this one acted`);
  }
  if (!dependencies.serviceIndex) return buildReport({ ...run, entries, inventory, plan, execution, ...after, warnings, ...(scan ? { scan } : {}) });
  if (!fast || (scan && scan.invocations > 1)) {
    const note =
      scan && scan.invocations > 1
        ? [`service index: the scan took ${scan.invocations} invocations; the index of its Regions is rewritten by the reconcile, not by this run`]
        : [];
    return buildReport({ ...run, entries, inventory, plan, execution, ...after, warnings: [...warnings, ...note], ...(scan ? { scan } : {}) });
  }
  const updated = await updateIndex(dependencies.serviceIndex, inventory, scannedAt);
  const index = serviceIndexReport(fast, backstop, updated);
  return buildReport({
    ...run,
    entries,
    inventory,
    plan,
    execution,
    ...after,
    warnings: [...warnings, ...index.warnings, ...updated.warnings],
    serviceIndex: index.report,
    ...(scan ? { scan } : {}),
  });
}

/** What a run that may scan in steps needs: the checkpoints, the intake queue, and when to stop starting pages. */
interface StepwiseScan {
  readonly store: ScanCheckpointStore;
  readonly intake: IntakeQueue;
  readonly stopAt: Date;
  /** A scan finished after this leaves reading its matches again and acting to the next invocation. */
  readonly actBy: Date;
}

/**
 * An automatic run (the intake queue's batches) with a deadline, the state table's checkpoints and the intake queue
 * scans in steps; every other run (the CLI, the `refresh` function, a dry run) scans in one go, as before.
 */
function stepwiseScan(run: Run, dependencies: PipelineDependencies, options: RunOptions): StepwiseScan | undefined {
  if (run.dryRun || run.mode !== 'event' || !options.deadline || !dependencies.scanCheckpoints || !dependencies.intake || !dependencies.state) return undefined;
  const deadline = options.deadline.getTime();
  // The reserves are a Lambda's (a 270 s deadline): an invocation with little time left (a long lease wait, a short
  // test) keeps a quarter of it instead, so it still scans and acts rather than checkpointing at once.
  const left = Math.max(0, deadline - Date.now());
  return {
    store: dependencies.scanCheckpoints,
    intake: dependencies.intake,
    stopAt: options.scanUntil ?? new Date(deadline - Math.min(SCAN_RESERVE_MS, left / 4)),
    actBy: new Date(deadline - Math.min(ACT_RESERVE_MS, left / 4)),
  };
}

type Resumed =
  | { readonly status: 'resumed'; readonly checkpoint: ScanCheckpoint }
  | { readonly status: 'lost'; readonly warning: string }
  | { readonly status: 'new' }
  | { readonly status: 'taken'; readonly reason: string; readonly scan: ScanReport };

/**
 * What a continuation message finds: its checkpoint at its step (continue), at another step or complete (a copy of
 * a message already taken: nothing to do), or gone (expired, a restored table: the scan starts over, never skips).
 * A message that starts a scan (step 1, nothing written yet: a redelivered deferred change) starts it.
 */
async function resumeScan(store: ScanCheckpointStore, message: ScanContinuation): Promise<Resumed> {
  const stored = await store.read(message.checkpoint);
  const checkpoint = stored ? decodeCheckpoint(stored.body) : undefined;
  if (!stored || !checkpoint) {
    if (message.step === 1 && !stored) return { status: 'new' };
    return { status: 'lost', warning: `scan checkpoint ${message.checkpoint} is gone (expired, lost or unreadable): the scan of its batch starts over` };
  }
  if (stored.step === message.step && !checkpoint.complete) return { status: 'resumed', checkpoint };
  return {
    status: 'taken',
    reason: `scan continuation ${message.checkpoint} step ${message.step}: already taken (the checkpoint is at step ${stored.step}${checkpoint.complete ? ', complete' : ''}): nothing to do`,
    scan: {
      invocations: checkpoint.invocations,
      complete: checkpoint.complete,
      servicesScanned: checkpoint.servicesScanned,
      matches: matchedServices(checkpoint.matches).length,
      checkpoint: checkpoint.id,
    },
  };
}

type ScanStep =
  | { readonly status: 'continue'; readonly next: ScanCheckpoint; readonly inventory: Inventory }
  | { readonly status: 'act'; readonly inventory: Inventory; readonly scan: ScanReport };

/**
 * One invocation's part of a stepwise scan: the scan resumes from the checkpoint's cursor (or starts) and stops
 * starting pages at `stopAt`. Left units, or too little time left to act: the next checkpoint (this invocation's
 * matches added). Finished: the inventory to plan: a scan of one invocation is the inventory itself; one of several
 * is the matched services of the earlier invocations read again (DescribeServices, 10 a call) plus this
 * invocation's records, and Batch read once now.
 */
async function scanStep(context: {
  steps: StepwiseScan;
  id: string;
  checkpoint: ScanCheckpoint | undefined;
  changes: readonly IdentifiedChange[];
  fast: FastPath | undefined;
  config: Config;
  dependencies: PipelineDependencies;
  run: Run;
  startedAt: Date;
}): Promise<ScanStep> {
  const { steps, id, checkpoint, changes, fast, config, dependencies, run, startedAt } = context;
  const options = inventoryOptions(config, dependencies);
  const finished = checkpoint !== undefined && !checkpoint.cursor;
  const scanned = finished
    ? { ecs: emptyEcs(config.regions) }
    : await scanInventory(options, { stopAt: steps.stopAt, ...(checkpoint?.cursor ? { resume: checkpoint.cursor } : {}) });
  const invocations = (checkpoint?.invocations ?? 0) + 1;
  const servicesScanned = (checkpoint?.servicesScanned ?? 0) + scanned.ecs.services.length;
  const problems = [...(checkpoint?.problems ?? []), ...scanned.ecs.problems];
  const cursor = 'cursor' in scanned ? scanned.cursor : undefined;
  // Too late to act after scanning: the next invocation reads the matches again and acts (never when this
  // invocation only resumed a finished scan: it acts whatever the time, so the batch always moves on).
  if (cursor || (!finished && Date.now() >= steps.actBy.getTime())) {
    const found = matchesOf(changes, scanned.ecs.services, config, run);
    const next: ScanCheckpoint = {
      id,
      step: (checkpoint?.step ?? 0) + 1,
      complete: false,
      startedAt: checkpoint?.startedAt ?? startedAt.toISOString(),
      invocations,
      servicesScanned,
      ...(cursor ? { cursor } : {}),
      matches: addMatches(checkpoint?.matches ?? [], found),
      handled: checkpoint?.handled ?? finishedServices(fast?.execution),
      problems,
    };
    return { status: 'continue', next, inventory: { ecs: scanned.ecs, batch: emptyBatch(config.regions) } };
  }
  const batch = await collectBatch(options);
  if (!checkpoint) {
    return {
      status: 'act',
      inventory: { ecs: scanned.ecs, batch },
      scan: { invocations, complete: true, servicesScanned, matches: matchesOf(changes, scanned.ecs.services, config, run).length },
    };
  }
  // Earlier invocations' matches read again; this invocation's records are fresh already (pages never overlap).
  const earlier = matchedServices(checkpoint.matches);
  const reread = earlier.length > 0 ? (await collectKnownServices(options, earlier)).ecs : emptyEcs([]);
  const fresh = new Set(scanned.ecs.services.map((record) => record.arn));
  const services = [...reread.services.filter((record) => !fresh.has(record.arn)), ...scanned.ecs.services];
  const vanished = [...(reread.vanished ?? []), ...(scanned.ecs.vanished ?? [])];
  const ecs = {
    regions: config.regions,
    clusters: scanned.ecs.clusters + reread.clusters,
    services,
    ...(vanished.length > 0 ? { vanished } : {}),
    problems: [...problems, ...reread.problems],
  };
  const matches = earlier.length + matchesOf(changes, scanned.ecs.services, config, run).length;
  return { status: 'act', inventory: { ecs, batch }, scan: { invocations, complete: true, servicesScanned, matches, checkpoint: id } };
}

/** The services among `records` that the batch's changes match: the ECS targets the Plan lists for them, whatever its decision. */
function matchesOf(changes: readonly IdentifiedChange[], records: readonly EcsServiceRecord[], config: Config, run: Run): KnownEcsService[] {
  if (records.length === 0) return [];
  const byArn = new Map(records.map((record) => [record.arn, record]));
  const plan = planRefresh(
    changes,
    { ecs: { ...emptyEcs(config.regions), services: records }, batch: emptyBatch(config.regions) },
    { ...planSettings(config, run), maxTargets: Number.MAX_SAFE_INTEGER },
  );
  return plan.targets.flatMap((target) => {
    const record = target.type === 'ecs-service' ? byArn.get(target.arn) : undefined;
    return record ? [{ arn: record.arn, clusterArn: record.clusterArn, region: record.region }] : [];
  });
}

/**
 * The checkpoint a last step that left changes unfinished keeps, at the same step (its continuation is delivered
 * again): the matches and the fast path's services as they were, the problems cleared, and a cursor back over what
 * could not be read: a cluster whose pages failed is read again from its first page; a Region whose ListClusters
 * failed, or with a problem no cluster names (a task definition, a service), is read again whole (never skips).
 * Without ECS problems (a failed target, a record not written, Batch) the cursor stays done: the retry acts again.
 * The services this step found and planned join the matches, so the retry reads them again too; those it finished
 * (deployed, skipped) join the fast path's as handled, so the retry leaves them out as the backstop leaves the fast
 * path's (a deployment in the change's own second would not look fresh, and the minimum interval would defer it).
 */
function retriedLastStep(checkpoint: ScanCheckpoint, inventory: Inventory, plan: Plan, execution: Execution, scan: ScanReport | undefined): ScanCheckpoint {
  const regions = new Map<string, { region: string; clusters?: { cluster: string }[] }>();
  for (const problem of inventory.ecs.problems) {
    const entry = regions.get(problem.region) ?? { region: problem.region, clusters: [] };
    if (resourceId(problem.subject, 'ecs', 'cluster/') !== undefined && entry.clusters) {
      if (!entry.clusters.some((cluster) => cluster.cluster === problem.subject)) entry.clusters.push({ cluster: problem.subject });
    } else delete entry.clusters;
    regions.set(problem.region, entry);
  }
  const planned = new Set(plan.targets.flatMap((target) => (target.type === 'ecs-service' ? [target.arn] : [])));
  const found = inventory.ecs.services.filter((record) => planned.has(record.arn));
  const { cursor: _done, ...rest } = checkpoint;
  return {
    ...rest,
    matches: addMatches(
      checkpoint.matches,
      found.map((record) => ({ arn: record.arn, clusterArn: record.clusterArn, region: record.region })),
    ),
    complete: false,
    invocations: scan?.invocations ?? checkpoint.invocations,
    servicesScanned: scan?.servicesScanned ?? checkpoint.servicesScanned,
    handled: [...new Set([...checkpoint.handled, ...finishedServices(execution)])],
    problems: [],
    ...(regions.size > 0 ? { cursor: { regions: [...regions.values()] } } : {}),
  };
}

/**
 * The ECS services `execution` finished (done, skipped, planned, waiting): not its failed or deferred ones, which are
 * left to the backstop (the fast path's) or to the retry (a last step's).
 */
function finishedServices(execution: Execution | undefined): string[] {
  return (execution?.results ?? []).flatMap((result) =>
    result.report.type === 'ecs-service' && result.report.status !== 'failed' && result.report.status !== 'deferred' ? [result.report.arn] : [],
  );
}

const emptyEcs = (regions: readonly string[]): Inventory['ecs'] => ({ regions, clusters: 0, services: [], problems: [] });
const emptyBatch = (regions: readonly string[]): Inventory['batch'] => ({ regions, queues: 0, jobDefinitions: [], jobs: [], problems: [] });

/**
 * Keeps the scan's place and hands the batch to the next invocation: the checkpoint is written (only if it is
 * still at the step this invocation continued), then the continuation message is sent. Returns what went wrong,
 * if anything: then the batch's own messages are retried (a first invocation: the scan starts over) or the
 * checkpoint is put back to the step the retried continuation carries, with this invocation's place and matches
 * (nothing skipped, nothing read twice).
 */
async function continueScan(
  steps: StepwiseScan,
  next: ScanCheckpoint,
  expectedStep: number | undefined,
  changes: readonly IdentifiedChange[],
): Promise<{ readonly ok: boolean; readonly warning?: string }> {
  const body = encodeCheckpoint(next);
  const message = continuationBody(next.id, next.step, changes);
  if (Buffer.byteLength(body) > MAX_CHECKPOINT_BYTES || Buffer.byteLength(message) > MAX_CONTINUATION_BYTES) {
    return {
      ok: false,
      warning: `scan checkpoint ${next.id}: too large to keep (${Buffer.byteLength(body)} bytes of checkpoint, ${Buffer.byteLength(message)} of message; at most ${MAX_CHECKPOINT_BYTES} and ${MAX_CONTINUATION_BYTES}): the batch is retried`,
    };
  }
  let written: boolean;
  try {
    written = await steps.store.write(next.id, { step: next.step, body }, expectedStep, CHECKPOINT_TTL_SECONDS);
  } catch (error) {
    return { ok: false, warning: `scan checkpoint ${next.id}: could not be written (${String(error)}): the batch is retried` };
  }
  if (!written) return { ok: true, warning: `scan checkpoint ${next.id}: another invocation moved it first: this one leaves the scan to it` };
  try {
    await steps.intake.deliver([{ body: message, delaySeconds: 0 }]);
    return { ok: true };
  } catch (error) {
    const previous = expectedStep === undefined ? undefined : await steps.store.read(next.id).catch(() => undefined);
    if (previous && expectedStep !== undefined) {
      // Back to the step the retried message carries, keeping this invocation's cursor and matches: the retry goes on
      // after the pages read here (their matches are in the checkpoint), so nothing is read twice or skipped.
      const back = { ...next, step: expectedStep, invocations: next.invocations };
      await steps.store.write(next.id, { step: expectedStep, body: encodeCheckpoint(back) }, next.step, CHECKPOINT_TTL_SECONDS).catch(() => false);
    }
    return { ok: false, warning: `scan continuation of ${next.id} could not be sent through the intake queue (${String(error)}): the batch is retried` };
  }
}

/**
 * The report of an invocation whose scan continues in the next: the fast path's targets (the first invocation
 * only), what was scanned, and `scan` (`complete: false`, `continued` when the next invocation has the batch). The
 * fast path's deployments are recorded for the minimum interval; change records wait for the last invocation.
 */
async function continuedReport(context: {
  run: Run;
  entries: BatchEntry[];
  fast: FastPath | undefined;
  state: StateTable | undefined;
  inventory: Inventory;
  scan: ScanCheckpoint;
  sent: { readonly ok: boolean; readonly warning?: string };
  warnings: readonly string[];
  config: Config;
}): Promise<RefreshReport> {
  const { run, entries, fast, state, inventory, scan, sent, config } = context;
  const warnings = [...context.warnings, ...(sent.warning ? [sent.warning] : [])];
  const deployed = (fast?.execution?.results ?? []).flatMap((result) =>
    result.report.type === 'ecs-service' && result.report.status === 'done' ? [result.report.arn] : [],
  );
  if (state && deployed.length > 0) {
    await state.putDeployed(deployed, run.now(), config.minRedeployIntervalSeconds + 3600).catch((error) => {
      warnings.push(`could not record when the services were deployed (the minimum redeploy interval will not see them): ${String(error)}`);
    });
  }
  const unfinished = sent.ok ? undefined : new Set(entries.filter((entry) => entry.decision === 'act').map((entry) => entry.id));
  // The fast path's part of the index report (the backstop is not done: it misses nothing yet, writes nothing yet).
  const index = fast ? serviceIndexReport(fast, { changes: [], targets: [], warnings: [] }, { written: 0, removed: 0, regions: [] }) : undefined;
  if (index) warnings.push(...index.warnings);
  const report: ScanReport = {
    invocations: scan.invocations,
    complete: false,
    ...(sent.ok ? { continued: true as const } : {}),
    servicesScanned: scan.servicesScanned,
    matches: matchedServices(scan.matches).length,
    checkpoint: scan.id,
  };
  return buildReport({
    ...run,
    entries,
    inventory,
    ...(fast?.plan ? { plan: fast.plan } : {}),
    ...(fast?.execution ? { execution: fast.execution } : {}),
    warnings: [
      ...warnings,
      `scan: not finished in this invocation (${scan.servicesScanned} services read so far, ${report.matches} matched): it continues in the next one (checkpoint ${scan.id}, step ${scan.step})`,
    ],
    ...(unfinished ? { unfinished } : {}),
    ...(index ? { serviceIndex: index.report } : {}),
    scan: report,
  });
}

/**
 * The fast path of a run with the service index: the candidates of the changes in the covered Regions, read again
 * (DescribeServices, 10 a call, and their task definitions), planned with the Plan's rules and acted on within the
 * limits. An index that cannot be read leaves the run to the scan (a warning says so).
 */
async function fastPath(
  store: ServiceIndexStore,
  run: Run,
  changes: readonly IdentifiedChange[],
  config: Config,
  dependencies: PipelineDependencies,
  options: RunOptions,
  state: StateTable | undefined,
): Promise<FastPath> {
  let lookup: FastPath['lookup'];
  try {
    lookup = await lookUpCandidates(store, changes, config.regions);
  } catch (error) {
    lookup = { candidates: [], covered: [], uncovered: [...config.regions], reads: 0 };
    const warning = `service index: could not be read, the scan alone decides: ${String(error)}`;
    return { lookup, handled: new Set(), plan: { changes: [], targets: [], warnings: [] }, execution: { results: [], warnings: [warning] } };
  }
  if (lookup.candidates.length === 0) return { lookup, handled: new Set() };
  const inventory = await collectKnownServices(inventoryOptions(config, dependencies), lookup.candidates);
  const planned = planRefresh(changes, inventory, planSettings(config, run));
  // Redeploys that make a rollout (waves, a steady wait, a window, an approval) are left to the scan: a rollout is
  // named after the batch's changes, so one started here would make the backstop's own rollout "exist already" and
  // leave the services the index missed undeployed. One rollout for all, after the scan, loses nothing; a rollout
  // waits between waves anyway, so the fast path would gain little.
  const rollout = executeOptions(config, dependencies, run, options).rollout;
  const redeploys = planned.targets.flatMap((target) => (target.type === 'ecs-service' && target.decision === 'redeploy' ? [target] : []));
  const reasons = rollout ? rolloutReasons(redeploys, rollout.settings, rollout.now) : [];
  if (reasons.length > 0) return { lookup, handled: new Set(), leftToScan: reasons };
  const plan = state ? await limitAndReserve(planned, state, config, run, changes) : planned;
  const execution = await executePlan(plan, executeOptions(config, dependencies, run, options));
  return { lookup, plan, execution, handled: decidedServices(plan) };
}

/** Changes the plan would leave out anyway (`none`, tagged ignore) become `nothing-to-do` entries. */
function withoutNothingToPlan(changes: readonly IdentifiedChange[], entries: BatchEntry[]): IdentifiedChange[] {
  return changes.filter((change) => {
    const reason = nothingToPlan(change);
    if (!reason) return true;
    const index = entries.findIndex((entry) => entry.id === change.id);
    if (index >= 0) entries[index] = { ...(entries[index] as BatchEntry), decision: 'nothing-to-do', reason };
    return false;
  });
}

/** Changes the records say were handled become `already-handled` entries; partly handled ones keep the new labels only. */
function unhandled(changes: readonly IdentifiedChange[], records: ReadonlyMap<string, ChangeRecord>, entries: BatchEntry[]) {
  const left: IdentifiedChange[] = [];
  for (const change of changes) {
    const key = recordKey(change);
    const verdict = judgeChange(change, key ? records.get(key) : undefined);
    if (verdict.status === 'new') left.push(change);
    else if (verdict.status === 'more-labels') {
      const current = verdict.labels.includes('AWSCURRENT');
      left.push({ ...change, labels: verdict.labels, effect: current ? 'new-current-value' : 'label-moved' });
    } else {
      const index = entries.findIndex((entry) => entry.id === change.id);
      if (index >= 0) entries[index] = { ...(entries[index] as BatchEntry), decision: 'already-handled', reason: verdict.reason };
    }
  }
  return left;
}

/** The batch's `skipped`: why the first input that could be read leads to nothing. */
function firstReason(entries: readonly BatchEntry[]): Pick<ReportParts, 'skipped'> {
  const entry = entries.find((candidate) => candidate.decision === 'already-handled' || candidate.decision === 'nothing-to-do') ?? entries[0];
  return entry ? { skipped: entry.reason } : { skipped: 'nothing to do: the batch is empty' };
}

/** What the limits need from the state table: when the candidates were last deployed, and the hour's budget left. */
async function limitsFor(plan: Plan, state: StateTable, config: Config, run: Run, changes: readonly IdentifiedChange[]): Promise<DeploymentLimits> {
  const now = run.now();
  const candidates = plan.targets.filter((target) => target.type === 'ecs-service' && target.decision === 'redeploy').map((target) => target.arn);
  const interval = run.mode === 'event' ? config.minRedeployIntervalSeconds : 0;
  const lastDeployed = interval > 0 && candidates.length > 0 ? await state.lastDeployed(candidates) : new Map<string, string>();
  const used = run.mode === 'event' ? await state.budgetUsed(budgetKey(accountOf(config, changes), now)) : 0;
  return {
    mode: run.mode,
    now,
    minRedeployIntervalSeconds: interval,
    lastDeployed,
    maxDeploymentsPerHour: config.maxDeploymentsPerHour,
    budgetLeft: config.maxDeploymentsPerHour - used,
  };
}

/**
 * The plan within the loop and burst limits, its actions counted in this hour's budget before acting (a run killed
 * mid-way has counted them: the budget errs on the safe side). Automatic runs add under the limit, manual runs
 * always add. Should the budget have moved since it was read, it is read again once, and then the run is refused
 * rather than exceed it.
 */
async function limitAndReserve(planned: Plan, state: StateTable, config: Config, run: Run, changes: readonly IdentifiedChange[]): Promise<Plan> {
  const limits = await limitsFor(planned, state, config, run, changes);
  for (const budgetLeft of [limits.budgetLeft, undefined, 0]) {
    const fresh = budgetLeft === undefined ? await limitsFor(planned, state, config, run, changes) : { ...limits, budgetLeft };
    const plan = limitPlan(planned, fresh);
    const actions = countActions(plan);
    if (actions === 0 || plan.refused) return plan;
    const now = run.now();
    const limit = run.mode === 'event' ? config.maxDeploymentsPerHour : undefined;
    if (await state.addToBudget(budgetKey(accountOf(config, changes), now), actions, limit, 2 * 3600, now)) return plan;
  }
  return limitPlan(planned, { ...limits, budgetLeft: 0 });
}

/** What is written after the actions: when services were deployed, the change records, the redeliveries. */
async function afterActions(context: {
  run: Run;
  changes: readonly IdentifiedChange[];
  plan: Plan;
  execution: Execution;
  inventory: Inventory;
  records: ReadonlyMap<string, ChangeRecord>;
  handledAt: Date;
  state: StateTable | undefined;
  config: Config;
  dependencies: PipelineDependencies;
}): Promise<Pick<ReportParts, 'warnings' | 'unfinished' | 'redelivery'>> {
  const { run, changes, execution, state, config, dependencies } = context;
  const warnings: string[] = [];
  const unfinished = new Set<string>();
  const reports = execution.results.map((result) => result.report);
  if (state && !run.dryRun) {
    const deployed = reports.filter((target) => target.type === 'ecs-service' && target.status === 'done').map((target) => target.arn);
    try {
      if (deployed.length > 0) await state.putDeployed(deployed, run.now(), config.minRedeployIntervalSeconds + 3600);
    } catch (error) {
      warnings.push(`could not record when the services were deployed (the minimum redeploy interval will not see them): ${String(error)}`);
    }
    const incomplete = context.inventory.ecs.problems.length + context.inventory.batch.problems.length > 0;
    for (const change of changes) {
      const key = recordKey(change);
      const previous = key ? context.records.get(key) : undefined;
      const record = recordFor({
        change,
        ...(previous ? { previous } : {}),
        targets: reports.filter((target) => target.changes.includes(change.id)),
        incomplete,
        refused: context.plan.refused !== undefined,
        handledAt: context.handledAt,
      });
      if (!record) continue;
      try {
        await state.putChangeRecord(record, CHANGE_RECORD_TTL_SECONDS);
      } catch (error) {
        unfinished.add(change.id);
        warnings.push(`could not write the change record of ${change.id} (${change.name}): ${String(error)}; the change is delivered again`);
      }
    }
  }
  const redelivery = new Map<string, string>();
  const due = redeliveries(changes, reports);
  if (due.size > 0 && !run.dryRun) {
    const messages = [...due].map(([id, at]) => {
      const change = changes.find((candidate) => candidate.id === id) as IdentifiedChange;
      const request = run.requests[Number(id.slice(1)) - 1];
      // A change of a continued scan has no event here: it comes again as a message that starts a new scan of it.
      const body =
        request?.type === 'event' ? JSON.stringify(request.event) : run.continued ? continuationBody(`scan#${randomUUID()}`, 1, [change]) : undefined;
      return { id, at, change, body };
    });
    for (const message of messages) {
      if (!dependencies.intake || message.body === undefined) {
        unfinished.add(message.id);
        warnings.push(
          `${message.id} (${message.change.name}) has deferred targets but no intake queue to deliver it again (SECRET_REFRESH_INTAKE_QUEUE_URL): run it again after ${message.at}`,
        );
      }
    }
    const sendable = messages.filter((message) => dependencies.intake && message.body !== undefined);
    try {
      if (sendable.length > 0) {
        const now = run.now().getTime();
        await dependencies.intake?.deliver(sendable.map((message) => ({ body: message.body as string, delaySeconds: (Date.parse(message.at) - now) / 1000 })));
      }
      for (const message of sendable) redelivery.set(message.id, message.at);
    } catch (error) {
      for (const message of sendable) unfinished.add(message.id);
      warnings.push(`could not deliver the deferred changes again through the intake queue: ${String(error)}; they are retried instead`);
    }
  }
  return { warnings, unfinished, redelivery };
}

/**
 * A run under the lease acts only while it holds it: without a Lambda deadline (the CLI) the lease lasts
 * {@link CLI_LEASE_MS} and no action starts in its last minute.
 */
function leaseTiming(options: RunOptions, now: Date): RunOptions {
  if (options.deadline) return { ...options, leaseUntil: options.leaseUntil ?? options.deadline };
  const leaseUntil = options.leaseUntil ?? new Date(now.getTime() + CLI_LEASE_MS);
  return { ...options, leaseUntil, deadline: new Date(leaseUntil.getTime() - 60_000) };
}

function leaseOptions(state: StateTable, config: Config, dependencies: PipelineDependencies, options: RunOptions, changes: readonly IdentifiedChange[]) {
  const expiresAt = options.leaseUntil ?? options.deadline ?? new Date(Date.now() + CLI_LEASE_MS);
  return {
    state,
    account: accountOf(config, changes, dependencies),
    expiresAt,
    waitMs: options.leaseWaitMs ?? 60_000,
    ...(dependencies.sleep ? { sleep: dependencies.sleep } : {}),
  };
}

/** The account a run acts on: the deployment's own, else the configured one, else the changes'. */
function accountOf(config: Config, changes: readonly IdentifiedChange[], dependencies?: PipelineDependencies): string {
  return dependencies?.expectedAccount ?? config.accountId ?? changes.find((change) => change.account)?.account ?? 'unknown';
}

function changeContext(config: Config, dependencies: PipelineDependencies): ChangeContext {
  const expectedAccount = dependencies.expectedAccount ?? config.accountId;
  return {
    directory: dependencies.directory,
    homeRegion: config.homeRegion,
    ...(expectedAccount ? { expectedAccount } : {}),
    now: dependencies.now ?? (() => new Date()),
    callerAccount: () => callerAccount(dependencies.clients.sts(config.homeRegion)),
  };
}

function inventoryOptions(config: Config, dependencies: PipelineDependencies): InventoryOptions {
  return { clients: dependencies.clients, regions: config.regions, concurrency: config.concurrency, taskDefinitions: dependencies.taskDefinitions };
}

function planSettings(config: Config, run: Run): PlanSettings {
  return {
    mode: run.mode,
    redeployOnPreviousChange: config.redeployOnPreviousChange,
    batchPolicy: config.batchPolicy,
    scope: { include: config.clustersInclude, exclude: config.clustersExclude, optIn: config.mode === 'opt-in' },
    maxTargets: config.maxTargets,
    confirmLarge: run.mode === 'manual' && run.requests.some((request) => request.type === 'manual' && request.confirmLarge === true),
  };
}

function executeOptions(config: Config, dependencies: PipelineDependencies, run: Run, options: RunOptions): ExecuteOptions {
  const deadline = options.deadline;
  return {
    clients: dependencies.clients,
    dryRun: run.dryRun,
    concurrency: config.concurrency,
    imageDrift: config.imageDrift,
    ...(deadline ? { deadline } : {}),
    rollout: {
      settings: {
        waitForSteady: config.waitForSteady,
        approval: config.approval,
        ...(config.windows ? { windows: config.windows } : {}),
        ...(config.freeze ? { freeze: config.freeze } : {}),
        ...(options.ignoreWindows ? { ignoreWindows: true } : {}),
        waveTimeoutMinutes: config.waveTimeoutMinutes,
        approvalTimeoutMinutes: config.approvalTimeoutMinutes,
      },
      ...(dependencies.rollouts ? { engine: dependencies.rollouts } : {}),
      ...(dependencies.rolloutRecords ? { records: dependencies.rolloutRecords } : {}),
      mode: run.mode,
      now: run.now(),
    },
  };
}
