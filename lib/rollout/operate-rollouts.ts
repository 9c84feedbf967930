import type { AwsClients } from '../aws/clients.js';
import { describeExecution, executionArnOf, listExecutions } from '../aws/step-functions.js';
import { InvalidInputError } from '../errors.js';
import type { RolloutRecords, RolloutStatusRecord } from './rollout-records.js';

/** One rollout as `secret-refresh rollouts` shows it: the execution's state and where the rollout is. */
export interface RolloutView {
  readonly name: string;
  readonly executionArn: string;
  /** The execution: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED. */
  readonly execution: string;
  /** Where the rollout is (`waiting-window`, `approval-pending`, `wave-in-progress`, `completed`…), when recorded. */
  readonly status?: string;
  readonly wave?: number;
  readonly waves?: number;
  readonly services?: number;
  readonly changes?: readonly string[];
  /** Why it waits, and until when, while it waits for a window; `approval-pending`: how to answer. */
  readonly waiting?: { readonly reason: string; readonly until?: string };
  readonly why?: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
}

/** The rollout name in `nameOrArn` (an execution name, or an execution ARN whose last part it is). */
export function rolloutNameOf(nameOrArn: string): string {
  const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':').pop() ?? '') : nameOrArn.trim();
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
    throw new InvalidInputError(`"${nameOrArn}" is not a rollout: give its name as secret-refresh rollouts lists it (or its execution ARN)`);
  }
  return name;
}

function viewOf(name: string, executionArn: string, execution: string, record: RolloutStatusRecord | undefined, times: Partial<RolloutView>): RolloutView {
  const waiting =
    record?.status === 'waiting-window' && record.waitingReason
      ? { reason: record.waitingReason, ...(record.opensAt ? { until: record.opensAt } : {}) }
      : record?.status === 'approval-pending'
        ? { reason: `waits for an approval: secret-refresh approve ${name} (or reject ${name})` }
        : undefined;
  return {
    name,
    executionArn,
    execution,
    ...(record
      ? {
          status: record.status,
          wave: record.wave,
          waves: record.waves,
          services: record.services,
          changes: record.changes,
          ...(record.why ? { why: record.why } : {}),
        }
      : {}),
    ...(waiting ? { waiting } : {}),
    ...times,
  };
}

/**
 * The most recent rollouts (ListExecutions of the state machine, newest first) with where each one is (its status
 * item in the state table, when `records` is given).
 */
export async function listRollouts(
  clients: AwsClients,
  stateMachineArn: string,
  homeRegion: string,
  records: RolloutRecords | undefined,
  limit = 20,
): Promise<RolloutView[]> {
  const executions = await listExecutions(clients.sfn(regionOf(stateMachineArn, homeRegion)), stateMachineArn, limit);
  const views: RolloutView[] = [];
  for (const execution of executions) {
    const record = records ? await records.status(execution.name) : undefined;
    views.push(
      viewOf(execution.name, execution.executionArn, execution.status, record, {
        ...(execution.startDate ? { startedAt: execution.startDate } : {}),
        ...(execution.stopDate ? { stoppedAt: execution.stopDate } : {}),
      }),
    );
  }
  return views;
}

/**
 * Answers the approval rollout `nameOrArn` waits for (`secret-refresh approve|reject`): the rollout's next look at it
 * (every few minutes) goes on or stops.
 *
 * @throws {InvalidInputError} when the rollout does not wait for an approval (never asked, answered already).
 */
export async function answerApproval(
  records: RolloutRecords,
  nameOrArn: string,
  answer: 'approved' | 'rejected',
  by: string,
  now: Date,
): Promise<{ readonly name: string }> {
  const name = rolloutNameOf(nameOrArn);
  if (await records.answerApproval(name, answer, by, now)) return { name };
  const existing = await records.approval(name);
  if (!existing) throw new InvalidInputError(`rollout ${name} does not wait for an approval (no approval was asked for it; see secret-refresh rollouts)`);
  throw new InvalidInputError(
    `rollout ${name} was ${existing.status} already${existing.answeredBy ? ` by ${existing.answeredBy}` : ''}${existing.answeredAt ? ` at ${existing.answeredAt}` : ''}`,
  );
}

/** How a followed rollout ended: the execution's state and, when recorded, where the rollout stopped and why. */
export interface FollowedRollout {
  readonly execution: string;
  readonly status?: string;
  readonly why?: string;
  readonly error?: string;
}

/**
 * Follows the rollout `name` of `stateMachineArn` to its end (`refresh --wait`): looks every `intervalMs`, tells
 * `onChange` each time where it is changes, and resolves with how it ended.
 */
export async function followRollout(
  clients: AwsClients,
  stateMachineArn: string,
  homeRegion: string,
  name: string,
  records: RolloutRecords | undefined,
  onChange: (view: RolloutView) => void,
  sleep: (ms: number) => Promise<void>,
  intervalMs = 10_000,
): Promise<FollowedRollout> {
  const client = clients.sfn(regionOf(stateMachineArn, homeRegion));
  const executionArn = executionArnOf(stateMachineArn, name);
  let last = '';
  for (;;) {
    const execution = await describeExecution(client, executionArn);
    const record = records ? await records.status(name) : undefined;
    const view = viewOf(name, executionArn, execution.status, record, {});
    const seen = JSON.stringify([view.execution, view.status, view.wave, view.waiting]);
    if (seen !== last) onChange(view);
    last = seen;
    if (execution.status !== 'RUNNING') {
      return {
        execution: execution.status,
        ...(record?.status ? { status: record.status } : {}),
        ...(record?.why ? { why: record.why } : {}),
        ...(execution.error ? { error: execution.error } : {}),
      };
    }
    await sleep(intervalMs);
  }
}

function regionOf(stateMachineArn: string, homeRegion: string): string {
  return /^arn:[^:]+:states:([a-z0-9-]+):/.exec(stateMachineArn)?.[1] ?? homeRegion;
}
