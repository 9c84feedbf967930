import type { AuditReport, AuditTarget } from '../audit/types.js';
import type { BatchDecision } from '../changes/types.js';
import type { BatchChangeReport, RefreshReport, TargetReport, TargetStatus } from '../report/types.js';
import { auditNextSteps, count, type NextStep, type NextStepContext, nextSteps } from './next-steps.js';
import { PLAIN, type Style } from './style.js';
import { type Cell, textTable } from './text-table.js';

/** How to render a report: the style (colour on a terminal only), and what the next steps need. */
export interface FormatOptions extends NextStepContext {
  readonly style?: Style;
}

/**
 * A person-readable rendering of a report for the terminal (`--json` prints the report itself, unchanged). It reads
 * top-down, the first screen saying it all:
 *
 * 1. what changed: the change (a single input), or the batch's inputs by decision;
 * 2. the summary: done (or planned), deferred, skipped by reason with counts, failed, what was scanned;
 * 3. the inputs of a batch, one aligned row each with its decision;
 * 4. the targets, one aligned row each, the ones to look at first (failed, deferred, done, planned, waiting, skipped);
 * 5. the warnings, then the next steps (see {@link nextSteps}).
 */
export function formatReport(report: RefreshReport, options: FormatOptions = {}): string {
  const style = options.style ?? PLAIN;
  const { change } = report;
  const lines: string[] = [];
  const dry = report.dryRun ? style.cyan('[dry run] ') : '';
  if (change) {
    const subject = change.arn ?? change.name;
    lines.push(
      `${dry}${style.bold(`${change.kind} ${subject}`)}${change.versionId ? ` (version ${change.versionId})` : ''}`,
      `  ${change.origin.eventName} → ${change.effect}: ${change.reason}`,
    );
  } else {
    lines.push(`${dry}${style.bold(`batch of ${count(report.changes.length, 'input')}`)}: ${decisionCounts(report.changes)}`);
  }
  lines.push('', summaryBlock(report, style).trimEnd());
  if (!change && report.changes.length > 0) lines.push('', inputsTable(report.changes, style).trimEnd());
  if (report.targets.length > 0) lines.push('', targetsTable(report, style).trimEnd());
  const after = [...warningLines(report.warnings, style), ...nextStepLines(nextSteps(report, options), style)];
  if (after.length > 0) lines.push('', ...after);
  return `${lines.join('\n')}\n`;
}

/**
 * `--quiet`: only what a script (or the person reading its log) must act on: the refusal, failed and deferred
 * targets, inputs that could not be read or handled, what could not be read. Nothing at all when the run went well;
 * the exit code says the rest.
 */
export function formatQuietReport(report: RefreshReport): string {
  const lines: string[] = [];
  if (report.refused) lines.push(`refused: ${report.refused}`);
  const rows = report.targets.filter((target) => target.status === 'failed' || target.status === 'deferred').map((target) => targetRow(target, false, PLAIN));
  if (rows.length > 0) lines.push(textTable(rows, '').trimEnd());
  for (const entry of report.changes) {
    if (entry.decision === 'invalid' || entry.decision === 'failed') {
      lines.push(`${entry.id} ${entry.decision}${entry.source ? ` (${entry.source})` : ''}: ${entry.decisionReason}`);
    }
  }
  for (const warning of report.warnings) if (warning.startsWith('inventory:')) lines.push(`warning: ${warning}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** `2 acted on, 1 merged, 1 nothing to do`: the decisions that occur, in a fixed order. */
function decisionCounts(changes: readonly BatchChangeReport[]): string {
  const words: Record<BatchDecision, string> = {
    act: 'acted on',
    merged: 'merged',
    'nothing-to-do': 'nothing to do',
    'already-handled': 'already handled',
    invalid: 'invalid',
    failed: 'failed',
  };
  const counts = (Object.keys(words) as BatchDecision[])
    .map((decision) => [decision, changes.filter((entry) => entry.decision === decision).length] as const)
    .filter(([, n]) => n > 0)
    .map(([decision, n]) => `${n} ${words[decision]}`);
  return counts.length > 0 ? counts.join(', ') : 'none';
}

/** A summary row: label, value, and the value's colour. */
type SummaryRow = [string, string, ((text: string) => string) | undefined] | [string, string];

/** The summary: one labelled row per count that matters, aligned. */
function summaryBlock(report: RefreshReport, style: Style): string {
  const { summary } = report;
  const rows: SummaryRow[] = [];
  if (report.skipped) rows.push(['nothing to do', report.skipped]);
  if (report.skipped && report.targets.length === 0 && summary.invalid === 0) {
    // Nothing was looked at: counts of zero would only hide the one line that matters.
    return textTable([[{ text: 'nothing to do', paint: style.dim }, { text: report.skipped }]], '  ');
  }
  if (report.refused) rows.push(['refused', report.refused, style.red]);
  const actions = (status: TargetStatus) => {
    const services = report.targets.filter((target) => target.type === 'ecs-service' && target.status === status).length;
    const jobs = report.targets.filter((target) => target.type === 'batch-job' && target.status === status).length;
    const verb = status === 'planned' ? 'would be ' : '';
    const parts = [
      services > 0 ? `${count(services, 'ECS service')} ${verb}redeployed` : '',
      jobs > 0 ? `${count(jobs, 'Batch job')} ${verb}resubmitted` : '',
    ].filter(Boolean);
    return parts.length > 0 ? `: ${parts.join(', ')}` : '';
  };
  if (report.dryRun || summary.planned > 0) rows.push(['planned', `${summary.planned}${actions('planned')}`, summary.planned > 0 ? style.cyan : undefined]);
  if (!report.dryRun || summary.done > 0) rows.push(['done', `${summary.done}${actions('done')}`, summary.done > 0 ? style.green : undefined]);
  if (summary.waiting > 0) rows.push(['waiting', `${summary.waiting}: later waves, started when the earlier wave completes`]);
  if (summary.deferred > 0) {
    const due = report.targets
      .map((target) => (target.status === 'deferred' && target.type !== 'batch-job-definition' ? target.due : undefined))
      .filter((time): time is string => time !== undefined)
      .sort()[0];
    rows.push(['deferred', `${summary.deferred}${due ? `, due from ${due}` : ''}`, style.yellow]);
  }
  rows.push(['skipped', `${summary.skipped}${skipReasons(report.targets)}`]);
  const failedTargets = report.targets.filter((target) => target.status === 'failed').length;
  const failedParts = [
    failedTargets > 0 ? count(failedTargets, 'target') : '',
    summary.inventoryProblems > 0 ? `${count(summary.inventoryProblems, 'thing')} that could not be read (see the warnings)` : '',
  ].filter(Boolean);
  rows.push(['failed', `${summary.failed}${failedParts.length > 0 ? `: ${failedParts.join(', ')}` : ''}`, summary.failed > 0 ? style.red : undefined]);
  if (summary.invalid > 0) rows.push(['invalid', `${count(summary.invalid, 'input')} could not be read`, style.red]);
  const scanned = summary.regions.length
    ? `${summary.servicesScanned} services in ${summary.clusters} clusters, ${summary.jobDefinitionsScanned} Batch job definitions, ` +
      `${summary.jobsScanned} running Batch jobs (Regions scanned: ${summary.regions.join(', ')})`
    : 'nothing';
  rows.push(['scanned', scanned]);
  return textTable(
    rows.map(([label, value, paint]) => [
      { text: label, paint: style.dim },
      { text: value, ...(paint ? { paint } : {}) },
    ]),
    '  ',
  );
}

/** `: 3 already-fresh, 1 ignored` (most frequent first), or nothing when nothing was skipped. */
function skipReasons(targets: readonly TargetReport[]): string {
  const counts = new Map<string, number>();
  for (const target of targets) {
    if (target.status !== 'skipped') continue;
    const code = target.code ?? 'other';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  if (counts.size === 0) return '';
  const sorted = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return `: ${sorted.map(([code, n]) => `${n} ${code}`).join(', ')}`;
}

/** A batch's inputs: id, decision, what it is, where it came from, why. */
function inputsTable(changes: readonly BatchChangeReport[], style: Style): string {
  const header: Cell[] = ['INPUT', 'DECISION', 'CHANGE', 'SOURCE', 'REASON'].map((text) => ({ text, paint: style.dim }));
  const rows = changes.map((entry): Cell[] => {
    const decision = entry.decision === 'merged' && entry.mergedInto ? `merged → ${entry.mergedInto}` : entry.decision;
    const paint = entry.decision === 'invalid' || entry.decision === 'failed' ? style.red : entry.decision === 'act' ? style.bold : style.dim;
    const subject = entry.kind ? `${entry.kind} ${entry.name ?? entry.arn ?? ''}${entry.versionId ? ` (version ${entry.versionId})` : ''}` : '-';
    const reason = entry.kind
      ? `${entry.origin?.eventName ?? '?'} → ${entry.effect}: ${entry.decisionReason}${entry.redelivery ? `; delivered again at ${entry.redelivery}` : ''}`
      : entry.decisionReason;
    return [{ text: entry.id }, { text: decision, paint }, { text: subject }, { text: entry.source ?? '-' }, { text: reason }];
  });
  return textTable([header, ...rows], '  ');
}

const STATUS_ORDER: readonly TargetStatus[] = ['failed', 'deferred', 'done', 'planned', 'waiting', 'skipped'];

/** The targets, the ones to look at first on top (the report's order within a status). */
function targetsTable(report: RefreshReport, style: Style): string {
  const batch = !report.change;
  const header: Cell[] = ['STATUS', 'REGION', 'TARGET', ...(batch ? ['CHANGES'] : []), 'REASON'].map((text) => ({ text, paint: style.dim }));
  const sorted = [...report.targets].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
  return textTable([header, ...sorted.map((target) => targetRow(target, batch, style))], '  ');
}

function targetRow(target: TargetReport, batch: boolean, style: Style): Cell[] {
  const paint = { failed: style.red, deferred: style.yellow, done: style.green, planned: style.cyan, waiting: style.cyan, skipped: style.dim }[target.status];
  return [
    { text: target.status.toUpperCase(), paint },
    { text: target.region },
    { text: targetLabel(target) },
    ...(batch ? [{ text: target.changes.length > 0 ? target.changes.join(',') : '-' }] : []),
    { text: targetDetail(target) },
  ];
}

/** `ecs-service cluster/service`, `batch-job-definition name:rev`, `batch-job name (id)`. */
function targetLabel(target: TargetReport): string {
  switch (target.type) {
    case 'ecs-service':
      return `ecs-service ${target.cluster}/${target.name}`;
    case 'batch-job-definition':
      return `batch-job-definition ${target.name}`;
    case 'batch-job':
      return `batch-job ${target.name} (${target.jobId})`;
  }
}

/** The reason, led by what a reader looks for first: the error, when it is due, the new deployment or job. */
function targetDetail(target: TargetReport): string {
  const lead: string[] = [];
  if (target.type !== 'batch-job-definition') {
    if (target.error) lead.push(`error: ${target.error}`);
    if (target.due) lead.push(`due ${target.due}`);
  }
  if (target.type === 'ecs-service' && target.deploymentId) lead.push(`deployment ${target.deploymentId}`);
  if (target.type === 'batch-job' && target.newJobId) lead.push(`→ new job ${target.newJobId}${target.terminated ? ', original terminated' : ''}`);
  return [...lead, target.reason].join(' · ');
}

function warningLines(warnings: readonly string[], style: Style): string[] {
  return warnings.map((warning) => `  ${style.yellow('warning:')} ${warning}`);
}

function nextStepLines(steps: readonly NextStep[], style: Style): string[] {
  return steps.flatMap((step) => [`  ${style.bold('next:')} ${step.text}`, ...step.commands.map((command) => `      ${command}`)]);
}

/**
 * The staleness audit for the terminal: the counts first, then one aligned row per service (stale first), the
 * warnings, `INCOMPLETE` when something could not be read (never an "all clear" on what it could not see), and what
 * to do next.
 */
export function formatAuditReport(report: AuditReport, options: FormatOptions = {}): string {
  const style = options.style ?? PLAIN;
  const { summary } = report;
  const lines = [style.bold(`staleness audit at ${report.time}`), ''];
  const rows: SummaryRow[] = [
    ['stale', String(summary.stale), summary.stale > 0 ? style.yellow : undefined],
    ['fresh', String(summary.fresh)],
    ['unknown', String(summary.unknown)],
    ['scanned', `${summary.servicesScanned} services (Regions scanned: ${summary.regions.join(', ')})`],
  ];
  if (summary.inventoryProblems > 0) rows.push(['unreadable', `${count(summary.inventoryProblems, 'thing')} (see the warnings)`, style.red]);
  lines.push(
    textTable(
      rows.map(([label, value, paint]) => [
        { text: label, paint: style.dim },
        { text: value, ...(paint ? { paint } : {}) },
      ]),
      '  ',
    ).trimEnd(),
  );
  if (report.targets.length > 0) lines.push('', auditTable(report.targets, style).trimEnd());
  const after = warningLines(report.warnings, style);
  if (summary.inventoryProblems > 0) after.push(style.red(incompleteLine(summary.inventoryProblems)));
  after.push(...nextStepLines(auditNextSteps(report, options), style));
  if (after.length > 0) lines.push('', ...after);
  return `${lines.join('\n')}\n`;
}

/** `--quiet` for the audit: the stale services and what could not be read; nothing when every service is fresh. */
export function formatQuietAudit(report: AuditReport): string {
  const stale = report.targets.filter((target) => target.status === 'stale');
  const lines =
    stale.length > 0
      ? [
          textTable(
            stale.map((target) => auditRow(target, PLAIN)),
            '',
          ).trimEnd(),
        ]
      : [];
  for (const warning of report.warnings) if (warning.startsWith('inventory:')) lines.push(`warning: ${warning}`);
  if (report.summary.inventoryProblems > 0) lines.push(incompleteLine(report.summary.inventoryProblems).trim());
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function incompleteLine(problems: number): string {
  return `  INCOMPLETE: ${problems} thing(s) could not be read (the warnings above), so services behind them were not judged: this is not "all clear"`;
}

const AUDIT_ORDER: readonly AuditTarget['status'][] = ['stale', 'unknown', 'fresh'];

function auditTable(targets: readonly AuditTarget[], style: Style): string {
  const header: Cell[] = ['STATUS', 'REGION', 'SERVICE', 'REASON'].map((text) => ({ text, paint: style.dim }));
  const sorted = [...targets].sort((a, b) => AUDIT_ORDER.indexOf(a.status) - AUDIT_ORDER.indexOf(b.status));
  return textTable([header, ...sorted.map((target) => auditRow(target, style))], '  ');
}

function auditRow(target: AuditTarget, style: Style): Cell[] {
  const paint = { stale: style.yellow, unknown: style.dim, fresh: style.green }[target.status];
  return [{ text: target.status.toUpperCase(), paint }, { text: target.region }, { text: `${target.cluster}/${target.name}` }, { text: target.reason }];
}
