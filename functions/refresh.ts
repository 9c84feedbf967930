import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/lambda/logger.js';
import { metrics } from '../lib/lambda/metrics.js';
import { parseRefreshInput } from '../lib/lambda/refresh-input.js';
import { runInLambda } from '../lib/lambda/run-in-lambda.js';

/** Manual refresh: `{ "ref": "<arn or name>", "kind"?: "secret"|"parameter", "dryRun"?: bool, "confirmLarge"?: bool }` → report. */
export const handler = middy((input: unknown, context: Context) => {
  const { dryRun, ...request } = parseRefreshInput(input);
  return runInLambda({ type: 'manual', ...request }, context, dryRun);
})
  .use(injectLambdaContext(logger, { clearState: true }))
  .use(logMetrics(metrics));
