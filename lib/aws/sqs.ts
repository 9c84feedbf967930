import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from './concurrency.js';

export type { SQSClient };

/** One message to put back on the intake queue: an EventBridge event's JSON, and how long SQS keeps it hidden. */
export interface IntakeMessage {
  readonly body: string;
  /** 0–900 (SQS's per-message delay range); clamped. */
  readonly delaySeconds: number;
}

/** SendMessageBatch takes 10 entries. */
const SEND_BATCH = 10;

/**
 * Sends `messages` to the queue `queueUrl` (SendMessageBatch, 10 at a time; needs `sqs:SendMessage`). Used to
 * deliver a deferred change again when it is due, and to give a batch back when another run holds the account's
 * lease. Rejects when a call fails or an entry is refused, so the caller keeps the originals for SQS to redeliver
 * (a duplicate is harmless: the batch merges it).
 */
export async function sendToQueue(client: SQSClient, queueUrl: string, messages: readonly IntakeMessage[]): Promise<void> {
  for (const entries of chunk(messages, SEND_BATCH)) {
    const output = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((message, index) => ({
          Id: String(index),
          MessageBody: message.body,
          DelaySeconds: Math.max(0, Math.min(900, Math.ceil(message.delaySeconds))),
        })),
      }),
    );
    const failed = output.Failed ?? [];
    if (failed.length > 0) {
      throw new Error(
        `SQS refused ${failed.length} of ${entries.length} message(s): ${failed.map((entry) => `${entry.Code}: ${entry.Message ?? ''}`).join('; ')}`,
      );
    }
  }
}
