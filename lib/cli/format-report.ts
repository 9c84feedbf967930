import type { AuditReport } from '../audit/types.js';
import type { BatchChangeReport, RefreshReport, TargetReport } from '../report/types.js';

/**
 * A person-readable rendering of a report for the terminal (`--json` prints the report itself). A single-input run
 * starts with its change; a batch with one line per input and its decision. Then one line per target: status,
 * target, the changes it answers (batches), and the reason.
 */
export function formatReport(report: RefreshReport): string {
  const { change, summary } = report;
  const lines: string[] = [];
  const dry = report.dryRun ? '[dry run] ' : '';
  if (change) {
    const subject = change.arn ?? change.name;
    lines.push(
      `${dry}${change.kind} ${subject}${change.versionId ? ` (version ${change.versionId})` : ''}`,
      `  ${change.origin.eventName} → ${change.effect}: ${change.reason}`,
    );
  } else {
    const decided = (decision: BatchChangeReport['decision']) => report.changes.filter((entry) => entry.decision === decision).length;
    lines.push(
      `${dry}batch of ${report.changes.length} input(s): ${decided('act')} acted on, ${decided('merged')} merged, ${decided('nothing-to-do')} nothing to do, ` +
        `${decided('already-handled')} already handled, ${decided('invalid')} invalid, ${decided('failed')} failed`,
    );
    for (const entry of report.changes) lines.push(`  ${entry.id} ${entryLabel(entry)}`);
  }
  if (report.skipped) lines.push(`  nothing to do: ${report.skipped}`);
  if (report.refused) lines.push(`  refused: ${report.refused}`);
  for (const target of report.targets) {
    const answers = change || target.changes.length === 0 ? '' : ` [${target.changes.join(', ')}]`;
    lines.push(`  ${target.status.toUpperCase().padEnd(8)} ${target.region} ${targetLabel(target)}${answers}: ${target.reason}`);
  }
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  const scanned = summary.regions.length
    ? ` (${summary.servicesScanned} services in ${summary.clusters} clusters, ${summary.jobDefinitionsScanned} Batch job definitions,` +
      ` ${summary.jobsScanned} running Batch jobs; Regions scanned: ${summary.regions.join(', ')})`
    : ' (nothing scanned)';
  const deferred = summary.deferred > 0 ? `, ${summary.deferred} deferred` : '';
  lines.push(`  summary: ${summary.done} done, ${summary.planned} planned, ${summary.skipped} skipped${deferred}, ${summary.failed} failed${scanned}`);
  return `${lines.join('\n')}\n`;
}

/** `act secret arn (version v) — Event: reason`, `merged into c1: …`, `invalid (file): error`. */
function entryLabel(entry: BatchChangeReport): string {
  const from = entry.source ? ` (${entry.source})` : '';
  if (!entry.kind) return `${entry.decision}${from}: ${entry.decisionReason}`;
  const subject = `${entry.kind} ${entry.arn ?? entry.name ?? ''}${entry.versionId ? ` (version ${entry.versionId})` : ''}`;
  const redelivery = entry.redelivery ? `; delivered again at ${entry.redelivery}` : '';
  return `${entry.decision} ${subject}${from} — ${entry.origin?.eventName ?? '?'} → ${entry.effect}: ${entry.decisionReason}${redelivery}`;
}

/** `cluster/service [deployment]`, `job definition name:rev`, `job name (id) [→ clone]`. */
function targetLabel(target: TargetReport): string {
  switch (target.type) {
    case 'ecs-service':
      return `ecs-service ${target.cluster}/${target.name}${target.deploymentId ? ` [${target.deploymentId}]` : ''}${target.due ? ` [due ${target.due}]` : ''}${target.error ? ` [${target.error}]` : ''}`;
    case 'batch-job-definition':
      return `batch-job-definition ${target.name}`;
    case 'batch-job':
      return `batch-job ${target.name} (${target.jobId})${target.newJobId ? ` [→ ${target.newJobId}]` : ''}${target.error ? ` [${target.error}]` : ''}`;
  }
}

/** The staleness audit for the terminal: one line per service that reads a secret or parameter. */
export function formatAuditReport(report: AuditReport): string {
  const lines = [`staleness audit at ${report.time}`];
  for (const target of report.targets) {
    lines.push(`  ${target.status.toUpperCase().padEnd(8)} ${target.region} ${target.cluster}/${target.name}: ${target.reason}`);
  }
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  const { summary } = report;
  lines.push(
    `  summary: ${summary.stale} stale, ${summary.fresh} fresh, ${summary.unknown} unknown (${summary.servicesScanned} services; Regions scanned: ${summary.regions.join(', ')})`,
  );
  if (summary.inventoryProblems > 0) {
    lines.push(
      `  INCOMPLETE: ${summary.inventoryProblems} thing(s) could not be read (the warnings above), so services behind them were not judged: this is not "all clear"`,
    );
  }
  return `${lines.join('\n')}\n`;
}
