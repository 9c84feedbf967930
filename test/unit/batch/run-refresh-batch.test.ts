import {
  BatchClient,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  TagResourceCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { loadConfig } from '../../../lib/config/config.js';
import { type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import { reportFailed } from '../../../lib/report/build-report.js';
import type { BatchJobTargetReport } from '../../../lib/report/types.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, PUT_VERSION, sampleEvent } from '../changes/fake-metadata-directory.js';
import { ACCOUNT, AFTER_CHANGE, containerJobDefinition, fakeClients, jobDefinitionArn, jobDetail, QUEUE_ARN, REGION } from './batch-doubles.js';

const batch = mockClient(BatchClient);
const ecs = mockClient(ECSClient);

afterAll(() => {
  batch.restore();
  ecs.restore();
});

const EVENT = 'secretsmanager-putsecretvalue-awscurrent.json';
const DEFINITION = jobDefinitionArn('nightly', 1);

/** One ACTIVE definition reading the demo secret, one queue, one RUNNING job `j1` started before the change. */
beforeEach(() => {
  batch.reset();
  ecs.reset();
  ecs.on(ListClustersCommand).resolves({ clusterArns: [] });
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [containerJobDefinition('nightly', DB_SECRET_ARN)] });
  batch.on(DescribeJobQueuesCommand).resolves({
    jobQueues: [{ jobQueueName: 'orders', jobQueueArn: QUEUE_ARN, state: 'ENABLED', priority: 1, computeEnvironmentOrder: [] }],
  });
  batch.on(ListJobsCommand).callsFake((input: { jobStatus?: string; filters?: unknown[] }) => ({
    jobSummaryList: !input.filters && input.jobStatus === 'RUNNING' ? [{ jobId: 'j1', jobName: 'nightly-run' }] : [],
  }));
  batch.on(DescribeJobsCommand).resolves({ jobs: [jobDetail('j1', DEFINITION, { jobName: 'nightly-run' })] });
  batch.on(SubmitJobCommand).resolves({ jobId: 'clone-1', jobName: 'nightly-run-refresh' });
  batch.on(TagResourceCommand).resolves({});
  batch.on(TerminateJobCommand).resolves({});
});

function dependencies(): PipelineDependencies {
  return {
    clients: fakeClients({ withEcs: true }),
    directory: new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]),
    taskDefinitions: new TaskDefinitionCache(),
  };
}

function config(batchPolicy?: string) {
  return loadConfig({ AWS_REGION: REGION, ...(batchPolicy ? { SECRET_REFRESH_BATCH_POLICY: batchPolicy } : {}) });
}

function submitted(): unknown[] {
  return batch.commandCalls(SubmitJobCommand).map((call) => call.args[0].input);
}

describe('runRefresh with AWS Batch', () => {
  it('resubmits the running job under policy resubmit and reports the job definition and the job', async () => {
    const report = await runRefresh({ type: 'event', event: sampleEvent(EVENT) }, config('resubmit'), dependencies());
    expect(report.targets.map((target) => [target.type, target.name, target.status, target.code])).toEqual([
      ['batch-job-definition', 'nightly:1', 'skipped', 'nothing-to-do'],
      ['batch-job', 'nightly-run', 'done', undefined],
    ]);
    const job = report.targets[1] as BatchJobTargetReport;
    expect(job).toMatchObject({ jobId: 'j1', newJobId: 'clone-1', policy: 'resubmit', jobQueue: QUEUE_ARN, arn: `arn:aws:batch:${REGION}:${ACCOUNT}:job/j1` });
    expect(job).not.toHaveProperty('job');
    expect(job).not.toHaveProperty('decision');
    expect(report.targets[0]).toMatchObject({ arn: DEFINITION, region: REGION });
    expect(report.targets[0]).not.toHaveProperty('decision');
    expect(submitted()).toEqual([
      { jobName: 'nightly-run-refresh', jobQueue: QUEUE_ARN, jobDefinition: DEFINITION, tags: { 'secret-refresh:resubmitted-from': 'j1' } },
    ]);
    expect(batch.commandCalls(TagResourceCommand).map((call) => call.args[0].input)).toEqual([
      { resourceArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job/j1`, tags: { 'secret-refresh:superseded-by': 'clone-1' } },
    ]);
    expect(report.summary).toMatchObject({ jobDefinitionsScanned: 1, jobsScanned: 1, targets: 2, done: 1, skipped: 1, failed: 0, inventoryProblems: 0 });
    expect(reportFailed(report)).toBe(false);
    expect(report).toMatchObject({ mode: 'event', dryRun: false, change: { arn: DB_SECRET_ARN, versionId: PUT_VERSION } });
  });

  it('reports a failed SubmitJob in the report with summary.failed 1, so the CLI exits 1', async () => {
    batch.on(SubmitJobCommand).rejects(Object.assign(new Error('job queue orders is DISABLED'), { name: 'ClientException' }));
    const report = await runRefresh({ type: 'event', event: sampleEvent(EVENT) }, config('resubmit'), dependencies());
    const job = report.targets.find((target) => target.type === 'batch-job');
    expect(job).toMatchObject({ status: 'failed', jobId: 'j1', error: 'ClientException: job queue orders is DISABLED' });
    expect(report.summary.failed).toBe(1);
    expect(reportFailed(report)).toBe(true);
    expect(batch.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('only reports the running job under the default policy, without any Batch write', async () => {
    const report = await runRefresh({ type: 'event', event: sampleEvent(EVENT) }, config(), dependencies());
    expect(report.targets.find((target) => target.type === 'batch-job')).toMatchObject({ status: 'skipped', code: 'policy-report', policy: 'report' });
    expect(submitted()).toEqual([]);
    expect(batch.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it('shows the resubmit as planned in a dry run, without any Batch write', async () => {
    const report = await runRefresh({ type: 'event', event: sampleEvent(EVENT) }, config('resubmit-and-terminate'), dependencies(), { dryRun: true });
    expect(report.targets.find((target) => target.type === 'batch-job')).toMatchObject({ status: 'planned', policy: 'resubmit-and-terminate' });
    expect(report.dryRun).toBe(true);
    expect(submitted()).toEqual([]);
    expect(batch.commandCalls(TerminateJobCommand)).toHaveLength(0);
  });

  it('skips a job that started after the change as already fresh', async () => {
    batch.on(DescribeJobsCommand).resolves({ jobs: [jobDetail('j1', DEFINITION, { jobName: 'nightly-run', startedAt: AFTER_CHANGE })] });
    const report = await runRefresh({ type: 'event', event: sampleEvent(EVENT) }, config('resubmit'), dependencies());
    expect(report.targets.find((target) => target.type === 'batch-job')).toMatchObject({ status: 'skipped', code: 'already-fresh' });
    expect(submitted()).toEqual([]);
  });
});
