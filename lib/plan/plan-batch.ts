import type { BatchInventory, BatchJobDefinitionRecord, BatchJobRecord } from '../inventory/types.js';
import { changeForMatching } from './change-for-matching.js';
import { becameCurrentAt, startedSince } from './freshness.js';
import { describeReaders, matchFoundReferences, readingReferences, unchangedReason } from './match-found-references.js';
import {
  type ActionableChange,
  BATCH_POLICIES,
  BATCH_POLICY_TAG,
  type BatchPlan,
  type BatchPlanOptions,
  type BatchPolicy,
  type Decision,
  IGNORE_TAG,
  type PlannedBatchJob,
  type PlannedBatchJobDefinition,
  type PlannedReference,
  type Skip,
  type StandingJobSkipCode,
  SUPERSEDED_BY_TAG,
  skip,
} from './types.js';

/**
 * @internal The Batch part of {@link planRefresh} (lib/plan/index.ts).
 *
 * Decides what the change means for AWS Batch. Pure and synchronous, like the ECS part.
 *
 * - Every ACTIVE job definition revision that reads the changed value gets one entry: future jobs read
 *   the new value when they start, so there is nothing to do (or, for a deletion, they would fail to start).
 * - Every STARTING/RUNNING job whose definition reads it, started before the change, gets a decision by
 *   policy (tag `secret-refresh:batch-policy` on the job definition, else on the job queue, else
 *   `SECRET_REFRESH_BATCH_POLICY`): `report` (default), `resubmit` or `resubmit-and-terminate`.
 *   Jobs already carrying `secret-refresh:superseded-by` were cloned before and are never cloned again.
 * - Queued jobs (SUBMITTED…RUNNABLE) are not listed: they read the new value when they start.
 */
export function planBatchRefresh(change: ActionableChange, inventory: BatchInventory, options: BatchPlanOptions): BatchPlan {
  const matching = changeForMatching(change);
  const warnings: string[] = [];
  const what = change.kind === 'secret' ? `secret ${change.name}` : `parameter ${change.name}`;
  const matched = new Map<string, PlannedReference[]>();
  for (const definition of inventory.jobDefinitions) {
    const references = matchFoundReferences(definition.references, matching, definition.arn, warnings);
    if (references.length > 0) matched.set(definition.arn, references);
  }
  const eks = inventory.jobDefinitions.filter((definition) => definition.eks && definition.status === 'ACTIVE').length;
  if (eks > 0) {
    warnings.push(`${eks} EKS job definition(s) not checked: they use Kubernetes secrets, which secret-refresh does not handle`);
  }

  const definitionsByArn = new Map(inventory.jobDefinitions.map((definition) => [definition.arn, definition]));
  const jobDefinitions: PlannedBatchJobDefinition[] = inventory.jobDefinitions
    .filter((definition) => definition.status === 'ACTIVE' && matched.has(definition.arn))
    .map((definition) => {
      const references = matched.get(definition.arn) ?? [];
      const reading = readingReferences(references, options);
      const { code, reason } =
        change.effect === 'deleted'
          ? skip('deleted', `${what} was deleted or is scheduled for deletion: new jobs of this definition would fail to start`)
          : reading.length === 0
            ? skip('value-unchanged', unchangedReason(references))
            : skip('nothing-to-do', `future jobs read the new value of ${what} when they start: nothing to do`);
      return {
        type: 'batch-job-definition',
        code,
        arn: definition.arn,
        name: `${definition.name}:${definition.revision}`,
        region: definition.region,
        decision: 'skip',
        reason,
        references,
      };
    });

  const jobs: PlannedBatchJob[] = [];
  for (const job of inventory.jobs) {
    const references = matched.get(job.jobDefinitionArn);
    if (!references) continue;
    const definition = definitionsByArn.get(job.jobDefinitionArn);
    const policy = batchPolicyFor(job, definition, options.batchPolicy, warnings);
    const { decision, reason, code } = decideJob(change, job, definition, references, policy, options, what);
    jobs.push({
      type: 'batch-job',
      ...(code ? { code } : {}),
      arn: job.jobArn ?? job.jobId,
      jobId: job.jobId,
      name: job.jobName,
      jobQueue: job.jobQueue,
      region: job.region,
      policy,
      decision,
      terminate: decision === 'resubmit' && policy === 'resubmit-and-terminate',
      reason,
      references,
      job,
    });
  }
  jobDefinitions.sort((a, b) => a.region.localeCompare(b.region) || a.arn.localeCompare(b.arn));
  jobs.sort((a, b) => a.region.localeCompare(b.region) || a.jobQueue.localeCompare(b.jobQueue) || a.name.localeCompare(b.name));
  return { jobDefinitions, jobs, warnings: [...new Set(warnings)] };
}

/**
 * The policy for a running job: tag `secret-refresh:batch-policy` on its job definition, else on its job queue, else
 * `fallback` (`SECRET_REFRESH_BATCH_POLICY`). A tag value that is not a policy is ignored with a warning. One rule
 * for the Plan and for the secrets map.
 *
 * @example
 * batchPolicyFor(job, definition, 'report', warnings) // → 'resubmit' when the job definition is tagged so
 */
export function batchPolicyFor(job: BatchJobRecord, definition: BatchJobDefinitionRecord | undefined, fallback: BatchPolicy, warnings: string[]): BatchPolicy {
  for (const [owner, tags] of [
    [definition?.arn ?? job.jobDefinitionArn, definition?.tags ?? {}],
    [job.jobQueue, job.queueTags],
  ] as const) {
    const value = tags[BATCH_POLICY_TAG];
    if (value === undefined) continue;
    if ((BATCH_POLICIES as readonly string[]).includes(value)) return value as BatchPolicy;
    warnings.push(`${owner}: tag ${BATCH_POLICY_TAG}="${value}" is not one of ${BATCH_POLICIES.join(', ')}; ignored`);
  }
  return fallback;
}

/**
 * The skip the Plan gives a running job whatever changed: it or its job definition is tagged
 * `secret-refresh:ignore=true`, or it was resubmitted before (tag `secret-refresh:superseded-by`); `undefined` when
 * its policy decides. One rule for the Plan and for the secrets map.
 */
export function standingJobSkip(job: BatchJobRecord, definition: BatchJobDefinitionRecord | undefined): Skip<StandingJobSkipCode> | undefined {
  const ignored = [definition?.tags ?? {}, job.tags].some((tags) => (tags[IGNORE_TAG] ?? '').toLowerCase() === 'true');
  if (ignored) return skip('ignored', `job or job definition is tagged ${IGNORE_TAG}=true`);
  const clone = job.tags[SUPERSEDED_BY_TAG];
  if (clone) return skip('superseded', `already resubmitted as job ${clone} (tag ${SUPERSEDED_BY_TAG})`);
  return undefined;
}

function decideJob(
  change: ActionableChange,
  job: BatchJobRecord,
  definition: BatchJobDefinitionRecord | undefined,
  references: readonly PlannedReference[],
  policy: BatchPolicy,
  options: BatchPlanOptions,
  what: string,
): Decision<'resubmit'> {
  if (change.effect === 'deleted') {
    return skip('deleted', `${what} was deleted or is scheduled for deletion: a resubmitted job would fail to start`);
  }
  const reading = readingReferences(references, options);
  if (reading.length === 0) return skip('value-unchanged', unchangedReason(references));
  const standing = standingJobSkip(job, definition);
  if (standing) return standing;
  const moment = becameCurrentAt(change);
  if (options.mode === 'event' && job.startedAt && startedSince(job.startedAt, moment)) {
    return skip('already-fresh', `already fresh: the job started at ${job.startedAt}, after the value became current at ${moment}`);
  }
  const readers = `${describeReaders(reading)} read ${what}, which changed; the job keeps the old value until it ends`;
  if (policy === 'report') {
    return skip('policy-report', `${readers}. Policy "report": not resubmitted (tag ${BATCH_POLICY_TAG}=resubmit or SECRET_REFRESH_BATCH_POLICY to change)`);
  }
  return {
    decision: 'resubmit',
    reason: `${readers}. Policy "${policy}": ${policy === 'resubmit' ? 'submit a clone' : 'submit a clone, then terminate this job'}`,
  };
}
