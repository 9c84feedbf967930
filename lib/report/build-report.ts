import type { Change } from '../changes/types.js';
import type { BatchInventory, EcsInventory } from '../inventory/types.js';
import type { RefreshReport, TargetReport } from './types.js';

/** Everything a report is made of. */
export interface ReportParts {
  readonly dryRun: boolean;
  readonly mode: 'event' | 'manual';
  readonly change: Change;
  readonly skipped?: string;
  readonly refused?: string;
  readonly targets?: readonly TargetReport[];
  readonly warnings?: readonly string[];
  readonly inventory?: EcsInventory;
  readonly batchInventory?: BatchInventory;
}

/**
 * Builds the run's {@link RefreshReport}. The change is copied field by field (never spread) so nothing
 * but identities, versions and labels can reach the report.
 */
export function buildReport(parts: ReportParts): RefreshReport {
  const { change } = parts;
  const targets = parts.targets ?? [];
  const inventoryProblems = [...(parts.inventory?.problems ?? []), ...(parts.batchInventory?.problems ?? [])];
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
    ...(parts.skipped ? { skipped: parts.skipped } : {}),
    ...(parts.refused ? { refused: parts.refused } : {}),
    targets,
    warnings: [
      ...change.warnings,
      ...(parts.warnings ?? []),
      ...inventoryProblems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`),
    ],
    summary: {
      regions: parts.inventory?.regions ?? [],
      clusters: parts.inventory?.clusters ?? 0,
      servicesScanned: parts.inventory?.services.length ?? 0,
      jobDefinitionsScanned: parts.batchInventory?.jobDefinitions.length ?? 0,
      jobsScanned: parts.batchInventory?.jobs.length ?? 0,
      targets: targets.length,
      done: count('done'),
      planned: count('planned'),
      skipped: count('skipped'),
      waiting: count('waiting'),
      failed: count('failed') + inventoryProblems.length,
      inventoryProblems: inventoryProblems.length,
    },
  };
}

/** True when the run must be reported as failed (exit 1; the Lambda throws so the event is retried). */
export function reportFailed(report: RefreshReport): boolean {
  return report.summary.failed > 0;
}
