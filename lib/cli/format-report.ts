import type { AuditReport } from '../audit/types.js';
import type { RefreshReport, TargetReport } from '../report/types.js';

/**
 * A person-readable rendering of a report for the terminal (`--json` prints the report itself).
 * One line per target: status, service, and the reason.
 */
export function formatReport(report: RefreshReport): string {
  const { change, summary } = report;
  const lines: string[] = [];
  const subject = change.arn ?? change.name;
  lines.push(
    `${report.dryRun ? '[dry run] ' : ''}${change.kind} ${subject}${change.versionId ? ` (version ${change.versionId})` : ''}`,
    `  ${change.origin.eventName} → ${change.effect}: ${change.reason}`,
  );
  if (report.skipped) lines.push(`  nothing to do: ${report.skipped}`);
  for (const target of report.targets) {
    lines.push(`  ${target.status.toUpperCase().padEnd(8)} ${target.region} ${targetLabel(target)}: ${target.reason}`);
  }
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  const scanned = summary.regions.length
    ? ` (${summary.servicesScanned} services in ${summary.clusters} clusters, ${summary.jobDefinitionsScanned} Batch job definitions,` +
      ` ${summary.jobsScanned} running Batch jobs; Regions scanned: ${summary.regions.join(', ')})`
    : ' (nothing scanned)';
  lines.push(`  summary: ${summary.done} done, ${summary.planned} planned, ${summary.skipped} skipped, ${summary.failed} failed${scanned}`);
  return `${lines.join('\n')}\n`;
}

/** `cluster/service [deployment]`, `job definition name:rev`, `job name (id) [→ clone]`. */
function targetLabel(target: TargetReport): string {
  switch (target.type) {
    case 'ecs-service':
      return `ecs-service ${target.cluster}/${target.name}${target.deploymentId ? ` [${target.deploymentId}]` : ''}${target.error ? ` [${target.error}]` : ''}`;
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
