import { type ExecuteOptions, executePlan } from '../actions/index.js';
import type { AwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import { callerAccount } from '../aws/sts.js';
import { type Change, type ChangeContext, type ChangeRequest, detectChange, type MetadataDirectory } from '../changes/index.js';
import type { Config } from '../config/config.js';
import { collectInventory, type InventoryOptions } from '../inventory/index.js';
import { nothingToPlan, type PlanSettings, planRefresh, type RunMode } from '../plan/index.js';
import { buildReport, publishReport, type RefreshReport } from '../report/index.js';
import type { DeploymentTracker } from '../tracking/deployment-tracker.js';
import { type ChangeGuard, runOnce } from './change-guard.js';

/** What started the run: an EventBridge event, or a manual refresh request (`confirmLarge`: past the cap). */
export type RefreshRequest = ChangeRequest & { readonly confirmLarge?: boolean };

/** The AWS-facing parts of the pipeline, injected so tests and the CLI can choose them (see `createPipelineDependencies`). */
export interface PipelineDependencies {
  readonly clients: AwsClients;
  readonly directory: MetadataDirectory;
  readonly taskDefinitions: TaskDefinitionCache;
  /** One-deployment-per-change record; absent when `SECRET_REFRESH_IDEMPOTENCY_TABLE` is unset. */
  readonly guard?: ChangeGuard;
  /** Records started deployments for outcome tracking and wave rollouts (`SECRET_REFRESH_DEPLOYMENTS_TABLE`). */
  readonly tracker?: DeploymentTracker;
  /** The account whose events this deployment handles (the Lambda's own); events of others are refused. */
  readonly expectedAccount?: string;
  readonly now?: () => Date;
}

/** Per-run options on top of the configuration. */
export interface RunOptions {
  /** Dry run for this run (the configuration's `dryRun` forces it on for every run). */
  readonly dryRun?: boolean;
  /** No action starts after this moment (Lambda: remaining time minus a margin). */
  readonly deadline?: Date;
}

/**
 * The whole pipeline, the same for every entry point (Lambda handlers, CLI, demo):
 * Change → Inventory → Plan → Actions → Report.
 *
 * Returns the report in every case where the input was valid, including failed targets (the caller turns
 * `summary.failed > 0` into exit 1 or a Lambda error). Throws only {@link InvalidInputError}s (bad event,
 * bad ref, foreign account — before any AWS write) and unexpected errors (a change guard that cannot be read).
 *
 * @example
 * const report = await runRefresh({ type: 'event', event }, config, dependencies);
 */
export async function runRefresh(
  request: RefreshRequest,
  config: Config,
  dependencies: PipelineDependencies,
  options: RunOptions = {},
): Promise<RefreshReport> {
  const run = { dryRun: config.dryRun || options.dryRun === true, mode: (request.type === 'event' ? 'event' : 'manual') as RunMode };
  const change = await detectChange(request, changeContext(config, dependencies));
  const skipped = nothingToPlan(change);
  const report = skipped
    ? buildReport({ ...run, change, skipped })
    : await runOnce(guardFor(change, run, dependencies), change, run, async () => {
        const inventory = await collectInventory(inventoryOptions(config, dependencies));
        const plan = planRefresh(change, inventory, planSettings(config, request, run.mode));
        const execution = await executePlan(plan, executeOptions(config, dependencies, run.dryRun, options));
        return buildReport({ ...run, change, inventory, plan, execution });
      });
  return publishReport(report, {
    ...(config.eventBus ? { eventBus: config.eventBus } : {}),
    homeRegion: config.homeRegion,
    events: (region) => dependencies.clients.events(region),
  });
}

/**
 * The one-deployment-per-change record applies to automatic, real runs of a change with a version: deletions
 * never deploy, dry runs never act and manual refreshes are deliberate.
 */
function guardFor(change: Change, run: { dryRun: boolean; mode: RunMode }, dependencies: PipelineDependencies): ChangeGuard | undefined {
  return run.mode === 'event' && !run.dryRun && change.effect !== 'deleted' && change.versionId ? dependencies.guard : undefined;
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

function planSettings(config: Config, request: RefreshRequest, mode: RunMode): PlanSettings {
  return {
    mode,
    redeployOnPreviousChange: config.redeployOnPreviousChange,
    batchPolicy: config.batchPolicy,
    scope: { include: config.clustersInclude, exclude: config.clustersExclude, optIn: config.mode === 'opt-in' },
    maxTargets: config.maxTargets,
    confirmLarge: request.type === 'manual' && request.confirmLarge === true,
  };
}

function executeOptions(config: Config, dependencies: PipelineDependencies, dryRun: boolean, options: RunOptions): ExecuteOptions {
  return {
    clients: dependencies.clients,
    dryRun,
    concurrency: config.concurrency,
    waitForSteady: config.waitForSteady,
    imageDrift: config.imageDrift,
    ...(options.deadline ? { deadline: options.deadline } : {}),
    ...(dependencies.tracker ? { tracker: dependencies.tracker } : {}),
  };
}
