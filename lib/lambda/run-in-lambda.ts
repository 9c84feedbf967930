import type { Context } from 'aws-lambda';
import { TargetsFailedError } from '../errors.js';
import { type RefreshRequest, runRefresh } from '../pipeline/run-refresh.js';
import { reportFailed } from '../report/build-report.js';
import { recordRunMetrics } from '../report/run-metrics.js';
import type { RefreshReport } from '../report/types.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';
import { metrics } from './metrics.js';

/** Time kept free at the end of an invocation to report and log. */
export const DEADLINE_MARGIN_MS = 30_000;

/**
 * Runs the pipeline for a direct invocation (the manual `refresh` function): logs the report, returns it, and
 * fails the invocation when a target failed, so the caller sees it. Running it again is safe: with the change
 * record and the already-fresh rule nothing is done twice. Holds the account's lease like every run that acts.
 */
export async function runInLambda(request: RefreshRequest, context: Context, dryRun?: boolean): Promise<RefreshReport> {
  const { config: current, dependencies } = lambdaDependencies(context);
  // Stop starting actions 30 s before the Lambda timeout: report what was and was not done, and fail so the
  // event is retried (the retry skips what was done as already fresh).
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const now = Date.now();
  const deadline = remaining === undefined ? undefined : new Date(now + Math.max(0, remaining - DEADLINE_MARGIN_MS));
  const report = await runRefresh(request, current, dependencies, {
    ...(deadline && remaining !== undefined
      ? { deadline, leaseUntil: new Date(now + remaining), leaseWaitMs: Math.min(60_000, Math.floor(remaining / 3)) }
      : {}),
    ...(dryRun === undefined ? {} : { dryRun }),
  });
  recordRunMetrics(metrics, report, new Date());
  if (reportFailed(report)) {
    logger.error('secret-refresh run failed', { report });
    const failed = report.targets
      .filter((target) => target.status === 'failed')
      .map((target) => `${target.arn} (${'error' in target ? target.error : 'failed'})`);
    throw new TargetsFailedError(
      `${report.summary.failed} target(s) failed${failed.length ? `: ${failed.join('; ')}` : ''}; the full report is in the log`,
      report,
    );
  }
  logger.info('secret-refresh run finished', { report });
  return report;
}
