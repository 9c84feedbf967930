import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

export type { DynamoDBClient };

/** A stored item, as plain JavaScript values (the document client marshals them). */
export type Item = Record<string, unknown>;

/** An UpdateItem of one item: key, update and optional condition, with their names and values. */
export type ItemUpdate = Pick<
  UpdateCommandInput,
  'Key' | 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/**
 * One DynamoDB table seen as documents: the few item operations secret-refresh's own tables need (the state table
 * of leases, change records and deployment limits; the deployments table of outcome tracking). Conditional writes
 * answer `false` / `undefined` when their condition does not hold; every other error (throttled, denied…)
 * propagates. Undefined values are dropped when writing.
 */
export interface DocumentTable {
  get(key: Item, options?: { readonly consistentRead?: boolean }): Promise<Item | undefined>;
  put(item: object): Promise<void>;
  /** UpdateItem; a failed condition rejects with the SDK's ConditionalCheckFailedException. */
  update(update: ItemUpdate): Promise<void>;
  /** UpdateItem returning the item as it is after the update, or `undefined` when the condition did not hold. */
  updateIf(update: ItemUpdate): Promise<Item | undefined>;
  /** PutItem under a condition: `false` when the condition did not hold (nothing was written). */
  putIf(item: object, condition: ItemCondition): Promise<boolean>;
  /** DeleteItem, under a condition when one is given: `false` when it did not hold (nothing was deleted). */
  deleteIf(key: Item, condition?: ItemCondition): Promise<boolean>;
}

/** A condition expression with its names and values. */
export type ItemCondition = Pick<UpdateCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

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
    async putIf(item, condition) {
      try {
        await documents.send(new PutCommand({ TableName: tableName, Item: item as Item, ...condition }));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async deleteIf(key, condition) {
      try {
        await documents.send(new DeleteCommand({ TableName: tableName, Key: key, ...(condition ?? {}) }));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
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
