/**
 * The Actions step's face: carry a {@link Plan} out. ECS redeploys that are one immediate wave are deployed here
 * (the deploy step of one wave is {@link deployWave}); a plan that needs more (several waves, a steady-state wait, a
 * closed maintenance window, an approval) becomes one rollout, an execution of the rollout state machine whose
 * Tasks call the same deploy step (lib/rollout). Batch resubmits go by policy. Dry run, concurrency and the deadline
 * are honoured; one failure never stops the others.
 */
import { errorText } from '../errors.js';
import type { Plan, PlannedEcsService, PlanTarget } from '../plan/index.js';
import type { BatchJobDefinitionTargetReport, EcsServiceTargetReport, RolloutReport, TargetReport } from '../report/types.js';
import { buildRolloutPlan, type RolloutSettings, rolloutName, rolloutReasons } from '../rollout/plan-rollout.js';
import type { RolloutRecords } from '../rollout/rollout-records.js';
import type { RolloutEngine } from '../rollout/start-rollout.js';
import type { RolloutPlan } from '../rollout/types.js';
import { type ExecuteOptions as ActionOptions, executeEcsPlan, reportBase } from './force-new-deployments.js';
import { executeBatchPlan } from './resubmit-batch-jobs.js';

export { deployWave, NOT_STARTED } from './force-new-deployments.js';

/** How a plan's redeploys become a rollout: the settings, and where rollouts start and are recorded. */
export interface RolloutOptions {
  readonly settings: RolloutSettings;
  /** Starts executions (`SECRET_REFRESH_STATE_MACHINE_ARN`); absent: see {@link executePlan}. */
  readonly engine?: RolloutEngine;
  /** The state table's rollout items: the newest rollout of each secret and parameter (what supersedes older ones). */
  readonly records?: RolloutRecords;
  readonly mode: 'event' | 'manual';
  readonly now: Date;
}

/** What {@link executePlan} needs: the action options, and how rollouts start. */
export interface ExecuteOptions extends ActionOptions {
  /** Absent: every wave is deployed at once, one after another (tests of the deploy step, tools without an engine). */
  readonly rollout?: RolloutOptions;
}

/** One plan target and what became of it: the report entry. */
export interface TargetResult {
  readonly target: PlanTarget;
  readonly report: TargetReport;
}

/** The outcome of {@link executePlan}: a result for every plan target, in plan order, and warnings. */
export interface Execution {
  readonly results: readonly TargetResult[];
  /** Things that went wrong beside the targets (e.g. the newest-rollout record could not be written). */
  readonly warnings: readonly string[];
  /** The rollout the redeploys became, when they became one. */
  readonly rollout?: RolloutReport;
}

/**
 * Carries out `plan`: every `redeploy` and `resubmit` decision is acted on (or, in a dry run, reported as
 * `planned`), every skip is reported `skipped` with its reason and code. Redeploys that need a rollout
 * (`rolloutReasons`) are handed to the rollout engine as one execution named after the batch's changes and reported
 * `waiting` (with the rollout's name, wave and why); one immediate wave is deployed here. Without an engine, waves
 * are deployed one after another at once, and a plan that must wait for a window or an approval is not deployed
 * (`failed`, so the change is retried where an engine is configured). Safe to replay: a retry finds the services
 * already fresh, the rollout already started and the Batch clones already submitted.
 *
 * @example
 * const { results, warnings } = await executePlan(plan, { clients, dryRun: false, concurrency: 5 });
 */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<Execution> {
  const services = plan.targets.filter((target) => target.type === 'ecs-service');
  const jobs = plan.targets.filter((target) => target.type === 'batch-job');
  const redeploys = services.filter((target) => target.decision === 'redeploy');
  // Stryker disable next-line ArrayDeclaration: without rollout options the reasons are never read (every use is behind options.rollout)
  const reasons = options.rollout ? rolloutReasons(redeploys, options.rollout.settings, options.rollout.now) : [];
  const warnings: string[] = [];
  let rollout: RolloutReport | undefined;
  let serviceReports: EcsServiceTargetReport[];
  const jobReports = executeBatchPlan(jobs, options);
  if (options.rollout && reasons.length > 0) {
    const outcome = await executeRollout(plan, services, reasons, options, options.rollout);
    serviceReports = outcome.reports;
    rollout = outcome.rollout;
    warnings.push(...outcome.warnings);
  } else {
    const records = options.dryRun || redeploys.length === 0 ? undefined : options.rollout?.records;
    const name = options.rollout
      ? rolloutName(plan.changes, options.rollout.mode === 'manual' ? options.rollout.now : undefined)
      : // Stryker disable next-line StringLiteral: without rollout options there are no records, so the name is never read
        '';
    const running = records ? await rolloutOfTheseChanges(records, plan, name) : false;
    if (running) {
      // A rollout of exactly these changes was started (a replay or retry of its batch): it deploys them, not this run.
      const reason = `rollout ${name} of these changes exists already (this batch was replayed or retried): it deploys them`;
      const others = await executeEcsPlan(
        services.filter((target) => target.decision !== 'redeploy'),
        options,
      );
      let other = 0;
      rollout = { name, status: 'exists', waves: 1, services: redeploys.length, approval: false, reasons: [reason] };
      serviceReports = services.map((target) =>
        target.decision === 'redeploy'
          ? { ...reportBase(target), status: 'waiting', reason: `${reason}: ${target.reason}` }
          : (others[other++] as EcsServiceTargetReport),
      );
    } else {
      if (records && options.rollout) warnings.push(...(await claimNewest(records, plan, `direct-${name}`, options.rollout.now)));
      serviceReports = await executeEcsPlan(services, options);
    }
  }
  const jobResults = await jobReports;
  const reports = new Map<PlanTarget, TargetReport>([
    ...services.map((target, index) => [target, serviceReports[index]] as [PlanTarget, TargetReport]),
    ...jobs.map((target, index) => [target, jobResults[index]] as [PlanTarget, TargetReport]),
  ]);
  return {
    results: plan.targets.map((target) => ({ target, report: reports.get(target) ?? definitionReport(target) })),
    warnings,
    ...(rollout ? { rollout } : {}),
  };
}

/** The rollout path: a dry run says what the rollout would be; otherwise the execution starts (or is found started). */
async function executeRollout(
  plan: Plan,
  services: readonly PlannedEcsService[],
  reasons: readonly string[],
  options: ExecuteOptions,
  rolloutOptions: RolloutOptions,
): Promise<{ reports: EcsServiceTargetReport[]; rollout: RolloutReport; warnings: string[] }> {
  const redeploys = services.filter((target) => target.decision === 'redeploy');
  const { plan: rollout, warnings } = buildRolloutPlan(plan.changes, redeploys, rolloutOptions.settings, rolloutOptions.mode, rolloutOptions.now);
  const why = reasons.join('; ');
  const waveOf = (target: PlannedEcsService) => rollout.waves.findIndex((wave) => wave.some((candidate) => candidate.arn === target.arn)) + 1;
  const where = (target: PlannedEcsService) => `rollout ${rollout.name}, wave ${waveOf(target)} of ${rollout.waves.length} (${why})`;
  const summary = (status: RolloutReport['status'], extra: Partial<RolloutReport> = {}): RolloutReport => ({
    name: rollout.name,
    status,
    waves: rollout.waves.length,
    services: redeploys.length,
    approval: rollout.approval,
    reasons: [...reasons],
    ...waitingUntil(reasons),
    ...extra,
  });
  if (options.dryRun) {
    const reports = await executeEcsPlan(services, options);
    return {
      reports: reports.map((report, index) => {
        const target = services[index] as PlannedEcsService;
        return report.status === 'planned' ? { ...report, reason: `dry run: would redeploy in ${where(target)}: ${target.reason}` } : report;
      }),
      rollout: summary('dry-run'),
      warnings,
    };
  }
  const others = await executeEcsPlan(
    services.filter((target) => target.decision !== 'redeploy'),
    options,
  );
  const merge = (redeployReport: (target: PlannedEcsService) => EcsServiceTargetReport): EcsServiceTargetReport[] => {
    let other = 0;
    return services.map((target) => (target.decision === 'redeploy' ? redeployReport(target) : (others[other++] as EcsServiceTargetReport)));
  };
  if (!rolloutOptions.engine) {
    const waitsForTime = reasons.some((reason) => /approval|window|freeze/.test(reason));
    if (!waitsForTime) {
      const reports = await executeEcsPlan(services, options);
      return {
        reports,
        rollout: summary('direct'),
        warnings: [
          ...warnings,
          `no rollout state machine (SECRET_REFRESH_STATE_MACHINE_ARN): the ${rollout.waves.length} wave(s) were deployed one after another without waiting for their deployments to complete`,
        ],
      };
    }
    const error = `not deployed: the plan needs a rollout (${why}) but SECRET_REFRESH_STATE_MACHINE_ARN is not set; run it where the rollout state machine is deployed`;
    return { reports: merge((target) => ({ ...reportBase(target), status: 'failed', error })), rollout: summary('not-started', { error }), warnings };
  }
  warnings.push(...(rolloutOptions.records ? await claimNewest(rolloutOptions.records, plan, rollout.name, rolloutOptions.now) : []));
  try {
    const started = await rolloutOptions.engine.start(rollout);
    const lead = started.existed ? `rollout ${rollout.name} exists already (this batch was replayed or retried): ` : '';
    return {
      reports: merge((target) => ({ ...reportBase(target), status: 'waiting', reason: `${lead}${where(target)}: ${target.reason}` })),
      rollout: summary(started.existed ? 'exists' : 'started', { executionArn: started.executionArn }),
      warnings,
    };
  } catch (error) {
    const message = `could not start the rollout ${rollout.name}: ${errorText(error)}`;
    return {
      reports: merge((target) => ({ ...reportBase(target), status: 'failed', error: message })),
      rollout: summary('not-started', { error: message }),
      warnings,
    };
  }
}

/** The window opening a rollout waits for, from its reasons (`… waits until <ISO-8601>`). */
function waitingUntil(reasons: readonly string[]): Pick<RolloutReport, 'waitingUntil'> {
  const until = reasons.map((reason) => /waits until (\S+)$/.exec(reason)?.[1]).find((value) => value !== undefined);
  return until ? { waitingUntil: until } : {};
}

/**
 * Records `name` as the newest rollout of each change of `plan`, so an older rollout of the same secret or parameter
 * stops before its next wave. A failure is a warning: the older rollout then deploys its later waves too, which
 * repeats deployments but loses nothing.
 */
async function claimNewest(records: RolloutRecords, plan: Plan, name: RolloutPlan['name'], now: Date): Promise<string[]> {
  try {
    for (const change of plan.changes) await records.claimNewest({ ...change, since: change.currentSince ?? change.time }, name, now);
    return [];
  } catch (error) {
    return [`could not record the newest rollout of the changes (older rollouts are not superseded): ${errorText(error)}`];
  }
}

/** Whether the newest rollout of every change of `plan` is the rollout `name` (of exactly these changes). A read error counts as no. */
async function rolloutOfTheseChanges(records: RolloutRecords, plan: Plan, name: string): Promise<boolean> {
  try {
    for (const change of plan.changes) {
      // Stryker disable next-line OptionalChaining,LogicalOperator: a TypeError on a missing record is caught below as the same "no"; newest() reads by ARN only (lib/rollout/rollout-records.ts), never `since`
      if ((await records.newest({ ...change, since: change.currentSince ?? change.time }))?.rollout !== name) return false;
    }
    return plan.changes.length > 0;
    // Stryker disable next-line BlockStatement: an empty catch returns undefined, read as the same "no" as false
  } catch {
    return false;
  }
}

/** A Batch job definition revision: always reported as skipped (its future jobs read the new value). */
function definitionReport(target: PlanTarget): TargetReport {
  const { decision: _decision, changes, ...rest } = target as Extract<PlanTarget, { type: 'batch-job-definition' }>;
  return { ...rest, changes: changes.map((change) => change.id), status: 'skipped' } satisfies BatchJobDefinitionTargetReport;
}
