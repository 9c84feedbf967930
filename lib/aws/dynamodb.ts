import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

export type { DynamoDBClient };

/** A stored item, as plain JavaScript values (the document client marshals them). */
export type Item = Record<string, unknown>;

/** An UpdateItem of one item: key, update and optional condition, with their names and values. */
export type ItemUpdate = Pick<
  UpdateCommandInput,
  'Key' | 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/**
 * One DynamoDB table seen as documents: the few item operations secret-refresh's own tables need (the
 * deployments table of outcome tracking). Undefined values are dropped when writing.
 */
export interface DocumentTable {
  get(key: Item, options?: { readonly consistentRead?: boolean }): Promise<Item | undefined>;
  put(item: object): Promise<void>;
  /** UpdateItem; a failed condition rejects with the SDK's ConditionalCheckFailedException. */
  update(update: ItemUpdate): Promise<void>;
  /** UpdateItem returning the item as it is after the update, or `undefined` when the condition did not hold. */
  updateIf(update: ItemUpdate): Promise<Item | undefined>;
}

/**
 * The {@link DocumentTable} of `tableName` through `client`.
 *
 * @example
 * const table = documentTable(clients.dynamodb(config.homeRegion), config.deploymentsTable);
 */
export function documentTable(client: DynamoDBClient, tableName: string): DocumentTable {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    async get(key, options = {}) {
      const output = await documents.send(new GetCommand({ TableName: tableName, Key: key, ...(options.consistentRead ? { ConsistentRead: true } : {}) }));
      return output.Item;
    },
    async put(item) {
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    async update(update) {
      await documents.send(new UpdateCommand({ TableName: tableName, ...update }));
    },
    async updateIf(update) {
      try {
        const output = await documents.send(new UpdateCommand({ TableName: tableName, ReturnValues: 'ALL_NEW', ...update }));
        return output.Attributes;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  };
}
