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
  /** ISO-8601 time of the change (the event's `time`). Services deployed at or after it are already fresh. */
  readonly time: string;
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
