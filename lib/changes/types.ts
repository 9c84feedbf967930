/**
 * Types for the Change step: what changed, and whether it makes a new *current* value.
 *
 * Every trigger (SSM native event, Secrets Manager native event, CloudTrail API call, CloudTrail service
 * event, manual refresh) is normalised to one {@link Change}. Decisions per event are documented in
 * ../shared/aws-reference/events/README.md.
 */

/** Secret (Secrets Manager) or parameter (SSM Parameter Store). */
export type ChangeKind = 'secret' | 'parameter';

/**
 * What the change does to consumers.
 * - `new-current-value`: AWSCURRENT (secret) or the latest version (parameter) now holds a new value → redeploy.
 * - `label-moved`: only a custom staging label moved → redeploy references pinned to that label only.
 * - `deleted`: deleted or scheduled for deletion → new tasks would fail to start; warn, never redeploy.
 * - `none`: valid event, nothing to do (AWSPENDING staging, description-only update, failed call, label on a
 *   parameter, rotation started/failed). `reason` says why.
 */
export type ChangeEffect = 'new-current-value' | 'label-moved' | 'deleted' | 'none';

/** Which channel delivered the trigger. */
export type ChangeChannel = 'ssm-native' | 'secretsmanager-native' | 'cloudtrail-api-call' | 'cloudtrail-service-event' | 'manual';

/** Where the change came from, for the report. */
export interface ChangeOrigin {
  readonly channel: ChangeChannel;
  /** `Update`, `Secret Label Updated`, `PutSecretValue`, `RotationSucceeded`, `manual`… */
  readonly eventName: string;
  /** EventBridge event id, when there is one. */
  readonly eventId?: string;
}

/**
 * One normalised change.
 *
 * `arn` is the canonical ARN: the *full* secret ARN (with its 6-character suffix) or the parameter ARN
 * `arn:<p>:ssm:<r>:<a>:parameter/<name without leading slash>`. It is always set when `effect` is not
 * `none`; with `none` it is set when the event carried it.
 *
 * `versionId` is the version that became current: from the event, or from DescribeSecret /
 * DescribeParameters. It keys the idempotency record together with `arn`.
 */
export interface Change {
  readonly kind: ChangeKind;
  readonly effect: ChangeEffect;
  /** Human-readable explanation of `effect`, e.g. "PutSecretValue without VersionStages moved AWSCURRENT to version …". */
  readonly reason: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Secret name, or parameter name as stored (`/a/b` or `flat`). Best effort when `effect` is `none`. */
  readonly name: string;
  readonly arn?: string;
  readonly versionId?: string;
  /** Staging labels that moved to `versionId` (secrets only): `['AWSCURRENT']`, `['blue']`… */
  readonly labels: readonly string[];
  /** ISO-8601 time of the change (the event's `time`; for a manual refresh, when it was asked for). */
  readonly time: string;
  /**
   * When the value this change made current *became* current (ISO-8601): the moment the already-fresh rule and
   * the change record compare with. With the version from the event (Secret Label Updated, UpdateSecretVersionStage,
   * PutSecretValue…) it is the event's `time`. With the version from metadata (DescribeParameters for every
   * Parameter Store Change, DescribeSecret for RotationSucceeded) the event may be older than the version it
   * resolved to (a late v2 event resolves to v3), so it is the later of the event's time and the metadata's change
   * time (`LastModifiedDate`, `LastChangedDate`). Absent: `time`.
   */
  readonly currentSince?: string;
  /**
   * Parameters: `LastModifiedDate` of the version that became current (ISO-8601). A parameter deleted and
   * re-created restarts at version 1: this date is what tells its new version 1 from the old one.
   */
  readonly versionDate?: string;
  /**
   * Set on a `none` change whose version is no longer current (a later change superseded it): in a batch that also
   * holds the later change, it is merged into it.
   */
  readonly stale?: boolean;
  readonly origin: ChangeOrigin;
  /** Things a person should know that do not change the decision (e.g. "rotation failed: AWSCURRENT did not move"). */
  readonly warnings: readonly string[];
  /**
   * Tags of the secret, when the Change step already read them (DescribeSecret returns them), so the
   * `secret-refresh:ignore` check needs no second call. Absent: not read yet.
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Regions the secret is replicated to (secrets only; from DescribeSecret of the primary). Every replica gets
   * the new value, so readers of a replica (same name and suffix, the replica's Region) are matched too. A change
   * event from a replica's Region is normalised to the primary (its `region` and `arn`), so both signals of one
   * change have the same identity and deploy once.
   */
  readonly replicaRegions?: readonly string[];
}

/** One replica of a secret, from DescribeSecret's `ReplicationStatus` (metadata only). */
export interface SecretReplica {
  readonly region: string;
  /** `InSync`, `InProgress` or `Failed`. */
  readonly status?: string;
  readonly statusMessage?: string;
}

/**
 * Metadata of a secret from DescribeSecret. Never the value: the service has no permission to read one.
 */
export interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  /** Version id → staging labels, e.g. `{ "3f2b…": ["AWSCURRENT"], "8e1d…": ["AWSPREVIOUS"] }`. */
  readonly versionIdsToStages: Readonly<Record<string, readonly string[]>>;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date;
  /** When the secret was last modified in any way (the staleness audit compares deployments with it). */
  readonly lastChangedDate?: Date;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * The Region of the primary secret, when DescribeSecret says (`PrimaryRegion`): on a replica it names the
   * primary's Region, which differs from the Region the replica was described in.
   */
  readonly primaryRegion?: string;
  /** The replicas of a primary secret (`ReplicationStatus`); empty or absent for a secret that is not replicated. */
  readonly replicas?: readonly SecretReplica[];
}

/** Metadata of a parameter from DescribeParameters. Never the value. */
export interface ParameterMetadata {
  /** Name as stored, e.g. `/demo/orders/db-password`. */
  readonly name: string;
  readonly arn?: string;
  readonly version: number;
  readonly lastModifiedDate?: Date;
}

/**
 * Metadata look-ups the Change step may need (DescribeSecret, DescribeParameters).
 * Returns `undefined` when the secret / parameter does not exist.
 */
export interface MetadataDirectory {
  describeSecret(secretId: string, region: string): Promise<SecretMetadata | undefined>;
  describeParameter(name: string, region: string): Promise<ParameterMetadata | undefined>;
  /**
   * Tags of the changed secret (DescribeSecret) or parameter (ListTagsForResource), for the
   * `secret-refresh:ignore` tag. Optional: a directory without it means "no tags".
   */
  resourceTags?(kind: ChangeKind, id: string, region: string): Promise<Readonly<Record<string, string>>>;
}

/** A change with the id of its batch entry (`c1`, `c2`…), what plan targets and reports refer to. */
export type IdentifiedChange = Change & { readonly id: string };

/** One input of a batch, as the Change step read it. */
export type DetectedInput =
  | { readonly status: 'detected'; readonly change: Change; readonly source?: string }
  /** The input itself is wrong (malformed, foreign account…): reported, never retried. */
  | { readonly status: 'invalid'; readonly error: Error; readonly source?: string }
  /** It could not be decided now (an AWS error while confirming it): retried. */
  | { readonly status: 'failed'; readonly error: Error; readonly source?: string };

/**
 * What became of one input of a batch:
 * - `act`: planned (its targets are in the report);
 * - `merged`: another signal of, or older than, the change `mergedInto` (acted on in its place);
 * - `nothing-to-do`: valid, but it makes no new value (its `reason`), or the resource is tagged ignore;
 * - `already-handled`: the change record says an earlier run handled this change;
 * - `invalid`: the input could not be read (`error`): reported, never retried;
 * - `failed`: it could not be decided now (`error`): retried.
 */
export type BatchDecision = 'act' | 'merged' | 'nothing-to-do' | 'already-handled' | 'invalid' | 'failed';

/** One input of a batch and its decision. */
export interface BatchEntry {
  /** `c1`, `c2`… in input order. */
  readonly id: string;
  /** Position in the batch (0-based). */
  readonly index: number;
  /** Where the input came from: the SQS message id, `<file>` or `<file>:<line>`. */
  readonly source?: string;
  /** The change it means, when it could be read. */
  readonly change?: Change;
  readonly decision: BatchDecision;
  /** For `merged`: the id of the change acted on in its place. */
  readonly mergedInto?: string;
  /** Why, in words a person reads. */
  readonly reason: string;
  /** For `invalid` and `failed`: the error. */
  readonly error?: string;
  /** For `invalid` and `failed`: the error itself (a single-request run throws it). */
  readonly cause?: Error;
}
