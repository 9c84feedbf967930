import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from './concurrency.js';

/**
 * The service index as stored (`SECRET_REFRESH_SERVICE_INDEX_TABLE`: partition key `ref`, sort key `member`, TTL
 * `expiration`): reference key → the services whose task definition revision reads it, and back.
 *
 * | `ref` | `member` | what |
 * |---|---|---|
 * | `ref#<reference key>` | service ARN | the service reads the reference (`present`), or read it until `readAt` (a tombstone) |
 * | `svc#<service ARN>` | `-` | the service as last read: Region, cluster, revision, its reference keys, `present` |
 * | `coverage#<Region>` | `-` | when a full scan of the Region last filled the index (`scannedAt`) |
 *
 * Every item carries `readAt`, the time (ms) the read it records *started*, and a write succeeds only over an item
 * read earlier (`attribute_not_exists(ref) OR readAt < :readAt`): hints delivered twice or out of order, and a full
 * scan that overlaps a hint, can never put an older reading over a newer one. Removals are tombstones
 * (`present: false`) for the same reason. Nothing here holds a value: ARNs and reference keys (names) only.
 */
export interface ServiceIndexStore {
  /** The services indexed under reference key `key` (present ones). */
  members(key: string): Promise<IndexedMember[]>;
  /** The service as last read, tombstone included. */
  service(arn: string): Promise<StoredService | undefined>;
  /** Every service item (present and tombstones) of `region`: a full read of the index (Scan), for reconciling. */
  servicesOf(region: string): Promise<StoredService[]>;
  /** Writes `service` as read at `readAt` (present, or a tombstone), and its reference items; older readings lose. */
  putService(service: StoredService, previousKeys: readonly string[]): Promise<boolean>;
  /** When a full scan of each of `regions` last filled the index (absent: never). */
  coverage(regions: readonly string[]): Promise<Map<string, number>>;
  putCoverage(region: string, scannedAt: number): Promise<void>;
}

/** A service under a reference key. */
export interface IndexedMember {
  readonly arn: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly revision?: string;
}

/** A service as the index keeps it. */
export interface StoredService extends IndexedMember {
  /** The reference keys its revision reads (lib/references/index-keys.ts). */
  readonly keys: readonly string[];
  /** `false`: a tombstone (the service was deleted, or stopped being ACTIVE, as read at `readAt`). */
  readonly present: boolean;
  /** When the read this records started (ms since epoch). */
  readonly readAt: number;
}

/** Entries are kept 30 days after they were last written; the reconciler rewrites live ones well before. */
export const SERVICE_INDEX_TTL_SECONDS = 30 * 24 * 3600;

/** Items written at once. */
const PARALLEL_WRITES = 16;

/** {@link ServiceIndexStore} on DynamoDB table `tableName`. */
export class DynamoDbServiceIndexStore implements ServiceIndexStore {
  readonly #documents: DynamoDBDocumentClient;

  public constructor(
    private readonly tableName: string,
    client: DynamoDBClient,
  ) {
    this.#documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  public async members(key: string): Promise<IndexedMember[]> {
    const members: IndexedMember[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#ref = :ref',
          ExpressionAttributeNames: { '#ref': 'ref' },
          ExpressionAttributeValues: { ':ref': `ref#${key}` },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) if (item.present === true) members.push(memberOf(item, String(item.member)));
      start = page.LastEvaluatedKey;
    } while (start);
    return members;
  }

  public async service(arn: string): Promise<StoredService | undefined> {
    const output = await this.#documents.send(new GetCommand({ TableName: this.tableName, Key: { ref: `svc#${arn}`, member: '-' } }));
    return output.Item ? serviceOf(output.Item) : undefined;
  }

  public async servicesOf(region: string): Promise<StoredService[]> {
    const services: StoredService[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#documents.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#ref, :svc) AND #region = :region',
          ExpressionAttributeNames: { '#ref': 'ref', '#region': 'region' },
          ExpressionAttributeValues: { ':svc': 'svc#', ':region': region },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) services.push(serviceOf(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return services;
  }

  public async putService(service: StoredService, previousKeys: readonly string[]): Promise<boolean> {
    const expiration = Math.floor(service.readAt / 1000) + SERVICE_INDEX_TTL_SECONDS;
    const member = { clusterArn: service.clusterArn, region: service.region, ...(service.revision ? { revision: service.revision } : {}) };
    const current = new Set(service.present ? service.keys : []);
    const dropped = previousKeys.filter((key) => !current.has(key));
    // Reference items first, the service item last: a run that dies in between leaves the service item older, so
    // the next reading rewrites everything (a reference item written by a newer reading is never overwritten).
    await mapWithConcurrency(
      [...[...current].map((key) => ({ key, present: true })), ...dropped.map((key) => ({ key, present: false }))],
      PARALLEL_WRITES,
      (entry) => this.#putIfNewer({ ref: `ref#${entry.key}`, member: service.arn, ...member, present: entry.present, readAt: service.readAt, expiration }),
    );
    return this.#putIfNewer({
      ref: `svc#${service.arn}`,
      member: '-',
      arn: service.arn,
      ...member,
      keys: [...service.keys],
      present: service.present,
      readAt: service.readAt,
      expiration,
    });
  }

  public async coverage(regions: readonly string[]): Promise<Map<string, number>> {
    const found = await mapWithConcurrency(regions, PARALLEL_WRITES, async (region) => {
      const output = await this.#documents.send(new GetCommand({ TableName: this.tableName, Key: { ref: `coverage#${region}`, member: '-' } }));
      return [region, Number(output.Item?.scannedAt ?? Number.NaN)] as const;
    });
    return new Map(found.filter(([, at]) => Number.isFinite(at)));
  }

  public async putCoverage(region: string, scannedAt: number): Promise<void> {
    await this.#putIfNewer({
      ref: `coverage#${region}`,
      member: '-',
      scannedAt,
      readAt: scannedAt,
      expiration: Math.floor(scannedAt / 1000) + SERVICE_INDEX_TTL_SECONDS,
    });
  }

  async #putIfNewer(item: Record<string, unknown> & { readAt: number }): Promise<boolean> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#ref) OR readAt < :readAt',
          ExpressionAttributeNames: { '#ref': 'ref' },
          ExpressionAttributeValues: { ':readAt': item.readAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function memberOf(item: Record<string, unknown>, arn: string): IndexedMember {
  return {
    arn,
    clusterArn: String(item.clusterArn ?? ''),
    region: String(item.region ?? ''),
    ...(typeof item.revision === 'string' ? { revision: item.revision } : {}),
  };
}

function serviceOf(item: Record<string, unknown>): StoredService {
  return {
    ...memberOf(item, String(item.arn ?? String(item.ref).slice('svc#'.length))),
    keys: Array.isArray(item.keys) ? item.keys.map(String) : [],
    present: item.present === true,
    readAt: Number(item.readAt ?? 0),
  };
}

/**
 * {@link ServiceIndexStore} in memory, with the same newer-reading-wins rule item by item: tests, the property test
 * and the benchmarks. `calls` counts the operations as DynamoDB would bill them (one per item read or written,
 * one per Query / Scan page of up to 1 MB, estimated at 200 bytes an item).
 */
export class InMemoryServiceIndexStore implements ServiceIndexStore {
  readonly #items = new Map<string, Record<string, unknown> & { readAt: number }>();
  public readonly calls = { queries: 0, scans: 0, gets: 0, writes: 0, rejected: 0 };

  public async members(key: string): Promise<IndexedMember[]> {
    this.calls.queries++;
    const prefix = `ref#${key}\u0000`;
    return [...this.#items].filter(([id, item]) => id.startsWith(prefix) && item.present === true).map(([id, item]) => memberOf(item, id.slice(prefix.length)));
  }

  public async service(arn: string): Promise<StoredService | undefined> {
    this.calls.gets++;
    const item = this.#items.get(`svc#${arn}\u0000-`);
    return item ? serviceOf(item) : undefined;
  }

  public async servicesOf(region: string): Promise<StoredService[]> {
    this.calls.scans += Math.max(1, Math.ceil((this.#items.size * 200) / 1_048_576));
    return [...this.#items].filter(([id, item]) => id.startsWith('svc#') && item.region === region).map(([, item]) => serviceOf(item));
  }

  public async putService(service: StoredService, previousKeys: readonly string[]): Promise<boolean> {
    const member = { clusterArn: service.clusterArn, region: service.region, ...(service.revision ? { revision: service.revision } : {}) };
    const current = new Set(service.present ? service.keys : []);
    for (const key of current) this.#putIfNewer(`ref#${key}\u0000${service.arn}`, { ...member, present: true, readAt: service.readAt });
    for (const key of previousKeys.filter((candidate) => !current.has(candidate))) {
      this.#putIfNewer(`ref#${key}\u0000${service.arn}`, { ...member, present: false, readAt: service.readAt });
    }
    return this.#putIfNewer(`svc#${service.arn}\u0000-`, {
      arn: service.arn,
      ...member,
      keys: [...service.keys],
      present: service.present,
      readAt: service.readAt,
    });
  }

  public async coverage(regions: readonly string[]): Promise<Map<string, number>> {
    this.calls.gets += regions.length;
    const found = new Map<string, number>();
    for (const region of regions) {
      const at = this.#items.get(`coverage#${region}\u0000-`)?.scannedAt;
      if (typeof at === 'number') found.set(region, at);
    }
    return found;
  }

  public async putCoverage(region: string, scannedAt: number): Promise<void> {
    this.#putIfNewer(`coverage#${region}\u0000-`, { scannedAt, readAt: scannedAt });
  }

  /** Forgets everything (a restored or new table). */
  public clear(): void {
    this.#items.clear();
  }

  #putIfNewer(id: string, item: Record<string, unknown> & { readAt: number }): boolean {
    this.calls.writes++;
    const existing = this.#items.get(id);
    if (existing && !(existing.readAt < item.readAt)) {
      this.calls.rejected++;
      return false;
    }
    this.#items.set(id, item);
    return true;
  }
}
