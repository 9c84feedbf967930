/**
 * The Change step's face: what a request (an EventBridge event or a manual refresh) means, as one {@link Change}.
 * One module per event type decides (lib/changes/*.ts); this face adds what every request shares: refusing
 * another account's events and changes before anything is done for them, and the changed resource's tags.
 */
import { ForeignAccountError } from '../errors.js';
import { detectEventChange } from './detect-change.js';
import { type ManualRefreshInput, resolveManualChange } from './manual-refresh-change.js';
import type { Change, MetadataDirectory } from './types.js';

export type { ManualRefreshInput } from './manual-refresh-change.js';
export type * from './types.js';

/** What a run is asked to act on: an EventBridge event, or a secret or parameter named by an operator. */
export type ChangeRequest = { readonly type: 'event'; readonly event: unknown } | ({ readonly type: 'manual' } & ManualRefreshInput);

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
