import type { Context } from 'aws-lambda';
import { type AwsClients, createAwsClients } from '../aws/clients.js';
import { type Config, loadConfig } from '../config/config.js';
import { TargetsFailedError } from '../errors.js';
import { createPipelineDependencies } from '../pipeline/dependencies.js';
import { type RefreshRequest, runRefresh } from '../pipeline/run-refresh.js';
import { reportFailed } from '../report/build-report.js';
import type { RefreshReport } from '../report/types.js';
import { recordRunMetrics } from '../report/run-metrics.js';
import { logger } from './logger.js';
import { metrics } from './metrics.js';

let config: Config | undefined;
let clients: AwsClients | undefined;

/** Configuration, read once per execution environment (a cold start), validated. */
function lambdaConfig(): Config {
  config ??= loadConfig(process.env);
  return config;
}

/**
 * Runs the pipeline for a Lambda invocation: logs the report, returns it, and fails the invocation when a
 * target failed, so Lambda retries the event (twice) and then sends it to the on-failure destination.
 * Retrying is safe: services already redeployed are then "already fresh".
 */
export async function runInLambda(request: RefreshRequest, context: Context, dryRun?: boolean): Promise<RefreshReport> {
  const current = lambdaConfig();
  clients ??= createAwsClients();
  const dependencies = createPipelineDependencies(current, { lambdaContext: context, clients });
  const report = await runRefresh(request, current, dependencies, dryRun === undefined ? {} : { dryRun });
  recordRunMetrics(metrics, report, new Date());
  if (reportFailed(report)) {
    logger.error('secret-refresh run failed', { report });
    const failed = report.targets.filter((target) => target.status === 'failed').map((target) => `${target.arn} (${'error' in target ? target.error : 'failed'})`);
    throw new TargetsFailedError(
      `${report.summary.failed} target(s) failed${failed.length ? `: ${failed.join('; ')}` : ''}; the full report is in the log`,
      report,
    );
  }
  logger.info('secret-refresh run finished', { report });
  return report;
}
