import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/lambda/logger.js';
import { metrics } from '../lib/lambda/metrics.js';
import { runInLambda } from '../lib/lambda/run-in-lambda.js';

/** EventBridge: aws.ssm "Parameter Store Change" / "Parameter Store Policy Action" → refresh readers. */
export const handler = middy((event: unknown, context: Context) => runInLambda({ type: 'event', event }, context))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics));
