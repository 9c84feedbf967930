/**
 * The real state table (lib/aws/state-table.ts) on moto_server's DynamoDB, for integration tests.
 *
 * moto_server's conditional writes are not atomic under concurrent requests: it checks the condition and then
 * writes, in a threaded server, so two concurrent `attribute_not_exists(id)` puts on one key can both succeed. On
 * this 2-core machine under load that happened 19 times in 1,500 rounds of two concurrent puts (0 times when the
 * machine was quiet; see the README, "Exactly once"); it is why the concurrent-signals test once saw 10
 * deployments instead of 5. DynamoDB's conditional writes are atomic (a documented guarantee), which is what the
 * account lease relies on. So tests that exercise concurrency put the conditional writes of this process in one
 * line (never two in flight against moto at once): they test secret-refresh's logic, not moto's race.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbStateTable, type StateTable } from '../../lib/aws/state-table.js';

let line: Promise<unknown> = Promise.resolve();

/** A DynamoDB client whose conditional writes (PutItem/UpdateItem/DeleteItem with a ConditionExpression) never overlap. */
export function serializedConditionalWrites(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = (args as { input?: { ConditionExpression?: string } }).input;
      if (!input?.ConditionExpression) return next(args);
      const turn = line.then(() => next(args));
      line = turn.catch(() => undefined);
      return turn;
    },
    { step: 'initialize', name: 'serializeConditionalWritesForMoto' },
  );
  return client;
}

/** The state table `tableName` on moto (its conditional writes serialized, see above). */
export function motoStateTable(tableName: string, region = 'us-east-1'): StateTable {
  return dynamoDbStateTable(serializedConditionalWrites(new DynamoDBClient({ region, maxAttempts: 1 })), tableName);
}
