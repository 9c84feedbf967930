import type { PlannedReference } from '../plan/types.js';

/** A reference as the audit saw it: when its secret/parameter last changed. */
export interface AuditedReference extends Omit<PlannedReference, 'impact' | 'reason'> {
  /** ISO-8601; absent when it could not be read (cross-account, not found, pinned). */
  readonly lastChanged?: string;
  readonly note?: string;
}

/** One ECS service in the audit. */
export interface AuditTarget {
  readonly type: 'ecs-service';
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly region: string;
  /** `stale`: a referenced value changed after the PRIMARY deployment; `fresh`: none did; `unknown`: could not tell. */
  readonly status: 'stale' | 'fresh' | 'unknown';
  readonly reason: string;
  readonly deployedAt?: string;
  readonly references: readonly AuditedReference[];
}

/** The staleness audit's report (`secret-refresh audit`, the daily `audit` function). Report-only. */
export interface AuditReport {
  readonly audit: true;
  readonly time: string;
  readonly targets: readonly AuditTarget[];
  readonly warnings: readonly string[];
  readonly summary: {
    readonly regions: readonly string[];
    readonly servicesScanned: number;
    readonly stale: number;
    readonly fresh: number;
    readonly unknown: number;
    /**
     * What could not be read (a Region's or cluster's services, a task definition, a secret's or parameter's
     * metadata), each also in `warnings`: services behind it were not judged, so the audit is incomplete and fails.
     */
    readonly inventoryProblems: number;
  };
}
