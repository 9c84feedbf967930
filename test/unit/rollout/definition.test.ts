/**
 * The rollout state machine's definition as deployed (statemachine/rollout.asl.json): valid Amazon States Language
 * (asl-validator, in the suite so CI runs it), every Task the rolloutStep Lambda with retries and a catch, every
 * Choice on a status the steps return, and nothing a local executor would run but AWS would not (no moto-only
 * `aws-sdk:` integration, no task token).
 */
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { ROLLOUT_ACTIONS, type RolloutStatus } from '../../../lib/rollout/types.js';
import { DEFINITION_TEXT, deployedDefinition } from '../../support/local-rollouts.js';

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Retry?: unknown[];
  readonly Catch?: { Next: string }[];
  readonly Choices?: { Variable: string; StringEquals?: string; Next: string }[];
  readonly Next?: string;
  readonly Default?: string;
}
const definition = deployedDefinition() as { StartAt: string; States: Record<string, State> };
const states = Object.entries(definition.States);

describe('the rollout state machine definition', () => {
  it('is valid Amazon States Language (asl-validator 4, paths and ARNs checked)', () => {
    const { isValid, errorsText } = aslValidator(definition as never);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('runs every Task on the rolloutStep Lambda, by the substitution CloudFormation fills, with an action the step knows', () => {
    const tasks = states.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's DefinitionSubstitutions syntax, not a JavaScript template
    expect(DEFINITION_TEXT.match(/"Resource": "[^"]*"/g)?.every((line) => line === '"Resource": "${RolloutStepFunctionArn}"')).toBe(true);
    for (const [name, state] of tasks) {
      expect(ROLLOUT_ACTIONS, name).toContain(state.Parameters?.action);
      expect(state.Parameters, name).toMatchObject({ 'rollout.$': '$.rollout', 'progress.$': '$.progress', 'error.$': '$.error' });
      expect(state.Retry?.length, name).toBeGreaterThan(0);
      expect(state.Catch?.[0]?.Next, name).toBe(name === 'Finish' ? 'RolloutFailed' : 'Finish');
    }
    expect(DEFINITION_TEXT).not.toMatch(/arn:aws:states:::aws-sdk:|waitForTaskToken|\.sync/);
  });

  it('branches only on statuses the steps return, and every state is reachable', () => {
    const statuses: RolloutStatus[] = [
      'approved',
      'approval-pending',
      'ready',
      'waiting-window',
      'wave-in-progress',
      'wave-completed',
      'completed',
      'superseded',
      'rejected',
      'approval-timed-out',
    ];
    const reachable = new Set([definition.StartAt]);
    for (const [name, state] of states) {
      for (const choice of state.Choices ?? []) {
        if (choice.Variable === '$.progress.status') expect(statuses, name).toContain(choice.StringEquals);
        reachable.add(choice.Next);
      }
      for (const next of [state.Next, state.Default, ...(state.Catch ?? []).map((c) => c.Next)]) if (next) reachable.add(next);
    }
    expect([...reachable].sort()).toEqual(states.map(([name]) => name).sort());
  });
});
