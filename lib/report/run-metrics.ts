import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RefreshReport } from './types.js';

/** CloudWatch namespace of secret-refresh's metrics. */
export const METRICS_NAMESPACE = 'SecretRefresh';

/**
 * Records one run's metrics (CloudWatch EMF through Powertools Metrics; no API call, no extra permission):
 * `TargetsMatched`, `Redeployed` (ECS), `Resubmitted` (Batch), `Failed`, `Deferred`, `Skipped` per `Reason` (the
 * skip code), and `ChangeToActionLatency`: milliseconds from the earliest change acted on to the end of the
 * actions, for runs that acted. Dry runs record `Planned` instead of acting.
 */
export function recordRunMetrics(metrics: Metrics, report: RefreshReport, now: Date): void {
  const done = (type: string) => report.targets.filter((target) => target.type === type && target.status === 'done').length;
  metrics.addMetric('TargetsMatched', MetricUnit.Count, report.targets.length);
  metrics.addMetric('Redeployed', MetricUnit.Count, done('ecs-service'));
  metrics.addMetric('Resubmitted', MetricUnit.Count, done('batch-job'));
  metrics.addMetric('Planned', MetricUnit.Count, report.summary.planned);
  metrics.addMetric('Failed', MetricUnit.Count, report.summary.failed);
  const acted = report.summary.done > 0;
  // From the earliest change the run acted on (a batch waits for its settle window: that wait is part of the latency).
  const times = report.changes.filter((entry) => entry.decision === 'act' && entry.time).map((entry) => Date.parse(entry.time as string));
  if (acted && times.length > 0) metrics.addMetric('ChangeToActionLatency', MetricUnit.Milliseconds, Math.max(0, now.getTime() - Math.min(...times)));
  metrics.addMetric('Deferred', MetricUnit.Count, report.summary.deferred);
  const skippedByReason = new Map<string, number>();
  for (const target of report.targets) {
    if (target.status !== 'skipped') continue;
    const reason = target.code ?? 'other';
    skippedByReason.set(reason, (skippedByReason.get(reason) ?? 0) + 1);
  }
  for (const [reason, count] of skippedByReason) {
    metrics.singleMetric().addDimension('Reason', reason).addMetric('Skipped', MetricUnit.Count, count);
  }
}
