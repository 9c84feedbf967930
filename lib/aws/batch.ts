import {
  type BatchClient,
  DescribeJobDefinitionsCommand,
  DescribeJobsCommand,
  type JobDefinition,
  type JobDetail,
  type JobQueueDetail,
  paginateDescribeJobDefinitions,
  paginateDescribeJobQueues,
  paginateListJobs,
  SubmitJobCommand,
  type SubmitJobCommandInput,
  TagResourceCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { chunk, mapWithConcurrency } from './concurrency.js';

export type {
  BatchClient,
  ContainerDetail,
  ContainerProperties,
  JobDefinition,
  JobDetail,
  KeyValuePair,
  SubmitJobCommandInput,
  TaskContainerDetails,
  TaskContainerProperties,
} from '@aws-sdk/client-batch';

/** DescribeJobs takes at most 100 job ids a call. */
export const DESCRIBE_JOBS_BATCH = 100;
/** Page size for DescribeJobDefinitions / DescribeJobQueues / ListJobs (the API maximum). */
export const BATCH_PAGE_SIZE = 100;

/** Every ACTIVE job definition revision in the client's Region (DescribeJobDefinitions, 100 a page). */
export async function listActiveJobDefinitions(client: BatchClient): Promise<JobDefinition[]> {
  const definitions: JobDefinition[] = [];
  for await (const page of paginateDescribeJobDefinitions({ client, pageSize: BATCH_PAGE_SIZE }, { status: 'ACTIVE' })) {
    definitions.push(...(page.jobDefinitions ?? []));
  }
  return definitions;
}

/** Job definitions by ARN (DescribeJobDefinitions takes at most 100 a call): revisions no longer ACTIVE too. */
export async function describeJobDefinitions(client: BatchClient, jobDefinitions: readonly string[]): Promise<JobDefinition[]> {
  const definitions: JobDefinition[] = [];
  for (const arns of chunk(jobDefinitions, BATCH_PAGE_SIZE)) {
    const output = await client.send(new DescribeJobDefinitionsCommand({ jobDefinitions: arns }));
    definitions.push(...(output.jobDefinitions ?? []));
  }
  return definitions;
}

/** Every job queue in the client's Region, with its tags. */
export async function listJobQueues(client: BatchClient): Promise<JobQueueDetail[]> {
  const queues: JobQueueDetail[] = [];
  for await (const page of paginateDescribeJobQueues({ client, pageSize: BATCH_PAGE_SIZE }, {})) {
    queues.push(...(page.jobQueues ?? []));
  }
  return queues;
}

/**
 * Ids of the jobs of a queue (or the children of an array job) in the given status (ListJobs, 100 a page).
 * No `filters`: with a filter, ListJobs ignores `jobStatus` and returns every status.
 */
export async function listJobIds(
  client: BatchClient,
  scope: { readonly jobQueue: string } | { readonly arrayJobId: string },
  jobStatus: 'PENDING' | 'STARTING' | 'RUNNING',
): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListJobs({ client, pageSize: BATCH_PAGE_SIZE }, { ...scope, jobStatus })) {
    for (const job of page.jobSummaryList ?? []) if (job.jobId) ids.push(job.jobId);
  }
  return ids;
}

/** Job names of a queue, any status, that equal `jobName` (ListJobs with a JOB_NAME filter). */
export async function listJobIdsByName(client: BatchClient, jobQueue: string, jobName: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListJobs({ client, pageSize: BATCH_PAGE_SIZE }, { jobQueue, filters: [{ name: 'JOB_NAME', values: [jobName] }] })) {
    for (const job of page.jobSummaryList ?? []) if (job.jobId && job.jobName === jobName) ids.push(job.jobId);
  }
  return ids;
}

/** DescribeJobs, 100 ids a call, `concurrency` calls in flight. */
export async function describeJobs(client: BatchClient, jobIds: readonly string[], concurrency: number): Promise<JobDetail[]> {
  const pages = await mapWithConcurrency(chunk(jobIds, DESCRIBE_JOBS_BATCH), concurrency, (jobs) => client.send(new DescribeJobsCommand({ jobs })));
  return pages.flatMap((page) => page.jobs ?? []);
}

/** SubmitJob; returns the new job's id and ARN. */
export async function submitJob(client: BatchClient, input: SubmitJobCommandInput): Promise<{ jobId: string; jobArn?: string }> {
  const output = await client.send(new SubmitJobCommand(input));
  if (!output.jobId) throw new Error('SubmitJob returned no jobId');
  return { jobId: output.jobId, ...(output.jobArn ? { jobArn: output.jobArn } : {}) };
}

/** TagResource on a job (or any Batch resource ARN). */
export async function tagJob(client: BatchClient, resourceArn: string, tags: Record<string, string>): Promise<void> {
  await client.send(new TagResourceCommand({ resourceArn, tags }));
}

/** TerminateJob: STARTING/RUNNING jobs become FAILED; earlier states are cancelled. */
export async function terminateJob(client: BatchClient, jobId: string, reason: string): Promise<void> {
  await client.send(new TerminateJobCommand({ jobId, reason }));
}
