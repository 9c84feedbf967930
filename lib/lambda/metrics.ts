import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../report/run-metrics.js';
import { logger } from './logger.js';

/**
 * The Lambda functions' metrics (EMF, flushed by the middy middleware at the end of each invocation). Its own
 * warnings (such as "No application metrics to publish" after an invocation refused before any run, a malformed
 * input) go through the functions' logger: one structured WARN line with the invocation's context, at the level
 * `POWERTOOLS_LOG_LEVEL` sets, instead of bare text on stderr that no log level controls. The EMF output itself
 * always goes to stdout.
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'secret-refresh', logger });
