import type { Execution } from '../actions/index.js';
import type { BatchEntry, Change } from '../changes/types.js';
import type { Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/index.js';
import { outOfSightWarnings } from './out-of-sight.js';
import type { BatchChangeReport, ChangeReport, RefreshReport, ScanReport, ServiceIndexReport, TargetReport } from './types.js';

/** Everything a report is made of: the run's settings, its inputs, and what each later step produced. */
export interface ReportParts {
  readonly dryRun: boolean;
  readonly mode: 'event' | 'manual';
  /** Every input of the run with its decision (see `detectChanges`). */
  readonly entries: readonly BatchEntry[];
  /** A run of one input (an event, a manual refresh): the report also has `change`. */
  readonly single: boolean;
  /** Why the whole run did nothing, when it was decided before planning (every change already handled…). */
  readonly skipped?: string;
  /** Set when the run did nothing because the change record says the change was already handled. */
  readonly idempotency?: 'replayed';
  readonly inventory?: Inventory;
  readonly plan?: Plan;
  readonly execution?: Execution;
  /** Change id → when it is delivered again (its deferred targets are due then). */
  readonly redelivery?: ReadonlyMap<string, string>;
  /** Things that went wrong around the run (a change record that could not be written…). */
  readonly warnings?: readonly string[];
  /**
   * Changes (by id) whose record or redelivery could not be written after the actions: not finished, so their
   * inputs are delivered again (each counts as a failure).
   */
  readonly unfinished?: ReadonlySet<string>;
  /** The service index's part of the run. */
  readonly serviceIndex?: ServiceIndexReport;
  /** The scan's invocations, when it can continue in the next one. */
  readonly scan?: ScanReport;
}

/**
 * Builds the run's {@link RefreshReport}: every input with its decision, the execution's report entries in plan
 * order, every warning (the changes', the plan's, the actions', each inventory problem, then what is out of sight:
 * a change in a Region not scanned, references to Regions not watched or to other accounts) and the counts. A
 * change is copied field by field (never spread) so nothing but identities, versions and labels can reach the
 * report.
 */
export function buildReport(parts: ReportParts): RefreshReport {
  const { plan, inventory } = parts;
  const targets = parts.execution?.results.map((result) => result.report) ?? [];
  const skipped = parts.skipped ?? plan?.skipped;
  const inventoryProblems = [...(inventory?.ecs.problems ?? []), ...(inventory?.batch.problems ?? [])];
  const count = (status: TargetReport['status']) => targets.filter((target) => target.status === status).length;
  const first = parts.single ? parts.entries[0]?.change : undefined;
  const changeWarnings = parts.entries.flatMap((entry) => (entry.decision === 'merged' ? [] : (entry.change?.warnings ?? [])));
  const failedInputs = parts.entries.filter((entry) => entry.decision === 'failed');
  const retried = retriedChanges(parts, targets, inventoryProblems.length > 0);
  return {
    dryRun: parts.dryRun,
    mode: parts.mode,
    ...(first ? { change: changeReport(first) } : {}),
    changes: parts.entries.map((entry) => entryReport(entry, parts.redelivery?.get(entry.mergedInto ?? entry.id), retried.has(entry.mergedInto ?? entry.id))),
    ...(skipped ? { skipped } : {}),
    ...(plan?.refused ? { refused: plan.refused, ...(plan.refusedBy ? { refusedBy: plan.refusedBy } : {}) } : {}),
    targets,
    ...(parts.execution?.rollout ? { rollout: parts.execution.rollout } : {}),
    warnings: [
      ...new Set([
        ...changeWarnings,
        ...(plan?.warnings ?? []),
        ...(parts.execution?.warnings ?? []),
        ...(parts.warnings ?? []),
        ...failedInputs.map(
          (entry) => `${entry.id}${entry.source ? ` (${entry.source})` : ''} could not be decided and is retried: ${entry.error ?? entry.reason}`,
        ),
        ...inventoryProblems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`),
        ...(inventory ? outOfSight(inventory, parts.entries) : []),
      ]),
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
      deferred: count('deferred'),
      failed: count('failed') + inventoryProblems.length + failedInputs.length + (parts.unfinished?.size ?? 0),
      inventoryProblems: inventoryProblems.length,
      inputs: parts.entries.length,
      invalid: parts.entries.filter((entry) => entry.decision === 'invalid').length,
    },
    ...(parts.idempotency ? { idempotency: parts.idempotency } : {}),
    ...(parts.serviceIndex ? { serviceIndex: parts.serviceIndex } : {}),
    ...(parts.scan ? { scan: parts.scan } : {}),
  };
}

/**
 * What the run cannot see: each acting change in a Region that was not scanned, then the references read by the
 * scanned workloads that point at Regions not watched or at other accounts (once for the whole batch).
 */
function outOfSight(inventory: Inventory, entries: readonly BatchEntry[]): string[] {
  const scanned = inventory.ecs.regions;
  const acting = entries.flatMap((entry) => (entry.decision === 'act' && entry.change ? [entry.change] : []));
  return [
    ...acting.flatMap((change) => outOfSightWarnings(scanned, [], change)),
    ...outOfSightWarnings(scanned, [...inventory.ecs.services, ...inventory.batch.jobDefinitions]),
  ];
}

/** True when the run must be reported as failed (exit 1; the inputs concerned are retried). */
export function reportFailed(report: RefreshReport): boolean {
  return report.summary.failed > 0;
}

/** The change as reported: identities, versions, labels and times, field by field. */
export function changeReport(change: Change): ChangeReport {
  return {
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
    ...(change.currentSince ? { currentSince: change.currentSince } : {}),
    ...(change.versionDate ? { versionDate: change.versionDate } : {}),
    origin: { ...change.origin },
  };
}

/**
 * The changes (by id) that are not finished: could not be decided, a target answering them failed, or the run
 * could not see every reader (inventory problems) or write their record or redelivery.
 */
function retriedChanges(parts: ReportParts, targets: readonly TargetReport[], incomplete: boolean): Set<string> {
  const retried = new Set(parts.entries.filter((entry) => entry.decision === 'failed').map((entry) => entry.id));
  for (const target of targets) if (target.status === 'failed') for (const id of target.changes) retried.add(id);
  if (incomplete) for (const entry of parts.entries) if (entry.decision === 'act') retried.add(entry.id);
  for (const id of parts.unfinished ?? []) retried.add(id);
  return retried;
}

function entryReport(entry: BatchEntry, redelivery: string | undefined, retry: boolean): BatchChangeReport {
  return {
    id: entry.id,
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.change ? changeReport(entry.change) : {}),
    decision: entry.decision,
    ...(entry.mergedInto ? { mergedInto: entry.mergedInto } : {}),
    decisionReason: entry.reason,
    ...(entry.error ? { error: entry.error } : {}),
    ...(redelivery && entry.decision !== 'invalid' ? { redelivery } : {}),
    ...(retry && (entry.decision === 'act' || entry.decision === 'merged' || entry.decision === 'failed') ? { retry: true as const } : {}),
  };
}
