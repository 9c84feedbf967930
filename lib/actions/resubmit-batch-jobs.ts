import { describeJobs, listJobIdsByName, submitJob, tagJob, terminateJob } from '../aws/batch.js';
import { mapWithConcurrency } from '../aws/concurrency.js';
import { errorText } from '../errors.js';
import type { PlannedBatchJob } from '../plan/types.js';
import { RESUBMITTED_FROM_TAG, SUPERSEDED_BY_TAG } from '../plan/types.js';
import type { BatchJobTargetReport } from '../report/types.js';
import { buildCloneInput, cloneJobName } from './batch-clone.js';
import { type ExecuteOptions, NOT_STARTED } from './force-new-deployments.js';

/**
 * @internal The Batch part of `executePlan` (lib/actions/index.ts).
 *
 * Carries out the Batch decisions: for each `resubmit`, SubmitJob a clone, (policy `resubmit-and-terminate`)
 * TerminateJob the original, then tag the original `secret-refresh:superseded-by=<clone id>`.
 *
 * Replay safety: before submitting, the queue is searched for a job named `<original>-refresh` tagged
 * `secret-refresh:resubmitted-from=<original id>`; when one exists (an earlier attempt got that far), it is
 * reused and only the missing steps run. One failure never stops the others.
 */
export async function executeBatchPlan(
  jobs: readonly (PlannedBatchJob & { readonly changes?: readonly { readonly id: string }[] })[],
  options: ExecuteOptions,
): Promise<BatchJobTargetReport[]> {
  return mapWithConcurrency(jobs, options.concurrency, async (planned) => {
    const { decision: _decision, terminate, job, changes, ...fields } = planned;
    const rest = { ...fields, changes: (changes ?? []).map((change) => change.id) };
    if (planned.decision === 'skip') return { ...rest, status: 'skipped' };
    if (options.dryRun) return { ...rest, status: 'planned', reason: `dry run: would resubmit: ${planned.reason}` };
    if (options.deadline && Date.now() >= options.deadline.getTime()) return { ...rest, status: 'failed', error: NOT_STARTED };
    const client = options.clients.batch(planned.region);
    let newJobId: string | undefined;
    try {
      newJobId = await existingClone(planned, options);
      const reused = newJobId !== undefined;
      newJobId ??= (await submitJob(client, buildCloneInput(job))).jobId;
      // Terminate before tagging: the superseded-by tag means "nothing left to do for this job", so a retry
      // after a failed TerminateJob must still find the job untagged (and reuse the clone it finds by name).
      if (terminate) {
        await terminateJob(client, job.jobId, `secret-refresh: superseded by job ${newJobId}, which reads the new secret value`);
      }
      await tagJob(client, job.jobArn ?? job.jobId, { [SUPERSEDED_BY_TAG]: newJobId });
      const how = reused ? `clone ${newJobId} already existed (earlier attempt)` : `submitted clone ${newJobId}`;
      return {
        ...rest,
        status: 'done',
        newJobId,
        ...(terminate ? { terminated: true } : {}),
        reason: `${how}${terminate ? ', original terminated' : ''}: ${planned.reason}`,
      };
    } catch (error) {
      const message = errorText(error);
      return { ...rest, status: 'failed', ...(newJobId ? { newJobId } : {}), error: message };
    }
  });
}

async function existingClone(planned: PlannedBatchJob, options: ExecuteOptions): Promise<string | undefined> {
  const client = options.clients.batch(planned.region);
  const candidates = await listJobIdsByName(client, planned.jobQueue, cloneJobName(planned.name));
  // Stryker disable next-line ConditionalExpression: a shortcut; DescribeJobs of no job makes no call (lib/aws/batch.ts chunks the ids) and finds nothing
  if (candidates.length === 0) return undefined;
  const details = await describeJobs(client, candidates, 1);
  return details.find((detail) => detail.tags?.[RESUBMITTED_FROM_TAG] === planned.jobId)?.jobId;
}
