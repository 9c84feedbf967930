import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { executeBatchPlan } from '../../lib/actions/resubmit-batch-jobs.js';
import { TaskDefinitionCache } from '../../lib/aws/ecs.js';
import { createMetadataDirectory } from '../../lib/aws/metadata-directory.js';
import { loadConfig } from '../../lib/config/config.js';
import type { BatchJobRecord } from '../../lib/inventory/types.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import type { PlannedBatchJob } from '../../lib/plan/types.js';
import { resetMoto } from '../support/moto.js';
import { recordingClients } from '../support/recording-clients.js';

const batch = new BatchClient({ region: 'us-east-1', maxAttempts: 1 });

async function createQueue(): Promise<string> {
  const role = await new IAMClient({ region: 'us-east-1' }).send(
    new CreateRoleCommand({ RoleName: 'batch-service-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
  );
  const environment = await batch.send(
    new CreateComputeEnvironmentCommand({ computeEnvironmentName: 'demo-unmanaged', type: 'UNMANAGED', serviceRole: role.Role?.Arn }),
  );
  const queue = await batch.send(
    new CreateJobQueueCommand({
      jobQueueName: 'demo-queue',
      state: 'ENABLED',
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: environment.computeEnvironmentArn }],
    }),
  );
  return queue.jobQueueArn ?? '';
}

describe('AWS Batch against moto', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('reports the job definition that reads the rotated secret, and not its look-alike', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { clients } = recordingClients();
    const report = await runRefresh(
      {
        type: 'event',
        event: secretLabelUpdatedEvent(rotationInput(account, rotation)),
      },
      loadConfig({ AWS_REGION: 'us-east-1' }),
      { clients, directory: createMetadataDirectory(clients), taskDefinitions: new TaskDefinitionCache() },
    );

    const definitions = report.targets.filter((target) => target.type === 'batch-job-definition');
    const expected = account.jobDefinitions.filter((definition) => definition.onSecretRotation === 'report');
    expect(definitions.map((target) => target.arn)).toEqual(expected.map((definition) => definition.arn));
    expect(definitions[0]?.reason).toMatch(/future jobs read the new value/);
    expect(report.summary.jobDefinitionsScanned).toBe(2);
  });

  it('resubmits a job as a tagged clone in the same queue, and a replay finds the clone instead of submitting another', async () => {
    const queue = await createQueue();
    const definition = account.jobDefinitions[0]?.arn ?? '';
    const original = await batch.send(
      new SubmitJobCommand({
        jobName: 'nightly-2026-11-24',
        jobQueue: queue,
        jobDefinition: definition,
        parameters: { day: '2026-11-24' },
        tags: { team: 'orders' },
        timeout: { attemptDurationSeconds: 3600 },
      }),
    );
    const detail = (await batch.send(new DescribeJobsCommand({ jobs: [original.jobId ?? ''] }))).jobs?.[0];
    if (!detail?.jobId) throw new Error('moto did not return the submitted job');
    // moto finishes jobs at once; the plan is built as if the job were RUNNING when the secret changed.
    const job: BatchJobRecord = {
      jobId: detail.jobId,
      ...(detail.jobArn ? { jobArn: detail.jobArn } : {}),
      jobName: detail.jobName ?? '',
      jobQueue: queue,
      region: 'us-east-1',
      status: 'RUNNING',
      kind: 'single',
      jobDefinitionArn: definition,
      tags: detail.tags ?? {},
      queueTags: {},
      detail,
    };
    const planned: PlannedBatchJob = {
      type: 'batch-job',
      arn: job.jobArn ?? job.jobId,
      jobId: job.jobId,
      name: job.jobName,
      jobQueue: queue,
      region: 'us-east-1',
      policy: 'resubmit',
      decision: 'resubmit',
      terminate: false,
      reason: 'test',
      references: [],
      job,
    };
    const { clients } = recordingClients();

    const [first] = await executeBatchPlan([planned], { clients, dryRun: false, concurrency: 1 });
    const [replay] = await executeBatchPlan([planned], { clients, dryRun: false, concurrency: 1 });

    expect(first?.status).toBe('done');
    expect(replay?.status).toBe('done');
    expect(replay?.newJobId).toBe(first?.newJobId);
    expect(replay?.reason).toMatch(/already existed/);
    const clones = await batch.send(new ListJobsCommand({ jobQueue: queue, filters: [{ name: 'JOB_NAME', values: ['nightly-2026-11-24-refresh'] }] }));
    expect(clones.jobSummaryList?.map((summary) => summary.jobId)).toEqual([first?.newJobId]);
    const clone = (await batch.send(new DescribeJobsCommand({ jobs: [first?.newJobId ?? ''] }))).jobs?.[0];
    expect(clone?.jobDefinition).toBe(definition);
    expect(clone?.jobQueue).toBe(queue);
    expect(clone?.parameters).toEqual({ day: '2026-11-24' });
    expect(clone?.tags).toMatchObject({ team: 'orders', 'secret-refresh:resubmitted-from': detail.jobId });
  });
});
