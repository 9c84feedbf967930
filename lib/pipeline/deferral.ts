import { type Execution, NOT_STARTED, type TargetResult } from '../actions/index.js';
import type { IdentifiedChange } from '../changes/index.js';
import type { Plan } from '../plan/index.js';
import type { TargetReport } from '../report/types.js';

/** The hourly budget's item: one per account and UTC clock hour (`budget#111122223333#2026-11-20T10`). */
export function budgetKey(account: string, now: Date): string {
  return `budget#${account}#${now.toISOString().slice(0, 13)}`;
}

/** What the budget counts: ECS redeploys plus Batch resubmits the plan will start. */
export function countActions(plan: Plan): number {
  return plan.targets.filter(
    (target) => (target.type === 'ecs-service' && target.decision === 'redeploy') || (target.type === 'batch-job' && target.decision === 'resubmit'),
  ).length;
}

/**
 * In an automatic run that can deliver its changes again (the intake queue), targets the time budget left
 * unstarted are not failures: they become `deferred`, due now, and their changes are delivered again at once, so
 * the next invocation finishes the job (a batch larger than one invocation can deploy takes several) instead of
 * waiting for the queue's visibility timeout. Everything they answer stays unrecorded until then.
 */
export function continueLater(execution: Execution, now: Date): Execution {
  const due = now.toISOString();
  const results = execution.results.map((result): TargetResult => {
    const report = result.report;
    if (report.status !== 'failed' || !('error' in report) || report.error !== NOT_STARTED) return result;
    const { error: _error, ...rest } = report;
    const reason = `not started: the time budget ran out before this action; the change is delivered again at once to finish (${report.reason})`;
    return { ...result, report: { ...rest, status: 'deferred', due, reason } as TargetReport };
  });
  return { ...execution, results };
}

/**
 * When each change with deferred targets is due again: the earliest `due` among them (the rest are deferred again
 * then, if still not due). Change id → ISO-8601 time.
 */
export function redeliveries(changes: readonly IdentifiedChange[], targets: readonly TargetReport[]): Map<string, string> {
  const due = new Map<string, string>();
  for (const change of changes) {
    const times = targets
      .filter((target) => target.status === 'deferred' && target.changes.includes(change.id))
      .map((target) => ('due' in target && target.due ? Date.parse(target.due) : Number.NaN))
      .filter((time) => !Number.isNaN(time));
    if (times.length > 0) due.set(change.id, new Date(Math.min(...times)).toISOString());
  }
  return due;
}
