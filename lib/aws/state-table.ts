import { mapWithConcurrency } from './concurrency.js';
import { type DocumentTable, type DynamoDBClient, documentTable } from './dynamodb.js';

/**
 * A handled change, as its record keeps it: the key, when its value became current, when it was handled, the
 * labels handled, the outcome and counts. Never the report (a report of thousands of targets does not fit in a
 * DynamoDB item, and nothing reads it back).
 */
export interface ChangeRecord {
  /** `change#<arn>#<version>` (parameters: `#<LastModifiedDate>` too). */
  readonly key: string;
  readonly arn: string;
  readonly versionId: string;
  readonly versionDate?: string;
  /** When the value became current (ISO-8601). */
  readonly since: string;
  /** When the run that handled it started acting (ISO-8601): every deployment it made is later. */
  readonly handledAt: string;
  /** Staging labels handled (secrets), accumulated over the runs that handled this version. */
  readonly labels: readonly string[];
  /** `handled` (every target acted on or skipped with a reason) or `refused` (the cap or the budget refused it). */
  readonly outcome: 'handled' | 'refused';
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * The state table (`SECRET_REFRESH_IDEMPOTENCY_TABLE`: partition key `id`, TTL attribute `expiration`, the schema
 * of the table since the first release), its items keyed by prefix:
 *
 * | `id` | what | written |
 * |---|---|---|
 * | `lease#<account>` | the one planning run acting on the account: `owner`, `expiresAt` | conditionally, at the start of a run |
 * | `change#<arn>#<version>[#<LastModifiedDate>]` | a handled change ({@link ChangeRecord}) | after the actions |
 * | `deployed#<service ARN>` | when secret-refresh last deployed the service (`at`) | after the actions |
 * | `budget#<account>#<UTC hour>` | deployments started in that hour (`deployments`) | conditionally, before the actions |
 *
 * Every item expires (TTL) once nothing reads it any more. A store error (throttled, denied) is thrown as it is:
 * callers fail the run so it is retried; it is never read as "someone else holds this".
 */
export interface StateTable {
  /** Takes the lease `key` for `owner` until `expiresAt` when it is free or expired; `false` when someone else holds it. */
  tryLease(key: string, owner: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** When the lease `key` expires and who holds it, if anyone does. */
  leaseHolder(key: string): Promise<{ readonly owner: string; readonly expiresAt: Date } | undefined>;
  /** Releases the lease `key` if `owner` still holds it. */
  releaseLease(key: string, owner: string): Promise<void>;
  /** The records of `keys` that exist. */
  changeRecords(keys: readonly string[]): Promise<Map<string, ChangeRecord>>;
  /** Writes `record` (replacing an older one of the same key), kept `ttlSeconds` after `handledAt`. */
  putChangeRecord(record: ChangeRecord, ttlSeconds: number): Promise<void>;
  /** When secret-refresh last deployed each of `serviceArns` (ISO-8601); services it never deployed are absent. */
  lastDeployed(serviceArns: readonly string[]): Promise<Map<string, string>>;
  /** Records that each of `serviceArns` was deployed at `at`, kept `ttlSeconds` after it. */
  putDeployed(serviceArns: readonly string[], at: Date, ttlSeconds: number): Promise<void>;
  /** Deployments counted in the budget item `key`. */
  budgetUsed(key: string): Promise<number>;
  /**
   * Adds `count` to the budget item `key` if that keeps it at or under `limit` (no limit: always); `false` when it
   * would not (nothing added). Kept `ttlSeconds`.
   */
  addToBudget(key: string, count: number, limit: number | undefined, ttlSeconds: number, now: Date): Promise<boolean>;
}

/** Items read or written at once (GetItem / PutItem in parallel; DynamoDB takes thousands a second). */
const PARALLEL_ITEMS = 16;

/**
 * The {@link StateTable} on DynamoDB table `tableName` through `client`.
 *
 * @example
 * const state = dynamoDbStateTable(clients.dynamodb(config.homeRegion), config.idempotencyTable);
 */
export function dynamoDbStateTable(client: DynamoDBClient, tableName: string): StateTable {
  const table: DocumentTable = documentTable(client, tableName);
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  return {
    tryLease: (key, owner, expiresAt, now) =>
      table.putIf(
        { id: key, owner, expiresAt: expiresAt.getTime(), expiration: seconds(expiresAt) + 3600 },
        { ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :now', ExpressionAttributeValues: { ':now': now.getTime() } },
      ),
    async leaseHolder(key) {
      const item = await table.get({ id: key }, { consistentRead: true });
      return item && typeof item.owner === 'string' ? { owner: item.owner, expiresAt: new Date(Number(item.expiresAt)) } : undefined;
    },
    async releaseLease(key, owner) {
      await table.deleteIf(
        { id: key },
        { ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } },
      );
    },
    async changeRecords(keys) {
      const items = await mapWithConcurrency([...new Set(keys)], PARALLEL_ITEMS, (key) => table.get({ id: key }, { consistentRead: true }));
      return new Map(items.filter((item) => item !== undefined).map((item) => [String(item.id), recordOf(item)]));
    },
    async putChangeRecord(record, ttlSeconds) {
      await table.put({
        id: record.key,
        arn: record.arn,
        versionId: record.versionId,
        versionDate: record.versionDate,
        since: record.since,
        handledAt: record.handledAt,
        labels: [...record.labels],
        outcome: record.outcome,
        counts: { ...record.counts },
        expiration: seconds(new Date(record.handledAt)) + ttlSeconds,
      });
    },
    async lastDeployed(serviceArns) {
      const items = await mapWithConcurrency([...new Set(serviceArns)], PARALLEL_ITEMS, (arn) => table.get({ id: `deployed#${arn}` }));
      return new Map(items.filter((item) => typeof item?.at === 'string').map((item) => [String(item?.id).slice('deployed#'.length), String(item?.at)]));
    },
    async putDeployed(serviceArns, at, ttlSeconds) {
      await mapWithConcurrency([...new Set(serviceArns)], PARALLEL_ITEMS, (arn) =>
        table.put({ id: `deployed#${arn}`, at: at.toISOString(), expiration: seconds(at) + ttlSeconds }),
      );
    },
    async budgetUsed(key) {
      const item = await table.get({ id: key }, { consistentRead: true });
      return Number(item?.deployments ?? 0);
    },
    async addToBudget(key, count, limit, ttlSeconds, now) {
      const values: Record<string, unknown> = { ':count': count, ':expiration': seconds(now) + ttlSeconds };
      if (limit !== undefined) values[':limit'] = limit - count;
      const updated = await table.updateIf({
        Key: { id: key },
        UpdateExpression: 'ADD deployments :count SET expiration = if_not_exists(expiration, :expiration)',
        ...(limit === undefined ? {} : { ConditionExpression: 'attribute_not_exists(deployments) OR deployments <= :limit' }),
        ExpressionAttributeValues: values,
      });
      return updated !== undefined;
    },
  };
}

function recordOf(item: Record<string, unknown>): ChangeRecord {
  return {
    key: String(item.id),
    arn: String(item.arn ?? ''),
    versionId: String(item.versionId ?? ''),
    ...(typeof item.versionDate === 'string' ? { versionDate: item.versionDate } : {}),
    since: String(item.since ?? ''),
    handledAt: String(item.handledAt ?? ''),
    labels: Array.isArray(item.labels) ? item.labels.map(String) : [],
    outcome: item.outcome === 'refused' ? 'refused' : 'handled',
    counts: typeof item.counts === 'object' && item.counts !== null ? (item.counts as Record<string, number>) : {},
  };
}
