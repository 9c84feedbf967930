import { safeParseArn } from '../arn/arn.js';
import {
  BATCH_PAGE_SIZE,
  type BatchClient,
  describeJobDefinitions,
  describeJobs,
  type JobDefinition,
  type JobDetail,
  listActiveJobDefinitions,
  listJobIds,
  listJobQueues,
} from '../aws/batch.js';
import type { AwsClients } from '../aws/clients.js';
import { chunk, mapWithConcurrency } from '../aws/concurrency.js';
import { errorText } from '../errors.js';
import { isEksJobDefinition, jobDefinitionContainers, jobDefinitionReferences } from './job-definition-references.js';
import type { BatchInventory, BatchJobDefinitionRecord, BatchJobRecord, InventoryProblem } from './types.js';

/** What {@link collectBatchInventory} needs. */
export interface BatchInventoryOptions {
  readonly clients: AwsClients;
  readonly regions: readonly string[];
  readonly concurrency: number;
}

/**
 * Every ACTIVE Batch job definition revision and every STARTING/RUNNING job in every configured Region.
 * Array children (`<parent>:<index>`) and multi-node nodes (`<parent>#<node>`) are folded into their parent:
 * a child is never handled alone. A job whose definition revision is no longer ACTIVE still gets its
 * definition described, so its references are known. Unreadable parts become {@link InventoryProblem}s.
 */
export async function collectBatchInventory(options: BatchInventoryOptions): Promise<BatchInventory> {
  const problems: InventoryProblem[] = [];
  let queues = 0;
  const perRegion = await Promise.all(
    options.regions.map(async (region) => {
      const client = options.clients.batch(region);
      const definitions = new Map<string, BatchJobDefinitionRecord>();
      try {
        for (const definition of await listActiveJobDefinitions(client)) {
          const record = definitionRecord(definition, region);
          if (record) definitions.set(record.arn, record);
        }
      } catch (error) {
        problems.push({ region, subject: 'DescribeJobDefinitions', message: errorText(error) });
      }
      const jobs: BatchJobRecord[] = [];
      try {
        const queueDetails = await listJobQueues(client);
        queues += queueDetails.length;
        // `concurrency` queues at a time, each queue's calls one after the other: at most `concurrency` calls
        // in flight per Region (nested limits would multiply).
        await mapWithConcurrency(queueDetails, options.concurrency, async (queue) => {
          const queueArn = queue.jobQueueArn ?? queue.jobQueueName ?? '';
          try {
            const ids = [...(await listJobIds(client, { jobQueue: queueArn }, 'STARTING')), ...(await listJobIds(client, { jobQueue: queueArn }, 'RUNNING'))];
            const parents = [...new Set(ids.map(parentJobId))];
            const details = await describeJobs(client, parents, 1);
            // An array parent stays PENDING while its children run: find those parents too.
            const arrays = await runningArrayParents(client, queueArn, new Set(parents));
            // A parent has no startedAt of its own: its earliest running child's counts (≤ 100 children described).
            const unstarted = new Set(details.filter((detail) => detail.startedAt === undefined).map((detail) => detail.jobId));
            const childIds = [
              ...parents.filter((id) => unstarted.has(id)).flatMap((parent) => ids.filter((id) => id !== parent && parentJobId(id) === parent).slice(0, 100)),
              ...arrays.flatMap((array) => array.children.slice(0, 100)),
            ];
            const children = childStartTimes(await describeJobs(client, childIds, 1));
            for (const detail of [...details, ...arrays.map((array) => array.detail)]) {
              const record = jobRecord(detail, region, queue.tags ?? {}, children);
              if (record) jobs.push(record);
            }
          } catch (error) {
            problems.push({ region, subject: queueArn, message: errorText(error) });
          }
        });
      } catch (error) {
        problems.push({ region, subject: 'DescribeJobQueues', message: errorText(error) });
      }
      await describeMissingDefinitions(client, region, jobs, definitions, problems);
      return { definitions: [...definitions.values()], jobs };
    }),
  );
  return {
    regions: options.regions,
    queues,
    jobDefinitions: perRegion.flatMap((region) => region.definitions),
    jobs: perRegion.flatMap((region) => region.jobs),
    problems,
  };
}

/** PENDING array parents of a queue with STARTING/RUNNING children (ListJobs by `arrayJobId`). */
async function runningArrayParents(client: BatchClient, jobQueue: string, known: ReadonlySet<string>): Promise<{ detail: JobDetail; children: string[] }[]> {
  const pending = (await listJobIds(client, { jobQueue }, 'PENDING')).filter((id) => !known.has(id) && parentJobId(id) === id);
  const parents = (await describeJobs(client, pending, 1)).filter((detail) => detail.arrayProperties?.size !== undefined);
  const withChildren = await mapWithConcurrency(parents, 1, async (detail) => {
    const arrayJobId = detail.jobId ?? '';
    const children = [...(await listJobIds(client, { arrayJobId }, 'STARTING')), ...(await listJobIds(client, { arrayJobId }, 'RUNNING'))];
    return { detail, children };
  });
  return withChildren.filter((array) => array.children.length > 0);
}

/** `abc:3` (array child) and `abc#2` (multi-node node) belong to job `abc`. */
export function parentJobId(jobId: string): string {
  return jobId.split(/[:#]/)[0] ?? jobId;
}

/** Earliest start time of each parent's children (an array parent has no `startedAt` of its own). */
function childStartTimes(children: readonly JobDetail[]): Map<string, number> {
  const earliest = new Map<string, number>();
  for (const child of children) {
    if (!child.jobId || child.startedAt === undefined) continue;
    const parent = parentJobId(child.jobId);
    earliest.set(parent, Math.min(earliest.get(parent) ?? Number.POSITIVE_INFINITY, child.startedAt));
  }
  return earliest;
}

function definitionRecord(definition: JobDefinition, region: string): BatchJobDefinitionRecord | undefined {
  const arn = definition.jobDefinitionArn;
  if (!arn) return undefined;
  const { partition = 'aws', account = '' } = safeParseArn(arn) ?? {};
  return {
    arn,
    name: definition.jobDefinitionName ?? arn,
    revision: definition.revision ?? 0,
    status: definition.status ?? 'UNKNOWN',
    partition,
    region,
    account,
    tags: definition.tags ?? {},
    eks: isEksJobDefinition(definition),
    references: jobDefinitionReferences(definition, { partition, region, account }),
    containers: jobDefinitionContainers(definition),
  };
}

function jobRecord(detail: JobDetail, region: string, queueTags: Record<string, string>, childStarts: Map<string, number>): BatchJobRecord | undefined {
  if (!detail.jobId || !detail.jobDefinition || !detail.jobQueue) return undefined;
  const kind = detail.arrayProperties?.size !== undefined ? 'array' : detail.nodeProperties ? 'multi-node' : 'single';
  const started = detail.startedAt ?? childStarts.get(detail.jobId);
  return {
    jobId: detail.jobId,
    ...(detail.jobArn ? { jobArn: detail.jobArn } : {}),
    jobName: detail.jobName ?? detail.jobId,
    jobQueue: detail.jobQueue,
    region,
    status: detail.status ?? 'UNKNOWN',
    kind,
    ...(started !== undefined ? { startedAt: new Date(started).toISOString() } : {}),
    jobDefinitionArn: detail.jobDefinition,
    tags: detail.tags ?? {},
    queueTags,
    detail,
  };
}

async function describeMissingDefinitions(
  client: BatchClient,
  region: string,
  jobs: readonly BatchJobRecord[],
  definitions: Map<string, BatchJobDefinitionRecord>,
  problems: InventoryProblem[],
): Promise<void> {
  const missing = [...new Set(jobs.map((job) => job.jobDefinitionArn))].filter((arn) => !definitions.has(arn));
  // One problem per call that failed: the definitions of the other calls are still known.
  for (const arns of chunk(missing, BATCH_PAGE_SIZE)) {
    try {
      for (const definition of await describeJobDefinitions(client, arns)) {
        const record = definitionRecord(definition, region);
        if (record) definitions.set(record.arn, record);
      }
    } catch (error) {
      problems.push({ region, subject: arns.join(', '), message: `could not describe job definitions: ${errorText(error)}` });
    }
  }
}
