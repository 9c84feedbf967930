import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../lib/lambda/logger.js';
import { runAuditInLambda } from '../lib/lambda/run-audit-in-lambda.js';

/** Daily (schedule) staleness audit: services running with a value older than the current one. Report-only. */
export const handler = middy(() => runAuditInLambda()).use(injectLambdaContext(logger, { clearState: true }));
