/**
 * The DynamoDB change guard (Powertools Idempotency) against a DynamoDB client double: aws-sdk-client-mock,
 * because moto cannot throttle or deny a PutItem on demand. What is asserted: the record key is per change
 * (never one key for every change), a store error is a failure (never "in progress"), a failed run releases
 * its record, a good one is kept.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChangeKey, createDynamoDbChangeGuard } from '../../../lib/pipeline/change-guard.js';
import type { RefreshReport } from '../../../lib/report/types.js';

const dynamodb = mockClient(DynamoDBClient);
afterAll(() => dynamodb.restore());
beforeEach(() => {
  dynamodb.reset();
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(UpdateItemCommand).resolves({});
  dynamodb.on(DeleteItemCommand).resolves({});
});

const TABLE = 'secret-refresh-test-changes';
const KEY: ChangeKey = { arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-Ab12Cd', versionId: 'v-1', effect: 'new-current-value' };
const context = { getRemainingTimeInMillis: () => 300_000 } as Context;
const client = () => new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }, maxAttempts: 1 });
const guard = () => createDynamoDbChangeGuard(TABLE, context, client());

const report = (failed: number) => ({ summary: { failed } }) as unknown as RefreshReport;
const recordIds = () => dynamodb.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item?.id?.S);

describe('createDynamoDbChangeGuard', () => {
  it('keys the record by the change: another ARN, version or effect is another record; the same change the same one', async () => {
    const keys: ChangeKey[] = [
      KEY,
      { ...KEY, arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/other-Zz99Yy' },
      { ...KEY, versionId: 'v-2' },
      { ...KEY, effect: 'label-moved' },
      KEY,
    ];
    for (const key of keys) await guard().run(key, async () => report(0));
    const ids = recordIds();
    expect(ids).toHaveLength(5);
    expect(ids.every((id) => typeof id === 'string' && /^secret-refresh#[A-Za-z0-9+/]{22}==$/.test(id))).toBe(true);
    expect(new Set(ids.slice(0, 4)).size).toBe(4);
    expect(ids[4]).toBe(ids[0]);
    expect(dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe(TABLE);
  });

  it('runs the work, then keeps the record of a good run (status COMPLETED)', async () => {
    const outcome = await guard().run(KEY, async () => report(0));
    expect(outcome).toEqual({ outcome: 'ran', report: report(0) });
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
    expect(dynamodb.commandCalls(DeleteItemCommand)).toHaveLength(0);
  });

  it('returns a failed run as ran and deletes its record, so the retry acts again', async () => {
    const failed = report(1);
    const outcome = await guard().run(KEY, async () => failed);
    expect(outcome).toEqual({ outcome: 'ran', report: failed });
    expect(dynamodb.commandCalls(DeleteItemCommand)).toHaveLength(1);
    expect(dynamodb.commandCalls(DeleteItemCommand)[0]?.args[0].input.Key?.id?.S).toBe(recordIds()[0]);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('answers in-progress when another invocation holds the record', async () => {
    const now = Date.now();
    dynamodb.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: {
          id: { S: 'secret-refresh#held' },
          status: { S: 'INPROGRESS' },
          expiration: { N: String(Math.floor(now / 1000) + 3600) },
          in_progress_expiration: { N: String(now + 60_000) },
        },
      }),
    );
    let ran = false;
    const outcome = await guard().run(KEY, async () => {
      ran = true;
      return report(0);
    });
    expect(outcome).toEqual({ outcome: 'in-progress' });
    expect(ran).toBe(false);
  });

  it.each([
    ['throttled', 'ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded'],
    ['denied', 'AccessDeniedException', 'User is not authorized to perform: dynamodb:PutItem'],
  ])('fails, never answers in-progress, when DynamoDB is %s, and does not run the work', async (_what, name, message) => {
    dynamodb.on(PutItemCommand).rejects(Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } }));
    let ran = false;
    const run = guard().run(KEY, async () => {
      ran = true;
      return report(0);
    });
    await expect(run).rejects.toThrow('Failed to save in progress record to idempotency store');
    await expect(run).rejects.toMatchObject({ name: 'IdempotencyPersistenceLayerError', cause: { name, message } });
    expect(ran).toBe(false);
  });

  it('fails when the record of a failed run cannot be deleted (the report is not mistaken for a handled change)', async () => {
    dynamodb.on(DeleteItemCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    await expect(guard().run(KEY, async () => report(1))).rejects.toThrow('Failed to delete record from idempotency store');
  });
});
