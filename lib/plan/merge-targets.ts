import type { BatchPlan, PlannedBatchJob, PlannedBatchJobDefinition, PlannedEcsService, PlannedReference, RefreshPlan, SkipCode } from './types.js';

/** One change's decision for one target, with the id of the change. */
export interface ChangeDecisionOf<Target> {
  readonly change: string;
  readonly target: Target;
}

/** A merged target: one per ARN, with the ids of every change that reaches it. */
export type Merged<Target> = Target & { readonly changeIds: readonly string[] };

/**
 * Skip codes from the most to the least telling when changes disagree about a target: a deletion forbids any
 * deployment; the service's own state (scope, controller…) applies to every change alike; then per-change reasons.
 */
const SKIP_PRIORITY: readonly SkipCode[] = [
  'deleted',
  'not-active',
  'ignored',
  'out-of-scope',
  'not-opted-in',
  'deployment-controller',
  'nothing-running',
  'superseded',
  'already-fresh',
  'policy-report',
  'nothing-to-do',
  'value-unchanged',
];

/**
 * @internal Used by `planRefresh` (lib/plan/index.ts) for a batch of changes.
 *
 * Each ECS service once, whatever number of changes reach it: redeployed when at least one change requires it,
 * never when one of them is a deletion of something it reads (new tasks would fail to start); its reason lists each
 * change's reason (prefixed with the change id when there are several) and its references are the union.
 */
export function mergeEcsTargets(plans: readonly { change: string; plan: RefreshPlan }[]): { targets: Merged<PlannedEcsService>[]; warnings: string[] } {
  const byArn = groupByArn(plans.flatMap(({ change, plan }) => plan.targets.map((target) => ({ change, target }))));
  const targets = [...byArn.values()].map((decisions) => {
    const merged = mergeDecisions(decisions, 'redeploy');
    const first = (decisions[0] as ChangeDecisionOf<PlannedEcsService>).target;
    return { ...first, ...merged, references: unionReferences(decisions) } as Merged<PlannedEcsService>;
  });
  targets.sort((a, b) => a.region.localeCompare(b.region) || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
  return { targets, warnings: unique(plans.flatMap(({ plan }) => plan.warnings)) };
}

/** Job definitions and running jobs once each, by the same rules as {@link mergeEcsTargets}. */
export function mergeBatchTargets(plans: readonly { change: string; plan: BatchPlan }[]): {
  jobDefinitions: Merged<PlannedBatchJobDefinition>[];
  jobs: Merged<PlannedBatchJob>[];
  warnings: string[];
} {
  const definitions = groupByArn(plans.flatMap(({ change, plan }) => plan.jobDefinitions.map((target) => ({ change, target }))));
  const jobs = groupByArn(plans.flatMap(({ change, plan }) => plan.jobs.map((target) => ({ change, target }))));
  const jobDefinitions = [...definitions.values()].map((decisions) => {
    const merged = mergeDecisions(decisions, 'skip');
    return { ...(decisions[0] as ChangeDecisionOf<PlannedBatchJobDefinition>).target, ...merged, references: unionReferences(decisions) };
  }) as Merged<PlannedBatchJobDefinition>[];
  const mergedJobs = [...jobs.values()].map((decisions) => {
    const merged = mergeDecisions(decisions, 'resubmit');
    const first = (decisions[0] as ChangeDecisionOf<PlannedBatchJob>).target;
    const terminate = merged.decision === 'resubmit' && decisions.some(({ target }) => target.decision === 'resubmit' && target.terminate);
    return { ...first, ...merged, terminate, references: unionReferences(decisions) };
  }) as Merged<PlannedBatchJob>[];
  jobDefinitions.sort((a, b) => a.region.localeCompare(b.region) || a.arn.localeCompare(b.arn));
  mergedJobs.sort((a, b) => a.region.localeCompare(b.region) || a.jobQueue.localeCompare(b.jobQueue) || a.name.localeCompare(b.name));
  return { jobDefinitions, jobs: mergedJobs, warnings: unique(plans.flatMap(({ plan }) => plan.warnings)) };
}

function groupByArn<Target extends { readonly arn: string }>(decisions: readonly ChangeDecisionOf<Target>[]): Map<string, ChangeDecisionOf<Target>[]> {
  const groups = new Map<string, ChangeDecisionOf<Target>[]>();
  for (const decision of decisions) groups.set(decision.target.arn, [...(groups.get(decision.target.arn) ?? []), decision]);
  return groups;
}

type Decided = { readonly decision: string; readonly reason: string; readonly code?: SkipCode };

/** The one decision for a target from every change's decision (see {@link mergeEcsTargets}). */
function mergeDecisions<Target extends Decided>(
  decisions: readonly ChangeDecisionOf<Target>[],
  act: string,
): { decision: string; reason: string; code?: SkipCode; changeIds: string[] } {
  const changeIds = unique(decisions.map(({ change }) => change));
  const only = decisions.length === 1 ? decisions[0] : undefined;
  if (only) return { decision: only.target.decision, reason: only.target.reason, ...(only.target.code ? { code: only.target.code } : {}), changeIds };
  const labelled = (list: readonly ChangeDecisionOf<Target>[]) => list.map(({ change, target }) => `${change}: ${target.reason}`).join('; ');
  const deleted = decisions.filter(({ target }) => target.code === 'deleted');
  const acting = decisions.filter(({ target }) => target.decision === act && act !== 'skip');
  if (deleted.length > 0) {
    const also = acting.length > 0 ? ` (not acted on for ${acting.map(({ change }) => change).join(', ')} either: new tasks or jobs would fail to start)` : '';
    return { decision: 'skip', code: 'deleted', reason: `${labelled(deleted)}${also}`, changeIds };
  }
  if (acting.length > 0) return { decision: act, reason: labelled(acting), changeIds };
  const code = SKIP_PRIORITY.find((candidate) => decisions.some(({ target }) => target.code === candidate)) ?? decisions[0]?.target.code ?? 'value-unchanged';
  return { decision: 'skip', code, reason: labelled(decisions), changeIds };
}

function unionReferences(decisions: readonly ChangeDecisionOf<{ readonly references: readonly PlannedReference[] }>[]): PlannedReference[] {
  const seen = new Map<string, PlannedReference>();
  for (const { target } of decisions) {
    for (const reference of target.references) {
      const key = `${reference.container}|${reference.location}|${reference.name ?? ''}|${reference.valueFrom}`;
      if (!seen.has(key)) seen.set(key, reference);
    }
  }
  return [...seen.values()];
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
