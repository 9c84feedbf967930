/**
 * The envelopes a change event arrives in, unwrapped to the EventBridge events inside: the intake queue's SQS
 * messages, what `aws sqs receive-message` prints for the dead-letter queue, and the Lambda on-failure
 * destination records of the per-event functions secret-refresh had before the intake queue.
 *
 * Why: an operator re-running a failed change should not have to dig the event out by hand. Whatever the
 * dead-letter queue or an old on-failure queue holds is accepted as it is (see the README, "re-run a failed event").
 */
import { EventParseError, errorMessage } from '../errors.js';

/** An event found in an envelope, with where it was found (an SQS message id), when known. */
export interface UnwrappedEvent {
  readonly event: unknown;
  readonly source?: string;
}

/** The value cannot be unwrapped: a message body that is not JSON, or an envelope without an event. */
export class IntakeEnvelopeError extends EventParseError {}

/** How deep envelopes may nest (a body holding an on-failure record holding an event is 3). */
const MAX_DEPTH = 6;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The EventBridge events in `value`, in order:
 * - an EventBridge event (has `detail-type`) → itself;
 * - an array → the events of each element;
 * - an SQS event for Lambda (`{ "Records": [{ "messageId", "body" }] }`), one such record, the output of
 *   `aws sqs receive-message` (`{ "Messages": [{ "MessageId", "Body" }] }`) or one of its messages → the events in
 *   each message body (a JSON text);
 * - a Lambda on-failure destination record (`requestPayload`, with `requestContext` or `responseContext`) → the
 *   events in its `requestPayload`.
 * Anything else is returned as is, so the Change step reports it as an event it cannot read.
 *
 * @throws {IntakeEnvelopeError} for a message body that is not JSON, or an on-failure record without a payload.
 * @example
 * unwrapIntake({ Messages: [{ MessageId: 'm-1', Body: JSON.stringify(event) }] }) // → [{ event, source: 'm-1' }]
 */
export function unwrapIntake(value: unknown, source?: string): UnwrappedEvent[] {
  return unwrap(value, source, 0);
}

function unwrap(value: unknown, source: string | undefined, depth: number): UnwrappedEvent[] {
  if (depth > MAX_DEPTH) throw new IntakeEnvelopeError(`envelopes nested more than ${MAX_DEPTH} deep: expected an EventBridge event inside at most a few`);
  const at = (id: unknown) => (typeof id === 'string' && id.length > 0 ? id : source);
  if (Array.isArray(value)) return value.flatMap((item) => unwrap(item, source, depth + 1));
  if (!isObject(value) || 'detail-type' in value) return [{ event: value, ...(source ? { source } : {}) }];
  if (Array.isArray(value.Records) && value.Records.every(isSqsRecord)) {
    return value.Records.flatMap((record) => body((record as Json).body, at((record as Json).messageId), depth));
  }
  if (Array.isArray(value.Messages) && value.Messages.every(isReceivedMessage)) {
    return value.Messages.flatMap((message) => body((message as Json).Body, at((message as Json).MessageId), depth));
  }
  if (isSqsRecord(value)) return body(value.body, at(value.messageId), depth);
  if (isReceivedMessage(value)) return body(value.Body, at(value.MessageId), depth);
  if ('requestPayload' in value && ('requestContext' in value || 'responseContext' in value)) {
    if (value.requestPayload === undefined || value.requestPayload === null) {
      throw new IntakeEnvelopeError('the Lambda on-failure record has no requestPayload: there is no event to re-run');
    }
    return unwrap(value.requestPayload, source, depth + 1);
  }
  return [{ event: value, ...(source ? { source } : {}) }];
}

/** An SQS record as Lambda delivers it: `messageId`, `body`, and `eventSource: aws:sqs` when present. */
function isSqsRecord(value: unknown): value is Json & { body: string } {
  return isObject(value) && typeof value.body === 'string' && typeof value.messageId === 'string' && (value.eventSource ?? 'aws:sqs') === 'aws:sqs';
}

/** A message as ReceiveMessage returns it: `MessageId`, `Body` (and a receipt handle, ignored). */
function isReceivedMessage(value: unknown): value is Json & { Body: string } {
  return isObject(value) && typeof value.Body === 'string' && typeof value.MessageId === 'string';
}

function body(text: unknown, source: string | undefined, depth: number): UnwrappedEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(text));
  } catch (error) {
    throw new IntakeEnvelopeError(`SQS message${source ? ` ${source}` : ''} has a body that is not JSON: ${errorMessage(error)}`);
  }
  return unwrap(parsed, source, depth + 1);
}
