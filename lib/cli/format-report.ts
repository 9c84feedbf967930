import type { RefreshReport } from '../report/types.js';

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
    const detail = target.deploymentId ? ` [${target.deploymentId}]` : target.error ? ` [${target.error}]` : '';
    lines.push(`  ${target.status.toUpperCase().padEnd(8)} ${target.region} ${target.cluster}/${target.name}${detail}: ${target.reason}`);
  }
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  lines.push(
    `  summary: ${summary.done} done, ${summary.planned} planned, ${summary.skipped} skipped, ${summary.failed} failed` +
      ` (${summary.servicesScanned} services in ${summary.clusters} clusters, regions: ${summary.regions.join(', ') || 'none scanned'})`,
  );
  return `${lines.join('\n')}\n`;
}
