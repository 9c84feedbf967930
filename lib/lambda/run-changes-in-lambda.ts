import type { Context, SQSBatchResponse } from 'aws-lambda';
import { type ChangeRequest, IntakeEnvelopeError, unwrapIntake } from '../changes/index.js';
import type { Config } from '../config/config.js';
import { EventParseError, errorText, InvalidInputError } from '../errors.js';
import { LeaseUnavailableError } from '../pipeline/lease.js';
import { type PipelineDependencies, type RefreshRequest, type RunOptions, runRefresh } from '../pipeline/run-refresh.js';
import { isContinuationBody, parseContinuation, reconcileContinuationOf, type ScanContinuation } from '../pipeline/scan-checkpoint.js';
import { recordRunMetrics } from '../report/run-metrics.js';
import type { RefreshReport } from '../report/types.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';
import { metrics } from './metrics.js';
import { DEADLINE_MARGIN_MS } from './run-in-lambda.js';
import { reconcileIndexInSteps } from './run-index-in-lambda.js';

/** A batch given back because another run holds the account's lease comes again after this long. */
export const LEASE_RETRY_DELAY_SECONDS = 60;

/** One SQS record as Lambda delivers it (only what is read). */
export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

/**
 * Runs the pipeline for one batch of the intake queue (`onChanges`): every message is detected, the batch is
 * coalesced and handled as one run, and the response reports per message what SQS must deliver again
 * (`ReportBatchItemFailures`):
 * - a message whose change is not finished (a target failed, part of the inventory could not be read, the change
 *   could not be decided or recorded) is a batch item failure: SQS delivers it again after the visibility timeout,
 *   and to the dead-letter queue after `maxReceiveCount` receives;
 * - an invalid message (not JSON, not a supported event, another account's) is reported (log, report,
 *   `Secret Refresh Alert` `invalid-input`) and deleted: retrying cannot make it valid;
 * - a change deferred by the minimum redeploy interval was sent back to the queue, due then: its message is done.
 * When another run holds the account's lease past the wait, the whole batch is sent back to the queue with a
 * {@link LEASE_RETRY_DELAY_SECONDS} delay (no receive is spent); a failure of the run itself fails every message.
 *
 * @throws {EventParseError} when the invocation is not an SQS event at all (nothing is done).
 */
export async function runChangesInLambda(event: unknown, context: Context): Promise<SQSBatchResponse> {
  const records = sqsRecords(event);
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const started = Date.now();
  const timing: RunOptions =
    remaining === undefined
      ? {}
      : {
          deadline: new Date(started + Math.max(0, remaining - DEADLINE_MARGIN_MS)),
          leaseUntil: new Date(started + remaining),
          leaseWaitMs: Math.min(90_000, Math.floor(remaining / 4)),
        };
  return runIntakeBatch(records, lambdaDependencies(context), timing);
}

/**
 * @internal The body of {@link runChangesInLambda}, on given dependencies: runs the batch and answers which
 * messages SQS must deliver again.
 */
export async function runIntakeBatch(
  records: readonly SqsRecord[],
  { config, dependencies }: { readonly config: Config; readonly dependencies: PipelineDependencies },
  timing: RunOptions,
): Promise<SQSBatchResponse> {
  const reconcile = records.find((record) => reconcileContinuationOf(parsedBody(record)) !== undefined);
  if (reconcile) return continueReconcile(records, reconcile, { config, dependencies }, timing);
  const continuation = firstContinuation(records);
  if (continuation) return continueScanBatch(records, continuation, { config, dependencies }, timing);
  const requests = records.flatMap(requestsOf);
  const all = () => ({ batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) });
  let report: RefreshReport;
  try {
    report = await runRefresh(requests, config, dependencies, timing);
  } catch (error) {
    if (error instanceof LeaseUnavailableError && dependencies.intake) {
      try {
        await dependencies.intake.deliver(records.map((record) => ({ body: record.body, delaySeconds: LEASE_RETRY_DELAY_SECONDS })));
        logger.warn('secret-refresh batch given back: another run holds the lease', { messages: records.length, error: error.message });
        return { batchItemFailures: [] };
      } catch (sendError) {
        logger.error('secret-refresh batch could not be given back to the intake queue', { error: errorText(sendError) });
        return all();
      }
    }
    logger.error('secret-refresh batch failed: every message is delivered again', { error: errorText(error), messages: records.length });
    return all();
  }
  recordRunMetrics(metrics, report, new Date());
  if (report.scan?.continued) {
    // The next invocation carries the batch on (its continuation message names the changes): these messages are done.
    logger.info('secret-refresh batch continues in the next invocation', { report });
    return { batchItemFailures: [] };
  }
  const retried = new Set(report.changes.filter((entry) => entry.retry).map((entry) => entry.source));
  const failures = records.filter((record) => retried.has(record.messageId)).map((record) => ({ itemIdentifier: record.messageId }));
  if (failures.length > 0 || report.summary.invalid > 0) logger.error('secret-refresh batch finished with failures', { report, failed: failures.length });
  else logger.info('secret-refresh batch finished', { report });
  return { batchItemFailures: failures };
}

/** The first valid continuation message of the batch (see lib/pipeline/scan-checkpoint.ts), with its record. */
function firstContinuation(records: readonly SqsRecord[]): { record: SqsRecord; message: ScanContinuation } | undefined {
  for (const record of records) {
    const body = parsedBody(record);
    if (!isContinuationBody(body)) continue;
    try {
      return { record, message: parseContinuation(body) };
    } catch {
      // Reported with the batch it came in, as an invalid input (requestsOf).
    }
  }
  return undefined;
}

function parsedBody(record: SqsRecord): unknown {
  try {
    return JSON.parse(record.body);
  } catch {
    return undefined;
  }
}

/**
 * A batch holding a continuation message: the invocation continues that scan alone (it needs the whole time
 * budget). Every other message of the batch (new changes, other continuations) is given back to the intake queue at
 * once (no receive spent), so a change arriving meanwhile is its own batch.
 */
async function continueScanBatch(
  records: readonly SqsRecord[],
  continuation: { record: SqsRecord; message: ScanContinuation },
  { config, dependencies }: { readonly config: Config; readonly dependencies: PipelineDependencies },
  timing: RunOptions,
): Promise<SQSBatchResponse> {
  const others = records.filter((record) => record !== continuation.record);
  const failures: { itemIdentifier: string }[] = [];
  if (others.length > 0) {
    try {
      if (!dependencies.intake) throw new Error('no intake queue (SECRET_REFRESH_INTAKE_QUEUE_URL)');
      await dependencies.intake.deliver(others.map((record) => ({ body: record.body, delaySeconds: 0 })));
    } catch (error) {
      logger.warn('secret-refresh: messages beside a scan continuation could not be given back: SQS delivers them again', { error: errorText(error) });
      failures.push(...others.map((record) => ({ itemIdentifier: record.messageId })));
    }
  }
  const id = continuation.record.messageId;
  let report: RefreshReport;
  try {
    report = await runRefresh([], config, dependencies, { ...timing, continuation: { message: continuation.message, source: id } });
  } catch (error) {
    if (error instanceof LeaseUnavailableError && dependencies.intake) {
      try {
        await dependencies.intake.deliver([{ body: continuation.record.body, delaySeconds: LEASE_RETRY_DELAY_SECONDS }]);
        return { batchItemFailures: failures };
      } catch {
        // retried by SQS below
      }
    }
    logger.error('secret-refresh scan continuation failed: it is delivered again', { error: errorText(error), checkpoint: continuation.message.checkpoint });
    return { batchItemFailures: [...failures, { itemIdentifier: id }] };
  }
  recordRunMetrics(metrics, report, new Date());
  const retry = !report.scan?.continued && report.changes.some((entry) => entry.retry);
  if (retry) logger.error('secret-refresh scan continuation finished with failures', { report });
  else logger.info('secret-refresh scan continuation finished', { report });
  return { batchItemFailures: retry ? [...failures, { itemIdentifier: id }] : failures };
}

/**
 * A batch holding a continuation of the `indexServices` reconcile (it continues through the intake queue, the only
 * queue both functions may send to): this invocation runs that step alone, outside the account lease like every
 * reconcile, and gives the batch's other messages back at once.
 */
async function continueReconcile(
  records: readonly SqsRecord[],
  record: SqsRecord,
  { config, dependencies }: { readonly config: Config; readonly dependencies: PipelineDependencies },
  timing: RunOptions,
): Promise<SQSBatchResponse> {
  const others = records.filter((candidate) => candidate !== record);
  const failures: { itemIdentifier: string }[] = [];
  if (others.length > 0) {
    try {
      if (!dependencies.intake) throw new Error('no intake queue (SECRET_REFRESH_INTAKE_QUEUE_URL)');
      await dependencies.intake.deliver(others.map((other) => ({ body: other.body, delaySeconds: 0 })));
    } catch (error) {
      logger.warn('secret-refresh: messages beside a reconcile continuation could not be given back: SQS delivers them again', { error: errorText(error) });
      failures.push(...others.map((other) => ({ itemIdentifier: other.messageId })));
    }
  }
  try {
    const message = reconcileContinuationOf(parsedBody(record));
    await reconcileIndexInSteps(config, dependencies, timing.deadline ?? new Date(Date.now() + 240_000), message);
    return { batchItemFailures: failures };
  } catch (error) {
    logger.error('indexServices reconcile step failed: its continuation is delivered again', { error: errorText(error) });
    return { batchItemFailures: [...failures, { itemIdentifier: record.messageId }] };
  }
}

/** The records of an SQS event, or an {@link EventParseError} when the invocation is not one. */
function sqsRecords(event: unknown): SqsRecord[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  const valid =
    Array.isArray(records) &&
    records.every((record) => typeof record === 'object' && record !== null && typeof record.messageId === 'string' && typeof record.body === 'string');
  if (!valid) throw new EventParseError('onChanges expects an SQS event ({ "Records": [{ "messageId", "body", … }] }) from the intake queue');
  return records as SqsRecord[];
}

/** The requests of one message: its event (or events), or one unreadable input when its body cannot be unwrapped. */
function requestsOf(record: SqsRecord): RefreshRequest[] {
  try {
    // A continuation message that is not valid (a valid one is never in a batch of events): reported, deleted.
    const body = parsedBody(record);
    if (isContinuationBody(body)) parseContinuation(body);
    const events = unwrapIntake({ messageId: record.messageId, body: record.body, eventSource: 'aws:sqs' });
    return events.map((found): ChangeRequest => ({ type: 'event', event: found.event, source: record.messageId }));
  } catch (error) {
    const invalid = error instanceof InvalidInputError ? error : new IntakeEnvelopeError(errorText(error));
    return [{ type: 'unreadable', error: invalid, source: record.messageId }];
  }
}
