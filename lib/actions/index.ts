/**
 * The Actions step's face: carry a {@link Plan} out. ECS redeploys go wave by wave (the deploy step of one wave
 * is {@link deployWave}), Batch resubmits by policy, both honouring dry run, concurrency and the deadline; the
 * deployments started are recorded for outcome tracking. One failure never stops the others.
 */
import type { Plan, PlanTarget } from '../plan/index.js';
import type { BatchJobDefinitionTargetReport, TargetReport } from '../report/types.js';
import type { DeploymentTracker } from '../tracking/deployment-tracker.js';
import { recordRollout } from '../tracking/record-rollout.js';
import { type ExecuteOptions as ActionOptions, executeEcsPlan } from './force-new-deployments.js';
import { executeBatchPlan } from './resubmit-batch-jobs.js';

export { deployWave, NOT_STARTED } from './force-new-deployments.js';

/** What {@link executePlan} needs: the action options, and where started deployments are recorded. */
export interface ExecuteOptions extends ActionOptions {
  /** Records the deployments started (`SECRET_REFRESH_DEPLOYMENTS_TABLE`); absent: not tracked. */
  readonly tracker?: DeploymentTracker;
}

/** One plan target and what became of it: the report entry. */
export interface TargetResult {
  readonly target: PlanTarget;
  readonly report: TargetReport;
}

/** The outcome of {@link executePlan}: a result for every plan target, in plan order, and warnings. */
export interface Execution {
  readonly results: readonly TargetResult[];
  /** Things that went wrong beside the targets (e.g. the deployments could not be recorded for tracking). */
  readonly warnings: readonly string[];
}

/**
 * Carries out `plan`: every `redeploy` and `resubmit` decision is acted on (or, in a dry run, reported as
 * `planned`), every skip is reported `skipped` with its reason and code. Safe to replay: a retry finds the
 * services already fresh and the Batch clones already submitted.
 *
 * @example
 * const { results, warnings } = await executePlan(plan, { clients, dryRun: false, concurrency: 5 });
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<Execution> {
  const services = plan.targets.filter((target) => target.type === 'ecs-service');
  const jobs = plan.targets.filter((target) => target.type === 'batch-job');
  const [serviceReports, jobReports] = await Promise.all([executeEcsPlan(services, options), executeBatchPlan(jobs, options)]);
  const reports = new Map<PlanTarget, TargetReport>([
    ...services.map((target, index) => [target, serviceReports[index]] as [PlanTarget, TargetReport]),
    ...jobs.map((target, index) => [target, jobReports[index]] as [PlanTarget, TargetReport]),
  ]);
  const change = plan.changes[0];
  const warnings =
    options.tracker && !options.dryRun && change ? await recordRollout(options.tracker, change, services, serviceReports, options.waitForSteady === true) : [];
  return { results: plan.targets.map((target) => ({ target, report: reports.get(target) ?? definitionReport(target) })), warnings };
}

/** A Batch job definition revision: always reported as skipped (its future jobs read the new value). */
function definitionReport(target: PlanTarget): TargetReport {
  const { decision: _decision, changes, ...rest } = target as Extract<PlanTarget, { type: 'batch-job-definition' }>;
  return { ...rest, changes: changes.map((change) => change.id), status: 'skipped' } satisfies BatchJobDefinitionTargetReport;
}
