import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/lambda/logger.js';
import { metrics } from '../lib/lambda/metrics.js';
import { runInLambda } from '../lib/lambda/run-in-lambda.js';

/**
 * EventBridge: aws.secretsmanager "Secret Label Updated", CloudTrail API calls and rotation service
 * events → refresh readers of the secret when a new value became current.
 */
export const handler = middy((event: unknown, context: Context) => runInLambda({ type: 'event', event }, context))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics));
