import { type DocumentTable, type DynamoDBClient, documentTable } from '../aws/dynamodb.js';
import type { RolloutChange, RolloutStatus } from './types.js';

/** Rollout items are kept this long after their last write (status, approvals, newest-rollout records). */
export const ROLLOUT_RECORD_TTL_SECONDS = 30 * 24 * 3600;

/** A person's answer to an approval, or the pending request. */
export interface ApprovalRecord {
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly requestedAt: string;
  readonly answeredAt?: string;
  readonly answeredBy?: string;
}

/** Where a rollout is, as `secret-refresh rollouts` shows it (written by every step of the execution). */
export interface RolloutStatusRecord {
  readonly name: string;
  readonly status: RolloutStatus;
  /** 1-based wave being handled, and how many there are. */
  readonly wave: number;
  readonly waves: number;
  readonly services: number;
  readonly changes: readonly string[];
  readonly waitingReason?: string;
  readonly opensAt?: string;
  readonly why?: string;
  readonly updatedAt: string;
}

/** The newest rollout of one secret or parameter (what supersedes an older one). */
export interface NewestRollout {
  readonly rollout: string;
  readonly since: string;
}

/**
 * The rollout items of the state table (`SECRET_REFRESH_IDEMPOTENCY_TABLE`, partition key `id`):
 *
 * | `id` | what |
 * |---|---|
 * | `rollout#<name>` | where the rollout is ({@link RolloutStatusRecord}) |
 * | `approval#<name>` | its approval: pending, approved or rejected, by whom ({@link ApprovalRecord}) |
 * | `newest-rollout#<arn>` | the newest rollout of that secret or parameter ({@link NewestRollout}) |
 */
export interface RolloutRecords {
  /** Records `rollout` as the newest of `change` unless a rollout of a newer value is recorded already. */
  claimNewest(change: RolloutChange, rollout: string, now: Date): Promise<boolean>;
  newest(change: RolloutChange): Promise<NewestRollout | undefined>;
  /** Writes the pending approval request unless one exists (a retried step keeps the first). */
  requestApproval(name: string, requestedAt: Date): Promise<void>;
  approval(name: string): Promise<ApprovalRecord | undefined>;
  /** Answers a pending approval; `false` when there is none pending (never asked, answered already). */
  answerApproval(name: string, answer: 'approved' | 'rejected', by: string, at: Date): Promise<boolean>;
  putStatus(record: RolloutStatusRecord): Promise<void>;
  status(name: string): Promise<RolloutStatusRecord | undefined>;
}

/** The {@link RolloutRecords} in the state table `tableName`. */
export function dynamoDbRolloutRecords(client: DynamoDBClient, tableName: string): RolloutRecords {
  const table: DocumentTable = documentTable(client, tableName);
  const expiration = (at: Date) => Math.floor(at.getTime() / 1000) + ROLLOUT_RECORD_TTL_SECONDS;
  return {
    claimNewest(change, rollout, now) {
      // One format (toISOString, milliseconds) so that the strings compare as their moments.
      const since = new Date(change.since).toISOString();
      return table.putIf(
        { id: `newest-rollout#${change.arn}`, rollout, since, expiration: expiration(now) },
        { ConditionExpression: 'attribute_not_exists(id) OR since <= :since', ExpressionAttributeValues: { ':since': since } },
      );
    },
    async newest(change) {
      const item = await table.get({ id: `newest-rollout#${change.arn}` }, { consistentRead: true });
      return item && typeof item.rollout === 'string' ? { rollout: item.rollout, since: String(item.since) } : undefined;
    },
    async requestApproval(name, requestedAt) {
      await table.putIf(
        { id: `approval#${name}`, status: 'pending', requestedAt: requestedAt.toISOString(), expiration: expiration(requestedAt) },
        { ConditionExpression: 'attribute_not_exists(id)' },
      );
    },
    async approval(name) {
      const item = await table.get({ id: `approval#${name}` }, { consistentRead: true });
      if (!item) return undefined;
      return {
        status: item.status === 'approved' || item.status === 'rejected' ? item.status : 'pending',
        requestedAt: String(item.requestedAt ?? ''),
        ...(typeof item.answeredAt === 'string' ? { answeredAt: item.answeredAt } : {}),
        ...(typeof item.answeredBy === 'string' ? { answeredBy: item.answeredBy } : {}),
      };
    },
    async answerApproval(name, answer, by, at) {
      const updated = await table.updateIf({
        Key: { id: `approval#${name}` },
        UpdateExpression: 'SET #status = :answer, answeredAt = :at, answeredBy = :by',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':answer': answer, ':at': at.toISOString(), ':by': by, ':pending': 'pending' },
      });
      return updated !== undefined;
    },
    async putStatus(record) {
      await table.put({ id: `rollout#${record.name}`, ...record, changes: [...record.changes], expiration: expiration(new Date(record.updatedAt)) });
    },
    async status(name) {
      const item = await table.get({ id: `rollout#${name}` });
      if (!item) return undefined;
      const { id: _id, expiration: _expiration, ...record } = item;
      return record as unknown as RolloutStatusRecord;
    },
  };
}
