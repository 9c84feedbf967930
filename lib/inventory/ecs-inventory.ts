import { parseServiceArn, resourceId, safeParseArn } from '../arn/arn.js';
import type { AwsClients } from '../aws/clients.js';
import { chunk, createLimiter, type Limiter } from '../aws/concurrency.js';
import {
  DESCRIBE_SERVICES_BATCH,
  describeServices,
  listClusterArns,
  listServiceArns,
  listServicePage,
  type Service,
  type TaskDefinitionCache,
} from '../aws/ecs.js';
import { errorText } from '../errors.js';
import { taskDefinitionContainers, taskDefinitionReferences } from './task-definition-references.js';
import type {
  DeploymentController,
  EcsDeploymentStyle,
  EcsInventory,
  EcsScanCursor,
  EcsServiceRecord,
  InventoryProblem,
  RegionScanCursor,
  VanishedEcsService,
} from './types.js';

/** What {@link collectEcsInventory} needs. */
export interface EcsInventoryOptions {
  readonly clients: AwsClients;
  readonly regions: readonly string[];
  /** Calls in flight per Region and ECS quota category (service reads; task-definition reads). */
  readonly concurrency: number;
  readonly taskDefinitions: TaskDefinitionCache;
}

/** Task definition reads that may wait per call in flight before a stepwise scan starts another page. */
const TASK_DEFINITION_BACKLOG_PER_CALL = 4;
/** How often a lane held back by that rule looks again. */
const GATE_POLL_MS = 25;

/** A scan that may stop before it is finished and resume later (see {@link scanEcsInventory}). */
export interface ScanLimits {
  /** No ListServices page is started at or after this moment; the pages in flight finish. */
  readonly stopAt: Date;
  /** Where an earlier invocation stopped; absent: from the start. */
  readonly resume?: EcsScanCursor;
}

/**
 * Finds every ACTIVE ECS service in every cluster of every configured Region, with the references its
 * task definition makes. A Region or cluster that cannot be read becomes an {@link InventoryProblem}
 * (reported, and it makes the run fail so Lambda retries) instead of hiding services. A service ListServices
 * named but DescribeServices reports `MISSING` (deleted in between) is {@link VanishedEcsService vanished}:
 * reported, never a problem.
 */
export async function collectEcsInventory(options: EcsInventoryOptions): Promise<EcsInventory> {
  const problems: InventoryProblem[] = [];
  const vanished: VanishedEcsService[] = [];
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
      const missing: VanishedEcsService[] = [];
      const perCluster = await Promise.all(
        clusterArns.map(async (clusterArn) => {
          const clusterName = resourceId(clusterArn, 'ecs', 'cluster/') ?? clusterArn;
          try {
            const serviceArns = (await limits.services(() => listServiceArns(client, clusterArn))).filter((arn) => listedInCluster(arn, clusterName));
            // Describe 10 at a time and look each batch's task definitions up as soon as it returns, so the
            // task-definition quota (the slowest) starts being used at once.
            const described = await describeServiceRecords(options, region, clusterArn, serviceArns, limits);
            missing.push(...described.missing);
            problems.push(...described.problems);
            return described.records;
          } catch (error) {
            problems.push({ region, subject: clusterArn, message: errorText(error) });
            return [];
          }
        }),
      );
      const records = perCluster.flat();
      // A short service ARN (`service/<name>`) names no cluster, so a ListServices answer that lists another
      // cluster's service (moto 5.2.1 matches clusters by substring: `jobs` lists `batch-jobs`' services; real ECS
      // never does) cannot be told apart before DescribeServices says MISSING. A MISSING ARN that another cluster
      // of the Region described is such a listing artefact, not a vanished service: it is dropped, never reported.
      const described = new Set(records.map((record) => record.arn));
      vanished.push(...missing.filter((service) => !described.has(service.arn)));
      return records;
    }),
  );
  return { regions: options.regions, clusters, services: perRegion.flat(), ...(vanished.length > 0 ? { vanished } : {}), problems };
}

/**
 * The scan of {@link collectEcsInventory} as units that can stop and resume: per Region one ListClusters (its
 * clusters become the cursor), then per cluster one ListServices page at a time, each page's services described
 * (DescribeServices, 10 a call) with their task definitions before the next page of that cluster starts. At most
 * `2 × concurrency` clusters of a Region are read at once, so when `stopAt` passes only that many pages are in
 * flight (at most 20 × concurrency DescribeServices to finish: seconds at the quota) and every unit is either done
 * or not started. The returned inventory holds the services of the units done in *this* call; `cursor` is set when
 * units are left (the clusters still to read with the token of their next page, Regions whose ListClusters did not
 * run), and a later call given it as `resume` reads exactly those, so no page is read twice and none is skipped.
 * Each call finishes at least one unit, whatever the time (a resumed scan always moves on).
 *
 * Why pages and not whole clusters: a cluster of thousands of services takes minutes at the service-read quota.
 * Why not DescribeServices batches: the cursor would have to hold the listed ARNs not yet described; a page's
 * token is a few hundred bytes and the checkpoint stays small however large the account is.
 */
export async function scanEcsInventory(options: EcsInventoryOptions, limits: ScanLimits): Promise<EcsInventory & { readonly cursor?: EcsScanCursor }> {
  const problems: InventoryProblem[] = [];
  const vanished: VanishedEcsService[] = [];
  // Every call makes progress: until one unit (a ListClusters or a page) is done, the stop is not heeded, so a
  // scan resumed with little time left still moves on instead of handing the same cursor on forever.
  let progressed = false;
  const stopped = () => progressed && Date.now() >= limits.stopAt.getTime();
  const resumed = new Map((limits.resume?.regions ?? []).map((region) => [region.region, region]));
  let clusters = 0;
  const perRegion = await Promise.all(
    options.regions.map(async (region): Promise<{ records: EcsServiceRecord[]; cursor: RegionScanCursor }> => {
      const client = options.clients.ecs(region);
      const previous = resumed.get(region);
      let queue: { cluster: string; next?: string }[];
      if (previous?.clusters) queue = [...previous.clusters];
      else if (limits.resume && !previous)
        return { records: [], cursor: { region, clusters: [] } }; // finished before
      else if (stopped()) return { records: [], cursor: { region } };
      else {
        try {
          queue = (await listClusterArns(client)).map((cluster) => ({ cluster }));
          progressed = true;
        } catch (error) {
          problems.push({ region, subject: 'ListClusters', message: errorText(error) });
          return { records: [], cursor: { region, clusters: [] } };
        }
      }
      clusters += queue.length;
      // What must finish once the stop comes is what is queued then: task definition reads are the slowest quota
      // (a cold page of 100 services may need 70), so a page is started only while few of them wait, and one page
      // at a time is listed and described. The drain is then at most one page's reads plus the backlog bound, seconds
      // at the quota (unbounded, ten cold pages in flight took 70 s), and the scan still keeps every bucket busy.
      const taskDefinitionCalls = createLimiter(options.concurrency);
      let waitingReads = 0;
      const taskDefinitions: Limiter = async (call) => {
        waitingReads++;
        try {
          return await taskDefinitionCalls(call);
        } finally {
          waitingReads--;
        }
      };
      const services = createLimiter(options.concurrency);
      let describing: object | undefined;
      const backlog = TASK_DEFINITION_BACKLOG_PER_CALL * Math.max(1, options.concurrency);
      const records: EcsServiceRecord[] = [];
      const missing: VanishedEcsService[] = [];
      const left: { cluster: string; next?: string }[] = [];
      const pending = [...queue];
      const lanes = Array.from({ length: Math.min(pending.length, 2 * Math.max(1, options.concurrency)) }, async () => {
        for (let unit = pending.shift(); unit; unit = pending.shift()) {
          const clusterName = resourceId(unit.cluster, 'ecs', 'cluster/') ?? unit.cluster;
          let token = unit.next;
          try {
            do {
              while ((describing || waitingReads > backlog) && !stopped()) await new Promise((resolve) => setTimeout(resolve, GATE_POLL_MS));
              if (stopped()) {
                left.push({ cluster: unit.cluster, ...(token ? { next: token } : {}) });
                break;
              }
              const from = token;
              const mine = {};
              describing = mine;
              const release = () => {
                if (describing === mine) describing = undefined;
              };
              let answers = 0;
              const page = await services(() => listServicePage(client, unit.cluster, from)).catch((error: unknown) => {
                release();
                throw error;
              });
              const arns = page.arns.filter((arn) => listedInCluster(arn, clusterName));
              answers = Math.ceil(arns.length / DESCRIBE_SERVICES_BATCH);
              if (answers === 0) release();
              // The next page may start once this one's DescribeServices answered (its task definitions then wait).
              const pageServices: Limiter = (call) =>
                services(call).finally(() => {
                  if (--answers === 0) release();
                });
              const described = await describeServiceRecords(options, region, unit.cluster, arns, { services: pageServices, taskDefinitions }).finally(release);
              records.push(...described.records);
              missing.push(...described.missing);
              problems.push(...described.problems);
              token = page.nextToken;
              progressed = true;
            } while (token);
          } catch (error) {
            problems.push({ region, subject: unit.cluster, message: errorText(error) });
          }
        }
      });
      await Promise.all(lanes);
      // Clusters no lane took (the stop came first) are left whole, after those left mid-way, in the listed order.
      const order = new Map(queue.map((entry, index) => [entry.cluster, index]));
      const remaining = [...left, ...pending].sort((a, b) => (order.get(a.cluster) ?? 0) - (order.get(b.cluster) ?? 0));
      const described = new Set(records.map((record) => record.arn));
      vanished.push(...missing.filter((service) => !described.has(service.arn)));
      return { records, cursor: { region, clusters: remaining } };
    }),
  );
  const open = perRegion.map((entry) => entry.cursor).filter((cursor) => cursor.clusters === undefined || cursor.clusters.length > 0);
  return {
    regions: options.regions,
    clusters,
    services: perRegion.flatMap((entry) => entry.records),
    ...(vanished.length > 0 ? { vanished } : {}),
    problems,
    ...(open.length > 0 ? { cursor: { regions: open } } : {}),
  };
}

/** What {@link describeServiceRecords} found of the services it was given. */
interface DescribedRecords {
  readonly records: EcsServiceRecord[];
  readonly missing: VanishedEcsService[];
  readonly problems: InventoryProblem[];
}

/** DescribeServices 10 at a time for `serviceArns` of one cluster, and each one's task definition references. */
async function describeServiceRecords(
  options: EcsInventoryOptions,
  region: string,
  clusterArn: string,
  serviceArns: readonly string[],
  limits: { readonly services: Limiter; readonly taskDefinitions: Limiter },
): Promise<DescribedRecords> {
  const client = options.clients.ecs(region);
  const clusterName = resourceId(clusterArn, 'ecs', 'cluster/') ?? clusterArn;
  const missing: VanishedEcsService[] = [];
  const problems: InventoryProblem[] = [];
  const batches = await Promise.all(
    chunk(serviceArns, DESCRIBE_SERVICES_BATCH).map(async (batch) => {
      const { services, failures } = await describeServices(client, clusterArn, batch, limits.services);
      for (const failure of failures) {
        if (failure.reason === 'MISSING') {
          missing.push({ arn: failure.arn, name: serviceName(failure.arn), clusterArn, clusterName, region, reason: failure.reason });
        } else {
          problems.push({ region, subject: failure.arn, message: `DescribeServices failure: ${failure.reason}` });
        }
      }
      return Promise.all(services.map((service) => serviceRecord(service, clusterArn, region, options, problems, limits.taskDefinitions)));
    }),
  );
  return { records: batches.flat().filter((record): record is EcsServiceRecord => record !== undefined), missing, problems };
}

/** A service known by ARN, cluster and Region (the service index's candidates). */
export interface KnownEcsService {
  readonly arn: string;
  readonly clusterArn: string;
  readonly region: string;
}

/**
 * The inventory of the given services only (the service index's candidates, a hint's services): DescribeServices
 * 10 at a time per cluster and their task definitions, exactly as the full scan reads them, so the Plan decides on
 * them with the same data. A service DescribeServices reports MISSING is vanished; a failure is a problem.
 */
export async function collectKnownEcsServices(options: EcsInventoryOptions, services: readonly KnownEcsService[]): Promise<EcsInventory> {
  const byCluster = new Map<string, KnownEcsService[]>();
  for (const service of services) {
    const key = `${service.region}|${service.clusterArn}`;
    byCluster.set(key, [...(byCluster.get(key) ?? []), service]);
  }
  const limits = new Map<string, { services: Limiter; taskDefinitions: Limiter }>();
  const limitsOf = (region: string) => {
    let found = limits.get(region);
    if (!found) {
      found = { services: createLimiter(options.concurrency), taskDefinitions: createLimiter(options.concurrency) };
      limits.set(region, found);
    }
    return found;
  };
  const results = await Promise.all(
    [...byCluster.values()].map(async (group) => {
      const first = group[0] as KnownEcsService;
      try {
        return await describeServiceRecords(options, first.region, first.clusterArn, [...new Set(group.map((service) => service.arn))], limitsOf(first.region));
      } catch (error) {
        return { records: [], missing: [], problems: [{ region: first.region, subject: first.clusterArn, message: errorText(error) }] };
      }
    }),
  );
  const vanished = results.flatMap((result) => result.missing);
  return {
    regions: [...new Set(services.map((service) => service.region))],
    clusters: byCluster.size,
    services: results.flatMap((result) => result.records),
    ...(vanished.length > 0 ? { vanished } : {}),
    problems: results.flatMap((result) => result.problems),
  };
}

/**
 * False for a long service ARN that names another cluster than the one ListServices was asked about. Real ECS
 * never lists those; moto 5.2.1 does (its cluster match is a substring match). They are inventoried with their
 * own cluster, so dropping them here loses nothing and saves a DescribeServices that would answer MISSING.
 */
function listedInCluster(serviceArn: string, clusterName: string): boolean {
  const parsed = parseServiceArn(serviceArn);
  return parsed?.cluster === undefined || parsed.cluster === clusterName;
}

/** The service name of a long or short service ARN (the ARN itself when it is not one). */
function serviceName(arn: string): string {
  return parseServiceArn(arn)?.name ?? arn;
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
    name: service.serviceName ?? serviceName(arn),
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
    ...deploymentOf(service),
    ...(service.currentServiceDeployment ? { currentServiceDeployment: service.currentServiceDeployment } : {}),
    ...(service.currentServiceRevisions?.length
      ? { currentServiceRevisions: service.currentServiceRevisions.flatMap((revision) => (revision.arn ? [revision.arn] : [])) }
      : {}),
    tags: Object.fromEntries((service.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? ''])),
  };
  if (!taskDefinitionArn) return { ...base, references: [] };
  try {
    const taskDefinition = await options.taskDefinitions.get(options.clients.ecs(region), region, taskDefinitionArn, limit);
    return {
      ...base,
      references: taskDefinitionReferences(taskDefinition, { partition, region, account }),
      containers: taskDefinitionContainers(taskDefinition),
    };
  } catch (error) {
    problems.push({ region, subject: arn, message: `could not read task definition ${taskDefinitionArn}: ${errorText(error)}` });
    return undefined;
  }
}

/**
 * The service's {@link EcsDeploymentStyle} when it is more than a plain rolling update: a `BLUE_GREEN`, `LINEAR`
 * or `CANARY` strategy (with the bake times and steps DescribeServices gives), or an Express Mode service.
 */
function deploymentOf(service: Service): { deployment?: EcsDeploymentStyle } {
  const configuration = service.deploymentConfiguration;
  const strategy = configuration?.strategy ?? 'ROLLING';
  const expressMode = service.resourceManagementType === 'ECS';
  if (strategy === 'ROLLING' && !expressMode) return {};
  const linear = configuration?.linearConfiguration;
  const canary = configuration?.canaryConfiguration;
  const deployment: EcsDeploymentStyle = {
    strategy,
    ...(configuration?.bakeTimeInMinutes !== undefined ? { bakeTimeInMinutes: configuration.bakeTimeInMinutes } : {}),
    ...(strategy === 'LINEAR' && linear
      ? {
          linearConfiguration: {
            ...(linear.stepPercent !== undefined ? { stepPercent: linear.stepPercent } : {}),
            ...(linear.stepBakeTimeInMinutes !== undefined ? { stepBakeTimeInMinutes: linear.stepBakeTimeInMinutes } : {}),
          },
        }
      : {}),
    ...(strategy === 'CANARY' && canary
      ? {
          canaryConfiguration: {
            ...(canary.canaryPercent !== undefined ? { canaryPercent: canary.canaryPercent } : {}),
            ...(canary.canaryBakeTimeInMinutes !== undefined ? { canaryBakeTimeInMinutes: canary.canaryBakeTimeInMinutes } : {}),
          },
        }
      : {}),
    ...(expressMode ? { expressMode: true } : {}),
  };
  return { deployment };
}
