import {
  BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  type SubmitJobCommandInput,
  TagResourceCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCloneInput } from '../../../lib/actions/batch-clone.js';
import type { ExecuteOptions } from '../../../lib/actions/force-new-deployments.js';
import { executeBatchPlan } from '../../../lib/actions/resubmit-batch-jobs.js';
import type { BatchPolicy, PlannedBatchJob } from '../../../lib/plan/types.js';
import { ACCOUNT, fakeClients, jobDefinitionArn, jobDetail, jobRecord, QUEUE_ARN, REGION } from './batch-doubles.js';

const batch = mockClient(BatchClient);

afterAll(() => {
  batch.restore();
});

const REASON = 'container (secrets DB_PASSWORD) read secret demo/orders/db-credentials, which changed';

/** Clones get the id `clone-of-<original id>`. */
beforeEach(() => {
  batch.reset();
  batch.on(ListJobsCommand).resolves({ jobSummaryList: [] });
  batch.on(SubmitJobCommand).callsFake((input: SubmitJobCommandInput) => {
    const original = input.tags?.['secret-refresh:resubmitted-from'] ?? '?';
    return { jobId: `clone-of-${original}`, jobName: input.jobName, jobArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job/clone-of-${original}` };
  });
  batch.on(TagResourceCommand).resolves({});
  batch.on(TerminateJobCommand).resolves({});
});

function jobArn(jobId: string): string {
  return `arn:aws:batch:${REGION}:${ACCOUNT}:job/${jobId}`;
}

/** A planned decision for running job `jobId` (name `job-<jobId>`) on {@link QUEUE_ARN}. */
function planned(jobId: string, policy: BatchPolicy = 'resubmit', decision: 'resubmit' | 'skip' = 'resubmit'): PlannedBatchJob {
  const job = jobRecord(jobId, jobDefinitionArn('nightly', 2));
  return {
    type: 'batch-job',
    ...(decision === 'skip' ? { code: 'policy-report' as const } : {}),
    arn: jobArn(jobId),
    jobId,
    name: job.jobName,
    jobQueue: QUEUE_ARN,
    region: REGION,
    policy,
    decision,
    terminate: decision === 'resubmit' && policy === 'resubmit-and-terminate',
    reason: REASON,
    references: [],
    job,
  };
}

function execute(jobs: readonly PlannedBatchJob[], overrides: Partial<ExecuteOptions> = {}) {
  return executeBatchPlan(jobs, { clients: fakeClients(), dryRun: false, concurrency: 2, ...overrides });
}

const submitted = () => batch.commandCalls(SubmitJobCommand).map((call) => call.args[0].input);
const tagged = () => batch.commandCalls(TagResourceCommand).map((call) => call.args[0].input);
const terminated = () => batch.commandCalls(TerminateJobCommand).map((call) => call.args[0].input);
const listed = () => batch.commandCalls(ListJobsCommand).map((call) => call.args[0].input);
const described = () => batch.commandCalls(DescribeJobsCommand).map((call) => call.args[0].input);

/** Command names in the order they were sent. */
function sequence(): string[] {
  return batch.calls().map((call) => (call.args[0] as object).constructor.name);
}

describe('executeBatchPlan', () => {
  it('submits a clone, then tags the original superseded-by the clone id, and does not terminate under resubmit', async () => {
    const job = planned('j1');
    const [result] = await execute([job]);
    expect(submitted()).toEqual([buildCloneInput(job.job)]);
    expect(submitted()[0]).toMatchObject({
      jobName: 'job-j1-refresh',
      jobQueue: QUEUE_ARN,
      jobDefinition: jobDefinitionArn('nightly', 2),
      tags: { 'secret-refresh:resubmitted-from': 'j1' },
    });
    expect(tagged()).toEqual([{ resourceArn: jobArn('j1'), tags: { 'secret-refresh:superseded-by': 'clone-of-j1' } }]);
    expect(terminated()).toEqual([]);
    expect(sequence()).toEqual(['ListJobsCommand', 'SubmitJobCommand', 'TagResourceCommand']);
    expect(result).toEqual({
      type: 'batch-job',
      arn: jobArn('j1'),
      jobId: 'j1',
      name: 'job-j1',
      jobQueue: QUEUE_ARN,
      region: REGION,
      policy: 'resubmit',
      status: 'done',
      newJobId: 'clone-of-j1',
      changes: [],
      reason: `submitted clone clone-of-j1: ${REASON}`,
      references: [],
    });
  });

  it('looks for an earlier clone by exact name with a JOB_NAME filter on the job queue', async () => {
    await execute([planned('j1')]);
    expect(listed()).toEqual([{ jobQueue: QUEUE_ARN, filters: [{ name: 'JOB_NAME', values: ['job-j1-refresh'] }], maxResults: 100 }]);
  });

  it('terminates the original with a reason naming the clone under resubmit-and-terminate', async () => {
    const [result] = await execute([planned('j1', 'resubmit-and-terminate')]);
    expect(terminated()).toEqual([{ jobId: 'j1', reason: 'secret-refresh: superseded by job clone-of-j1, which reads the new secret value' }]);
    // Terminate before tagging: a failed TerminateJob must leave the original untagged for the retry.
    expect(sequence()).toEqual(['ListJobsCommand', 'SubmitJobCommand', 'TerminateJobCommand', 'TagResourceCommand']);
    expect(result).toMatchObject({ status: 'done', newJobId: 'clone-of-j1', terminated: true, policy: 'resubmit-and-terminate' });
    expect(result?.reason).toBe(`submitted clone clone-of-j1, original terminated: ${REASON}`);
  });

  it('calls nothing in a dry run and reports the resubmit as planned', async () => {
    const [result] = await execute([planned('j1', 'resubmit-and-terminate')], { dryRun: true });
    expect(batch.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'planned', reason: `dry run: would resubmit: ${REASON}` });
    expect(result?.newJobId).toBeUndefined();
  });

  it('calls nothing for a skipped job and keeps its skip code and reason', async () => {
    const [result] = await execute([planned('j1', 'report', 'skip')]);
    expect(batch.calls()).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', code: 'policy-report', reason: REASON });
  });

  it('reuses a clone from an earlier attempt, found by name and its resubmitted-from tag, without SubmitJob', async () => {
    batch.on(ListJobsCommand).resolves({
      jobSummaryList: [
        { jobId: 'c-other', jobName: 'job-j1-refresh' },
        { jobId: 'c-mine', jobName: 'job-j1-refresh' },
        { jobId: 'c-longer', jobName: 'job-j1-refresh-refresh' },
      ],
    });
    batch.on(DescribeJobsCommand).resolves({
      jobs: [
        jobDetail('c-other', jobDefinitionArn('nightly', 2), { tags: { 'secret-refresh:resubmitted-from': 'j0' } }),
        jobDetail('c-mine', jobDefinitionArn('nightly', 2), { status: 'RUNNABLE', tags: { 'secret-refresh:resubmitted-from': 'j1' } }),
      ],
    });
    const [result] = await execute([planned('j1')]);
    expect(described()).toEqual([{ jobs: ['c-other', 'c-mine'] }]);
    expect(submitted()).toEqual([]);
    expect(tagged()).toEqual([{ resourceArn: jobArn('j1'), tags: { 'secret-refresh:superseded-by': 'c-mine' } }]);
    expect(result).toMatchObject({ status: 'done', newJobId: 'c-mine', reason: `clone c-mine already existed (earlier attempt): ${REASON}` });
  });

  it('submits a clone when the only job of that name was resubmitted from another job', async () => {
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [{ jobId: 'c-other', jobName: 'job-j1-refresh' }] });
    batch.on(DescribeJobsCommand).resolves({
      jobs: [jobDetail('c-other', jobDefinitionArn('nightly', 2), { tags: { 'secret-refresh:resubmitted-from': 'j0' } })],
    });
    const [result] = await execute([planned('j1')]);
    expect(submitted()).toHaveLength(1);
    expect(result).toMatchObject({ status: 'done', newJobId: 'clone-of-j1' });
  });

  it('submits a clone when the only job of that name carries no tags at all', async () => {
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [{ jobId: 'c-bare', jobName: 'job-j1-refresh' }] });
    batch.on(DescribeJobsCommand).resolves({ jobs: [jobDetail('c-bare', jobDefinitionArn('nightly', 2))] });
    const [result] = await execute([planned('j1')]);
    expect(submitted()).toHaveLength(1);
    expect(result).toMatchObject({ status: 'done', newJobId: 'clone-of-j1', reason: `submitted clone clone-of-j1: ${REASON}` });
  });

  it('fails only the job whose SubmitJob fails; the other two are submitted and tagged', async () => {
    batch.on(SubmitJobCommand).callsFake((input: SubmitJobCommandInput) => {
      const original = input.tags?.['secret-refresh:resubmitted-from'];
      if (original === 'j2') throw Object.assign(new Error('queue is disabled'), { name: 'ClientException' });
      return { jobId: `clone-of-${original}`, jobName: input.jobName };
    });
    const results = await execute([planned('j1'), planned('j2'), planned('j3')], { concurrency: 1 });
    expect(results.map((result) => [result.jobId, result.status, result.newJobId, result.error])).toEqual([
      ['j1', 'done', 'clone-of-j1', undefined],
      ['j2', 'failed', undefined, 'ClientException: queue is disabled'],
      ['j3', 'done', 'clone-of-j3', undefined],
    ]);
    expect(submitted()).toHaveLength(3);
    expect(tagged().map((input) => input.resourceArn)).toEqual([jobArn('j1'), jobArn('j3')]);
  });

  it('reports the clone id on a failure after SubmitJob succeeded (tagging failed)', async () => {
    batch.on(TagResourceCommand).rejects(Object.assign(new Error('not authorized to tag'), { name: 'AccessDeniedException' }));
    const [result] = await execute([planned('j1', 'resubmit')]);
    expect(result).toMatchObject({ status: 'failed', newJobId: 'clone-of-j1', error: 'AccessDeniedException: not authorized to tag' });
  });

  it('leaves the original untagged when TerminateJob fails, so the retry terminates it', async () => {
    batch.on(TerminateJobCommand).rejects(Object.assign(new Error('Service is unavailable'), { name: 'ServiceUnavailable' }));
    const [result] = await execute([planned('j1', 'resubmit-and-terminate')]);
    expect(result).toMatchObject({ status: 'failed', newJobId: 'clone-of-j1', error: 'ServiceUnavailable: Service is unavailable' });
    expect(tagged()).toEqual([]);
  });

  it('fails a job when SubmitJob returns no job id', async () => {
    batch.on(SubmitJobCommand).resolves({});
    const [result] = await execute([planned('j1')]);
    expect(result).toMatchObject({ status: 'failed', error: 'Error: SubmitJob returned no jobId' });
    expect(tagged()).toEqual([]);
  });

  it('starts no resubmit after the deadline and fails the job as not started', async () => {
    const [result] = await execute([planned('j1')], { deadline: new Date(Date.now() - 1_000) });
    expect(submitted()).toEqual([]);
    expect(result?.status).toBe('failed');
  });
});
