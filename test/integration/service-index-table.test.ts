/**
 * The service index's DynamoDB store against moto: the key schema of serverless.yml (`ref`, `member`), look-up by
 * Query, the newer-reading-wins condition on every item, tombstones, coverage and the reconcile's Scan. The same
 * contract the in-memory store keeps for the property test (test/input/service-index-properties.test.ts).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbServiceIndexStore } from '../../lib/aws/service-index-table.js';
import { resetMoto } from '../support/moto.js';

const WEB = 'arn:aws:ecs:us-east-1:111122223333:service/prod/web';
const API = 'arn:aws:ecs:us-east-1:111122223333:service/prod/api';
const CLUSTER = 'arn:aws:ecs:us-east-1:111122223333:cluster/prod';
const DB = 'secret|aws|us-east-1|111122223333|db';
const TOKEN = 'parameter|aws|us-east-1|111122223333|app/token';

let store: DynamoDbServiceIndexStore;
beforeEach(async () => {
  await resetMoto();
  const client = new DynamoDBClient({ region: 'us-east-1' });
  await client.send(
    new CreateTableCommand({
      TableName: 'service-index',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'ref', AttributeType: 'S' },
        { AttributeName: 'member', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'ref', KeyType: 'HASH' },
        { AttributeName: 'member', KeyType: 'RANGE' },
      ],
    }),
  );
  store = new DynamoDbServiceIndexStore('service-index', client);
});

const service = (arn: string, keys: string[], readAt: number, present = true) => ({
  arn,
  clusterArn: CLUSTER,
  region: 'us-east-1',
  revision: `${arn}:1`,
  keys,
  present,
  readAt,
});

describe('the service index in DynamoDB (moto)', () => {
  it('finds services under their reference keys, and the service item as last read', async () => {
    expect(await store.putService(service(WEB, [DB, TOKEN], 100), [])).toBe(true);
    expect(await store.putService(service(API, [DB], 100), [])).toBe(true);
    expect((await store.members(DB)).map((member) => member.arn).sort()).toEqual([API, WEB]);
    expect(await store.members(TOKEN)).toEqual([{ arn: WEB, clusterArn: CLUSTER, region: 'us-east-1', revision: `${WEB}:1` }]);
    expect(await store.service(WEB)).toEqual(service(WEB, [DB, TOKEN], 100));
  });

  it('never lets an older reading replace a newer one, and tombstones what a service stopped reading', async () => {
    await store.putService(service(WEB, [DB, TOKEN], 200), []);
    // A slower, older reading arrives late: refused, item by item.
    expect(await store.putService(service(WEB, [DB], 150), [DB, TOKEN])).toBe(false);
    expect((await store.members(TOKEN)).map((member) => member.arn)).toEqual([WEB]);
    // A newer reading: WEB reads only DB now.
    expect(await store.putService(service(WEB, [DB], 300), [DB, TOKEN])).toBe(true);
    expect(await store.members(TOKEN)).toEqual([]);
    // Deleted (a tombstone), then an older "present" reading cannot bring it back.
    expect(await store.putService(service(WEB, [], 400, false), [DB])).toBe(true);
    expect(await store.putService(service(WEB, [DB], 350), [])).toBe(false);
    expect(await store.members(DB)).toEqual([]);
    expect((await store.service(WEB))?.present).toBe(false);
  });

  it('keeps coverage per Region and reads a Region whole for the reconcile', async () => {
    expect(await store.coverage(['us-east-1', 'eu-west-1'])).toEqual(new Map());
    await store.putCoverage('us-east-1', 1_000);
    await store.putCoverage('us-east-1', 900); // an older scan does not move it back
    expect(await store.coverage(['us-east-1', 'eu-west-1'])).toEqual(new Map([['us-east-1', 1_000]]));
    await store.putService(service(WEB, [DB], 100), []);
    await store.putService({ ...service(API, [DB], 100), region: 'eu-west-1' }, []);
    expect((await store.servicesOf('us-east-1')).map((stored) => stored.arn)).toEqual([WEB]);
  });
});
