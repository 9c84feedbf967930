import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  type ExecutionStatus,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

export type { SFNClient };

/** What {@link startExecution} did: started the execution, or found it already there (a replayed or retried batch). */
export interface StartedExecution {
  readonly executionArn: string;
  readonly existed: boolean;
}

/** The ARN of execution `name` of `stateMachineArn` (`…:stateMachine:<machine>` → `…:execution:<machine>:<name>`). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * StartExecution of `stateMachineArn` named `name` with `input` (JSON). Names are unique per state machine for 90 days
 * after an execution closes: `ExecutionAlreadyExists` (same name, other input, or an execution that closed) means this
 * rollout exists already, and is answered as such; for a Standard workflow the same name and input while it runs
 * returns the running execution's ARN (AWS), which is the same answer.
 */
export async function startExecution(client: SFNClient, stateMachineArn: string, name: string, input: string): Promise<StartedExecution> {
  try {
    const output = await client.send(new StartExecutionCommand({ stateMachineArn, name, input }));
    return { executionArn: output.executionArn ?? executionArnOf(stateMachineArn, name), existed: false };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists || (error as Error).name === 'ExecutionAlreadyExists') {
      return { executionArn: executionArnOf(stateMachineArn, name), existed: true };
    }
    throw error;
  }
}

/** One execution as `secret-refresh rollouts` lists it. */
export interface ExecutionSummary {
  readonly name: string;
  readonly executionArn: string;
  readonly status: ExecutionStatus | string;
  readonly startDate?: string;
  readonly stopDate?: string;
}

/** The most recent `limit` executions of `stateMachineArn` (ListExecutions, newest first, one page of up to 100). */
export async function listExecutions(client: SFNClient, stateMachineArn: string, limit: number): Promise<ExecutionSummary[]> {
  const output = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: Math.min(100, Math.max(1, limit)) }));
  return (output.executions ?? []).map((execution) => ({
    name: execution.name ?? '',
    executionArn: execution.executionArn ?? '',
    status: execution.status ?? 'UNKNOWN',
    ...(execution.startDate ? { startDate: execution.startDate.toISOString() } : {}),
    ...(execution.stopDate ? { stopDate: execution.stopDate.toISOString() } : {}),
  }));
}

/** DescribeExecution: its status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE), error and cause. */
export async function describeExecution(
  client: SFNClient,
  executionArn: string,
): Promise<{ readonly status: string; readonly error?: string; readonly cause?: string; readonly output?: string }> {
  const output = await client.send(new DescribeExecutionCommand({ executionArn }));
  return {
    status: output.status ?? 'UNKNOWN',
    ...(output.error ? { error: output.error } : {}),
    ...(output.cause ? { cause: output.cause } : {}),
    ...(output.output ? { output: output.output } : {}),
  };
}
