/**
 * Coalescing of a batch of detected changes: what the intake queue gathered in one settle window (or the files
 * given to `secret-refresh event`) becomes the few changes that really need acting on.
 *
 * Why here, in the Change step: "what changed" is a property of the batch, not of one message. One rotation
 * sends up to three signals (UpdateSecretVersionStage, Secret Label Updated, RotationSucceeded); a script that
 * rewrites a parameter sends one event per write; a late event names a version that was superseded since. Each
 * of those must cost at most one change, so the Plan lists each service once and Actions deploy it once.
 */
import type { BatchEntry, Change, DetectedInput, IdentifiedChange } from './types.js';

/** The batch after coalescing: one entry per input, and the changes to act on (each with its entry's id). */
export interface CoalescedBatch {
  readonly entries: readonly BatchEntry[];
  /** Changes that make or move a value (effect other than `none`), after merging: the Plan's input. */
  readonly changes: readonly IdentifiedChange[];
}

/** `c1`, `c2`…: the id of the batch's `index`-th input, what targets and reports refer to. */
export function changeId(index: number): string {
  return `c${index + 1}`;
}

/** When the change's value became current, in ms (see `Change.currentSince`). */
export function momentOf(change: Change): number {
  const moment = Date.parse(change.currentSince ?? change.time);
  return Number.isNaN(moment) ? 0 : moment;
}

/**
 * @internal The batch half of `detectChanges` (lib/changes/index.ts).
 *
 * Rules, per secret or parameter (same kind and canonical ARN):
 * - signals of the same version merge (labels united, the latest `currentSince` kept: conservative);
 * - an older version merges into the newest (a parameter's highest version; for secrets and re-created
 *   parameters, the latest moment);
 * - a custom-label move to the newest version merges into it; one to another version stays its own change (its
 *   readers pin that label, not AWSCURRENT);
 * - the latest of a deletion and a new value wins (a parameter deleted then re-created is a new value);
 * - a `none` change whose version was superseded (`stale`) merges into the batch's change of the same resource.
 * Invalid and undecidable inputs keep their own entries; nothing is dropped.
 *
 * @example
 * const { entries, changes } = coalesceChanges(await Promise.all(inputs.map(detect)));
 */
export function coalesceChanges(inputs: readonly DetectedInput[]): CoalescedBatch {
  const entries: BatchEntry[] = inputs.map((input, index) => entryOf(input, index));
  const groups = new Map<string, number[]>();
  for (const [index, input] of inputs.entries()) {
    if (input.status !== 'detected' || input.change.effect === 'none' || !input.change.arn) continue;
    const key = `${input.change.kind}|${input.change.arn}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  }
  const changes: IdentifiedChange[] = [];
  const survivorOf = new Map<string, string>();
  for (const [key, members] of groups) {
    const detected = members.map((index) => ({ index, change: (inputs[index] as Extract<DetectedInput, { status: 'detected' }>).change }));
    for (const group of mergeGroups(detected)) {
      const [survivor, ...merged] = group;
      if (!survivor) continue;
      const id = changeId(survivor.index);
      for (const member of merged) {
        entries[member.index] = {
          ...(entries[member.index] as BatchEntry),
          decision: 'merged',
          mergedInto: id,
          reason: `merged into ${id}: ${mergeReason(member.change, survivor.change)}`,
        };
      }
      changes.push({
        ...unite(
          survivor.change,
          merged.map((member) => member.change),
        ),
        id,
      });
      if (survivor.change.effect !== 'label-moved') survivorOf.set(key, id);
    }
  }
  // A superseded signal of a resource the batch changes anyway is part of that change.
  for (const [index, input] of inputs.entries()) {
    if (input.status !== 'detected' || !input.change.stale || !input.change.arn) continue;
    const into = survivorOf.get(`${input.change.kind}|${input.change.arn}`);
    if (into) {
      entries[index] = { ...(entries[index] as BatchEntry), decision: 'merged', mergedInto: into, reason: `merged into ${into}: ${input.change.reason}` };
    }
  }
  changes.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  return { entries, changes };
}

function entryOf(input: DetectedInput, index: number): BatchEntry {
  const base = { id: changeId(index), index, ...(input.source ? { source: input.source } : {}) };
  switch (input.status) {
    case 'invalid':
      return { ...base, decision: 'invalid', reason: input.error.message, error: `${input.error.name}: ${input.error.message}`, cause: input.error };
    case 'failed':
      return {
        ...base,
        decision: 'failed',
        reason: `could not be decided now (retried): ${input.error.message}`,
        error: `${input.error.name}: ${input.error.message}`,
        cause: input.error,
      };
    case 'detected':
      return { ...base, change: input.change, decision: input.change.effect === 'none' ? 'nothing-to-do' : 'act', reason: input.change.reason };
  }
}

interface Member {
  readonly index: number;
  readonly change: Change;
}

/** Newest first: the latest moment, then (parameters) the higher version, then the later input. */
function newestFirst(a: Member, b: Member): number {
  return (
    momentOf(b.change) - momentOf(a.change) ||
    (a.change.kind === 'parameter' ? Number(b.change.versionId ?? 0) - Number(a.change.versionId ?? 0) : 0) ||
    b.index - a.index
  );
}

/** The members of one resource's group, split into groups that each become one change (survivor first). */
function mergeGroups(members: readonly Member[]): Member[][] {
  const sorted = [...members].sort(newestFirst);
  const latest = sorted[0];
  if (!latest) return [];
  const values = sorted.filter((member) => member.change.effect !== 'label-moved');
  const latestValue = values[0];
  if (!latestValue) return byVersion(sorted);
  // Signals of the newest version: the first of them in the batch acts, the others merge into it.
  const newest = values
    .filter((member) => member.change.effect === latestValue.change.effect && member.change.versionId === latestValue.change.versionId)
    .reduce((first, member) => (member.index < first.index ? member : first));
  if (newest.change.effect === 'deleted') {
    // Deleted now: every value or label change before it is moot (never redeploy readers of a deleted value).
    const deletion = sorted.filter((member) => member.change.effect === 'deleted' || momentOf(member.change) <= momentOf(newest.change));
    const later = sorted.filter((member) => !deletion.includes(member));
    return [[newest, ...deletion.filter((member) => member !== newest)], ...byVersion(later)];
  }
  const sameVersion = (member: Member) => member.change.versionId === newest.change.versionId;
  const merged = sorted.filter((member) => member !== newest && (member.change.effect !== 'label-moved' || sameVersion(member)));
  const otherLabels = sorted.filter((member) => member.change.effect === 'label-moved' && !sameVersion(member));
  return [[newest, ...merged], ...byVersion(otherLabels)];
}

/** Label moves grouped by the version the labels moved to, newest member first in each group. */
function byVersion(members: readonly Member[]): Member[][] {
  const groups = new Map<string, Member[]>();
  for (const member of members) groups.set(member.change.versionId ?? '', [...(groups.get(member.change.versionId ?? '') ?? []), member]);
  return [...groups.values()];
}

/**
 * The survivor with what its merged members add: labels moved to the same version, the latest moment among
 * them (conservative: a service counts as fresh only if deployed after every signal's moment), their warnings.
 */
function unite(survivor: Change, merged: readonly Change[]): Change {
  const same = merged.filter((change) => change.versionId === survivor.versionId && change.effect !== 'deleted');
  if (same.length === 0 && merged.every((change) => change.warnings.length === 0)) return survivor;
  const labels = [...new Set([...survivor.labels, ...same.flatMap((change) => change.labels)])];
  const ordered = labels.includes('AWSCURRENT') ? ['AWSCURRENT', ...labels.filter((label) => label !== 'AWSCURRENT')] : labels;
  const latest = [survivor, ...same].reduce((a, b) => (momentOf(b) > momentOf(a) ? b : a));
  const warnings = [...new Set([...survivor.warnings, ...merged.flatMap((change) => change.warnings)])];
  return {
    ...survivor,
    labels: ordered,
    ...(survivor.currentSince !== undefined || latest !== survivor ? { currentSince: latest.currentSince ?? latest.time } : {}),
    warnings,
  };
}

function mergeReason(member: Change, survivor: Change): string {
  const what = `${member.origin.eventName}${member.versionId ? ` (version ${member.versionId})` : ''}`;
  if (member.effect === 'deleted') return `${what}: the ${member.kind} was deleted, then changed again in the same batch`;
  if (survivor.effect === 'deleted') return `${what}: the ${member.kind} was deleted later in the same batch`;
  if (member.versionId === survivor.versionId) return `${what} is another signal of the same change`;
  return `${what} is older than version ${survivor.versionId} of the same ${member.kind}, which the batch deploys`;
}
