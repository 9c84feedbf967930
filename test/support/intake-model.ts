/**
 * The intake queue as the batch fault scenarios and the burst benchmark need it: a standard SQS queue, in
 * memory and on the real clock — per-message delay, visibility timeout, receive count, redrive to the failed-events
 * queue after maxReceiveCount, receipt handles (a delete with an old handle deletes nothing, as in SQS after the
 * message was received again), and `deliver` for the pipeline's deferrals and give-backs.
 *
 * Why a model and not moto's SQS: a scenario must receive *the same message* in two consumers while the first is
 * still handling it (visibility timeout shorter than the run), and read every receive count; moto's SQS is used where
 * only SQS's own behaviour matters (test/integration).
 */
import { randomUUID } from 'node:crypto';
import type { IntakeMessage } from '../../lib/aws/sqs.js';
import type { SqsRecord } from '../../lib/lambda/run-changes-in-lambda.js';

interface Stored {
  readonly id: string;
  readonly body: string;
  visibleAt: number;
  receives: number;
  handle: string;
}

/** A received message: the record onChanges gets, and the receipt handle to delete it with. */
export interface Received extends SqsRecord {
  readonly receiptHandle: string;
  readonly receiveCount: number;
}

/** The in-memory intake queue. */
export class IntakeModel {
  readonly #messages: Stored[] = [];
  /** Messages moved to the failed-events queue (received more than maxReceiveCount times). */
  public readonly failed: Stored[] = [];
  /** Every message ever delivered to the queue, with its delay (deferrals and give-backs included). */
  public readonly deliveries: IntakeMessage[] = [];
  /** Makes the next `deliver` calls fail (SQS refused them). */
  public refuseDeliveries = 0;

  public constructor(
    public readonly visibilityMs: number,
    public readonly maxReceives = 5,
  ) {}

  /** SendMessageBatch: each message becomes visible after its delay. */
  public async deliver(messages: readonly IntakeMessage[]): Promise<void> {
    if (this.refuseDeliveries > 0) {
      this.refuseDeliveries--;
      throw new Error(`SQS refused ${messages.length} of ${messages.length} message(s): InternalError`);
    }
    for (const message of messages) {
      this.deliveries.push(message);
      this.#messages.push({ id: randomUUID(), body: message.body, visibleAt: Date.now() + Math.max(0, message.delaySeconds) * 1000, receives: 0, handle: '' });
    }
  }

  /** ReceiveMessage (as the event source mapping does, up to `max`): visible messages, hidden for the visibility timeout. */
  public receive(max = 1000): Received[] {
    const now = Date.now();
    const received: Received[] = [];
    for (const message of [...this.#messages]) {
      if (received.length >= max || message.visibleAt > now) continue;
      if (message.receives >= this.maxReceives) {
        this.#messages.splice(this.#messages.indexOf(message), 1);
        this.failed.push(message);
        continue;
      }
      message.receives++;
      message.handle = randomUUID();
      message.visibleAt = now + this.visibilityMs;
      received.push({ messageId: message.id, body: message.body, receiptHandle: message.handle, receiveCount: message.receives });
    }
    return received;
  }

  /** DeleteMessage: only with the latest receipt handle (an older one deletes nothing, as in SQS). */
  public delete(received: Received): void {
    const index = this.#messages.findIndex((message) => message.id === received.messageId && message.handle === received.receiptHandle);
    if (index >= 0) this.#messages.splice(index, 1);
  }

  /** Messages a receive would get now. */
  public visibleCount(): number {
    const now = Date.now();
    return this.#messages.filter((message) => message.visibleAt <= now).length;
  }

  /** Messages still in the queue (visible or not). */
  public get size(): number {
    return this.#messages.length;
  }

  /** When the next message becomes visible (ms since epoch), if any is waiting. */
  public nextVisibleAt(): number | undefined {
    return this.#messages.length === 0 ? undefined : Math.min(...this.#messages.map((message) => message.visibleAt));
  }
}
