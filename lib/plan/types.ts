import type { ReferenceImpact, ReferenceLocation } from '../references/types.js';

/** One reference of a target that points at the changed secret/parameter, with what the change does to it. */
export interface PlannedReference {
  readonly container: string;
  readonly location: ReferenceLocation;
  /** Environment variable / log option name, when there is one. */
  readonly name?: string;
  readonly valueFrom: string;
  readonly impact: ReferenceImpact;
  readonly reason: string;
}

/** The decision for one ECS service. Every decision carries a reason a person can read. */
export interface PlannedEcsService {
  readonly type: 'ecs-service';
  readonly arn: string;
  readonly name: string;
  readonly cluster: string;
  readonly clusterArn: string;
  readonly region: string;
  readonly decision: 'redeploy' | 'skip';
  readonly reason: string;
  readonly references: readonly PlannedReference[];
}

/** The Plan: targets (services that reference the changed resource) and warnings. */
export interface RefreshPlan {
  readonly targets: readonly PlannedEcsService[];
  readonly warnings: readonly string[];
}

/**
 * - `event`: an automatic run (EventBridge, or `secret-refresh event`): services deployed at or after the
 *   change are skipped as already fresh.
 * - `manual`: `refresh`: the operator asked for it, every matching service is redeployed.
 */
export type RunMode = 'event' | 'manual';

/** Plan options taken from configuration. */
export interface PlanOptions {
  readonly mode: RunMode;
  /** Redeploy references pinned to AWSPREVIOUS (their value changes whenever AWSCURRENT moves). */
  readonly redeployOnPreviousChange: boolean;
}

/** Tag on a service that opts it out of automatic and manual refreshes. */
export const IGNORE_TAG = 'secret-refresh:ignore';
