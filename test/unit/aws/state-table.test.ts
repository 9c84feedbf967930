/**
 * The state table's DynamoDB door (lib/aws/state-table.ts) against a client double: aws-sdk-client-mock, because
 * moto can neither fail a conditional write on demand nor throttle. What is asserted: the items' keys and TTLs, the
 * conditions that make the lease and the budget safe, and that only a failed condition means "no" — a throttled or
 * denied request is an error. (The same door runs against moto_server in test/integration/state-table.test.ts.)
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbStateTable } from '../../../lib/aws/state-table.js';

const documents = mockClient(DynamoDBDocumentClient);
afterAll(() => documents.restore());
beforeEach(() => documents.reset());

const TABLE = 'secret-refresh-test-changes';
const client = () => new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }, maxAttempts: 1 });
const state = () => dynamoDbStateTable(client(), TABLE);
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });
const NOW = new Date('2026-11-20T10:00:00.000Z');

describe('dynamoDbStateTable: the lease', () => {
  it('takes lease#<account> with a put conditional on "absent or expired", expiring when the holder would have ended', async () => {
    documents.on(PutCommand).resolves({});
    const expiresAt = new Date('2026-11-20T10:05:00.000Z');
    expect(await state().tryLease('lease#111122223333', 'owner-1', expiresAt, NOW)).toBe(true);
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { id: 'lease#111122223333', owner: 'owner-1', expiresAt: expiresAt.getTime(), expiration: Math.floor(expiresAt.getTime() / 1000) + 3600 },
      ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': NOW.getTime() },
    });
  });

  it('answers false when another holder’s lease is live, and throws a throttled or denied request', async () => {
    documents.on(PutCommand).rejectsOnce(conditionFailed()).rejectsOnce(throttled());
    expect(await state().tryLease('lease#a', 'me', new Date(), NOW)).toBe(false);
    await expect(state().tryLease('lease#a', 'me', new Date(), NOW)).rejects.toThrow('provisioned throughput');
  });

  it('releases only its own lease (a delete conditional on the owner), ignoring one taken over since', async () => {
    documents.on(DeleteCommand).rejects(conditionFailed());
    await state().releaseLease('lease#a', 'me');
    expect(documents.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { id: 'lease#a' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': 'me' },
    });
  });

  it('reads who holds the lease until when, consistently', async () => {
    documents.on(GetCommand).resolves({ Item: { id: 'lease#a', owner: 'other', expiresAt: Date.parse('2026-11-20T10:05:00.000Z') } });
    expect(await state().leaseHolder('lease#a')).toEqual({ owner: 'other', expiresAt: new Date('2026-11-20T10:05:00.000Z') });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ Key: { id: 'lease#a' }, ConsistentRead: true });
  });
});

describe('dynamoDbStateTable: change records', () => {
  const record = {
    key: 'change#arn:aws:ssm:us-east-1:111122223333:parameter/a#3#2026-11-20T09:59:00.000Z',
    arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/a',
    versionId: '3',
    versionDate: '2026-11-20T09:59:00.000Z',
    since: '2026-11-20T09:59:00.000Z',
    handledAt: '2026-11-20T10:00:00.000Z',
    labels: [],
    outcome: 'handled' as const,
    counts: { targets: 2000, done: 2000, skipped: 0 },
  };

  it('writes the record (id, TTL expiration in epoch seconds) and reads it back as it was written', async () => {
    documents.on(PutCommand).resolves({});
    await state().putChangeRecord(record, 86_400);
    const item = documents.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toEqual({
      id: record.key,
      ...Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'key')),
      expiration: Date.parse(record.handledAt) / 1000 + 86_400,
    });
    documents.on(GetCommand, { Key: { id: record.key } }).resolves({ Item: item });
    documents.on(GetCommand, { Key: { id: 'change#other' } }).resolves({});
    const found = await state().changeRecords([record.key, 'change#other']);
    expect([...found.entries()]).toEqual([[record.key, record]]);
  });

  it('propagates a read that fails (the run fails and is retried; never "someone else is handling it")', async () => {
    documents.on(GetCommand).rejects(throttled());
    await expect(state().changeRecords(['change#a'])).rejects.toThrow('provisioned throughput');
  });
});

describe('dynamoDbStateTable: deployment limits', () => {
  it('records and reads when services were last deployed (deployed#<arn>)', async () => {
    documents.on(PutCommand).resolves({});
    await state().putDeployed(['arn:aws:ecs:us-east-1:111122223333:service/c/s1'], NOW, 3900);
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual({
      id: 'deployed#arn:aws:ecs:us-east-1:111122223333:service/c/s1',
      at: NOW.toISOString(),
      expiration: Math.floor(NOW.getTime() / 1000) + 3900,
    });
    documents
      .on(GetCommand)
      .callsFake((input: { Key: { id: string } }) => (input.Key.id.endsWith('/s1') ? { Item: { id: input.Key.id, at: NOW.toISOString() } } : {}));
    const found = await state().lastDeployed(['arn:aws:ecs:us-east-1:111122223333:service/c/s1', 'arn:aws:ecs:us-east-1:111122223333:service/c/s2']);
    expect([...found.entries()]).toEqual([['arn:aws:ecs:us-east-1:111122223333:service/c/s1', NOW.toISOString()]]);
  });

  it('adds to the hour’s budget only while it stays at or under the limit, and without a limit for manual runs', async () => {
    documents
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { deployments: 40 } })
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: {} });
    expect(await state().addToBudget('budget#a#2026-11-20T10', 40, 500, 7200, NOW)).toBe(true);
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      ReturnValues: 'ALL_NEW',
      Key: { id: 'budget#a#2026-11-20T10' },
      UpdateExpression: 'ADD deployments :count SET expiration = if_not_exists(expiration, :expiration)',
      ConditionExpression: 'attribute_not_exists(deployments) OR deployments <= :limit',
      ExpressionAttributeValues: { ':count': 40, ':expiration': Math.floor(NOW.getTime() / 1000) + 7200, ':limit': 460 },
    });
    expect(await state().addToBudget('budget#a#2026-11-20T10', 40, 500, 7200, NOW)).toBe(false);
    expect(await state().addToBudget('budget#a#2026-11-20T10', 900, undefined, 7200, NOW)).toBe(true);
    expect(documents.commandCalls(UpdateCommand)[2]?.args[0].input).not.toHaveProperty('ConditionExpression');
  });

  it('reads the budget used, 0 for an hour nothing was deployed in', async () => {
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: { id: 'budget#a#h', deployments: 12 } })
      .resolves({});
    expect(await state().budgetUsed('budget#a#h')).toBe(12);
    expect(await state().budgetUsed('budget#a#h')).toBe(0);
  });
});
