import {
  BatchClient,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDefinition,
  type JobDetail,
  type JobQueueDetail,
  ListJobsCommand,
} from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { collectBatchInventory, parentJobId } from '../../../lib/inventory/batch-inventory.js';
import { ACCOUNT, BEFORE_CHANGE, containerJobDefinition, fakeClients, jobDefinitionArn, jobDetail, QUEUE_ARN, REGION, SECRET_ARN } from './batch-doubles.js';

const batch = mockClient(BatchClient);

/**
 * Inputs as they were when sent. The SDK paginators reuse one input object and set `nextToken` on it, so
 * `commandCalls(...)[i].args[0].input` shows every page's input with the last token.
 */
let sent: { command: string; input: unknown }[] = [];

beforeEach(() => {
  batch.reset();
  sent = [];
});

afterAll(() => {
  batch.restore();
});

const OTHER_QUEUE_ARN = `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/reports`;

function queue(arn: string, tags: Record<string, string> = {}): JobQueueDetail {
  return {
    jobQueueName: arn.split('/').pop(),
    jobQueueArn: arn,
    state: 'ENABLED',
    priority: 1,
    computeEnvironmentOrder: [],
    tags,
  };
}

/**
 * A Batch Region for the inventory to read:
 * - `definitions`: ACTIVE definition pages (DescribeJobDefinitions status=ACTIVE, paged by `d<n>` tokens);
 * - `describable`: extra definitions only DescribeJobDefinitions({ jobDefinitions }) returns (INACTIVE ones);
 * - `queues`: DescribeJobQueues pages;
 * - `jobs`: ListJobs pages per `<queue>|<status>` (paged by `<queue>|<status>|<n>` tokens), or an Error;
 * - `details`: DescribeJobs answers by job id.
 */
interface Region {
  readonly definitions?: readonly (readonly JobDefinition[])[];
  readonly describable?: readonly JobDefinition[];
  readonly queues?: readonly (readonly JobQueueDetail[])[];
  readonly jobs?: Readonly<Record<string, readonly (readonly string[])[] | Error>>;
  readonly details?: Readonly<Record<string, JobDetail>>;
}

function record(command: string, input: object): void {
  sent.push({ command, input: structuredClone(input) });
}

function serve(region: Region): void {
  batch.on(DescribeJobDefinitionsCommand).callsFake((input: { jobDefinitions?: string[]; nextToken?: string }) => {
    record('DescribeJobDefinitions', input);
    if (input.jobDefinitions) {
      return { jobDefinitions: (region.describable ?? []).filter((definition) => input.jobDefinitions?.includes(definition.jobDefinitionArn ?? '')) };
    }
    const pages = region.definitions ?? [[]];
    const index = input.nextToken ? Number(input.nextToken.slice(1)) : 0;
    return { jobDefinitions: pages[index], ...(index + 1 < pages.length ? { nextToken: `d${index + 1}` } : {}) };
  });
  batch.on(DescribeJobQueuesCommand).callsFake((input: { nextToken?: string }) => {
    record('DescribeJobQueues', input);
    const pages = region.queues ?? [[]];
    const index = input.nextToken ? Number(input.nextToken.slice(1)) : 0;
    return { jobQueues: pages[index], ...(index + 1 < pages.length ? { nextToken: `q${index + 1}` } : {}) };
  });
  batch.on(ListJobsCommand).callsFake((input: { jobQueue?: string; arrayJobId?: string; jobStatus?: string; nextToken?: string }) => {
    record('ListJobs', input);
    const key = `${input.jobQueue ?? `array:${input.arrayJobId}`}|${input.jobStatus}`;
    const pages = region.jobs?.[key] ?? [[]];
    if (pages instanceof Error) throw pages;
    const index = input.nextToken ? Number(input.nextToken.split('|').pop()) : 0;
    const ids = pages[index] ?? [];
    return {
      jobSummaryList: ids.map((jobId) => ({ jobId, jobName: `job-${jobId}` })),
      ...(index + 1 < pages.length ? { nextToken: `${key}|${index + 1}` } : {}),
    };
  });
  batch.on(DescribeJobsCommand).callsFake((input: { jobs?: string[] }) => {
    record('DescribeJobs', input);
    return { jobs: (input.jobs ?? []).flatMap((id) => (region.details?.[id] ? [region.details[id]] : [])) };
  });
}

function inventory(regions: readonly string[] = [REGION]) {
  return collectBatchInventory({ clients: fakeClients(), regions, concurrency: 4 });
}

/** What was sent with `command`, in order; the mock's own record must agree on the number of calls. */
function inputs(command: 'DescribeJobDefinitions' | 'DescribeJobQueues' | 'ListJobs' | 'DescribeJobs'): unknown[] {
  const mine = sent.filter((call) => call.command === command).map((call) => call.input);
  const commands = {
    DescribeJobDefinitions: DescribeJobDefinitionsCommand,
    DescribeJobQueues: DescribeJobQueuesCommand,
    ListJobs: ListJobsCommand,
    DescribeJobs: DescribeJobsCommand,
  };
  expect(batch.commandCalls(commands[command] as never)).toHaveLength(mine.length);
  return mine;
}

describe('collectBatchInventory: job definitions', () => {
  it('reads every ACTIVE job definition revision over three DescribeJobDefinitions pages', async () => {
    serve({
      definitions: [[containerJobDefinition('a', SECRET_ARN)], [containerJobDefinition('b', SECRET_ARN)], [containerJobDefinition('c', SECRET_ARN)]],
    });
    const result = await inventory();
    expect(result.jobDefinitions.map((definition) => definition.name)).toEqual(['a', 'b', 'c']);
    expect(inputs('DescribeJobDefinitions')).toEqual([
      { status: 'ACTIVE', maxResults: 100 },
      { status: 'ACTIVE', maxResults: 100, nextToken: 'd1' },
      { status: 'ACTIVE', maxResults: 100, nextToken: 'd2' },
    ]);
    expect(result.problems).toEqual([]);
  });

  it('records partition, account, revision, tags and references of each definition', async () => {
    serve({ definitions: [[containerJobDefinition('a', SECRET_ARN, { revision: 7, jobDefinitionArn: jobDefinitionArn('a', 7), tags: { team: 'orders' } })]] });
    const [record] = (await inventory()).jobDefinitions;
    expect(record).toMatchObject({
      arn: jobDefinitionArn('a', 7),
      name: 'a',
      revision: 7,
      status: 'ACTIVE',
      partition: 'aws',
      region: REGION,
      account: ACCOUNT,
      tags: { team: 'orders' },
      eks: false,
    });
    expect(record?.references.map((reference) => [reference.container, reference.valueFrom])).toEqual([['container', SECRET_ARN]]);
  });

  it('marks an EKS job definition as eks, with no references', async () => {
    serve({
      definitions: [
        [
          {
            jobDefinitionName: 'k8s',
            jobDefinitionArn: jobDefinitionArn('k8s'),
            revision: 1,
            status: 'ACTIVE',
            type: 'container',
            containerOrchestrationType: 'EKS',
            eksProperties: { podProperties: { containers: [{ name: 'app', image: 'app' }] } },
          },
        ],
      ],
    });
    const [record] = (await inventory()).jobDefinitions;
    expect(record).toMatchObject({ name: 'k8s', eks: true, references: [] });
  });

  it('turns a failing DescribeJobDefinitions into a problem and still reads the queues', async () => {
    serve({ queues: [[queue(QUEUE_ARN)]] });
    batch.on(DescribeJobDefinitionsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const result = await inventory();
    expect(result.problems).toEqual([{ region: REGION, subject: 'DescribeJobDefinitions', message: 'AccessDeniedException: not authorized' }]);
    expect(result.queues).toBe(1);
    expect(inputs('ListJobs')).toHaveLength(3); // STARTING, RUNNING, and PENDING (array parents)
  });
});

describe('collectBatchInventory: job queues and jobs', () => {
  it('reads every job queue over DescribeJobQueues pages and lists each queue', async () => {
    serve({ queues: [[queue(QUEUE_ARN)], [queue(OTHER_QUEUE_ARN)]] });
    const result = await inventory();
    expect(result.queues).toBe(2);
    expect(inputs('DescribeJobQueues')).toEqual([{ maxResults: 100 }, { maxResults: 100, nextToken: 'q1' }]);
    expect(new Set(inputs('ListJobs').map((input) => (input as { jobQueue: string }).jobQueue))).toEqual(new Set([QUEUE_ARN, OTHER_QUEUE_ARN]));
  });

  it('lists STARTING and RUNNING jobs of a queue with paging, without filters, and describes them', async () => {
    const definition = jobDefinitionArn('a');
    serve({
      queues: [[queue(QUEUE_ARN)]],
      jobs: { [`${QUEUE_ARN}|STARTING`]: [['j1']], [`${QUEUE_ARN}|RUNNING`]: [['j2'], ['j3']] },
      details: {
        j1: jobDetail('j1', definition, { status: 'STARTING', startedAt: undefined }),
        j2: jobDetail('j2', definition),
        j3: jobDetail('j3', definition),
      },
    });
    const result = await inventory();
    expect(inputs('ListJobs')).toEqual([
      { jobQueue: QUEUE_ARN, jobStatus: 'STARTING', maxResults: 100 },
      { jobQueue: QUEUE_ARN, jobStatus: 'RUNNING', maxResults: 100 },
      { jobQueue: QUEUE_ARN, jobStatus: 'RUNNING', maxResults: 100, nextToken: `${QUEUE_ARN}|RUNNING|1` },
      { jobQueue: QUEUE_ARN, jobStatus: 'PENDING', maxResults: 100 },
    ]);
    expect(inputs('DescribeJobs')[0]).toEqual({ jobs: ['j1', 'j2', 'j3'] });
    expect(result.jobs.map((job) => [job.jobId, job.status, job.kind])).toEqual([
      ['j1', 'STARTING', 'single'],
      ['j2', 'RUNNING', 'single'],
      ['j3', 'RUNNING', 'single'],
    ]);
  });

  it('keeps what a clone needs on each job record: queue, definition, start time, tags and queue tags', async () => {
    const definition = jobDefinitionArn('a', 3);
    serve({
      queues: [[queue(QUEUE_ARN, { 'secret-refresh:batch-policy': 'resubmit' })]],
      jobs: { [`${QUEUE_ARN}|RUNNING`]: [['j1']] },
      details: { j1: jobDetail('j1', definition, { jobName: 'nightly', tags: { team: 'orders' }, parameters: { day: 'mon' } }) },
    });
    const [job] = (await inventory()).jobs;
    expect(job).toMatchObject({
      jobId: 'j1',
      jobArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job/j1`,
      jobName: 'nightly',
      jobQueue: QUEUE_ARN,
      region: REGION,
      status: 'RUNNING',
      kind: 'single',
      startedAt: new Date(BEFORE_CHANGE).toISOString(),
      jobDefinitionArn: definition,
      tags: { team: 'orders' },
      queueTags: { 'secret-refresh:batch-policy': 'resubmit' },
    });
    expect(job?.detail.parameters).toEqual({ day: 'mon' });
  });

  it('finds a PENDING array parent whose children run (ListJobs by arrayJobId) and dates it by its earliest child', async () => {
    const definition = jobDefinitionArn('a');
    serve({
      queues: [[queue(QUEUE_ARN)]],
      jobs: {
        [`${QUEUE_ARN}|PENDING`]: [['arr', 'queued']],
        'array:arr|RUNNING': [['arr:0', 'arr:1']],
      },
      details: {
        arr: jobDetail('arr', definition, { status: 'PENDING', startedAt: undefined, arrayProperties: { size: 2 } }),
        queued: jobDetail('queued', definition, { status: 'PENDING', startedAt: undefined }),
        'arr:0': jobDetail('arr:0', definition, { startedAt: BEFORE_CHANGE + 5000 }),
        'arr:1': jobDetail('arr:1', definition, { startedAt: BEFORE_CHANGE }),
      },
    });
    const result = await inventory();
    expect(result.jobs.map((job) => [job.jobId, job.kind, job.startedAt])).toEqual([['arr', 'array', new Date(BEFORE_CHANGE).toISOString()]]);
    expect(inputs('ListJobs')).toContainEqual({ arrayJobId: 'arr', jobStatus: 'RUNNING', maxResults: 100 });
  });

  it('describes jobs in chunks of at most 100 ids', async () => {
    const ids = Array.from({ length: 250 }, (_, index) => `j${index}`);
    const definition = jobDefinitionArn('a');
    serve({
      definitions: [[containerJobDefinition('a', SECRET_ARN)]],
      queues: [[queue(QUEUE_ARN)]],
      jobs: { [`${QUEUE_ARN}|RUNNING`]: [ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)] },
      details: Object.fromEntries(ids.map((id) => [id, jobDetail(id, definition)])),
    });
    const result = await inventory();
    const chunks = inputs('DescribeJobs').map((input) => (input as { jobs: string[] }).jobs);
    expect(chunks.map((jobs) => jobs.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(ids);
    expect(result.jobs).toHaveLength(250);
  });

  it('folds array children (parent:index) into one array record, its parent described once', async () => {
    const definition = jobDefinitionArn('a');
    serve({
      queues: [[queue(QUEUE_ARN)]],
      jobs: { [`${QUEUE_ARN}|STARTING`]: [['arr:3']], [`${QUEUE_ARN}|RUNNING`]: [['arr:0', 'arr:1']] },
      details: {
        arr: jobDetail('arr', definition, { status: 'PENDING', startedAt: undefined, arrayProperties: { size: 4 } }),
        'arr:0': jobDetail('arr:0', definition, { startedAt: BEFORE_CHANGE + 5_000, arrayProperties: { index: 0 } }),
        'arr:1': jobDetail('arr:1', definition, { startedAt: BEFORE_CHANGE + 1_000, arrayProperties: { index: 1 } }),
        'arr:3': jobDetail('arr:3', definition, { status: 'STARTING', startedAt: undefined, arrayProperties: { index: 3 } }),
      },
    });
    const result = await inventory();
    const described = inputs('DescribeJobs').map((input) => (input as { jobs: string[] }).jobs);
    expect(described[0]).toEqual(['arr']);
    expect(described.flat().filter((id) => id === 'arr')).toHaveLength(1);
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs[0]).toMatchObject({ jobId: 'arr', kind: 'array', status: 'PENDING' });
  });

  it('gives an array parent without startedAt the start time of its earliest child', async () => {
    const definition = jobDefinitionArn('a');
    serve({
      queues: [[queue(QUEUE_ARN)]],
      jobs: { [`${QUEUE_ARN}|RUNNING`]: [['arr:0', 'arr:1', 'arr:2']] },
      details: {
        arr: jobDetail('arr', definition, { status: 'PENDING', startedAt: undefined, arrayProperties: { size: 3 } }),
        'arr:0': jobDetail('arr:0', definition, { startedAt: BEFORE_CHANGE + 5_000 }),
        'arr:1': jobDetail('arr:1', definition, { startedAt: BEFORE_CHANGE + 1_000 }),
        'arr:2': jobDetail('arr:2', definition, { startedAt: BEFORE_CHANGE + 9_000 }),
      },
    });
    const result = await inventory();
    expect(inputs('DescribeJobs')).toEqual([{ jobs: ['arr'] }, { jobs: ['arr:0', 'arr:1', 'arr:2'] }]);
    expect(result.jobs[0]?.startedAt).toBe(new Date(BEFORE_CHANGE + 1_000).toISOString());
  });

  it('folds multi-node nodes (parent#node) into one multi-node record and describes no node of a started parent', async () => {
    const definition = jobDefinitionArn('mnp');
    serve({
      queues: [[queue(QUEUE_ARN)]],
      jobs: { [`${QUEUE_ARN}|RUNNING`]: [['mnp', 'mnp#0', 'mnp#1']] },
      details: {
        mnp: jobDetail('mnp', definition, { nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:1' }] } }),
      },
    });
    const result = await inventory();
    expect(inputs('DescribeJobs')).toEqual([{ jobs: ['mnp'] }]);
    expect(result.jobs.map((job) => [job.jobId, job.kind, job.startedAt])).toEqual([['mnp', 'multi-node', new Date(BEFORE_CHANGE).toISOString()]]);
  });

  it('describes the INACTIVE definition revision of a running job by ARN, so its references are known', async () => {
    const inactive = { ...containerJobDefinition('old', SECRET_ARN), status: 'INACTIVE' };
    serve({
      definitions: [[containerJobDefinition('a', SECRET_ARN)]],
      describable: [inactive],
      queues: [[queue(QUEUE_ARN)]],
      jobs: { [`${QUEUE_ARN}|RUNNING`]: [['j1', 'j2']] },
      details: { j1: jobDetail('j1', jobDefinitionArn('old')), j2: jobDetail('j2', jobDefinitionArn('a')) },
    });
    const result = await inventory();
    expect(inputs('DescribeJobDefinitions').at(-1)).toEqual({ jobDefinitions: [jobDefinitionArn('old')] });
    const old = result.jobDefinitions.find((definition) => definition.arn === jobDefinitionArn('old'));
    expect(old).toMatchObject({ status: 'INACTIVE', references: [{ valueFrom: SECRET_ARN }] });
    expect(result.problems).toEqual([]);
  });

  it('turns a queue whose ListJobs throws into a problem and still reads the other queues', async () => {
    const definition = jobDefinitionArn('a');
    serve({
      queues: [[queue(QUEUE_ARN), queue(OTHER_QUEUE_ARN)]],
      jobs: {
        [`${QUEUE_ARN}|STARTING`]: Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }),
        [`${OTHER_QUEUE_ARN}|RUNNING`]: [['j2']],
      },
      details: { j2: jobDetail('j2', definition, { jobQueue: OTHER_QUEUE_ARN }) },
    });
    const result = await inventory();
    expect(result.problems).toEqual([{ region: REGION, subject: QUEUE_ARN, message: 'TooManyRequestsException: Rate exceeded' }]);
    expect(result.jobs.map((job) => [job.jobId, job.jobQueue])).toEqual([['j2', OTHER_QUEUE_ARN]]);
    expect(result.queues).toBe(2);
  });

  it('reads each configured Region with its own client', async () => {
    serve({});
    const clients = fakeClients();
    const result = await collectBatchInventory({ clients, regions: ['us-east-1', 'eu-west-1'], concurrency: 2 });
    expect(result.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(new Set(clients.batchRegions)).toEqual(new Set(['us-east-1', 'eu-west-1']));
  });
});

describe('parentJobId', () => {
  it('maps array children and multi-node nodes to their parent and leaves a parent alone', () => {
    expect(['abc:3', 'abc#2', 'abc'].map(parentJobId)).toEqual(['abc', 'abc', 'abc']);
  });
});
