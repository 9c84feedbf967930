/**
 * The Plan step's face: one pure, synchronous function from (change, inventory, settings) to a {@link Plan}.
 * No AWS call, so every decision is testable in milliseconds and explained in the report. The ECS and Batch
 * planners, the blast-radius cap, scope, waves and freshness are internal to this folder; the rules that do not
 * depend on the change (the standing skips, the Batch policy, which impact calls for action, the wave) are exported
 * too, so the secrets map (lib/map) judges every service and job with the Plan's own rules.
 */
import type { Change } from '../changes/types.js';
import type { Inventory } from '../inventory/types.js';
import { applyBlastRadiusCap } from './blast-radius.js';
import { planBatchRefresh } from './plan-batch.js';
import { planEcsRefresh, vanishedServiceTargets } from './plan-ecs.js';
import { type ActionableChange, type AnsweredChange, IGNORE_TAG, type Plan, type PlanSettings, type PlanTarget } from './types.js';

export { startedSince } from './freshness.js';
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
 * The Plan for `change`: every ECS service and Batch job definition or job that reads the changed value, each
 * with a decision, a reason a person can read and, for skips, a stable code (plus a `not-found` skip for each
 * service that vanished between ListServices and DescribeServices); then the blast-radius cap (ECS
 * redeploys plus Batch resubmits above `settings.maxTargets` are all skipped with code `blast-radius-cap`,
 * unless a manual run confirmed it). A change that triggers nothing ({@link nothingToPlan}) gives a plan without
 * targets whose `skipped` says why.
 *
 * @example
 * const plan = planRefresh(change, await collectInventory(options), { mode: 'event', ...settings });
 * plan.targets.filter((target) => target.decision !== 'skip'); // what Actions will do
 */
export function planRefresh(change: Change, inventory: Inventory, settings: PlanSettings): Plan {
  const skipped = nothingToPlan(change);
  if (skipped || !isActionable(change)) return { changes: [], targets: [], warnings: [], ...(skipped ? { skipped } : {}) };
  const plan = applyBlastRadiusCap(
    { ecs: planEcsRefresh(change, inventory.ecs.services, settings), batch: planBatchRefresh(change, inventory.batch, settings) },
    settings.maxTargets,
    settings.confirmLarge,
    change.name,
  );
  const changes = [answered(change)];
  const vanished = vanishedServiceTargets(inventory.ecs.vanished ?? []);
  const targets: PlanTarget[] = [...plan.ecs.targets, ...vanished, ...plan.batch.jobDefinitions, ...plan.batch.jobs].map((target) => ({ ...target, changes }));
  return { changes, targets, warnings: [...plan.ecs.warnings, ...plan.batch.warnings], ...(plan.refused ? { refused: plan.refused } : {}) };
}

function isActionable(change: Change): change is ActionableChange {
  return change.effect !== 'none' && typeof change.arn === 'string' && change.arn.length > 0;
}

function answered(change: ActionableChange): AnsweredChange {
  return { kind: change.kind, arn: change.arn, name: change.name, ...(change.versionId ? { versionId: change.versionId } : {}), time: change.time };
}
