/**
 * Types for `valueFrom` references: what a task or job definition points at, and how that relates to a change.
 *
 * The contract is ../shared/aws-reference/value-from-forms.md. A reference is always resolved against the
 * *context* of the workload that reads it (partition, Region, account of the cluster or job queue); an ARN
 * overrides the context with its own partition, Region and account.
 */

/** Where in a task/job definition a reference was found. Reported verbatim. */
export type ReferenceLocation =
  /** `containerDefinitions[].secrets[].valueFrom` (ECS) / `containerProperties.secrets[]` (Batch) */
  | 'secrets'
  /** `logConfiguration.secretOptions[].valueFrom` */
  | 'logConfiguration.secretOptions'
  /** `repositoryCredentials.credentialsParameter` (Secrets Manager only; name or ARN; no json-key form) */
  | 'repositoryCredentials'
  /** `volumes[].fsxWindowsFileServerVolumeConfiguration.authorizationConfig.credentialsParameter` (ARN only) */
  | 'fsxWindowsFileServer'
  /**
   * gMSA credential specs read when the task starts: `containerDefinitions[].credentialSpecs[]` and
   * `dockerSecurityOptions[]` entries `credentialspec:<SSM parameter ARN>` / `credentialspecdomainless:<…>`.
   * The value is the whole entry, prefix included; only the SSM parameter ARN form is a reference.
   */
  | 'credentialSpecs';

/** Partition, Region and account a bare name resolves in. */
export interface ReferenceContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/**
 * Which value of a secret a reference reads.
 * - `current`: AWSCURRENT (the default, or stated explicitly)
 * - `stage`: a staging label other than AWSCURRENT (AWSPREVIOUS, AWSPENDING, custom)
 * - `version`: an immutable version id. With `stage` too (`…::AWSCURRENT:<versionId>`, emitted by the CDK),
 *   GetSecretValue reads that version only while it carries the stage: the value never changes, but once the
 *   stage moves off the version new tasks can no longer start.
 * - `version-or-stage`: an SSM pass-through selector (`/aws/reference/secretsmanager/<name>:<selector>`) that
 *   the SSM documentation does not let us classify: a version id or a staging label.
 */
export type SecretPin =
  | { readonly type: 'current' }
  | { readonly type: 'stage'; readonly stage: string }
  | { readonly type: 'version'; readonly versionId: string; readonly stage?: string }
  | { readonly type: 'version-or-stage'; readonly selector: string };

/** A reference to a Secrets Manager secret (directly, or through `/aws/reference/secretsmanager/`). */
export interface SecretReference {
  readonly kind: 'secret';
  /** The string exactly as found in the definition. */
  readonly raw: string;
  readonly location: ReferenceLocation;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /**
   * The secret id as written: after `secret:` in an ARN (with the 6-character suffix when it is a full
   * ARN, without it when partial: the two can't be told apart, see form 17), or the bare name.
   * Matching compares it with both the changed secret's name and its `name-suffix`.
   */
  readonly secretId: string;
  /** How the id was written: a (full or partial) ARN, a bare name, or the SSM pass-through path. */
  readonly form: 'arn' | 'name' | 'ssm-pass-through';
  /** JSON key of the json-key form (`...:password::`), if any. Any value change counts for it. */
  readonly jsonKey?: string;
  readonly pin: SecretPin;
}

/** A reference to an SSM Parameter Store parameter. */
export interface ParameterReference {
  readonly kind: 'parameter';
  readonly raw: string;
  readonly location: ReferenceLocation;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** Parameter name with its leading `/` stripped: `/a/b` → `a/b`; `flat` and `/flat` → `flat`. */
  readonly key: string;
  /** `3` or `prod` of `/name:3` / `/name:prod`. ECS rejects selectors; a selector means "pinned". */
  readonly selector?: string;
}

/** Any parsed reference. */
export type Reference = SecretReference | ParameterReference;

/**
 * Notes a person should see about a reference, independent of any change
 * (e.g. "cross-Region reference: its changes are only seen if events are forwarded").
 */
export interface ReferenceNote {
  readonly code:
    | 'cross-region'
    | 'cross-account'
    | 'awspending-pin'
    | 'secret-name-in-secrets'
    | 'invalid-parameter-name'
    | 'double-slash-arn'
    | 'ssm-selector'
    | 'stage-and-version-pin'
    | 'ambiguous-selector';
  readonly message: string;
}

/** A parsed reference plus the notes that go with it. */
export interface ParsedReference {
  readonly reference: Reference;
  readonly notes: readonly ReferenceNote[];
}

/**
 * The identity of a changed secret or parameter, as the change side knows it.
 * For a secret, `name` comes from the event or DescribeSecret (never by stripping a suffix guess) and
 * `suffix` is the 6-character ARN suffix when the full ARN is known.
 */
export type ChangedResource =
  | {
      readonly kind: 'secret';
      readonly partition: string;
      readonly region: string;
      readonly account: string;
      readonly name: string;
      readonly suffix?: string;
      /**
       * Regions the secret is replicated to (DescribeSecret's `ReplicationStatus` of the primary): every replica
       * gets the primary's new value, and a replica keeps the primary's name and suffix, so a reference to the
       * secret in one of these Regions reads the changed value too.
       */
      readonly replicaRegions?: readonly string[];
    }
  | {
      readonly kind: 'parameter';
      readonly partition: string;
      readonly region: string;
      readonly account: string;
      /** Name with its leading `/` stripped. */
      readonly key: string;
    };

/**
 * What a change does to the value one reference reads. The Plan turns this into a decision.
 *
 * - `unrelated`: the reference points at another resource (different name, Region, account, partition or kind).
 * - `affected`: the value this reference reads is new (or, for a deletion, gone).
 * - `unchanged`: same resource, but this reference reads a value the change did not touch
 *   (version-id pin, a custom stage that did not move, an SSM selector, an AWSPENDING pin, or AWSCURRENT
 *   when only a custom label moved).
 * - `previous-changed`: pinned to AWSPREVIOUS, which moves whenever AWSCURRENT moves: its value changed,
 *   but redeploying is opt-in.
 */
export type ReferenceImpact = 'unrelated' | 'affected' | 'unchanged' | 'previous-changed';

/** The result of matching one reference against one change, with a reason a person can read. */
export interface ReferenceMatch {
  readonly impact: ReferenceImpact;
  readonly reason: string;
}

/**
 * The part of a change that matching needs. `labels` are the staging labels that moved to a new version
 * (e.g. `['AWSCURRENT']` or `['blue']`); for parameters it is empty.
 * `effect`: `new-current-value` (AWSCURRENT or latest moved), `label-moved` (only custom labels moved),
 * `deleted` (the secret/parameter is gone or scheduled for deletion).
 */
export interface ChangeForMatching {
  readonly resource: ChangedResource;
  readonly effect: 'new-current-value' | 'label-moved' | 'deleted';
  readonly labels: readonly string[];
  /** The version the labels moved to, when known: tells a version pin whether its stage moved off it. */
  readonly versionId?: string;
}
