import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/lambda/logger.js';
import { runIndexInLambda } from '../lib/lambda/run-index-in-lambda.js';

/**
 * The service index's upkeep: hints from the hint queue (ECS events, CloudTrail) make the hinted services be read
 * again; the schedule reconciles the index with a full scan.
 */
export const handler = middy((event: unknown, context: Context) => runIndexInLambda(event, context)).use(injectLambdaContext(logger, { clearState: true }));
