/**
 * The Change step's face: what a batch of requests (EventBridge events, or a manual refresh) means, as the few
 * {@link Change}s to act on ({@link detectChanges}), and what one request means ({@link detectChange}).
 * One module per event type decides (lib/changes/*.ts); this face adds what every request shares: refusing
 * another account's events and changes before anything is done for them, the changed resource's tags, and
 * coalescing the batch (duplicates and older versions merge into the newest change).
 */
import { mapWithConcurrency } from '../aws/concurrency.js';
import { ForeignAccountError, InvalidInputError } from '../errors.js';
import { type CoalescedBatch, coalesceChanges } from './coalesce-changes.js';
import { detectEventChange } from './detect-change.js';
import { type ManualRefreshInput, resolveManualChange } from './manual-refresh-change.js';
import type { Change, DetectedInput, MetadataDirectory, ParameterMetadata, SecretMetadata } from './types.js';

export { type CoalescedBatch, changeId, momentOf } from './coalesce-changes.js';
export { IntakeEnvelopeError, unwrapIntake } from './intake-envelope.js';
export type { ManualRefreshInput } from './manual-refresh-change.js';
export type * from './types.js';

/**
 * What a run is asked to act on: an EventBridge event, or a secret or parameter named by an operator. `source`
 * says where it came from (an SQS message id, a file and line), for the report and for partial batch failures.
 */
export type ChangeRequest = (
  | { readonly type: 'event'; readonly event: unknown }
  | ({ readonly type: 'manual' } & ManualRefreshInput)
  /** An input that could not even be unwrapped to an event (an SQS body that is not JSON): reported as `invalid`. */
  | { readonly type: 'unreadable'; readonly error: InvalidInputError }
) & {
  readonly source?: string;
};

/** What {@link detectChange} reads from besides the request. */
export interface ChangeContext {
  readonly directory: MetadataDirectory;
  readonly homeRegion: string;
  /** The account whose events and changes are accepted; absent: any. */
  readonly expectedAccount?: string;
  /** The time of a manual refresh. */
  readonly now: () => Date;
  /** The account of the credentials in use, for a parameter named without an ARN (asked only then). */
  readonly callerAccount: () => Promise<string | undefined>;
}

/**
 * Every request of a batch detected, then coalesced: one entry per request (its decision and reason), and the
 * changes to act on. A malformed or foreign request is an `invalid` entry (it is reported and never retried); one
 * that could not be decided because an AWS call failed is a `failed` entry (retried); neither stops the others.
 * Metadata look-ups are shared by the batch (one DescribeSecret / DescribeParameters per resource), so its
 * signals are judged against one view of each resource, and run `concurrency` at a time.
 *
 * @example
 * const { entries, changes } = await detectChanges(records.map((record) => ({ type: 'event', event: record })), context, 5);
 */
export async function detectChanges(requests: readonly ChangeRequest[], context: ChangeContext, concurrency = 5): Promise<CoalescedBatch> {
  const shared: ChangeContext = { ...context, directory: sharedDirectory(context.directory) };
  const inputs = await mapWithConcurrency(requests, concurrency, async (request): Promise<DetectedInput> => {
    const source = request.source === undefined ? {} : { source: request.source };
    try {
      return { status: 'detected', change: await detectChange(request, shared), ...source };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return { status: failure instanceof InvalidInputError ? 'invalid' : 'failed', error: failure, ...source };
    }
  });
  return coalesceChanges(inputs);
}

/** `directory` with its answers kept for the batch (same id and Region, one call; a failed call is not kept). */
function sharedDirectory(directory: MetadataDirectory): MetadataDirectory {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, call: () => Promise<T>): Promise<T> => {
    const known = answers.get(key) as Promise<T> | undefined;
    if (known) return known;
    const pending = call();
    answers.set(key, pending);
    pending.catch(() => answers.delete(key));
    return pending;
  };
  return {
    describeSecret: (secretId, region) => once<SecretMetadata | undefined>(`secret|${region}|${secretId}`, () => directory.describeSecret(secretId, region)),
    describeParameter: (name, region) => once<ParameterMetadata | undefined>(`parameter|${region}|${name}`, () => directory.describeParameter(name, region)),
    ...(directory.resourceTags
      ? {
          resourceTags: (kind, id, region) =>
            once<Readonly<Record<string, string>>>(`tags|${kind}|${region}|${id}`, () => directory.resourceTags?.(kind, id, region) ?? Promise.resolve({})),
        }
      : {}),
  };
}

/**
 * The change a request means. DescribeSecret / DescribeParameters are called (metadata only) when the decision
 * depends on the current state; a change that makes a new value also carries its resource's tags (from that
 * DescribeSecret, else DescribeSecret / ListTagsForResource now) for the `secret-refresh:ignore` tag.
 *
 * @throws {InvalidInputError} for a malformed event or ref ({@link EventParseError}, …) and for another account's
 *   event or change ({@link ForeignAccountError}, before any AWS call for a foreign envelope).
 * @example
 * const change = await detectChange({ type: 'event', event }, { directory, homeRegion, now, callerAccount });
 */
export async function detectChange(request: ChangeRequest, context: ChangeContext): Promise<Change> {
  const { expectedAccount, directory } = context;
  if (request.type === 'unreadable') throw request.error;
  if (request.type === 'event') refuseForeignEnvelope(request.event, expectedAccount);
  const change =
    request.type === 'event'
      ? await detectEventChange(request.event, directory)
      : await resolveManualChange(request, context.homeRegion, context.now(), directory, async () => expectedAccount ?? (await context.callerAccount()));
  if (expectedAccount && change.account && change.account !== expectedAccount) {
    throw new ForeignAccountError(
      `the change is in account ${change.account}, but this deployment handles account ${expectedAccount}: deploy secret-refresh in that account instead of forwarding its events`,
    );
  }
  if (change.effect === 'none' || !change.arn || change.tags) return change;
  // Secret tags usually came with the DescribeSecret that confirmed the change; otherwise read them now.
  const tags = await directory.resourceTags?.(change.kind, change.kind === 'secret' ? change.arn : change.name, change.region);
  return { ...change, tags: tags ?? {} };
}

/**
 * Refuses an event whose envelope, or whose CloudTrail record (`detail.recipientAccountId`), names another account,
 * before any AWS call is made for it. Checked before the event's own consistency checks, so the operator reads
 * which deployment the event belongs to rather than how it contradicts itself.
 */
function refuseForeignEnvelope(event: unknown, expectedAccount: string | undefined): void {
  if (!expectedAccount || typeof event !== 'object' || event === null) return;
  const { account, detail } = event as { account?: unknown; detail?: unknown };
  if (typeof account === 'string' && account !== expectedAccount) {
    throw new ForeignAccountError(
      `the event is from account ${account}, but this deployment handles account ${expectedAccount}: deploy secret-refresh in that account instead of forwarding its events`,
    );
  }
  const recipient = typeof detail === 'object' && detail !== null ? (detail as { recipientAccountId?: unknown }).recipientAccountId : undefined;
  if (typeof recipient === 'string' && recipient !== expectedAccount) {
    throw new ForeignAccountError(
      `the change is in account ${recipient}, but this deployment handles account ${expectedAccount}: deploy secret-refresh in that account instead of forwarding its events`,
    );
  }
}
