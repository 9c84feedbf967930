import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

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

/** Creates the intake queue as serverless.yml declares it (standard, SSE); returns its URL. */
export async function createIntakeQueue(queueName: string, region: string): Promise<string> {
  const output = await new SQSClient({ region }).send(
    new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: '1800', SqsManagedSseEnabled: 'true' } }),
  );
  return output.QueueUrl ?? '';
}
