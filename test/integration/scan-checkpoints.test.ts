/**
 * The scan checkpoints' DynamoDB store (lib/aws/scan-checkpoints.ts) against moto, in the state table as demo and
 * serverless.yml create it (key `id`, TTL `expiration`): a checkpoint is created only once, moved only from the step
 * it is at, read consistently, and expires. The same contract the in-memory store keeps for the continuation tests.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIdempotencyTable } from '../../demo/tables.js';
import { dynamoDbScanCheckpoints, type ScanCheckpointStore } from '../../lib/aws/scan-checkpoints.js';
import { resetMoto } from '../support/moto.js';

const TABLE = 'secret-refresh-test-checkpoints';
const ID = 'scan#batch-1';
const client = new DynamoDBClient({ region: 'us-east-1' });
let checkpoints: ScanCheckpointStore;

beforeEach(async () => {
  await resetMoto();
  await createIdempotencyTable(TABLE, 'us-east-1');
  checkpoints = dynamoDbScanCheckpoints(client, TABLE);
});

describe('scan checkpoints in the state table (moto)', () => {
  it('creates a checkpoint once, moves it only from the step it is at, and reads back what was written', async () => {
    expect(await checkpoints.read(ID)).toBeUndefined();
    expect(await checkpoints.write(ID, { step: 1, body: '{"cursor":"a"}' }, undefined, 3600)).toBe(true);
    // A second first invocation of the same batch (SQS delivered it twice) finds it there.
    expect(await checkpoints.write(ID, { step: 1, body: '{"cursor":"other"}' }, undefined, 3600)).toBe(false);
    expect(await checkpoints.read(ID)).toEqual({ step: 1, body: '{"cursor":"a"}' });

    expect(await checkpoints.write(ID, { step: 2, body: '{"cursor":"b"}' }, 1, 3600)).toBe(true);
    // A duplicated continuation of step 1: the cursor has moved, nothing is written.
    expect(await checkpoints.write(ID, { step: 2, body: '{"cursor":"stale"}' }, 1, 3600)).toBe(false);
    expect(await checkpoints.write(ID, { step: 3, body: '{"cursor":"c"}' }, 5, 3600)).toBe(false);
    expect(await checkpoints.read(ID)).toEqual({ step: 2, body: '{"cursor":"b"}' });
  });

  it('keeps the checkpoint for the time asked (TTL attribute expiration), under its own key', async () => {
    const before = Math.floor(Date.now() / 1000);
    await checkpoints.write(ID, { step: 1, body: '{}' }, undefined, 24 * 3600);
    const item = (await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: ID } } }))).Item;
    expect(Object.keys(item ?? {}).sort()).toEqual(['checkpoint', 'expiration', 'id', 'step']);
    const expiration = Number(item?.expiration?.N);
    expect(expiration).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(expiration).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600);
    expect(await checkpoints.read('scan#another-batch')).toBeUndefined();
  });
});
