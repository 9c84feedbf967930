import {
  type ContainerImage,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListServicesCommand,
  paginateListClusters,
  paginateListServices,
  type Service,
  type TaskDefinition,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { isTaskDefinitionRevisionArn } from '../arn/arn.js';

export type { ContainerImage, ECSClient, Service, TaskDefinition } from '@aws-sdk/client-ecs';

import { chunk, type Limiter, mapWithConcurrency } from './concurrency.js';
import type { RevisionIndex } from './revision-index.js';

/** ECS accepts at most 10 services per DescribeServices call. */
export const DESCRIBE_SERVICES_BATCH = 10;
/** DescribeServiceDeployments and DescribeServiceRevisions accept at most 20 ARNs per call. */
export const DESCRIBE_SERVICE_DEPLOYMENTS_BATCH = 20;
/** ListClusters / ListServices page size (the API maximum; ListServices defaults to 10 without it). */
export const LIST_PAGE_SIZE = 100;

/** Every cluster ARN in the client's Region (ListClusters, 100 a page). */
export async function listClusterArns(client: ECSClient): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListClusters({ client, pageSize: LIST_PAGE_SIZE }, {})) {
    arns.push(...(page.clusterArns ?? []));
  }
  return arns;
}

/** Every ACTIVE service ARN of a cluster (ListServices, 100 a page; DRAINING/INACTIVE are never listed). */
export async function listServiceArns(client: ECSClient, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client, pageSize: LIST_PAGE_SIZE }, { cluster })) {
    arns.push(...(page.serviceArns ?? []));
  }
  return arns;
}

/**
 * One ListServices page of a cluster (100 ARNs at most), from `nextToken` (absent: the first page). What a scan that
 * can stop and resume reads: the token of the next page is the cursor's position in the cluster.
 */
export async function listServicePage(client: ECSClient, cluster: string, nextToken?: string): Promise<{ arns: string[]; nextToken?: string }> {
  const output = await client.send(new ListServicesCommand({ cluster, maxResults: LIST_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) }));
  return { arns: output.serviceArns ?? [], ...(output.nextToken ? { nextToken: output.nextToken } : {}) };
}

/** Result of {@link describeServices}: services found, plus ARNs ECS reported as failures (e.g. MISSING). */
export interface DescribedServices {
  readonly services: Service[];
  readonly failures: { arn: string; reason: string }[];
}

/**
 * Describes services 10 at a time, with their tags (unless `tags: false`): `concurrency` calls in flight, or
 * under a shared {@link Limiter}. Tags are needed for `secret-refresh:*` tags; `include: ['TAGS']` saves a
 * ListTagsForResource per service.
 */
export async function describeServices(
  client: ECSClient,
  cluster: string,
  serviceArns: readonly string[],
  concurrency: number | Limiter,
  options: { readonly tags?: boolean } = {},
): Promise<DescribedServices> {
  const include = options.tags === false ? {} : { include: ['TAGS' as const] };
  const describe = (services: string[]) => client.send(new DescribeServicesCommand({ cluster, services, ...include }));
  const batches = chunk(serviceArns, DESCRIBE_SERVICES_BATCH);
  const pages =
    typeof concurrency === 'number'
      ? await mapWithConcurrency(batches, concurrency, describe)
      : await Promise.all(batches.map((services) => concurrency(() => describe(services))));
  return {
    services: pages.flatMap((page) => page.services ?? []),
    failures: pages.flatMap((page) => (page.failures ?? []).map((failure) => ({ arn: failure.arn ?? '?', reason: failure.reason ?? 'unknown' }))),
  };
}

/**
 * Task definitions by ARN, cached for the life of the process (warm Lambda invocations included).
 *
 * Why it is safe: a task definition *revision* is immutable, so `family:rev` ARNs never go stale.
 * Values that are not a revision ARN (a bare family in moto's UpdateService quirk) are not cached.
 * The cache holds promises, so concurrent look-ups of one revision make one call.
 */
export class TaskDefinitionCache {
  readonly #entries = new Map<string, Promise<TaskDefinition>>();
  /** Calls made and calls saved, for reports and benchmarks. */
  public readonly stats = { described: 0, cached: 0, indexed: 0 };

  public constructor(
    private readonly maxEntries = 10_000,
    /** The persisted revision index, consulted before DescribeTaskDefinition (cold starts). */
    public readonly index?: RevisionIndex,
  ) {}

  /** Describes `taskDefinition` in `region` unless this process already did. */
  public get(client: ECSClient, region: string, taskDefinition: string, limit?: Limiter): Promise<TaskDefinition> {
    const cacheable = isTaskDefinitionRevisionArn(taskDefinition);
    const key = `${region}|${taskDefinition}`;
    const hit = cacheable ? this.#entries.get(key) : undefined;
    if (hit) {
      this.stats.cached++;
      return hit;
    }
    const describe = async (): Promise<TaskDefinition> => {
      const index = cacheable ? this.index : undefined;
      const indexed = await index?.get(taskDefinition).catch(() => undefined);
      if (indexed) {
        this.stats.indexed++;
        return indexed;
      }
      this.stats.described++;
      const send = () => client.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      const output = await (limit ? limit(send) : send());
      if (!output.taskDefinition) throw new Error(`DescribeTaskDefinition returned no task definition for ${taskDefinition}`);
      await index?.put(taskDefinition, output.taskDefinition).catch(() => undefined);
      return output.taskDefinition;
    };
    const pending = describe();
    if (cacheable) {
      if (this.#entries.size >= this.maxEntries) this.#entries.clear();
      this.#entries.set(key, pending);
      pending.catch(() => {
        // Forget the failure so the next get retries, unless a newer look-up already replaced it.
        if (this.#entries.get(key) === pending) this.#entries.delete(key);
      });
    }
    return pending;
  }

  /** Forgets everything (tests; a cold start does the same). */
  public clear(): void {
    this.#entries.clear();
  }
}

/**
 * `UpdateService { forceNewDeployment: true }`: ECS starts new tasks with the same task definition, and
 * their containers read the current secret values. Returns the new PRIMARY deployment's id, which is what
 * deployment state change events carry.
 */
export async function forceNewDeployment(client: ECSClient, cluster: string, service: string): Promise<{ deploymentId?: string }> {
  const output = await client.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
  const primary = output.service?.deployments?.find((deployment) => deployment.status === 'PRIMARY');
  return primary?.id ? { deploymentId: primary.id } : {};
}

/** What {@link describeTargetRevisions} found: service deployment ARN → the ARN of the revision it deploys. */
export interface TargetRevisions {
  readonly revisions: ReadonlyMap<string, string>;
  /** Deployment ARNs ECS could not describe, with its reason (e.g. MISSING for revisions before 2024-10-25). */
  readonly failures: ReadonlyMap<string, string>;
}

/**
 * The service revision each service deployment deploys (`targetServiceRevision.arn`), 20 deployments a call
 * (DescribeServiceDeployments: read-only).
 */
export async function describeTargetRevisions(client: ECSClient, deploymentArns: readonly string[], concurrency: number): Promise<TargetRevisions> {
  const pages = await mapWithConcurrency(chunk([...new Set(deploymentArns)], DESCRIBE_SERVICE_DEPLOYMENTS_BATCH), concurrency, (serviceDeploymentArns) =>
    client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns })),
  );
  const revisions = new Map<string, string>();
  const failures = new Map<string, string>();
  for (const page of pages) {
    for (const deployment of page.serviceDeployments ?? []) {
      if (deployment.serviceDeploymentArn && deployment.targetServiceRevision?.arn)
        revisions.set(deployment.serviceDeploymentArn, deployment.targetServiceRevision.arn);
    }
    for (const failure of page.failures ?? []) if (failure.arn) failures.set(failure.arn, failure.reason ?? 'unknown');
  }
  return { revisions, failures };
}

/** What {@link describeRevisionImages} found: service revision ARN → the images (with resolved digests) it runs. */
export interface RevisionImages {
  readonly images: ReadonlyMap<string, readonly ContainerImage[]>;
  readonly failures: ReadonlyMap<string, string>;
}

/**
 * The container images of service revisions, with the digests ECS resolved their tags to when the revision was
 * deployed (`containerImages[].imageDigest`, software version consistency), 20 revisions a call
 * (DescribeServiceRevisions: read-only).
 */
export async function describeRevisionImages(client: ECSClient, revisionArns: readonly string[], concurrency: number): Promise<RevisionImages> {
  const pages = await mapWithConcurrency(chunk([...new Set(revisionArns)], DESCRIBE_SERVICE_DEPLOYMENTS_BATCH), concurrency, (serviceRevisionArns) =>
    client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns })),
  );
  const images = new Map<string, readonly ContainerImage[]>();
  const failures = new Map<string, string>();
  for (const page of pages) {
    for (const revision of page.serviceRevisions ?? []) {
      if (revision.serviceRevisionArn) images.set(revision.serviceRevisionArn, revision.containerImages ?? []);
    }
    for (const failure of page.failures ?? []) if (failure.arn) failures.set(failure.arn, failure.reason ?? 'unknown');
  }
  return { images, failures };
}
