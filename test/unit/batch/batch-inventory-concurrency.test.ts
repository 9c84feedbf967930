import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand, DescribeJobsCommand, ListJobsCommand } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { collectBatchInventory } from '../../../lib/inventory/batch-inventory.js';
import { ACCOUNT, fakeClients, jobDefinitionArn, jobDetail, REGION } from './batch-doubles.js';

const batch = mockClient(BatchClient);
afterAll(() => batch.restore());
beforeEach(() => batch.reset());

describe('collectBatchInventory: one concurrency limit per Region', () => {
  it('keeps ListJobs and DescribeJobs calls in flight at the configured limit across all queues', async () => {
    const queues = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      jobQueueName: name,
      jobQueueArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/${name}`,
      state: 'ENABLED' as const,
      status: 'VALID' as const,
      priority: 1,
      computeEnvironmentOrder: [],
    }));
    let inFlight = 0;
    let peak = 0;
    const slowly = async <T>(value: T): Promise<T> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return value;
    };
    batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
    batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: queues });
    batch.on(ListJobsCommand).callsFake((input: { jobQueue?: string; jobStatus?: string }) =>
      slowly({
        // 150 running jobs per queue: DescribeJobs takes 100 ids, so each queue needs two calls.
        jobSummaryList:
          input.jobStatus === 'RUNNING' ? Array.from({ length: 150 }, (_, n) => ({ jobId: `${input.jobQueue?.split('/').pop()}-${n}`, jobName: 'j' })) : [],
      }),
    );
    batch
      .on(DescribeJobsCommand)
      .callsFake((input: { jobs: string[] }) => slowly({ jobs: input.jobs.map((id) => jobDetail(id, jobDefinitionArn('nightly'))) }));

    const inventory = await collectBatchInventory({ clients: fakeClients(), regions: [REGION], concurrency: 2 });

    expect(inventory.jobs).toHaveLength(750);
    expect(peak).toBe(2);
  });
});
