import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { safeParseArn } from '../arn/arn.js';

export type { EventBridgeClient };

/** One event to put on a bus. `detail` is already JSON and below EventBridge's 256 KB entry limit. */
export interface BusEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: string;
  /** Bus name or ARN. */
  readonly eventBus: string;
  readonly resources?: readonly string[];
}

/** Why EventBridge did not accept an entry (`FailedEntryCount` > 0): its error code and message. */
export interface RefusedEvent {
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/**
 * PutEvents with one entry: each entry is below the 256 KB limit, but the limit is for the whole request, so
 * entries are never batched. Resolves `undefined` when the entry was accepted, or with EventBridge's reason when
 * it was not; rejects when the call itself failed.
 */
export async function putEvent(client: EventBridgeClient, event: BusEvent): Promise<RefusedEvent | undefined> {
  const output = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: event.source,
          DetailType: event.detailType,
          Detail: event.detail,
          EventBusName: event.eventBus,
          ...(event.resources ? { Resources: [...event.resources] } : {}),
        },
      ],
    }),
  );
  if ((output.FailedEntryCount ?? 0) === 0) return undefined;
  const failed = output.Entries?.[0];
  return { ...(failed?.ErrorCode ? { errorCode: failed.ErrorCode } : {}), ...(failed?.ErrorMessage ? { errorMessage: failed.ErrorMessage } : {}) };
}

/** The Region of a bus given by ARN, else `homeRegion` (a bus given by name is in the home Region). */
export function eventBusRegion(eventBus: string, homeRegion: string): string {
  return safeParseArn(eventBus)?.region || homeRegion;
}
