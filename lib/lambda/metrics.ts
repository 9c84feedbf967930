import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../report/run-metrics.js';

/** The Lambda functions' metrics (EMF, flushed by the middy middleware at the end of each invocation). */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'secret-refresh' });
