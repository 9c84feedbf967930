/**
 * Assembly of a {@link Change} from what every channel shares (where and when the event happened) and what
 * each channel decides (effect, reason, identity of the secret or parameter).
 *
 * Why: the channel modules should only contain their decisions; partition derivation and defaults live here once.
 */
import { partitionOf } from './partition.js';
import type { Change, ChangeEffect, ChangeKind, ChangeOrigin } from './types.js';

/** Where and when an event happened, read from the envelope (or the CloudTrail record inside it). */
export interface EventScope {
  readonly kind: ChangeKind;
  readonly region: string;
  readonly account: string;
  /** The envelope's `time`. */
  readonly time: string;
  readonly origin: ChangeOrigin;
}

/** What a channel module decided about one event. */
export interface ChangeDecision {
  readonly effect: ChangeEffect;
  readonly reason: string;
  readonly name: string;
  readonly arn?: string | undefined;
  readonly versionId?: string | undefined;
  readonly labels?: readonly string[];
  readonly warnings?: readonly string[];
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Regions the changed secret is replicated to (see `secret-replicas.ts`). */
  readonly replicaRegions?: readonly string[] | undefined;
  /**
   * The metadata's change time when the version came from metadata rather than from the event
   * (`LastModifiedDate`, `LastChangedDate`): the change's `currentSince` is then the later of it and the event's time.
   */
  readonly metadataChangedAt?: Date | undefined;
  /** A parameter version's `LastModifiedDate` (see `Change.versionDate`). */
  readonly versionDate?: Date | undefined;
  /** The version the event names is no longer current (see `Change.stale`). */
  readonly stale?: boolean;
}

/**
 * Combine scope and decision. The partition comes from `arn` when there is one, else from the Region.
 *
 * @example
 * buildChange(scope, { effect: 'none', reason: 'label change: ECS and Batch always read the latest version', name: '/a/b' });
 */
export function buildChange(scope: EventScope, decision: ChangeDecision): Change {
  return {
    kind: scope.kind,
    effect: decision.effect,
    reason: decision.reason,
    partition: partitionOf(decision.arn, scope.region),
    region: scope.region,
    account: scope.account,
    name: decision.name,
    ...(decision.arn === undefined ? {} : { arn: decision.arn }),
    ...(decision.versionId === undefined ? {} : { versionId: decision.versionId }),
    labels: decision.labels ?? [],
    time: scope.time,
    currentSince: currentSince(scope.time, decision.metadataChangedAt),
    ...(decision.versionDate === undefined ? {} : { versionDate: decision.versionDate.toISOString() }),
    ...(decision.stale ? { stale: true } : {}),
    origin: scope.origin,
    warnings: decision.warnings ?? [],
    ...(decision.tags === undefined ? {} : { tags: decision.tags }),
    ...(decision.replicaRegions === undefined || decision.replicaRegions.length === 0 ? {} : { replicaRegions: decision.replicaRegions }),
  };
}

/**
 * The moment the value became current: the event's time, or the later of it and the metadata's change time when
 * the version was read from metadata (see `Change.currentSince`). An unreadable event time is kept as given.
 */
export function currentSince(eventTime: string, metadataChangedAt: Date | undefined): string {
  const event = Date.parse(eventTime);
  if (metadataChangedAt === undefined || Number.isNaN(metadataChangedAt.getTime()) || Number.isNaN(event)) return eventTime;
  return metadataChangedAt.getTime() > event ? metadataChangedAt.toISOString() : eventTime;
}
