import type { Reference } from '../references/types.js';
import type { AuditedReference, AuditTarget } from './types.js';

/**
 * The staleness rule, pure: which references can be judged, what to look up for them, and the verdict for a
 * workload from when it was deployed (or started) and when each judged value last changed. Shared by the
 * audit (`runAudit`) and the secrets map, so both call a workload stale for exactly the same reasons.
 */

/** What DescribeSecret / DescribeParameters is asked for one reference: metadata only, never a value. */
export interface MetadataQuery {
  readonly kind: 'secret' | 'parameter';
  /** The SecretId for DescribeSecret, or the parameter name for DescribeParameters. */
  readonly id: string;
  readonly region: string;
}

/** A look-up answer: the last change, `missing` (not found), or `undefined` (metadata could not be read). */
export type LastChangedAnswer = Date | undefined | 'missing';

/** A reference's judgement: when its value last changed, or a note saying why it is not judged. */
export interface Judgement {
  readonly lastChanged?: Date;
  readonly note?: string;
}

/**
 * Why a reference is not judged at all (no look-up needed), or `undefined` when it is: pinned references (version
 * id, a stage other than AWSCURRENT, an SSM selector) read a value that a change of AWSCURRENT does not move.
 */
export function unjudgedNote(reference: Reference): string | undefined {
  if (reference.kind === 'secret' && reference.pin.type !== 'current') return 'pinned: not judged';
  if (reference.kind === 'parameter' && reference.selector !== undefined) return 'SSM selector: not judged';
  return undefined;
}

/** The judgement of a judged reference from its look-up answer. */
export function judgementOf(reference: Reference, answer: LastChangedAnswer): Judgement {
  if (answer === 'missing') return { note: `${reference.kind} not found (deleted, or in another account)` };
  if (answer === undefined) return { note: `${reference.kind} metadata could not be read` };
  return { lastChanged: answer };
}

/**
 * The DescribeSecret / DescribeParameters query for a reference: a secret by its ARN when it was written as one
 * (so a cross-Region ARN is asked in its own Region), else by name; a parameter by the name it was written with.
 */
export function metadataQuery(reference: Reference): MetadataQuery {
  if (reference.kind === 'secret') {
    const id =
      reference.form === 'arn'
        ? `arn:${reference.partition}:secretsmanager:${reference.region}:${reference.account}:secret:${reference.secretId}`
        : reference.secretId;
    return { kind: 'secret', id, region: reference.region };
  }
  const id = reference.raw.startsWith('arn:') || reference.raw.startsWith('/') ? `/${reference.key}` : reference.key;
  return { kind: 'parameter', id, region: reference.region };
}

/** A key that is equal for two references to the same secret id / parameter key, as written. */
export function resourceKey(reference: Reference): string {
  return reference.kind === 'secret'
    ? `secret|${reference.partition}|${reference.region}|${reference.account}|${reference.secretId}`
    : `parameter|${reference.partition}|${reference.region}|${reference.account}|${reference.key}`;
}

/** The verdict part of an {@link AuditTarget}. */
export type StalenessVerdict = Pick<AuditTarget, 'status' | 'reason' | 'deployedAt'>;

/**
 * Stale when a judged value changed after `since` (the PRIMARY deployment's creation, or a job's start);
 * fresh when every judged value changed before; unknown when there is no time or nothing could be judged.
 * `verb` words the reason: "deployed" for services, "started" for jobs.
 */
export function stalenessVerdict(
  since: string | undefined,
  references: readonly Pick<AuditedReference, 'valueFrom' | 'lastChanged'>[],
  verb: 'deployed' | 'started' = 'deployed',
): StalenessVerdict {
  if (!since) return { status: 'unknown', reason: verb === 'deployed' ? 'no PRIMARY deployment time' : 'no start time' };
  const newer = references.filter((reference) => reference.lastChanged && Date.parse(reference.lastChanged) > Date.parse(since));
  if (newer.length > 0) {
    return {
      deployedAt: since,
      status: 'stale',
      reason: `${verb} at ${since}, before ${newer.map((reference) => `${reference.valueFrom} changed at ${reference.lastChanged}`).join('; ')}`,
    };
  }
  if (!references.some((reference) => reference.lastChanged)) {
    return { deployedAt: since, status: 'unknown', reason: 'no referenced secret or parameter could be judged' };
  }
  return { deployedAt: since, status: 'fresh', reason: `${verb} at ${since}, after every judged value last changed` };
}
