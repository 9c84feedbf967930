import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RefreshReport } from './types.js';

/** CloudWatch namespace of secret-refresh's metrics. */
export const METRICS_NAMESPACE = 'SecretRefresh';

/**
 * Records one run's metrics (CloudWatch EMF through Powertools Metrics; no API call, no extra permission):
 * `TargetsMatched`, `Redeployed` (ECS), `Resubmitted` (Batch), `Failed`, `Skipped` per `Reason` (the skip
 * code), and `ChangeToActionLatency`: milliseconds from the change's time to the end of the actions, for
 * runs that acted. Dry runs record `Planned` instead of acting.
 */
export function recordRunMetrics(metrics: Metrics, report: RefreshReport, now: Date): void {
  const done = (type: string) => report.targets.filter((target) => target.type === type && target.status === 'done').length;
  metrics.addMetric('TargetsMatched', MetricUnit.Count, report.targets.length);
  metrics.addMetric('Redeployed', MetricUnit.Count, done('ecs-service'));
  metrics.addMetric('Resubmitted', MetricUnit.Count, done('batch-job'));
  metrics.addMetric('Planned', MetricUnit.Count, report.summary.planned);
  metrics.addMetric('Failed', MetricUnit.Count, report.summary.failed);
  const acted = report.summary.done > 0;
  if (acted) metrics.addMetric('ChangeToActionLatency', MetricUnit.Milliseconds, Math.max(0, now.getTime() - Date.parse(report.change.time)));
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
