import { resourceId, safeParseArn } from '../arn/arn.js';
import type { AwsClients } from '../aws/clients.js';
import { chunk, createLimiter, type Limiter } from '../aws/concurrency.js';
import { DESCRIBE_SERVICES_BATCH, describeServices, listClusterArns, listServiceArns, type Service, type TaskDefinitionCache } from '../aws/ecs.js';
import { errorText } from '../errors.js';
import { taskDefinitionReferences } from './task-definition-references.js';
import type { DeploymentController, EcsInventory, EcsServiceRecord, InventoryProblem } from './types.js';

/** What {@link collectEcsInventory} needs. */
export interface EcsInventoryOptions {
  readonly clients: AwsClients;
  readonly regions: readonly string[];
  /** Calls in flight per Region and ECS quota category (service reads; task-definition reads). */
  readonly concurrency: number;
  readonly taskDefinitions: TaskDefinitionCache;
}

/**
 * Finds every ACTIVE ECS service in every cluster of every configured Region, with the references its
 * task definition makes. A Region or cluster that cannot be read becomes an {@link InventoryProblem}
 * (reported, and it makes the run fail so Lambda retries) instead of hiding services.
 */
export async function collectEcsInventory(options: EcsInventoryOptions): Promise<EcsInventory> {
  const problems: InventoryProblem[] = [];
  let clusters = 0;
  const perRegion = await Promise.all(
    options.regions.map(async (region) => {
      const client = options.clients.ecs(region);
      let clusterArns: string[];
      try {
        clusterArns = await listClusterArns(client);
      } catch (error) {
        problems.push({ region, subject: 'ListClusters', message: errorText(error) });
        return [];
      }
      clusters += clusterArns.length;
      // One limit per ECS quota category for the whole Region, however many clusters run at once: service
      // reads and task-definition reads draw from different ECS buckets, so they proceed side by side.
      const limits = { services: createLimiter(options.concurrency), taskDefinitions: createLimiter(options.concurrency) };
      const perCluster = await Promise.all(
        clusterArns.map(async (clusterArn) => {
          try {
            const serviceArns = await limits.services(() => listServiceArns(client, clusterArn));
            // Describe 10 at a time and look each batch's task definitions up as soon as it returns, so the
            // task-definition quota (the slowest) starts being used at once.
            const batches = await Promise.all(
              chunk(serviceArns, DESCRIBE_SERVICES_BATCH).map(async (batch) => {
                const { services, failures } = await describeServices(client, clusterArn, batch, limits.services);
                for (const failure of failures) {
                  problems.push({ region, subject: failure.arn, message: `DescribeServices failure: ${failure.reason}` });
                }
                return Promise.all(services.map((service) => serviceRecord(service, clusterArn, region, options, problems, limits.taskDefinitions)));
              }),
            );
            const records = batches.flat();
            return records.filter((record): record is EcsServiceRecord => record !== undefined);
          } catch (error) {
            problems.push({ region, subject: clusterArn, message: errorText(error) });
            return [];
          }
        }),
      );
      return perCluster.flat();
    }),
  );
  return { regions: options.regions, clusters, services: perRegion.flat(), problems };
}

async function serviceRecord(
  service: Service,
  clusterArn: string,
  region: string,
  options: EcsInventoryOptions,
  problems: InventoryProblem[],
  limit: Limiter,
): Promise<EcsServiceRecord | undefined> {
  const arn = service.serviceArn;
  if (!arn) return undefined;
  const { partition = 'aws', account = '' } = safeParseArn(clusterArn) ?? {};
  const clusterName = resourceId(clusterArn, 'ecs', 'cluster/') ?? clusterArn;
  const controller = (service.deploymentController?.type ?? 'ECS') as DeploymentController;
  // EXTERNAL services may have no service-level task definition: read the PRIMARY task set's.
  const taskDefinitionArn =
    service.taskDefinition || service.taskSets?.find((set) => set.status === 'PRIMARY')?.taskDefinition || service.taskSets?.[0]?.taskDefinition;
  const primary = service.deployments?.find((deployment) => deployment.status === 'PRIMARY');
  const base = {
    arn,
    name: service.serviceName ?? resourceId(arn, 'ecs', 'service/')?.split('/').at(-1) ?? arn,
    clusterArn,
    clusterName,
    partition,
    region,
    account,
    status: service.status ?? 'UNKNOWN',
    desiredCount: service.desiredCount ?? 0,
    deploymentController: controller,
    ...(taskDefinitionArn ? { taskDefinitionArn } : {}),
    ...(primary?.id && primary.createdAt ? { primaryDeployment: { id: primary.id, createdAt: primary.createdAt.toISOString() } } : {}),
    tags: Object.fromEntries((service.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? ''])),
  };
  if (!taskDefinitionArn) return { ...base, references: [] };
  try {
    const taskDefinition = await options.taskDefinitions.get(options.clients.ecs(region), region, taskDefinitionArn, limit);
    return { ...base, references: taskDefinitionReferences(taskDefinition, { partition, region, account }) };
  } catch (error) {
    problems.push({ region, subject: arn, message: `could not read task definition ${taskDefinitionArn}: ${errorText(error)}` });
    return undefined;
  }
}
