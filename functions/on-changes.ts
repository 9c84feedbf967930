import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/lambda/logger.js';
import { metrics } from '../lib/lambda/metrics.js';
import { runChangesInLambda } from '../lib/lambda/run-changes-in-lambda.js';

/**
 * SQS intake queue (fed by the EventBridge rules for SSM and Secrets Manager changes), in batches gathered over the
 * settle window → one run per batch; answers `{ batchItemFailures }` so only unfinished messages come back.
 */
export const handler = middy((event: unknown, context: Context) => runChangesInLambda(event, context))
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics));
