import type { ChangeRecord, StateTable } from '../aws/state-table.js';
import { type IdentifiedChange, momentOf } from '../changes/index.js';
import type { TargetReport } from '../report/types.js';

/** How long a handled change is remembered: late duplicates (CloudTrail delivers up to ~15 minutes late) and replays. */
export const CHANGE_RECORD_TTL_SECONDS = 24 * 3600;

/**
 * The key of a change's record: the secret or parameter (canonical ARN), the version that became current, and for a
 * parameter its `LastModifiedDate` (a parameter deleted and re-created restarts at version 1). `undefined` for a
 * change that deploys nothing (a deletion) or has no version.
 *
 * @example
 * recordKey(change) // → 'change#arn:aws:ssm:us-east-1:111122223333:parameter/a/b#3#2026-11-20T10:00:20.000Z'
 */
export function recordKey(change: IdentifiedChange): string | undefined {
  if ((change.effect !== 'new-current-value' && change.effect !== 'label-moved') || !change.arn || !change.versionId) return undefined;
  return `change#${change.arn}#${change.versionId}${change.kind === 'parameter' && change.versionDate ? `#${change.versionDate}` : ''}`;
}

/** What the record says about a change. */
export type RecordVerdict =
  /** Never handled, or handled before this value became current again (a revert): act on every label. */
  | { readonly status: 'new' }
  /** Handled, and nothing new: a duplicate signal or a replay. */
  | { readonly status: 'handled'; readonly record: ChangeRecord; readonly reason: string }
  /** Handled for some labels only: act on `labels`, the ones not handled yet. */
  | { readonly status: 'more-labels'; readonly record: ChangeRecord; readonly labels: readonly string[] };

/**
 * Compares a change with its record. The record covers the change when the change's value became current in a
 * whole second before the recorded run started acting (every deployment that run made reads it): one rotation's
 * second and third signals, a replay, a late CloudTrail event. A value that became current again after that (a
 * secret reverted to this version) is a new change. Labels accumulate: a label event for a version whose labels
 * were all handled adds nothing, so readers pinned to a custom label are never deployed twice for it.
 */
export function judgeChange(change: IdentifiedChange, record: ChangeRecord | undefined): RecordVerdict {
  if (!record) return { status: 'new' };
  const covered = Math.floor(momentOf(change) / 1000) < Math.floor(Date.parse(record.handledAt) / 1000);
  if (!covered) return { status: 'new' };
  const labels = change.labels.filter((label) => !record.labels.includes(label));
  if (labels.length === 0) {
    const outcome = record.outcome === 'refused' ? "refused (see that run's alert)" : 'handled';
    return {
      status: 'handled',
      record,
      reason: `duplicate: this change (same ${change.kind} and version, current since ${change.currentSince ?? change.time}) was ${outcome} by a run at ${record.handledAt}; nothing was done`,
    };
  }
  return { status: 'more-labels', record, labels };
}

/** What a run did for one change, to decide whether it is recorded. */
export interface ChangeOutcome {
  readonly change: IdentifiedChange;
  /** The record found before the run (its labels accumulate). */
  readonly previous?: ChangeRecord;
  readonly targets: readonly TargetReport[];
  /** The run could not see every reader (inventory problems): nothing it answered is recorded. */
  readonly incomplete: boolean;
  readonly refused: boolean;
  readonly handledAt: Date;
}

/**
 * The record to write for a change after the actions, or `undefined` when it must not be recorded: a change
 * with a failed or deferred target, or handled by a run that could not see every reader, is not handled yet (its
 * redelivery must act again).
 */
export function recordFor(outcome: ChangeOutcome): ChangeRecord | undefined {
  const key = recordKey(outcome.change);
  if (!key || outcome.incomplete) return undefined;
  // `waiting`: a later wave, started by the deployment tracker when the earlier one completes; handled, not open.
  const open = outcome.targets.some((target) => target.status === 'failed' || target.status === 'deferred');
  if (open) return undefined;
  const count = (status: TargetReport['status']) => outcome.targets.filter((target) => target.status === status).length;
  const { change, previous } = outcome;
  const covered = previous && judgeChange(change, previous).status !== 'new';
  return {
    key,
    arn: change.arn as string,
    versionId: change.versionId as string,
    ...(change.versionDate ? { versionDate: change.versionDate } : {}),
    since: covered ? previous.since : (change.currentSince ?? change.time),
    handledAt: outcome.handledAt.toISOString(),
    labels: [...new Set([...(covered ? previous.labels : []), ...change.labels])],
    outcome: outcome.refused ? 'refused' : 'handled',
    counts: { targets: outcome.targets.length, done: count('done'), skipped: count('skipped') },
  };
}

/** Reads the records of `changes` (one GetItem each, consistent reads). Store errors propagate: the run fails. */
export async function readRecords(state: StateTable, changes: readonly IdentifiedChange[]): Promise<Map<string, ChangeRecord>> {
  const keys = changes.map(recordKey).filter((key): key is string => key !== undefined);
  return keys.length === 0 ? new Map() : state.changeRecords(keys);
}
