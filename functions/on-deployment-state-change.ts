import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../lib/lambda/logger.js';
import { runDeploymentEventInLambda } from '../lib/lambda/run-deployment-event-in-lambda.js';

/**
 * EventBridge: aws.ecs "ECS Deployment State Change" → outcome tracking of the deployments secret-refresh
 * started: next wave on COMPLETED (SECRET_REFRESH_WAIT_FOR_STEADY), `Secret Refresh Deployment Failed` on FAILED.
 */
export const handler = middy((event: unknown) => runDeploymentEventInLambda(event)).use(injectLambdaContext(logger, { clearState: true }));
