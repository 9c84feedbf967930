import { type DocumentTable, type DynamoDBClient, documentTable } from './dynamodb.js';

/** A stored scan checkpoint: the step that may continue it next, and its JSON (see lib/pipeline/scan-checkpoint.ts). */
export interface StoredCheckpoint {
  readonly step: number;
  readonly body: string;
}

/**
 * Where a scan that outgrows one invocation keeps its place: items `scan#<batch id>` of the state table
 * (`SECRET_REFRESH_IDEMPOTENCY_TABLE`, key `id`, TTL `expiration`), each holding the step the next continuation
 * message must carry and the checkpoint's JSON (a cursor and compact matches: ARNs and page tokens, never a value).
 */
export interface ScanCheckpointStore {
  /** The checkpoint `id`, read consistently; `undefined` when there is none (never written, expired, lost). */
  read(id: string): Promise<StoredCheckpoint | undefined>;
  /**
   * Writes checkpoint `id` at `step` if it is still at `expectedStep` (`undefined`: only if it does not exist yet);
   * `false` when another invocation moved it first (nothing written). Kept `ttlSeconds`.
   */
  write(id: string, checkpoint: StoredCheckpoint, expectedStep: number | undefined, ttlSeconds: number): Promise<boolean>;
}

/**
 * The {@link ScanCheckpointStore} in the state table `tableName`.
 *
 * @example
 * const checkpoints = dynamoDbScanCheckpoints(clients.dynamodb(config.homeRegion), config.idempotencyTable);
 */
export function dynamoDbScanCheckpoints(client: DynamoDBClient, tableName: string): ScanCheckpointStore {
  const table: DocumentTable = documentTable(client, tableName);
  return {
    async read(id) {
      const item = await table.get({ id }, { consistentRead: true });
      return item && typeof item.checkpoint === 'string' && typeof item.step === 'number' ? { step: item.step, body: item.checkpoint } : undefined;
    },
    write: (id, checkpoint, expectedStep, ttlSeconds) =>
      table.putIf(
        { id, step: checkpoint.step, checkpoint: checkpoint.body, expiration: Math.floor(Date.now() / 1000) + ttlSeconds },
        expectedStep === undefined
          ? { ConditionExpression: 'attribute_not_exists(id)' }
          : { ConditionExpression: 'step = :expected', ExpressionAttributeValues: { ':expected': expectedStep } },
      ),
  };
}

/** {@link ScanCheckpointStore} in memory: tests and the benchmark (`lose` drops a checkpoint, as an expired TTL would). */
export class InMemoryScanCheckpoints implements ScanCheckpointStore {
  readonly #items = new Map<string, StoredCheckpoint>();
  /** Writes accepted, for tests. */
  public writes = 0;

  public async read(id: string): Promise<StoredCheckpoint | undefined> {
    return this.#items.get(id);
  }

  public async write(id: string, checkpoint: StoredCheckpoint, expectedStep: number | undefined): Promise<boolean> {
    const current = this.#items.get(id);
    if (expectedStep === undefined ? current !== undefined : current?.step !== expectedStep) return false;
    this.#items.set(id, checkpoint);
    this.writes++;
    return true;
  }

  /** Every checkpoint id and its size in bytes. */
  public sizes(): Map<string, number> {
    return new Map([...this.#items].map(([id, item]) => [id, Buffer.byteLength(item.body)]));
  }

  public lose(id: string): void {
    this.#items.delete(id);
  }
}
