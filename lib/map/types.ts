/**
 * The secrets map document: who reads which secret or parameter, through which task-definition revision or
 * Batch job definition, whether the running workload holds the current value, and what will go wrong on the next
 * change. One JSON document (`secret-refresh map --json`) from which the terminal text and the HTML page are
 * rendered, so all three always say the same thing.
 *
 * The document is normalised: resources, definitions and targets each appear once and point at each other by
 * `id` / `arn`, so a map of thousands of services stays small and `jq` can walk it in either direction.
 * Every field is plain JSON (strings, numbers, booleans, arrays, objects); times are ISO-8601.
 */
import type { DeploymentController } from '../inventory/types.js';
import type { BatchPolicy, StandingJobSkipCode, StandingServiceSkipCode } from '../plan/index.js';
import type { ReferenceLocation } from '../references/types.js';

/** The document's format and major version. A breaking change to the shape gets a new number. */
export const MAP_FORMAT = 'secret-refresh/map@1';

/** How bad a finding is: `error` = something fails now or at the next change; `warning` = a change may be missed or refused; `info` = worth knowing. */
export type MapSeverity = 'error' | 'warning' | 'info';

/**
 * A finding's stable code, for scripts and for the README's table. The seven parser notes keep the codes
 * `lib/references` gives them (`cross-region` … `awspending-pin`).
 */
export type FindingCode =
  | 'missing'
  | 'scheduled-for-deletion'
  | 'name-only-other-region'
  | 'stage-and-version-pin'
  | 'awspending-pin'
  | 'unwatched-region'
  | 'other-account'
  | 'mutable-image-tag'
  | 'over-max-targets'
  | 'unparseable-reference'
  | 'metadata-unreadable'
  | 'cross-region'
  | 'cross-account'
  | 'invalid-parameter-name'
  | 'secret-name-in-secrets'
  | 'ambiguous-selector'
  | 'ssm-selector'
  | 'double-slash-arn';

/**
 * What the metadata look-up said about a secret or parameter (DescribeSecret / DescribeParameters; never a value):
 * - `exists`; `scheduled-for-deletion` (DescribeSecret has a `DeletedDate`: reads fail already);
 * - `missing`: not found in its Region and account (never created, or deleted);
 * - `unreadable`: the look-up failed (access denied, throttled): existence unknown;
 * - `not-checked`: not looked up, e.g. a resource of another account, whose metadata this account cannot describe
 *   reliably (DescribeParameters would answer "not found" for a parameter shared from another account).
 */
export type ResourceStatus = 'exists' | 'scheduled-for-deletion' | 'missing' | 'unreadable' | 'not-checked';

/**
 * Which value a reference reads: `current` (AWSCURRENT for a secret, the latest version for a parameter), another
 * staging label, a version id, a staging label and a version id at once, or an SSM selector (`name:3`).
 */
export type MapPin =
  | { readonly type: 'current' }
  | { readonly type: 'stage'; readonly stage: string }
  | { readonly type: 'version'; readonly versionId: string }
  | { readonly type: 'stage-and-version'; readonly stage: string; readonly versionId: string }
  | { readonly type: 'selector'; readonly selector: string }
  /** An SSM pass-through selector that may be a version id or a staging label (see lib/references/secret-pin.ts). */
  | { readonly type: 'version-or-stage'; readonly selector: string };

/** One place in one definition that reads a resource. */
export interface MapUse {
  /** ARN of the task-definition revision or Batch job definition. */
  readonly definition: string;
  readonly container: string;
  readonly location: ReferenceLocation;
  /** Environment variable / log option name, when there is one. */
  readonly name?: string;
  /** Exactly as written in the definition. */
  readonly valueFrom: string;
  /** JSON key of the json-key form (`…:password::`). */
  readonly jsonKey?: string;
  readonly pin: MapPin;
  /** The pin in words, e.g. `AWSCURRENT`, `latest`, `staging label "blue"`. */
  readonly pinLabel: string;
}

/** A referenced secret or parameter. */
export interface MapResource {
  /** Stable within a document; the page and `jq` join on it. */
  readonly id: string;
  readonly kind: 'secret' | 'parameter';
  /** Secret name (from DescribeSecret when found, else as written) or parameter name with its leading `/`. */
  readonly name: string;
  /** From the metadata when found; for a parameter also built from partition, Region, account and name. */
  readonly arn?: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly status: ResourceStatus;
  /** Why the status is what it is, for a person. */
  readonly statusReason: string;
  /** DescribeSecret `DeletedDate`, when scheduled for deletion. */
  readonly deletedDate?: string;
  /** DescribeSecret `LastChangedDate` / DescribeParameters `LastModifiedDate`. */
  readonly lastChanged?: string;
  /** For a missing parameter read by name: the watched Regions where a parameter of that name exists. */
  readonly foundInRegions?: readonly string[];
  readonly uses: readonly MapUse[];
  /** ARNs of the definitions that read it. */
  readonly definitions: readonly string[];
  /** ARNs of the services and jobs whose definition reads it. */
  readonly targets: readonly string[];
  /** How many targets its next change would act on: the number the blast-radius cap compares with `maxTargets`. */
  readonly wouldAct: number;
}

/** A reference the inventory could not parse; never matched by any change. */
export interface MapUnparsedReference {
  readonly container: string;
  readonly location: ReferenceLocation;
  readonly name?: string;
  readonly valueFrom: string;
  readonly error: string;
}

/** A container and its image, when the inventory knows it. */
export interface MapContainer {
  readonly name: string;
  readonly image: string;
}

/** A task-definition revision or a Batch job-definition revision that reads at least one resource. */
export interface MapDefinition {
  readonly type: 'task-definition' | 'job-definition';
  readonly arn: string;
  /** `family:revision` / `name:revision`. */
  readonly name: string;
  readonly region: string;
  readonly account: string;
  /** Batch only: ACTIVE / INACTIVE. */
  readonly status?: string;
  /** Ids of the resources it reads. */
  readonly resources: readonly string[];
  /** ARNs of the services and jobs that run it. */
  readonly targets: readonly string[];
  readonly unparsed: readonly MapUnparsedReference[];
  /** Present when the inventory carries images. */
  readonly containers?: readonly MapContainer[];
}

/** Staleness by the audit's rule (`lib/audit/staleness.ts`). */
export interface MapStaleness {
  readonly status: 'stale' | 'fresh' | 'unknown';
  readonly reason: string;
  /** PRIMARY deployment creation (services) or start (jobs). */
  readonly since?: string;
}

/**
 * Whether secret-refresh would act on the target when a value it reads changes, and if not, why (the Plan's skip
 * codes that do not depend on the change).
 */
export interface MapScope {
  /** `in-scope`, or the Plan's skip code for the service or job that does not depend on the change. */
  readonly status: 'in-scope' | StandingServiceSkipCode | StandingJobSkipCode | 'policy-report';
  readonly reason: string;
}

/** An ECS service that runs a mapped task definition. */
export interface MapEcsServiceTarget {
  readonly type: 'ecs-service';
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly region: string;
  readonly account: string;
  readonly definition: string;
  /** ACTIVE | DRAINING | INACTIVE */
  readonly status: string;
  readonly desiredCount: number;
  readonly deploymentController: DeploymentController;
  readonly staleness: MapStaleness;
  readonly scope: MapScope;
  /** From the tag `secret-refresh:wave`; absent = the last wave. */
  readonly wave?: number;
  readonly resources: readonly string[];
}

/** A STARTING / RUNNING Batch job whose job definition is mapped. */
export interface MapBatchJobTarget {
  readonly type: 'batch-job';
  readonly arn: string;
  readonly jobId: string;
  readonly name: string;
  readonly jobQueue: string;
  readonly region: string;
  readonly definition: string;
  readonly status: string;
  readonly policy: BatchPolicy;
  readonly staleness: MapStaleness;
  readonly scope: MapScope;
  readonly resources: readonly string[];
}

/** A service or a job. */
export type MapTarget = MapEcsServiceTarget | MapBatchJobTarget;

/** Something that fails, may be missed or deserves a look, with what to do about it. */
export interface MapFinding {
  readonly code: FindingCode;
  readonly severity: MapSeverity;
  /** What is wrong, naming the resource, reference or image. */
  readonly message: string;
  /** What to do. */
  readonly action: string;
  /** The resource concerned, when there is one. */
  readonly resource?: string;
  /** The reference as written, when the finding is about how it is written. */
  readonly valueFrom?: string;
  /** The container image, for `mutable-image-tag`. */
  readonly image?: string;
  /** ARNs of the affected definitions. */
  readonly definitions: readonly string[];
  /** ARNs of the affected services and jobs. */
  readonly targets: readonly string[];
}

/** The configuration the map was judged with. */
export interface MapSettings {
  readonly homeAccount: string;
  readonly watchedRegions: readonly string[];
  readonly maxTargets: number;
  readonly mode: 'all' | 'opt-in';
  readonly clustersInclude: readonly string[];
  readonly clustersExclude: readonly string[];
  readonly redeployOnPreviousChange: boolean;
  readonly batchPolicy: BatchPolicy;
}

/** Counts for the first screen. */
export interface MapSummary {
  /** Regions that workloads were found in, plus the watched Regions. */
  readonly regions: readonly string[];
  readonly secrets: number;
  readonly parameters: number;
  /** Resources that are missing or scheduled for deletion. */
  readonly broken: number;
  readonly taskDefinitions: number;
  readonly jobDefinitions: number;
  readonly services: number;
  readonly jobs: number;
  readonly stale: number;
  readonly fresh: number;
  readonly unknown: number;
  readonly findings: { readonly error: number; readonly warning: number; readonly info: number };
  /**
   * What could not be read: inventory problems (a cluster, a task definition, a job queue) plus failed metadata
   * look-ups, each also in `warnings`. Above 0 the map is incomplete (`secret-refresh map` exits 1): what it could not
   * see may hide readers or findings.
   */
  readonly inventoryProblems: number;
}

/** The whole map (`secret-refresh map --json`). */
export interface SecretsMap {
  readonly format: typeof MAP_FORMAT;
  readonly generatedAt: string;
  readonly settings: MapSettings;
  readonly summary: MapSummary;
  readonly resources: readonly MapResource[];
  readonly definitions: readonly MapDefinition[];
  readonly targets: readonly MapTarget[];
  readonly findings: readonly MapFinding[];
  /** Inventory problems, failed metadata look-ups and invalid tags: what could not be read is never silently dropped. */
  readonly warnings: readonly string[];
}
