import { type ExecuteOptions, type Execution, executePlan } from '../actions/index.js';
import type { AwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import type { IntakeMessage } from '../aws/sqs.js';
import type { ChangeRecord, StateTable } from '../aws/state-table.js';
import { callerAccount } from '../aws/sts.js';
import { type BatchEntry, type ChangeContext, type ChangeRequest, detectChanges, type IdentifiedChange, type MetadataDirectory } from '../changes/index.js';
import type { Config } from '../config/config.js';
import { collectInventory, type Inventory, type InventoryOptions } from '../inventory/index.js';
import { type DeploymentLimits, limitPlan, nothingToPlan, type Plan, type PlanSettings, planRefresh, type RunMode } from '../plan/index.js';
import { buildReport, publishReport, type RefreshReport, type ReportParts } from '../report/index.js';
import type { DeploymentTracker } from '../tracking/deployment-tracker.js';
import { CHANGE_RECORD_TTL_SECONDS, judgeChange, readRecords, recordFor, recordKey } from './change-records.js';
import { budgetKey, continueLater, countActions, redeliveries } from './deferral.js';
import { withAccountLease } from './lease.js';

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
  /** Records started deployments for outcome tracking and wave rollouts (`SECRET_REFRESH_DEPLOYMENTS_TABLE`). */
  readonly tracker?: DeploymentTracker;
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
  const run: Run = {
    dryRun: config.dryRun || options.dryRun === true,
    mode: requests.length > 0 && requests.every((request) => request.type === 'manual') ? 'manual' : 'event',
    single,
    requests,
    now: dependencies.now ?? (() => new Date()),
  };
  const batch = await detectChanges(requests, changeContext(config, dependencies), config.concurrency);
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
  const inventory = await collectInventory(inventoryOptions(config, dependencies));
  const planned = planRefresh(changes, inventory, planSettings(config, run));
  const plan = state ? await limitAndReserve(planned, state, config, run, changes) : planned;
  const handledAt = run.now();
  const executed = await executePlan(plan, executeOptions(config, dependencies, run.dryRun, options));
  const execution = dependencies.intake && run.mode === 'event' ? continueLater(executed, run.now()) : executed;
  const after = await afterActions({ run, changes, plan, execution, inventory, records, handledAt, state, config, dependencies });
  return buildReport({ ...run, entries, inventory, plan, execution, ...after });
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
      return { id, at, change, body: request?.type === 'event' ? JSON.stringify(request.event) : undefined };
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

function executeOptions(config: Config, dependencies: PipelineDependencies, dryRun: boolean, options: RunOptions): ExecuteOptions {
  const deadline = options.deadline;
  return {
    clients: dependencies.clients,
    dryRun,
    concurrency: config.concurrency,
    waitForSteady: config.waitForSteady,
    imageDrift: config.imageDrift,
    ...(deadline ? { deadline } : {}),
    ...(dependencies.tracker ? { tracker: dependencies.tracker } : {}),
  };
}
