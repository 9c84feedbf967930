import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../lib/lambda/logger.js';
import { runRolloutStepInLambda } from '../lib/lambda/run-rollout-step-in-lambda.js';

/**
 * The rollout state machine's Tasks (statemachine/rollout.asl.json): `{ "action", "rollout", "progress", "error" }` →
 * the rollout's next progress (approval, windows, deploy a wave, check a wave, finish).
 */
export const handler = middy((input: unknown) => runRolloutStepInLambda(input)).use(injectLambdaContext(logger, { clearState: true }));
