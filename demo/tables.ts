import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Creates the change-record table the way serverless.yml declares it (partition key `id`, on-demand),
 * for the demo and the integration tests against moto.
 */
export async function createIdempotencyTable(tableName: string, region: string): Promise<void> {
  await createTable(tableName, region, 'id');
}

/** Creates the deployments table as serverless.yml declares it (partition key `pk`, on-demand). */
export async function createDeploymentsTable(tableName: string, region: string): Promise<void> {
  await createTable(tableName, region, 'pk');
}

async function createTable(tableName: string, region: string, key: string): Promise<void> {
  await new DynamoDBClient({ region }).send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    }),
  );
}
