import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from './dynamodb.js';

/**
 * Where the change guard keeps its records: Powertools Idempotency's DynamoDB persistence layer on
 * `SECRET_REFRESH_IDEMPOTENCY_TABLE` (partition key `id`, TTL attribute `expiration`), through the shared client
 * when one is given (Powertools creates its own otherwise).
 */
export function changeRecordStore(tableName: string, client?: DynamoDBClient): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({ tableName, ...(client ? { awsSdkV3Client: client } : {}) });
}
