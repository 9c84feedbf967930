/**
 * An in-memory {@link StateTable} for unit and fault tests: atomic (one process, no await between check and write,
 * as DynamoDB's conditional writes are), recording every operation, with a hook to make any operation fail (a
 * throttled or denied DynamoDB) before or after it takes effect. The DynamoDB implementation itself is tested
 * against moto_server and with client doubles (test/unit/aws/state-table.test.ts).
 */
import type { ChangeRecord, StateTable } from '../../lib/aws/state-table.js';

/** The operations of the state table. */
export type StateOperation = keyof StateTable;

/** A failure to inject: thrown before the operation takes effect, or after (the write landed, the answer was lost). */
export interface StateFault {
  readonly error: Error;
  readonly when: 'before' | 'after';
}

/** Stored items by key, as plain data. */
export interface MemoryItems {
  readonly leases: Map<string, { owner: string; expiresAt: number }>;
  readonly records: Map<string, ChangeRecord>;
  readonly deployed: Map<string, string>;
  readonly budget: Map<string, number>;
}

/** A throttled DynamoDB request, as the SDK throws it once its retries are exhausted. */
export function dynamoDbThrottled(): Error {
  return Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A denied DynamoDB request. */
export function dynamoDbDenied(operation = 'dynamodb:PutItem'): Error {
  return Object.assign(new Error(`User is not authorized to perform: ${operation}`), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
}

/** The in-memory state table. Several instances may share one {@link MemoryItems} (two consumers, one table). */
export class MemoryStateTable implements StateTable {
  public readonly operations: { operation: StateOperation; key: string }[] = [];
  public fault: (operation: StateOperation, key: string) => StateFault | undefined = () => undefined;

  public constructor(public readonly items: MemoryItems = { leases: new Map(), records: new Map(), deployed: new Map(), budget: new Map() }) {}

  /** A table on the same items (another Lambda execution environment on the same DynamoDB table). */
  public sharing(): MemoryStateTable {
    return new MemoryStateTable(this.items);
  }

  public async tryLease(key: string, owner: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.#apply('tryLease', key, () => {
      const held = this.items.leases.get(key);
      if (held && held.expiresAt >= now.getTime()) return false;
      this.items.leases.set(key, { owner, expiresAt: expiresAt.getTime() });
      return true;
    });
  }

  public async leaseHolder(key: string) {
    return this.#apply('leaseHolder', key, () => {
      const held = this.items.leases.get(key);
      return held ? { owner: held.owner, expiresAt: new Date(held.expiresAt) } : undefined;
    });
  }

  public async releaseLease(key: string, owner: string): Promise<void> {
    return this.#apply('releaseLease', key, () => {
      if (this.items.leases.get(key)?.owner === owner) this.items.leases.delete(key);
    });
  }

  public async changeRecords(keys: readonly string[]): Promise<Map<string, ChangeRecord>> {
    return this.#apply('changeRecords', keys.join(','), () => {
      const found = new Map<string, ChangeRecord>();
      for (const key of keys) {
        const record = this.items.records.get(key);
        if (record) found.set(key, structuredClone(record));
      }
      return found;
    });
  }

  public async putChangeRecord(record: ChangeRecord): Promise<void> {
    return this.#apply('putChangeRecord', record.key, () => {
      this.items.records.set(record.key, structuredClone(record));
    });
  }

  public async lastDeployed(serviceArns: readonly string[]): Promise<Map<string, string>> {
    return this.#apply('lastDeployed', serviceArns.join(','), () => {
      const found = new Map<string, string>();
      for (const arn of serviceArns) {
        const at = this.items.deployed.get(arn);
        if (at) found.set(arn, at);
      }
      return found;
    });
  }

  public async putDeployed(serviceArns: readonly string[], at: Date): Promise<void> {
    return this.#apply('putDeployed', serviceArns.join(','), () => {
      for (const arn of serviceArns) this.items.deployed.set(arn, at.toISOString());
    });
  }

  public async budgetUsed(key: string): Promise<number> {
    return this.#apply('budgetUsed', key, () => this.items.budget.get(key) ?? 0);
  }

  public async addToBudget(key: string, count: number, limit: number | undefined): Promise<boolean> {
    return this.#apply('addToBudget', key, () => {
      const used = this.items.budget.get(key) ?? 0;
      if (limit !== undefined && used + count > limit) return false;
      this.items.budget.set(key, used + count);
      return true;
    });
  }

  /** Counts operations of one kind. */
  public count(operation: StateOperation): number {
    return this.operations.filter((entry) => entry.operation === operation).length;
  }

  async #apply<T>(operation: StateOperation, key: string, effect: () => T): Promise<T> {
    this.operations.push({ operation, key });
    const fault = this.fault(operation, key);
    if (fault?.when === 'before') throw fault.error;
    const result = effect();
    if (fault?.when === 'after') throw fault.error;
    return result;
  }
}
