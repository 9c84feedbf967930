/**
 * Test doubles shared by the ECS unit tests (aws, inventory, actions, pipeline): a fake {@link AwsClients}
 * whose ECS (and Batch) clients are real SDK clients intercepted by `aws-sdk-client-mock`, builders for
 * cluster/service/task definition shapes, and an in-memory "ECS account" that answers ListClusters,
 * ListServices, DescribeServices and DescribeTaskDefinition per Region, with paging.
 *
 * moto does not page, throttle or fail on demand, so those behaviours are tested here.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type ECSClientResolvedConfig,
  ECSServiceException,
  ListClustersCommand,
  ListServicesCommand,
  type Service,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../../lib/aws/clients.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const OTHER_REGION = 'eu-west-1';
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-credentials-Ab12Cd';
/** An hour before the 09:58:41 PutSecretValue of the sample events. */
export const BEFORE_CHANGE = new Date('2026-11-20T08:58:41.000Z');

const FAKE_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

/** An ECS client for `region` that never reaches AWS once `mockClient(ECSClient)` is active. */
export function ecsClient(region = REGION): ECSClient {
  return new ECSClient({ region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
}

/** What {@link fakeClients} records: which factory was asked for which Region. */
export interface ClientRequest {
  readonly service: string;
  readonly region: string;
}

/**
 * Fake client registry: `ecs(region)`, `ecr(region)` and `batch(region)` return one cached real SDK client per
 * Region (the class-level mocks intercept them); every other service throws, so an unexpected call fails the test.
 * Every factory call is recorded in `requests`.
 */
export function fakeClients(): AwsClients & { readonly requests: ClientRequest[] } {
  const requests: ClientRequest[] = [];
  const ecs = new Map<string, ECSClient>();
  const batch = new Map<string, BatchClient>();
  const ecr = new Map<string, ECRClient>();
  const unexpected =
    (service: string) =>
    (region: string): never => {
      requests.push({ service, region });
      throw new Error(`unexpected ${service} client in an ECS unit test`);
    };
  return {
    requests,
    ecs: (region) => {
      requests.push({ service: 'ecs', region });
      let client = ecs.get(region);
      if (!client) {
        client = ecsClient(region);
        ecs.set(region, client);
      }
      return client;
    },
    batch: (region) => {
      requests.push({ service: 'batch', region });
      let client = batch.get(region);
      if (!client) {
        client = new BatchClient({ region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
        batch.set(region, client);
      }
      return client;
    },
    events: unexpected('events'),
    dynamodb: unexpected('dynamodb'),
    ecr: (region) => {
      requests.push({ service: 'ecr', region });
      let client = ecr.get(region);
      if (!client) {
        client = new ECRClient({ region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
        ecr.set(region, client);
      }
      return client;
    },
    secretsManager: unexpected('secretsmanager'),
    ssm: unexpected('ssm'),
    sts: unexpected('sts'),
    sqs: unexpected('sqs'),
    s3: unexpected('s3'),
  };
}

/** An error shaped as the SDK builds it for an unmodelled ECS error code (ECS models no ThrottlingException). */
export function ecsError(name: string, message: string): ECSServiceException {
  return new ECSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

/** `new ThrottlingException(...)` as the SDK would deserialize it: name ThrottlingException, 'Rate exceeded'. */
export function throttling(): ECSServiceException {
  return ecsError('ThrottlingException', 'Rate exceeded');
}

export function clusterArn(name: string, region = REGION): string {
  return `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${name}`;
}

export function serviceArn(cluster: string, name: string, region = REGION): string {
  return `arn:aws:ecs:${region}:${ACCOUNT}:service/${cluster}/${name}`;
}

export function taskDefinitionArn(family: string, revision: number, region = REGION): string {
  return `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

/** An ACTIVE ECS-controller service with one task, PRIMARY deployment created before the change. */
export function service(cluster: string, name: string, overrides: Partial<Service> & { region?: string } = {}): Service {
  const { region = REGION, ...rest } = overrides;
  return {
    serviceArn: serviceArn(cluster, name, region),
    serviceName: name,
    clusterArn: clusterArn(cluster, region),
    status: 'ACTIVE',
    desiredCount: 1,
    taskDefinition: taskDefinitionArn(name, 1, region),
    deploymentController: { type: 'ECS' },
    deployments: [{ id: `ecs-svc/${name}-old`, status: 'PRIMARY', createdAt: BEFORE_CHANGE }],
    tags: [],
    ...rest,
  };
}

/** A task definition whose container `app` reads `valueFrom` as DB_PASSWORD. */
export function taskDefinition(arn: string, valueFrom: string = SECRET_ARN): TaskDefinition {
  return {
    taskDefinitionArn: arn,
    containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/demo/app:1', secrets: [{ name: 'DB_PASSWORD', valueFrom }] }],
  };
}

/** One Region of the in-memory account: cluster name → services. */
export type RegionWorld = Readonly<Record<string, readonly Service[]>>;

/** The in-memory account: Region → clusters, plus task definitions by ARN (or family). */
export interface EcsWorld {
  readonly regions: Readonly<Record<string, RegionWorld>>;
  readonly taskDefinitions: Readonly<Record<string, TaskDefinition>>;
  /** Page size of ListClusters / ListServices answers (ECS would use up to maxResults). */
  readonly pageSize?: number;
}

/** `mockClient(ECSClient)`. */
export type EcsMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, ECSClientResolvedConfig>;

/** A request as it was at the moment it was sent (paginators reuse and mutate one input object). */
export interface SentRequest {
  readonly region: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/**
 * Makes `ecs` answer from `world`: ListClusters/ListServices paged by `pageSize` with `nextToken` = offset,
 * DescribeServices from the cluster's services (unknown ARNs become MISSING failures), DescribeTaskDefinition
 * by ARN (unknown → ClientException). Returns the log of requests, each with its Region and a snapshot of
 * its input.
 */
export function serveEcsWorld(ecs: EcsMock, world: EcsWorld): SentRequest[] {
  const sent: SentRequest[] = [];
  const pageSize = world.pageSize ?? 100;
  const regionOf = async (getClient: () => unknown): Promise<string> => (getClient() as ECSClient).config.region();
  const record = async (command: string, input: Record<string, unknown>, getClient: () => unknown) => {
    const region = await regionOf(getClient);
    sent.push({ region, command, input: { ...input } });
    return region;
  };
  const page = <T>(items: readonly T[], token: unknown) => {
    const start = typeof token === 'string' ? Number(token) : 0;
    const next = start + pageSize;
    return { items: items.slice(start, next), ...(next < items.length ? { nextToken: String(next) } : {}) };
  };
  const clustersOf = (region: string) => world.regions[region] ?? {};
  const nameOf = (arn: string) => arn.split('/').pop() ?? arn;

  ecs.on(ListClustersCommand).callsFake(async (input: Record<string, unknown>, getClient: () => unknown) => {
    const region = await record('ListClusters', input, getClient);
    const { items, nextToken } = page(
      Object.keys(clustersOf(region)).map((name) => clusterArn(name, region)),
      input.nextToken,
    );
    return { clusterArns: items, ...(nextToken ? { nextToken } : {}) };
  });
  ecs.on(ListServicesCommand).callsFake(async (input: Record<string, unknown>, getClient: () => unknown) => {
    const region = await record('ListServices', input, getClient);
    const services = clustersOf(region)[nameOf(String(input.cluster))] ?? [];
    const { items, nextToken } = page(
      services.map((s) => s.serviceArn ?? ''),
      input.nextToken,
    );
    return { serviceArns: items, ...(nextToken ? { nextToken } : {}) };
  });
  ecs.on(DescribeServicesCommand).callsFake(async (input: Record<string, unknown>, getClient: () => unknown) => {
    const region = await record('DescribeServices', input, getClient);
    const known = clustersOf(region)[nameOf(String(input.cluster))] ?? [];
    const arns = input.services as string[];
    return {
      services: arns.flatMap((arn) => known.filter((s) => s.serviceArn === arn)),
      failures: arns.filter((arn) => !known.some((s) => s.serviceArn === arn)).map((arn) => ({ arn, reason: 'MISSING' })),
    };
  });
  ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: Record<string, unknown>, getClient: () => unknown) => {
    await record('DescribeTaskDefinition', input, getClient);
    const definition = world.taskDefinitions[String(input.taskDefinition)];
    if (!definition) throw ecsError('ClientException', 'Unable to describe task definition.');
    return { taskDefinition: definition };
  });
  return sent;
}

/** A promise with its resolve/reject exposed, to hold calls in flight. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback and timer-free continuation run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
