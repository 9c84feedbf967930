import { readFileSync } from 'node:fs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { StateMachine } from 'aws-local-stepfunctions';
import { executionInput, type RolloutEngine, type RolloutProgress, type RolloutStepDependencies, runRolloutStep } from '../../lib/rollout/index.js';
import type { RolloutPlan, RolloutStepInput } from '../../lib/rollout/types.js';

// aws-local-stepfunctions 3.0.0 uses Promise.withResolvers (Node.js 22); the project supports Node.js 20.19 too, where
// tests may run: the same few lines as the standard's.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

/** The deployed definition, as serverless.yml gives it to CloudFormation (before DefinitionSubstitutions). */
export const DEFINITION_TEXT = readFileSync(new URL('../../statemachine/rollout.asl.json', import.meta.url), 'utf8');

/** The function ARN CloudFormation substitutes for `${RolloutStepFunctionArn}`; here every Task runs in-process. */
export const ROLLOUT_STEP_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:secret-refresh-test-rolloutStep';

/** The definition with its substitution made, as Step Functions runs it. */
export function deployedDefinition(): Record<string, unknown> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's DefinitionSubstitutions syntax, not a JavaScript template
  return JSON.parse(DEFINITION_TEXT.replaceAll('${RolloutStepFunctionArn}', ROLLOUT_STEP_ARN)) as Record<string, unknown>;
}

/** The Task and Wait state names of the definition. */
function statesOf(type: 'Task' | 'Wait'): string[] {
  const states = (deployedDefinition() as { States: Record<string, { Type: string }> }).States;
  return Object.entries(states)
    .filter(([, state]) => state.Type === type)
    .map(([name]) => name);
}

/** One event of an execution's history, as aws-local-stepfunctions logs it (only what is read here). */
export type EventLog = { readonly type: string; readonly state?: { readonly name: string } };

/** One execution run by {@link localRollouts}: its plan, its end, and its history. */
export interface LocalExecution {
  readonly plan: RolloutPlan;
  /** Resolves when the execution ends: `SUCCEEDED` with the output, or `FAILED` with the Fail state's Error. */
  readonly done: Promise<{ status: 'SUCCEEDED' | 'FAILED'; output?: RolloutProgress; error?: string }>;
  /** The execution's history (aws-local-stepfunctions event logs), complete once `done` resolved. */
  readonly events: EventLog[];
}

/** What {@link localRollouts} gives a test. */
export interface LocalRollouts {
  /** A rollout engine whose StartExecution runs the real definition in-process (a name runs once, like in AWS). */
  readonly engine: RolloutEngine;
  readonly executions: Map<string, LocalExecution>;
  /** The rollout steps' clock: starts at the wall clock; each Wait state moves it on by what it would have waited. */
  readonly clock: { now: Date };
  /** Runs `plan` as an execution now (the engine does this on start). */
  run(plan: RolloutPlan): LocalExecution;
}

/**
 * Executes the rollout state machine as deployed (statemachine/rollout.asl.json) with aws-local-stepfunctions: every
 * Task state runs the `rolloutStep` Lambda's code in-process (`runRolloutStep`, against moto through `dependencies`),
 * Wait states last a millisecond, and the steps' clock moves on by what each Wait would have waited (the poll
 * interval, up to the window's opening), so timeouts and windows behave as they would over hours. `beforeStep` runs
 * before each Task (a test answers an approval or rotates a secret there). Step Functions' own retries wait 0 ms.
 */
export function localRollouts(
  dependencies: Omit<RolloutStepDependencies, 'now'>,
  beforeStep?: (input: RolloutStepInput, state: string) => Promise<void> | void,
): LocalRollouts {
  const clock = { now: new Date() };
  const executions = new Map<string, LocalExecution>();
  const machine = new StateMachine(deployedDefinition() as never);
  const step = (state: string) => async (input: unknown) => {
    const stepInput = input as RolloutStepInput;
    const progress = stepInput.progress;
    // The Wait state before this Task: what it waited for, on the steps' clock.
    if (progress.status === 'waiting-window' && progress.opensAt) clock.now = new Date(Math.max(clock.now.getTime(), Date.parse(progress.opensAt)));
    if (progress.status === 'wave-in-progress') clock.now = new Date(clock.now.getTime() + stepInput.rollout.pollSeconds * 1000);
    if (progress.status === 'approval-pending') clock.now = new Date(clock.now.getTime() + stepInput.rollout.approvalPollSeconds * 1000);
    await beforeStep?.(stepInput, state);
    return (await runRolloutStep(input, { ...dependencies, now: () => clock.now })) as never;
  };
  const run = (plan: RolloutPlan): LocalExecution => {
    const execution = machine.run(JSON.parse(executionInput(plan)), {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(statesOf('Task').map((state) => [state, step(state)])),
        waitTimeOverrides: Object.fromEntries(statesOf('Wait').map((state) => [state, 1])),
        retryIntervalOverrides: Object.fromEntries(statesOf('Task').map((state) => [state, 0])),
      },
    });
    const events: EventLog[] = [];
    const logged = (async () => {
      for await (const event of execution.eventLogs) events.push(event as EventLog);
    })();
    const done = execution.result.then(
      (output) => ({ status: 'SUCCEEDED' as const, output: (output as unknown as { progress: RolloutProgress }).progress }),
      (error: Error) => ({ status: 'FAILED' as const, error: (error.cause as Error | undefined)?.name ?? error.name }),
    );
    const local: LocalExecution = {
      plan,
      events,
      done: done.then(async (result) => {
        await logged;
        return result;
      }),
    };
    executions.set(plan.name, local);
    return local;
  };
  const engine: RolloutEngine = {
    async start(plan) {
      const executionArn = `arn:aws:states:us-east-1:123456789012:execution:secret-refresh-test-rollout:${plan.name}`;
      if (executions.has(plan.name)) return { executionArn, existed: true };
      run(plan);
      return { executionArn, existed: false };
    },
  };
  return { engine, executions, clock, run };
}

/** The state transitions of an execution (what Standard workflows bill): one per state entered. */
export function stateTransitions(events: readonly EventLog[]): number {
  return events.filter((event) => event.type === 'StateEntered').length;
}

/** The states an execution entered, in order. */
export function statesEntered(events: readonly EventLog[]): string[] {
  return events.flatMap((event) => (event.type === 'StateEntered' && event.state ? [event.state.name] : []));
}

/** ECS `rolloutState` of one deployment, as a test decides it. */
export type DeploymentState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/**
 * Fills moto 5.2.1's gap in ECS deployment states on a real, moto-pointed ECS client: moto gives every deployment the
 * `rolloutState` it had when the service was created and never moves it (no tasks reach a steady state, no circuit
 * breaker trips). This sets the `rolloutState` (and reason) of each deployment DescribeServices returns to what
 * `decide` says for that service and deployment; everything else is moto's own answer.
 */
export function serveDeploymentStates(client: ECSClient, decide: (serviceName: string, deploymentId: string) => DeploymentState): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'DescribeServicesCommand') {
        const output = result.output as {
          services?: { serviceName?: string; deployments?: { id?: string; rolloutState?: string; rolloutStateReason?: string }[] }[];
        };
        for (const service of output.services ?? []) {
          for (const deployment of service.deployments ?? []) {
            const state = decide(service.serviceName ?? '', deployment.id ?? '');
            deployment.rolloutState = state;
            deployment.rolloutStateReason =
              state === 'FAILED' ? 'ECS deployment circuit breaker: tasks failed to start.' : `ECS deployment ${deployment.id} ${state.toLowerCase()}.`;
          }
        }
      }
      return result;
    },
    { step: 'initialize', name: 'motoDeploymentStatesGap' },
  );
}
