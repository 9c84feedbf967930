import { readFile } from 'node:fs/promises';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, secretLabelUpdatedEvent, updateSecretVersionStageEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable, createIntakeQueue } from '../../demo/tables.js';
import { InvalidInputError } from '../../lib/errors.js';
import type { RefreshReport } from '../../lib/report/types.js';
import { capturingLogs, sqsEvent } from '../input/support/lambda-harness.js';
import { nextSecond, resetMoto } from '../support/moto.js';

type Handler = (event: unknown, context: Context) => Promise<RefreshReport>;
type BatchHandler = (event: unknown, context: Context) => Promise<SQSBatchResponse>;
const TABLE = 'secret-refresh-test-handler-changes';
const QUEUE = 'secret-refresh-test-intake';

function lambdaContext(account: string, functionName: string): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${account}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]abc',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('Lambda handlers (middy + Powertools) against moto', () => {
  let refresh: Handler;
  let onChanges: BatchHandler;
  let account: DemoAccount;
  let queueUrl: string;

  beforeAll(async () => {
    // Read once per execution environment, like a cold start.
    process.env.SECRET_REFRESH_REGIONS = 'us-east-1,us-west-2';
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.env.SECRET_REFRESH_IDEMPOTENCY_TABLE = TABLE;
    // moto's queue URLs name its endpoint and the account; the queue exists before the first invocation.
    await resetMoto();
    queueUrl = await createIntakeQueue(QUEUE, 'us-east-1');
    process.env.SECRET_REFRESH_INTAKE_QUEUE_URL = queueUrl;
    refresh = (await import('../../functions/refresh.js')).handler as unknown as Handler;
    onChanges = (await import('../../functions/on-changes.js')).handler as unknown as BatchHandler;
  });

  beforeEach(async () => {
    await resetMoto();
    // Every seed registers the same revisions with a new secret suffix: a warm environment's cache would be stale
    // (in AWS a revision never changes; here moto was reset).
    (await import('../../lib/lambda/environment.js')).lambdaEnvironment().taskDefinitions.clear();
    account = await seedDemoAccount();
    await createIdempotencyTable(TABLE, 'us-east-1');
    expect(await createIntakeQueue(QUEUE, 'us-east-1')).toBe(queueUrl);
  });

  it('refresh returns the dry-run report for a secret name, and logs it with its metrics (captured, not printed)', async () => {
    const invocation = await capturingLogs(() =>
      refresh({ ref: account.secretName, dryRun: true }, lambdaContext(account.account, 'secret-refresh-dev-refresh')),
    );
    const report = invocation.result as RefreshReport;
    expect(invocation.logs.find((line) => line.message === 'secret-refresh run finished')?.report).toEqual(report);
    expect(invocation.logs.find((line) => line.Planned !== undefined)).toMatchObject({ Planned: 5, Redeployed: 0 });
    expect(report.dryRun).toBe(true);
    expect(report.mode).toBe('manual');
    expect(report.summary.planned).toBe(5);
    expect(report.summary.done).toBe(0);
  });

  it('refresh refuses unknown input fields instead of guessing (a typo must not turn a dry run into a real one)', async () => {
    const invocation = await capturingLogs(() =>
      refresh({ ref: account.secretName, dryrun: true }, lambdaContext(account.account, 'secret-refresh-dev-refresh')),
    );
    expect(invocation.thrown).toBeInstanceOf(InvalidInputError);
    expect((invocation.thrown as Error).message).toMatch(/^invalid refresh input \(input: Unrecognized key: "dryrun"\); expected \{ "ref": /);
    // No run, so no metric: Powertools says so through the functions' logger (a structured WARN line), not as bare text.
    expect(invocation.logs).toContainEqual(expect.objectContaining({ level: 'WARN', message: expect.stringMatching(/^No application metrics to publish\./) }));
  });

  it("onChanges reports an event from another account than the function's as invalid, and does not ask for it again", async () => {
    // The sample names the demo account; the function runs in another one.
    const event = JSON.parse(await readFile('events/secretsmanager-secret-label-updated-awscurrent.json', 'utf8')) as { account: string };
    expect(event.account).toBe(account.account);
    const functionAccount = '444455556666';
    const { result, logs } = await capturingLogs(() => onChanges(sqsEvent([event]), lambdaContext(functionAccount, 'secret-refresh-dev-onChanges')));
    expect(result).toEqual({ batchItemFailures: [] });
    const report = logs.find((line) => line.report)?.report as RefreshReport;
    expect(report.changes[0]).toMatchObject({ decision: 'invalid', source: 'm-1' });
    expect(report.changes[0]?.error).toBe(
      `ForeignAccountError: the event is from account ${event.account}, but this deployment handles account ${functionAccount}: deploy secret-refresh in that account instead of forwarding its events`,
    );
  });

  it('onChanges handles a batch of one rotation’s two signals as one run: each reader deployed once, every message done', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    await nextSecond();
    const input = rotationInput(account, rotation);
    const batch = sqsEvent([updateSecretVersionStageEvent({ ...input, previousVersionId: rotation.previousVersionId }), secretLabelUpdatedEvent(input)]);
    const { result, logs } = await capturingLogs(() => onChanges(batch, lambdaContext(account.account, 'secret-refresh-dev-onChanges')));
    expect(result).toEqual({ batchItemFailures: [] });
    const report = logs.find((line) => line.report)?.report as RefreshReport;
    expect(report.changes.map((entry) => [entry.source, entry.decision])).toEqual([
      ['m-1', 'act'],
      ['m-2', 'merged'],
    ]);
    expect(report.summary).toMatchObject({ done: 5, failed: 0, inputs: 2 });
    // The same batch again (SQS delivered it twice): the change record says it was handled; nothing more is done.
    const again = await capturingLogs(() => onChanges(batch, lambdaContext(account.account, 'secret-refresh-dev-onChanges')));
    expect(again.result).toEqual({ batchItemFailures: [] });
    const second = again.logs.find((line) => line.report)?.report as RefreshReport;
    expect(second.changes.map((entry) => entry.decision)).toEqual(['already-handled', 'merged']);
    expect(second.summary.done).toBe(0);
    const waiting = await new SQSClient({ region: 'us-east-1' }).send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(waiting.Messages ?? []).toEqual([]);
  });

  it('onChanges defers readers it deployed moments ago: the new change goes back to the intake queue, delayed until they are due', async () => {
    const first = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    await nextSecond();
    const context = lambdaContext(account.account, 'secret-refresh-dev-onChanges');
    await capturingLogs(() => onChanges(sqsEvent([secretLabelUpdatedEvent(rotationInput(account, first))]), context));
    const second = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v3"}');
    await nextSecond();
    const event = secretLabelUpdatedEvent(rotationInput(account, second));
    const { result, logs } = await capturingLogs(() => onChanges(sqsEvent([event]), context));
    expect(result).toEqual({ batchItemFailures: [] });
    const report = logs.find((line) => line.report)?.report as RefreshReport;
    expect(report.summary).toMatchObject({ done: 0, deferred: 5, failed: 0 });
    const due = report.targets.filter((target) => target.status === 'deferred').map((target) => ('due' in target ? target.due : undefined));
    expect(new Set(due).size).toBeGreaterThanOrEqual(1);
    expect(report.changes[0]?.redelivery).toBe(due.sort()[0]);
    const attributes = await new SQSClient({ region: 'us-east-1' }).send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessages'] }),
    );
    expect(attributes.Attributes).toMatchObject({ ApproximateNumberOfMessagesDelayed: '1', ApproximateNumberOfMessages: '0' });
  });
});
