/**
 * The run's fast path through the service index (lib/service-index), and what the backstop scan does with it:
 * the indexed candidates are read again and planned and acted on first; the full scan's plan then leaves out every
 * service the fast path decided on (whatever the already-fresh rule would say: a deployment made in the second of
 * the change is not "fresh" by that rule, and DescribeServices may not show it yet), acts on what the index missed,
 * and rewrites the index of every Region it read without problems.
 */
import type { Execution } from '../actions/index.js';
import type { IdentifiedChange } from '../changes/index.js';
import type { Inventory } from '../inventory/index.js';
import { changeForMatching, type Plan } from '../plan/index.js';
import type { ServiceIndexReport } from '../report/index.js';
import { type IndexLookup, indexedCandidates, reconcileRegion, type ServiceIndexStore } from '../service-index/index.js';

/** What the fast path did. */
export interface FastPath {
  readonly lookup: IndexLookup;
  /** Its plan and execution; absent when the index had no candidate. */
  readonly plan?: Plan;
  readonly execution?: Execution;
  /** The services it decided on: the backstop leaves them out. */
  readonly handled: ReadonlySet<string>;
  /** Why it left its candidates to the scan: their redeploys make a rollout (see `rolloutReasons`). */
  readonly leftToScan?: readonly string[];
}

/** The candidates of `changes` in the index (only changes that can act: a new value, a moved label, a deletion). */
export function lookUpCandidates(store: ServiceIndexStore, changes: readonly IdentifiedChange[], regions: readonly string[]): Promise<IndexLookup> {
  const resources = changes.flatMap((change) =>
    change.effect === 'new-current-value' || change.effect === 'label-moved' || change.effect === 'deleted'
      ? [changeForMatching({ ...change, effect: change.effect }).resource]
      : [],
  );
  return indexedCandidates(store, resources, regions, Date.now());
}

/** The ECS services `plan` decided on, whatever the decision. */
export function decidedServices(plan: Plan): Set<string> {
  return new Set(plan.targets.filter((target) => target.type === 'ecs-service').map((target) => target.arn));
}

/** `plan` without the ECS services the fast path decided on. */
export function withoutHandled(plan: Plan, handled: ReadonlySet<string>): Plan {
  if (handled.size === 0) return plan;
  return { ...plan, targets: plan.targets.filter((target) => target.type !== 'ecs-service' || !handled.has(target.arn)) };
}

/** One plan and one execution for the report: the fast path's targets first, then the backstop's. */
export function mergeWithFastPath(fast: FastPath, plan: Plan, execution: Execution): { plan: Plan; execution: Execution } {
  if (!fast.plan || !fast.execution) return { plan, execution };
  const refused = plan.refused ?? fast.plan.refused;
  const refusedBy = plan.refusedBy ?? fast.plan.refusedBy;
  const rollout = execution.rollout ?? fast.execution.rollout;
  return {
    plan: {
      ...plan,
      targets: [...fast.plan.targets, ...plan.targets],
      warnings: [...fast.plan.warnings, ...plan.warnings],
      ...(refused ? { refused } : {}),
      ...(refusedBy ? { refusedBy } : {}),
    },
    execution: {
      results: [...fast.execution.results, ...execution.results],
      warnings: [...fast.execution.warnings, ...execution.warnings],
      ...(rollout ? { rollout } : {}),
    },
  };
}

/**
 * After the backstop scan (started at `scannedAt`): the index of every Region the scan read without problems is made
 * what the scan found. Index errors never fail the run (the next scan repairs the index): they become warnings.
 */
export async function updateIndex(
  store: ServiceIndexStore,
  inventory: Inventory,
  scannedAt: number,
): Promise<{ readonly written: number; readonly removed: number; readonly regions: readonly string[]; readonly warnings: readonly string[] }> {
  const troubled = new Set(inventory.ecs.problems.map((problem) => problem.region));
  const regions = inventory.ecs.regions.filter((region) => !troubled.has(region));
  const warnings: string[] = [];
  let written = 0;
  let removed = 0;
  for (const region of regions) {
    try {
      const writes = await reconcileRegion(store, region, inventory.ecs.services, scannedAt);
      written += writes.written;
      removed += writes.removed;
    } catch (error) {
      warnings.push(`service index: could not update the index of ${region} (the next scan does): ${String(error)}`);
    }
  }
  return { written, removed, regions, warnings };
}

/**
 * The report's `serviceIndex`: what the index covered and found, what the fast path acted on and what only the
 * backstop found (services the index missed), plus a warning for each Region the index did not cover.
 */
export function serviceIndexReport(
  fast: FastPath,
  backstop: Plan,
  updated: { readonly written: number; readonly removed: number; readonly regions: readonly string[] },
): { report: ServiceIndexReport; warnings: string[] } {
  const acting = (plan: Plan | undefined, regions?: readonly string[]) =>
    (plan?.targets ?? [])
      .filter((target) => target.type === 'ecs-service' && target.decision === 'redeploy' && (!regions || regions.includes(target.region)))
      .map((target) => target.arn);
  // Only a covered Region can miss: the others were left to the scan from the start. A fast path that left its
  // candidates to the scan (a rollout) missed nothing either.
  const missed = fast.leftToScan ? [] : acting(backstop, fast.lookup.covered);
  return {
    report: {
      coveredRegions: fast.lookup.covered,
      scannedOnlyRegions: fast.lookup.uncovered,
      candidates: fast.lookup.candidates.length,
      fastPathTargets: acting(fast.plan).length,
      missedByIndex: missed,
      indexedRegions: updated.regions,
      servicesWritten: updated.written,
      servicesRemoved: updated.removed,
    },
    warnings: [
      ...fast.lookup.uncovered.map(
        (region) => `service index: ${region} is not covered yet (first run, a restored table or a new Region): its services were found by the full scan alone`,
      ),
      ...(fast.leftToScan
        ? [
            `service index: the redeploys make a rollout (${fast.leftToScan.join('; ')}): the fast path left its candidates to the scan, which starts one rollout for all`,
          ]
        : []),
    ],
  };
}
