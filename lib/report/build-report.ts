import type { Execution } from '../actions/index.js';
import type { Change } from '../changes/types.js';
import type { Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/index.js';
import { outOfSightWarnings } from './out-of-sight.js';
import type { RefreshReport, TargetReport } from './types.js';

/** Everything a report is made of: the run's settings, the change, and what each later step produced. */
export interface ReportParts {
  readonly dryRun: boolean;
  readonly mode: 'event' | 'manual';
  readonly change: Change;
  /** Why the whole run did nothing, when it was decided before planning (a duplicate change). */
  readonly skipped?: string;
  /** Set when the change guard found the change handled (`replayed`) or being handled (`in-progress`). */
  readonly idempotency?: 'replayed' | 'in-progress';
  readonly inventory?: Inventory;
  readonly plan?: Plan;
  readonly execution?: Execution;
}

/**
 * Builds the run's {@link RefreshReport}: the execution's report entries in plan order, every warning (the
 * change's, the plan's, the actions', each inventory problem, then what is out of sight: a change in a Region not
 * scanned, references to Regions not watched or to other accounts) and the counts. The change is copied field
 * by field (never spread) so nothing but identities, versions and labels can reach the report.
 */
export function buildReport(parts: ReportParts): RefreshReport {
  const { change, plan, inventory } = parts;
  const targets = parts.execution?.results.map((result) => result.report) ?? [];
  const skipped = parts.skipped ?? plan?.skipped;
  const inventoryProblems = [...(inventory?.ecs.problems ?? []), ...(inventory?.batch.problems ?? [])];
  const count = (status: TargetReport['status']) => targets.filter((target) => target.status === status).length;
  return {
    dryRun: parts.dryRun,
    mode: parts.mode,
    change: {
      kind: change.kind,
      effect: change.effect,
      reason: change.reason,
      ...(change.arn ? { arn: change.arn } : {}),
      name: change.name,
      region: change.region,
      account: change.account,
      ...(change.versionId ? { versionId: change.versionId } : {}),
      labels: [...change.labels],
      time: change.time,
      origin: { ...change.origin },
    },
    ...(skipped ? { skipped } : {}),
    ...(plan?.refused ? { refused: plan.refused } : {}),
    targets,
    warnings: [
      ...change.warnings,
      ...(plan?.warnings ?? []),
      ...(parts.execution?.warnings ?? []),
      ...inventoryProblems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`),
      ...(inventory ? outOfSightWarnings(inventory.ecs.regions, [...inventory.ecs.services, ...inventory.batch.jobDefinitions], change) : []),
    ],
    summary: {
      regions: inventory?.ecs.regions ?? [],
      clusters: inventory?.ecs.clusters ?? 0,
      servicesScanned: inventory?.ecs.services.length ?? 0,
      jobDefinitionsScanned: inventory?.batch.jobDefinitions.length ?? 0,
      jobsScanned: inventory?.batch.jobs.length ?? 0,
      targets: targets.length,
      done: count('done'),
      planned: count('planned'),
      skipped: count('skipped'),
      waiting: count('waiting'),
      failed: count('failed') + inventoryProblems.length,
      inventoryProblems: inventoryProblems.length,
    },
    ...(parts.idempotency ? { idempotency: parts.idempotency } : {}),
  };
}

/** True when the run must be reported as failed (exit 1; the Lambda throws so the event is retried). */
export function reportFailed(report: RefreshReport): boolean {
  return report.summary.failed > 0;
}
