import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Creates the change-record table the way serverless.yml declares it (partition key `id`, on-demand),
 * for the demo and the integration tests against moto.
 */
export async function createIdempotencyTable(tableName: string, region: string): Promise<void> {
  const client = new DynamoDBClient({ region });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
}
