/**
 * The Plan step's face: pure, synchronous functions from (changes, inventory, settings) to a {@link Plan}
 * ({@link planRefresh}), and from a plan and what is known of recent deployments to the plan that honours the
 * loop and burst limits ({@link limitPlan}). No AWS call, so every decision is testable in milliseconds and
 * explained in the report. The ECS and Batch planners, the blast-radius cap, scope, waves and freshness are
 * internal to this folder; the rules that do not depend on the change (the standing skips, the Batch policy, which
 * impact calls for action, the wave) are exported too, so the secrets map (lib/map) judges every service and job
 * with the Plan's own rules.
 */
import type { Change, IdentifiedChange } from '../changes/types.js';
import type { Inventory } from '../inventory/types.js';
import { applyBlastRadiusCap } from './blast-radius.js';
import { mergeBatchTargets, mergeEcsTargets } from './merge-targets.js';
import { planBatchRefresh } from './plan-batch.js';
import { planEcsRefresh, vanishedServiceTargets } from './plan-ecs.js';
import { type ActionableChange, type AnsweredChange, type Answering, IGNORE_TAG, type Plan, type PlanSettings, type PlanTarget } from './types.js';

export { becameCurrentAt, startedSince } from './freshness.js';
export { type DeploymentLimits, limitPlan } from './limits.js';
export { callsForAction } from './match-found-references.js';
export { batchPolicyFor, standingJobSkip } from './plan-batch.js';
export { standingServiceSkip } from './plan-ecs.js';
export * from './types.js';
export { groupByWave, waveOf } from './waves.js';

/**
 * Why `change` triggers nothing at all, before any inventory is needed: it makes no new value (`effect: none`,
 * e.g. an AWSPENDING staging: its own reason), or the changed secret or parameter is tagged
 * `secret-refresh:ignore=true` (its tags come with the change). `undefined` when there is something to plan.
 *
 * @example
 * if (!nothingToPlan(change)) inventory = await collectInventory(options);
 */
export function nothingToPlan(change: Change): string | undefined {
  if (!isActionable(change)) return change.reason;
  if ((change.tags?.[IGNORE_TAG] ?? '').toLowerCase() === 'true') return `the ${change.kind} is tagged ${IGNORE_TAG}=true: it triggers nothing`;
  return undefined;
}

/**
 * The Plan for a batch of changes (or one change): every ECS service and Batch job definition or job that reads a
 * changed value, **once**, with a decision, a reason a person can read (every change's reason, when several reach
 * it) and, for skips, a stable code (plus a `not-found` skip for each service that vanished between ListServices
 * and DescribeServices); then the blast-radius cap over the whole batch (ECS redeploys plus Batch resubmits above
 * `settings.maxTargets` are all skipped with code `blast-radius-cap`, unless a manual run confirmed it). A service
 * is redeployed when one change requires it, and never when one of them deleted something it reads. Changes that
 * trigger nothing ({@link nothingToPlan}) are left out; when none is left the plan has no targets and `skipped`
 * says why.
 *
 * @example
 * const plan = planRefresh(batch.changes, await collectInventory(options), { mode: 'event', ...settings });
 * plan.targets.filter((target) => target.decision !== 'skip'); // what Actions will do
 */
export function planRefresh(changes: Change | readonly IdentifiedChange[], inventory: Inventory, settings: PlanSettings): Plan {
  const batch: readonly IdentifiedChange[] = Array.isArray(changes) ? changes : [{ ...(changes as Change), id: 'c1' }];
  const actionable = batch.filter((change): change is IdentifiedChange & ActionableChange => isActionable(change) && !nothingToPlan(change));
  if (actionable.length === 0) {
    const skipped = batch.map(nothingToPlan).find((reason) => reason !== undefined) ?? 'nothing to plan';
    return { changes: [], targets: [], warnings: [], skipped };
  }
  const ecs = mergeEcsTargets(actionable.map((change) => ({ change: change.id, plan: planEcsRefresh(change, inventory.ecs.services, settings) })));
  const batchPlan = mergeBatchTargets(actionable.map((change) => ({ change: change.id, plan: planBatchRefresh(change, inventory.batch, settings) })));
  const plan = applyBlastRadiusCap(
    { ecs: { targets: ecs.targets, warnings: ecs.warnings }, batch: { ...batchPlan, warnings: batchPlan.warnings } },
    settings.maxTargets,
    settings.confirmLarge,
    actionable.map((change) => change.name),
  );
  const answered = new Map(actionable.map((change) => [change.id, answer(change)]));
  const withChanges = <Target extends { readonly arn: string }>(target: Target): Answering<Omit<Target, 'changeIds'>> => {
    const { changeIds, ...rest } = target as Target & { changeIds?: readonly string[] };
    return { ...rest, changes: (changeIds ?? []).map((id) => answered.get(id)).filter((change) => change !== undefined) } as Answering<
      Omit<Target, 'changeIds'>
    >;
  };
  // A service deleted between ListServices and DescribeServices: which change it read cannot be known any more.
  const everyChange = actionable.map((change) => change.id);
  const vanished = vanishedServiceTargets(inventory.ecs.vanished ?? []).map((target) => ({ ...target, changeIds: everyChange }));
  const targets = [
    ...plan.ecs.targets.map(withChanges),
    ...vanished.map(withChanges),
    ...plan.batch.jobDefinitions.map(withChanges),
    ...plan.batch.jobs.map(withChanges),
  ] as PlanTarget[];
  return {
    changes: [...answered.values()],
    targets,
    warnings: [...new Set([...plan.ecs.warnings, ...plan.batch.warnings])],
    ...(plan.refused ? { refused: plan.refused, refusedBy: 'blast-radius-cap' as const } : {}),
  };
}

function isActionable(change: Change): change is ActionableChange {
  return change.effect !== 'none' && typeof change.arn === 'string' && change.arn.length > 0;
}

function answer(change: IdentifiedChange & ActionableChange): AnsweredChange {
  return {
    id: change.id,
    kind: change.kind,
    arn: change.arn,
    name: change.name,
    ...(change.versionId ? { versionId: change.versionId } : {}),
    time: change.time,
    ...(change.currentSince ? { currentSince: change.currentSince } : {}),
  };
}
