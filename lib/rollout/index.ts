/**
 * Rollouts on AWS Step Functions: a plan whose redeploys need more than one immediate wave (several waves, a
 * steady-state wait, a maintenance window, an approval) becomes one execution of the rollout state machine
 * (statemachine/rollout.asl.json). This folder holds what decides that and names the rollout (pure), what starts it,
 * the steps its Tasks run (the `rolloutStep` Lambda, over the same deploy step as a direct run), the windows' syntax
 * and arithmetic, and the rollout items of the state table (status, approvals, newest rollouts).
 */
export { deploymentFailedDetail, ROLLBACK_NOTE, type RolloutLists, rolloutLists, rolloutOutcome } from './outcome.js';
export {
  APPROVAL_POLL_SECONDS,
  buildRolloutPlan,
  needsApproval,
  type RolloutSettings,
  rolloutName,
  rolloutReasons,
  WAVE_POLL_SECONDS,
  windowVerdict,
} from './plan-rollout.js';
export { type ApprovalRecord, dynamoDbRolloutRecords, type RolloutRecords, type RolloutStatusRecord } from './rollout-records.js';
export { type RolloutStepDependencies, requireRecords, runRolloutStep } from './run-step.js';
export { executionInput, initialProgress, type RolloutEngine, stepFunctionsEngine } from './start-rollout.js';
export * from './types.js';
export { nextOpening, parseSchedule, type Schedule, ScheduleSyntaxError } from './windows.js';
