import type { AwsClients } from '../aws/clients.js';
import { type StartedExecution, startExecution } from '../aws/step-functions.js';
import type { RolloutPlan, RolloutProgress } from './types.js';

/** Starts rollouts: an execution of the rollout state machine per rollout (`SECRET_REFRESH_STATE_MACHINE_ARN`). */
export interface RolloutEngine {
  /** Starts `plan`'s execution, or finds it started already (the same name: a replayed or retried batch). */
  start(plan: RolloutPlan): Promise<StartedExecution>;
}

/** Where a rollout starts: before its first wave, nothing deployed. */
export function initialProgress(): RolloutProgress {
  return { status: 'starting', wave: 0, deployments: [], skipped: [] };
}

/**
 * The execution's input: the rollout, its progress, and `error: null` (every Task passes `$.error` on, which a Catch
 * fills; a path to a missing field would fail the execution).
 */
export function executionInput(plan: RolloutPlan): string {
  return JSON.stringify({ rollout: plan, progress: initialProgress(), error: null });
}

/**
 * The {@link RolloutEngine} on AWS Step Functions: StartExecution of `stateMachineArn` (home Region) named after the
 * rollout.
 *
 * @example
 * const engine = stepFunctionsEngine(clients, config.stateMachineArn, config.homeRegion);
 */
export function stepFunctionsEngine(clients: AwsClients, stateMachineArn: string, homeRegion: string): RolloutEngine {
  const region = /^arn:[^:]+:states:([a-z0-9-]+):/.exec(stateMachineArn)?.[1] ?? homeRegion;
  return { start: (plan) => startExecution(clients.sfn(region), stateMachineArn, plan.name, executionInput(plan)) };
}
