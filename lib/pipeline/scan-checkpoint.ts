/**
 * Scans that finish at any size (issue 16, item 3). A scan of a large account may need longer than one invocation
 * (a cold 20,000-service / 8,000-revision scan takes minutes at the default ECS quota share); rather than time out
 * and start over forever, it stops before the deadline, keeps its place and continues in the next invocation:
 *
 * - the **checkpoint** (state table item `scan#<scan id>`, TTL {@link CHECKPOINT_TTL_SECONDS}) holds the scan cursor
 *   (lib/inventory: clusters still to read and the token of their next ListServices page), the services found so far
 *   that the batch's changes match (service ARN, cluster, Region: never a record, never a value), the services the
 *   fast path finished, the inventory problems met, and the step the next continuation must carry;
 * - the **continuation message** ({@link ScanContinuation}, on the intake queue) names the batch's changes and the
 *   checkpoint; the next `onChanges` invocation continues under the account lease;
 * - a continuation whose step is not the checkpoint's (a redelivered or duplicated message: the cursor has moved)
 *   does nothing; one whose checkpoint is gone (expired, a restored table) starts the scan over, never skips;
 * - when the cursor is done, the matched services are read again (DescribeServices, 10 a call; task definitions
 *   come from the cache and the revision index) and planned and acted on as one batch with every rule (the cap over
 *   the whole batch, freshness, minimum interval, hourly budget, rollouts); change records are written then only.
 */
import * as z from 'zod/mini';
import type { IdentifiedChange } from '../changes/index.js';
import { describeIssues, InvalidInputError } from '../errors.js';
import type { EcsScanCursor, InventoryProblem, KnownEcsService } from '../inventory/index.js';

/** The value of a continuation message's `secretRefresh` field: what tells it from an EventBridge event. */
export const SCAN_CONTINUATION = 'scan-continuation';

/** The value of a reconcile continuation's `secretRefresh` field (the `indexServices` reconcile in steps). */
export const RECONCILE_CONTINUATION = 'index-reconcile';

/** A reconcile continuation on the intake queue: `onChanges` hands it to the reconcile, which continues from the checkpoint. */
export interface ReconcileContinuation {
  readonly secretRefresh: typeof RECONCILE_CONTINUATION;
  readonly version: 1;
  readonly checkpoint: string;
  readonly step: number;
}

const ReconcileSchema = z.strictObject({
  secretRefresh: z.literal(RECONCILE_CONTINUATION),
  version: z.literal(1),
  checkpoint: z.string().check(z.regex(/^scan#reconcile-[A-Za-z0-9-]{1,100}$/)),
  step: z.number().check(z.int(), z.minimum(1)),
});

/** A reconcile continuation, or `undefined` when `body` is not one (a valid one: its fields are checked). */
export function reconcileContinuationOf(body: unknown): ReconcileContinuation | undefined {
  if (typeof body !== 'object' || body === null || (body as { secretRefresh?: unknown }).secretRefresh !== RECONCILE_CONTINUATION) return undefined;
  const result = ReconcileSchema.safeParse(body);
  return result.success ? (result.data as ReconcileContinuation) : undefined;
}

/** How long a checkpoint is kept: a continuation runs seconds after the last; a day is ample, and then it is lost. */
export const CHECKPOINT_TTL_SECONDS = 24 * 3600;

/** DynamoDB items are at most 400 KB; a checkpoint larger than this is not written (the scan then runs as before). */
export const MAX_CHECKPOINT_BYTES = 350_000;

/** SQS takes messages up to 256 KiB (1 MiB since 2025; the smaller bound keeps older queues working). */
export const MAX_CONTINUATION_BYTES = 250_000;

/** The scan stops starting ListServices pages this long before the run's deadline: its pages in flight finish,
 * and the checkpoint, the continuation and the report still fit in the invocation. */
export const SCAN_RESERVE_MS = 45_000;

/** A finished scan needs at least this long before the deadline to read its matches again, plan and act; with
 * less, it checkpoints the finished cursor and the next invocation does that part. */
export const ACT_RESERVE_MS = 30_000;

/** One continuation message of the intake queue: the batch's changes and the checkpoint that continues their scan. */
export interface ScanContinuation {
  readonly secretRefresh: typeof SCAN_CONTINUATION;
  readonly version: 1;
  /** The checkpoint's state table key (`scan#<scan id>`). */
  readonly checkpoint: string;
  /** The checkpoint's step this message continues (1: the first continuation). */
  readonly step: number;
  /** The batch's changes, as the first invocation detected them (identities, versions, labels: no value). */
  readonly changes: readonly IdentifiedChange[];
}

/** The compact matches of one cluster: the services of the batch's changes the scan found there. */
export interface ClusterMatches {
  readonly region: string;
  readonly cluster: string;
  readonly services: readonly string[];
}

/** What the checkpoint holds between invocations. */
export interface ScanCheckpoint {
  readonly id: string;
  /** The step the next continuation must carry. */
  readonly step: number;
  /** Set once the batch was planned and acted on: later copies of its continuation do nothing. */
  readonly complete: boolean;
  /** When the scan started (ISO-8601): the first invocation's start. */
  readonly startedAt: string;
  /** Invocations the scan has taken so far. */
  readonly invocations: number;
  /** Services read so far (all of them, matched or not). */
  readonly servicesScanned: number;
  /** Where the scan resumes; absent: the scan is finished (only reading the matches again is left). */
  readonly cursor?: EcsScanCursor;
  readonly matches: readonly ClusterMatches[];
  /** Services the fast path decided and finished (deployed or skipped): the backstop leaves them out. */
  readonly handled: readonly string[];
  readonly problems: readonly InventoryProblem[];
}

const nonEmpty = z.string().check(z.minLength(1));
const ChangeSchema = z.looseObject({
  id: nonEmpty,
  kind: z.enum(['secret', 'parameter']),
  effect: z.enum(['new-current-value', 'label-moved', 'deleted', 'none']),
  reason: z.string(),
  partition: nonEmpty,
  region: nonEmpty,
  account: z.string(),
  name: z.string(),
  arn: z.optional(nonEmpty),
  versionId: z.optional(z.string()),
  labels: z.array(z.string()),
  time: z.string(),
  currentSince: z.optional(z.string()),
  versionDate: z.optional(z.string()),
  stale: z.optional(z.boolean()),
  origin: z.looseObject({
    channel: z.enum(['ssm-native', 'secretsmanager-native', 'cloudtrail-api-call', 'cloudtrail-service-event', 'manual']),
    eventName: z.string(),
    eventId: z.optional(z.string()),
  }),
  warnings: z.array(z.string()),
  tags: z.optional(z.record(z.string(), z.string())),
  replicaRegions: z.optional(z.array(z.string())),
});
const ContinuationSchema = z.strictObject({
  secretRefresh: z.literal(SCAN_CONTINUATION),
  version: z.literal(1),
  checkpoint: z.string().check(z.regex(/^scan#[A-Za-z0-9-]{1,100}$/)),
  step: z.number().check(z.int(), z.minimum(1)),
  changes: z.array(ChangeSchema).check(z.minLength(1)),
});

/** True when `body` (an SQS message's JSON) is meant as a continuation message (valid or not). */
export function isContinuationBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { secretRefresh?: unknown }).secretRefresh === SCAN_CONTINUATION;
}

/**
 * Validates a continuation message (already parsed from JSON). Unknown top-level fields are refused.
 *
 * @throws {InvalidInputError} naming the field that is wrong (the message is then reported and deleted).
 */
export function parseContinuation(body: unknown): ScanContinuation {
  const result = ContinuationSchema.safeParse(body);
  if (!result.success) {
    throw new InvalidInputError(
      `invalid scan continuation message (${describeIssues(result.error, 'message')}); expected { "secretRefresh": "${SCAN_CONTINUATION}", "version": 1, "checkpoint": "scan#<id>", "step": <n ≥ 1>, "changes": [<change>, …] }`,
      { cause: result.error },
    );
  }
  return result.data as unknown as ScanContinuation;
}

/** The continuation message's JSON (each change copied field by field: nothing but identities reaches the queue). */
export function continuationBody(checkpoint: string, step: number, changes: readonly IdentifiedChange[]): string {
  const message: ScanContinuation = { secretRefresh: SCAN_CONTINUATION, version: 1, checkpoint, step, changes: changes.map(changeFields) };
  return JSON.stringify(message);
}

function changeFields(change: IdentifiedChange): IdentifiedChange {
  return {
    id: change.id,
    kind: change.kind,
    effect: change.effect,
    reason: change.reason,
    partition: change.partition,
    region: change.region,
    account: change.account,
    name: change.name,
    ...(change.arn ? { arn: change.arn } : {}),
    ...(change.versionId ? { versionId: change.versionId } : {}),
    labels: [...change.labels],
    time: change.time,
    ...(change.currentSince ? { currentSince: change.currentSince } : {}),
    ...(change.versionDate ? { versionDate: change.versionDate } : {}),
    ...(change.stale ? { stale: change.stale } : {}),
    origin: { channel: change.origin.channel, eventName: change.origin.eventName, ...(change.origin.eventId ? { eventId: change.origin.eventId } : {}) },
    warnings: [...change.warnings],
    ...(change.tags ? { tags: { ...change.tags } } : {}),
    ...(change.replicaRegions ? { replicaRegions: [...change.replicaRegions] } : {}),
  };
}

/** The checkpoint as stored (JSON). */
export function encodeCheckpoint(checkpoint: ScanCheckpoint): string {
  return JSON.stringify(checkpoint);
}

/** The stored checkpoint, or `undefined` when it cannot be read as one (then the scan starts over). */
export function decodeCheckpoint(body: string): ScanCheckpoint | undefined {
  try {
    const value = JSON.parse(body) as ScanCheckpoint;
    return typeof value.id === 'string' && typeof value.step === 'number' && Array.isArray(value.matches) && Array.isArray(value.handled) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `matches` with `found` added (grouped by Region and cluster, each service once). */
export function addMatches(matches: readonly ClusterMatches[], found: readonly KnownEcsService[]): ClusterMatches[] {
  const groups = new Map(matches.map((group) => [`${group.region}|${group.cluster}`, { ...group, services: [...group.services] }]));
  for (const service of found) {
    const key = `${service.region}|${service.clusterArn}`;
    const group = groups.get(key) ?? { region: service.region, cluster: service.clusterArn, services: [] };
    if (!group.services.includes(service.arn)) group.services.push(service.arn);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The services of `matches`, as the inventory reads known services. */
export function matchedServices(matches: readonly ClusterMatches[]): KnownEcsService[] {
  return matches.flatMap((group) => group.services.map((arn) => ({ arn, clusterArn: group.cluster, region: group.region })));
}
