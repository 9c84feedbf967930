import { executeEcsPlan } from '../actions/force-new-deployments.js';
import { executeBatchPlan } from '../actions/resubmit-batch-jobs.js';
import type { AwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import { eventBusRegion } from '../aws/events.js';
import { callerAccount } from '../aws/sts.js';
import { detectChange } from '../changes/detect-change.js';
import { type ManualRefreshInput, resolveManualChange } from '../changes/manual-refresh-change.js';
import type { Change, MetadataDirectory } from '../changes/types.js';
import type { Config } from '../config/config.js';
import { ForeignAccountError, TargetsFailedError } from '../errors.js';
import { collectBatchInventory } from '../inventory/batch-inventory.js';
import { collectEcsInventory } from '../inventory/ecs-inventory.js';
import { applyBlastRadiusCap } from '../plan/blast-radius.js';
import { planBatchRefresh } from '../plan/plan-batch.js';
import { type ActionableChange, planRefresh } from '../plan/plan-refresh.js';
import { IGNORE_TAG, type RunMode } from '../plan/types.js';
import { buildReport, reportFailed } from '../report/build-report.js';
import { publishResultEvents } from '../report/result-events.js';
import type { RefreshReport } from '../report/types.js';
import type { DeploymentTracker } from '../tracking/deployment-tracker.js';
import { recordRollout } from '../tracking/record-rollout.js';
import type { ChangeGuard } from './change-guard.js';

/** What started the run: an EventBridge event, or a manual refresh request. */
export type RefreshRequest =
  | { readonly type: 'event'; readonly event: unknown }
  | ({ readonly type: 'manual'; readonly confirmLarge?: boolean } & ManualRefreshInput);

/** The AWS-facing parts of the pipeline, injected so tests and the CLI can choose them. */
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
 * bad ref, foreign account — before any AWS write) and unexpected errors.
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
  const dryRun = config.dryRun || options.dryRun === true;
  const mode: RunMode = request.type === 'event' ? 'event' : 'manual';
  const expectedAccount = dependencies.expectedAccount ?? config.accountId;
  if (request.type === 'event') refuseForeignEnvelope(request.event, expectedAccount);

  const change =
    request.type === 'event'
      ? await detectChange(request.event, dependencies.directory)
      : await resolveManualChange(
          request,
          config.homeRegion,
          (dependencies.now ?? (() => new Date()))(),
          dependencies.directory,
          async () => expectedAccount ?? callerAccount(dependencies.clients.sts(config.homeRegion)),
        );
  if (expectedAccount && change.account && change.account !== expectedAccount) {
    throw new ForeignAccountError(
      `the change is in account ${change.account}, but this deployment handles account ${expectedAccount}: deploy secret-refresh in that account instead of forwarding its events`,
    );
  }
  const report = await act(change, request, config, dependencies, { dryRun, mode, ...(options.deadline ? { deadline: options.deadline } : {}) });
  if (!config.eventBus) return report;
  const warnings = await publishResultEvents(report, config.eventBus, dependencies.clients.events(eventBusRegion(config.eventBus, config.homeRegion)));
  return warnings.length ? { ...report, warnings: [...report.warnings, ...warnings] } : report;
}

/** Inventory → Plan → Actions → Report for a detected change, under the change guard. */
async function act(change: Change, request: RefreshRequest, config: Config, dependencies: PipelineDependencies, run: RunContext): Promise<RefreshReport> {
  const { dryRun, mode } = run;
  if (!isActionable(change)) {
    return buildReport({ dryRun, mode, change, skipped: change.reason });
  }
  // Secret tags usually came with the DescribeSecret of the Change step; otherwise read them now.
  const tags =
    change.tags ?? (await dependencies.directory.resourceTags?.(change.kind, change.kind === 'secret' ? change.arn : change.name, change.region)) ?? {};
  if ((tags[IGNORE_TAG] ?? '').toLowerCase() === 'true') {
    return buildReport({ dryRun, mode, change, skipped: `the ${change.kind} is tagged ${IGNORE_TAG}=true: it triggers nothing` });
  }

  const work = () => inventoryPlanAct(change, request, config, dependencies, run);

  // Deletions never deploy, dry runs never act and manual refreshes are deliberate: only automatic
  // actions need the one-deployment-per-change record.
  const guard = mode === 'event' && !dryRun && change.effect !== 'deleted' ? dependencies.guard : undefined;
  try {
    if (!guard || !change.versionId) return await work();
    const result = await guard.run({ arn: change.arn, versionId: change.versionId, effect: change.effect }, work);
    if (result.outcome === 'ran') return result.report;
    const skipped =
      result.outcome === 'replayed'
        ? 'duplicate: this change was already handled by an earlier run (same secret/parameter and version); nothing was done'
        : 'duplicate: another invocation is handling this change right now; nothing was done';
    return { ...buildReport({ dryRun, mode, change, skipped }), idempotency: result.outcome };
  } catch (error) {
    if (error instanceof TargetsFailedError) return error.report as RefreshReport;
    throw error;
  }
}

/** Inventory (ECS and Batch, all Regions) → Plan (with the blast-radius cap) → Actions → Report. */
async function inventoryPlanAct(
  change: ActionableChange,
  request: RefreshRequest,
  config: Config,
  dependencies: PipelineDependencies,
  run: RunContext,
): Promise<RefreshReport> {
  const { dryRun, mode } = run;
  const inventoryOptions = { clients: dependencies.clients, regions: config.regions, concurrency: config.concurrency };
  const [inventory, batchInventory] = await Promise.all([
    collectEcsInventory({ ...inventoryOptions, taskDefinitions: dependencies.taskDefinitions }),
    collectBatchInventory(inventoryOptions),
  ]);
  const planOptions = {
    mode,
    redeployOnPreviousChange: config.redeployOnPreviousChange,
    batchPolicy: config.batchPolicy,
    scope: { include: config.clustersInclude, exclude: config.clustersExclude, optIn: config.mode === 'opt-in' },
  };
  const plan = applyBlastRadiusCap(
    { ecs: planRefresh(change, inventory.services, planOptions), batch: planBatchRefresh(change, batchInventory, planOptions) },
    config.maxTargets,
    request.type === 'manual' && request.confirmLarge === true,
    change.name,
  );
  const executeOptions = {
    clients: dependencies.clients,
    dryRun,
    concurrency: config.concurrency,
    waitForSteady: config.waitForSteady,
    ...(run.deadline ? { deadline: run.deadline } : {}),
  };
  const [services, jobs] = await Promise.all([executeEcsPlan(plan.ecs.targets, executeOptions), executeBatchPlan(plan.batch.jobs, executeOptions)]);
  const trackingWarnings =
    dependencies.tracker && !dryRun ? await recordRollout(dependencies.tracker, change, plan.ecs.targets, services, config.waitForSteady) : [];
  const jobDefinitions = plan.batch.jobDefinitions.map(({ decision: _decision, ...rest }) => ({ ...rest, status: 'skipped' as const }));
  const report = buildReport({
    dryRun,
    mode,
    change,
    targets: [...services, ...jobDefinitions, ...jobs],
    warnings: [...plan.ecs.warnings, ...plan.batch.warnings, ...trackingWarnings],
    inventory,
    batchInventory,
    ...(plan.refused ? { refused: plan.refused } : {}),
  });
  // Throwing inside the guard deletes the idempotency record, so a retry can finish the job.
  if (reportFailed(report)) throw new TargetsFailedError(`${report.summary.failed} target(s) failed`, report);
  return report;
}

/** Per-run settings passed down the pipeline. */
interface RunContext {
  readonly dryRun: boolean;
  readonly mode: RunMode;
  readonly deadline?: Date;
}

function isActionable(change: Change): change is ActionableChange {
  return change.effect !== 'none' && typeof change.arn === 'string' && change.arn.length > 0;
}

/** Refuses an event whose envelope names another account, before any AWS call is made for it. */
function refuseForeignEnvelope(event: unknown, expectedAccount: string | undefined): void {
  if (!expectedAccount || typeof event !== 'object' || event === null) return;
  const account = (event as { account?: unknown }).account;
  if (typeof account === 'string' && account !== expectedAccount) {
    throw new ForeignAccountError(
      `the event is from account ${account}, but this deployment handles account ${expectedAccount}: deploy secret-refresh in that account instead of forwarding its events`,
    );
  }
}
