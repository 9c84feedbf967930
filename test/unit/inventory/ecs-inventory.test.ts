import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { collectEcsInventory } from '../../../lib/inventory/ecs-inventory.js';
import {
  ACCOUNT,
  BEFORE_CHANGE,
  clusterArn,
  type EcsWorld,
  fakeClients,
  OTHER_REGION,
  REGION,
  SECRET_ARN,
  serveEcsWorld,
  service,
  serviceArn,
  taskDefinition,
  taskDefinitionArn,
  throttling,
} from '../aws/ecs-doubles.js';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());

let taskDefinitions: TaskDefinitionCache;
beforeEach(() => {
  ecs.reset();
  taskDefinitions = new TaskDefinitionCache();
});

const SHARED_TD = taskDefinitionArn('orders-shared', 3);
const EU_TD = taskDefinitionArn('eu-api', 2, OTHER_REGION);
const FSX_CREDENTIALS = `arn:aws:secretsmanager:${OTHER_REGION}:${ACCOUNT}:secret:fsx/admin-Qw12Er`;
const LOG_TOKEN = `arn:aws:ssm:${OTHER_REGION}:${ACCOUNT}:parameter/splunk/token`;

/** Reads every reference location, with bare names that resolve in the cluster's Region and account. */
const EU_DEFINITION: TaskDefinition = {
  taskDefinitionArn: EU_TD,
  containerDefinitions: [
    {
      name: 'web',
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'eu/db-password' }],
      logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: LOG_TOKEN }] },
      repositoryCredentials: { credentialsParameter: 'registry/credentials' },
    },
  ],
  volumes: [
    {
      name: 'shared',
      fsxWindowsFileServerVolumeConfiguration: {
        fileSystemId: 'fs-0123456789abcdef0',
        rootDirectory: 'share',
        authorizationConfig: { credentialsParameter: FSX_CREDENTIALS, domain: 'corp.example.com' },
      },
    },
  ],
};

/**
 * us-east-1: 3 clusters (2 ListClusters pages of 2); `orders` has 3 services (2 ListServices pages), two of
 * which share one task definition revision. eu-west-1: one cluster, one service.
 */
function world(overrides: Partial<EcsWorld> = {}): EcsWorld {
  return {
    pageSize: 2,
    regions: {
      [REGION]: {
        orders: [
          service('orders', 'orders-api', { taskDefinition: SHARED_TD, tags: [{ key: 'secret-refresh:wave', value: '1' }] }),
          service('orders', 'orders-worker', { taskDefinition: SHARED_TD }),
          service('orders', 'orders-cron'),
        ],
        payments: [service('payments', 'payments-api')],
        billing: [],
      },
      [OTHER_REGION]: {
        'eu-orders': [service('eu-orders', 'eu-api', { region: OTHER_REGION, taskDefinition: EU_TD })],
      },
    },
    taskDefinitions: {
      [SHARED_TD]: taskDefinition(SHARED_TD),
      [taskDefinitionArn('orders-cron', 1)]: taskDefinition(taskDefinitionArn('orders-cron', 1)),
      [taskDefinitionArn('payments-api', 1)]: taskDefinition(taskDefinitionArn('payments-api', 1)),
      [EU_TD]: EU_DEFINITION,
    },
    ...overrides,
  };
}

function collect(regions: readonly string[] = [REGION, OTHER_REGION]) {
  return collectEcsInventory({ clients: fakeClients(), regions, concurrency: 3, taskDefinitions });
}

describe('collectEcsInventory', () => {
  it('inventories every service of every cluster in two Regions, following ListClusters and ListServices pages', async () => {
    const sent = serveEcsWorld(ecs, world());
    const inventory = await collect();
    expect(inventory.problems).toEqual([]);
    expect(inventory.regions).toEqual([REGION, OTHER_REGION]);
    expect(inventory.clusters).toBe(4);
    expect(inventory.services.map((record) => record.arn).sort()).toEqual(
      [
        serviceArn('orders', 'orders-api'),
        serviceArn('orders', 'orders-worker'),
        serviceArn('orders', 'orders-cron'),
        serviceArn('payments', 'payments-api'),
        serviceArn('eu-orders', 'eu-api', OTHER_REGION),
      ].sort(),
    );
    const clusterPages = (region: string) =>
      sent.filter((request) => request.command === 'ListClusters' && request.region === region).map((request) => request.input);
    expect(clusterPages(REGION)).toEqual([
      { maxResults: 100, nextToken: undefined },
      { maxResults: 100, nextToken: '2' },
    ]);
    expect(clusterPages(OTHER_REGION)).toEqual([{ maxResults: 100, nextToken: undefined }]);
    expect(
      sent.filter((request) => request.command === 'ListServices' && request.input.cluster === clusterArn('orders')).map((request) => request.input),
    ).toEqual([
      { cluster: clusterArn('orders'), maxResults: 100, nextToken: undefined },
      { cluster: clusterArn('orders'), maxResults: 100, nextToken: '2' },
    ]);
    // billing has no service: no DescribeServices for it.
    expect(
      ecs
        .commandCalls(DescribeServicesCommand)
        .map((call) => call.args[0].input.cluster)
        .sort(),
    ).toEqual([clusterArn('orders'), clusterArn('payments'), clusterArn('eu-orders', OTHER_REGION)].sort());
  });

  it('records identity, state, tags and the PRIMARY deployment of a service', async () => {
    serveEcsWorld(ecs, world());
    const inventory = await collect([REGION]);
    const api = inventory.services.find((record) => record.name === 'orders-api');
    expect(api).toMatchObject({
      arn: serviceArn('orders', 'orders-api'),
      name: 'orders-api',
      clusterArn: clusterArn('orders'),
      clusterName: 'orders',
      partition: 'aws',
      region: REGION,
      account: ACCOUNT,
      status: 'ACTIVE',
      desiredCount: 1,
      deploymentController: 'ECS',
      taskDefinitionArn: SHARED_TD,
      primaryDeployment: { id: 'ecs-svc/orders-api-old', createdAt: BEFORE_CHANGE.toISOString() },
      tags: { 'secret-refresh:wave': '1' },
    });
    expect(api?.references.map((reference) => [reference.container, reference.location, reference.name, reference.valueFrom])).toEqual([
      ['app', 'secrets', 'DB_PASSWORD', SECRET_ARN],
    ]);
  });

  it('extracts references from secrets, log secretOptions, repositoryCredentials and FSx credentials, resolving bare names in the cluster Region', async () => {
    serveEcsWorld(ecs, world());
    const inventory = await collect();
    const eu = inventory.services.find((record) => record.name === 'eu-api');
    expect(eu?.region).toBe(OTHER_REGION);
    const summary = eu?.references.map((reference) => {
      if ('error' in reference.parsed) return [reference.container, reference.location, reference.valueFrom, reference.parsed.error];
      const parsed = reference.parsed.reference;
      const id = parsed.kind === 'secret' ? parsed.secretId : parsed.key;
      return [reference.container, reference.location, reference.valueFrom, parsed.kind, id, parsed.partition, parsed.region, parsed.account];
    });
    expect(summary).toEqual([
      ['web', 'secrets', 'eu/db-password', 'parameter', 'eu/db-password', 'aws', OTHER_REGION, ACCOUNT],
      ['web', 'logConfiguration.secretOptions', LOG_TOKEN, 'parameter', 'splunk/token', 'aws', OTHER_REGION, ACCOUNT],
      ['web', 'repositoryCredentials', 'registry/credentials', 'secret', 'registry/credentials', 'aws', OTHER_REGION, ACCOUNT],
      ['volume:shared', 'fsxWindowsFileServer', FSX_CREDENTIALS, 'secret', 'fsx/admin-Qw12Er', 'aws', OTHER_REGION, ACCOUNT],
    ]);
    expect(eu?.references.map((reference) => reference.name)).toEqual(['DB_PASSWORD', 'splunk-token', undefined, undefined]);
  });

  it("uses the PRIMARY task set's task definition for an EXTERNAL service with none of its own", async () => {
    const activeTd = taskDefinitionArn('ext', 4);
    const primaryTd = taskDefinitionArn('ext', 5);
    const external = service('orders', 'ext', {
      taskDefinition: undefined,
      deploymentController: { type: 'EXTERNAL' },
      taskSets: [
        { id: 'ecs-svc/ts-active', status: 'ACTIVE', taskDefinition: activeTd },
        { id: 'ecs-svc/ts-primary', status: 'PRIMARY', taskDefinition: primaryTd },
      ],
    });
    serveEcsWorld(ecs, {
      regions: { [REGION]: { orders: [external] } },
      taskDefinitions: { [primaryTd]: taskDefinition(primaryTd), [activeTd]: taskDefinition(activeTd, 'other-secret') },
    });
    const inventory = await collect([REGION]);
    expect(inventory.services).toHaveLength(1);
    expect(inventory.services[0]).toMatchObject({ deploymentController: 'EXTERNAL', taskDefinitionArn: primaryTd });
    expect(inventory.services[0]?.references.map((reference) => reference.valueFrom)).toEqual([SECRET_ARN]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([{ taskDefinition: primaryTd }]);
  });

  it('reports a cluster whose ListServices fails as a problem and still inventories the other clusters', async () => {
    serveEcsWorld(ecs, world());
    ecs.on(ListServicesCommand, { cluster: clusterArn('payments') }).rejects(throttling());
    const inventory = await collect([REGION]);
    expect(inventory.problems).toEqual([{ region: REGION, subject: clusterArn('payments'), message: 'ThrottlingException: Rate exceeded' }]);
    expect(inventory.services.map((record) => record.name).sort()).toEqual(['orders-api', 'orders-cron', 'orders-worker']);
    expect(inventory.clusters).toBe(3);
  });

  it('reports a Region whose ListClusters fails as a problem and still inventories the other Region', async () => {
    serveEcsWorld(ecs, world());
    ecs.on(ListClustersCommand).callsFake(async (_input: unknown, getClient: () => ECSClient) => {
      if ((await getClient().config.region()) === REGION) throw throttling();
      return { clusterArns: [clusterArn('eu-orders', OTHER_REGION)] };
    });
    const inventory = await collect();
    expect(inventory.problems).toEqual([{ region: REGION, subject: 'ListClusters', message: 'ThrottlingException: Rate exceeded' }]);
    expect(inventory.services.map((record) => record.name)).toEqual(['eu-api']);
    expect(inventory.clusters).toBe(1);
  });

  it('records a service DescribeServices reports MISSING (deleted after ListServices) as vanished, not as a problem', async () => {
    serveEcsWorld(ecs, world());
    const ghost = serviceArn('payments', 'ghost');
    ecs.on(ListServicesCommand, { cluster: clusterArn('payments') }).resolves({ serviceArns: [serviceArn('payments', 'payments-api'), ghost] });
    const inventory = await collect([REGION]);
    expect(inventory.problems).toEqual([]);
    expect(inventory.vanished).toEqual([
      { arn: ghost, name: 'ghost', clusterArn: clusterArn('payments'), clusterName: 'payments', region: REGION, reason: 'MISSING' },
    ]);
    expect(inventory.services.map((record) => record.name)).toContain('payments-api');
  });

  it('still reports a DescribeServices failure other than MISSING as a problem', async () => {
    serveEcsWorld(ecs, world());
    const odd = serviceArn('payments', 'odd');
    ecs.on(DescribeServicesCommand, { cluster: clusterArn('payments') }).resolves({ services: [], failures: [{ arn: odd, reason: 'INTERNAL' }] });
    const inventory = await collect([REGION]);
    expect(inventory.problems).toEqual([{ region: REGION, subject: odd, message: 'DescribeServices failure: INTERNAL' }]);
    expect(inventory.vanished).toBeUndefined();
  });

  it("ignores a listed long ARN of another cluster (moto 5.2.1's substring match of cluster names) without describing it", async () => {
    serveEcsWorld(ecs, world());
    // moto lists `batch-payments/…` services under `payments`; real ECS never lists another cluster's service.
    const foreign = serviceArn('batch-payments', 'nightly');
    ecs.on(ListServicesCommand, { cluster: clusterArn('payments') }).resolves({ serviceArns: [serviceArn('payments', 'payments-api'), foreign] });
    const inventory = await collect([REGION]);
    expect({ problems: inventory.problems, vanished: inventory.vanished }).toEqual({ problems: [], vanished: undefined });
    const described = ecs.commandCalls(DescribeServicesCommand).flatMap((call) => call.args[0].input.services ?? []);
    expect(described).not.toContain(foreign);
  });

  it('drops a MISSING short ARN that another cluster of the Region described (a listing artefact, not a vanished service)', async () => {
    const short = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${name}`;
    const jobs = service('jobs', 'loader', { serviceArn: short('loader'), taskDefinition: taskDefinitionArn('payments-api', 1) });
    const batchJobs = service('batch-jobs', 'nightly', { serviceArn: short('nightly'), taskDefinition: taskDefinitionArn('payments-api', 1) });
    serveEcsWorld(ecs, { regions: { [REGION]: { jobs: [jobs], 'batch-jobs': [batchJobs] } }, taskDefinitions: world().taskDefinitions });
    // As moto 5.2.1 answers: `jobs` also lists the short ARN of `batch-jobs`' service; describing it in `jobs` says MISSING.
    ecs.on(ListServicesCommand, { cluster: clusterArn('jobs') }).resolves({ serviceArns: [short('loader'), short('nightly')] });
    const inventory = await collect([REGION]);
    expect(inventory.problems).toEqual([]);
    expect(inventory.vanished).toBeUndefined();
    expect(inventory.services.map((record) => [record.clusterName, record.name, record.arn]).sort()).toEqual([
      ['batch-jobs', 'nightly', short('nightly')],
      ['jobs', 'loader', short('loader')],
    ]);
  });

  it('records a service with a short ARN (no long ARN format) under the cluster it was listed in', async () => {
    const short = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/payments-api`;
    serveEcsWorld(ecs, {
      regions: { [REGION]: { payments: [service('payments', 'payments-api', { serviceArn: short, serviceName: undefined })] } },
      taskDefinitions: world().taskDefinitions,
    });
    const inventory = await collect([REGION]);
    expect(inventory.services).toMatchObject([{ arn: short, name: 'payments-api', clusterName: 'payments', clusterArn: clusterArn('payments') }]);
  });

  it("records each container's image and versionConsistency, and the current service deployment and revisions", async () => {
    const td = taskDefinitionArn('payments-api', 1);
    const deployment = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/payments/payments-api/d1`;
    const revision = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/payments/payments-api/r1`;
    serveEcsWorld(ecs, {
      regions: {
        [REGION]: {
          payments: [
            service('payments', 'payments-api', { currentServiceDeployment: deployment, currentServiceRevisions: [{ arn: revision, runningTaskCount: 1 }] }),
          ],
        },
      },
      taskDefinitions: {
        [td]: {
          taskDefinitionArn: td,
          containerDefinitions: [
            { name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments:latest`, secrets: [{ name: 'DB', valueFrom: SECRET_ARN }] },
            { name: 'proxy', image: 'envoyproxy/envoy:v1.30', versionConsistency: 'disabled' },
          ],
        },
      },
    });
    const [record] = (await collect([REGION])).services;
    expect(record).toMatchObject({
      containers: [
        { name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/payments:latest` },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.30', versionConsistency: 'disabled' },
      ],
      currentServiceDeployment: deployment,
      currentServiceRevisions: [revision],
    });
    expect(record?.containers?.[0]).not.toHaveProperty('versionConsistency');
  });

  // DescribeServices shapes of the 2025 deployment types: moto 5.2.1's CreateService takes no
  // deploymentConfiguration.strategy and has no Express Mode, so these are mocked answers.
  it.each([
    [
      'BLUE_GREEN with its bake time',
      { deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 15 } },
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 15 },
    ],
    [
      'LINEAR with its steps',
      { deploymentConfiguration: { strategy: 'LINEAR', bakeTimeInMinutes: 5, linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 6 } } },
      { strategy: 'LINEAR', bakeTimeInMinutes: 5, linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 6 } },
    ],
    [
      'CANARY with its canary',
      { deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } } },
      { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } },
    ],
    ['an Express Mode service', { resourceManagementType: 'ECS', deploymentConfiguration: { strategy: 'CANARY' } }, { strategy: 'CANARY', expressMode: true }],
    ['an Express Mode service without a strategy', { resourceManagementType: 'ECS' }, { strategy: 'ROLLING', expressMode: true }],
  ] as const)('records the deployment style of %s', async (_what, shape, expected) => {
    serveEcsWorld(ecs, {
      regions: { [REGION]: { payments: [service('payments', 'payments-api', shape as Partial<Service>)] } },
      taskDefinitions: world().taskDefinitions,
    });
    const [record] = (await collect([REGION])).services;
    expect(record?.deployment).toEqual(expected);
  });

  it('records no deployment style for a plain rolling update, named or not', async () => {
    serveEcsWorld(ecs, {
      regions: {
        [REGION]: {
          payments: [
            service('payments', 'payments-api', { deploymentConfiguration: { strategy: 'ROLLING', maximumPercent: 200 }, resourceManagementType: 'CUSTOMER' }),
            service('payments', 'payments-cron', { taskDefinition: taskDefinitionArn('payments-api', 1) }),
          ],
        },
      },
      taskDefinitions: world().taskDefinitions,
    });
    const records = (await collect([REGION])).services;
    expect(records.map((record) => 'deployment' in record)).toEqual([false, false]);
  });

  it('reports a service whose task definition cannot be described as a problem and leaves it out', async () => {
    const cronTd = taskDefinitionArn('orders-cron', 1);
    const { [cronTd]: _removed, ...definitions } = world().taskDefinitions;
    serveEcsWorld(ecs, world({ taskDefinitions: definitions }));
    const inventory = await collect([REGION]);
    expect(inventory.problems).toEqual([
      {
        region: REGION,
        subject: serviceArn('orders', 'orders-cron'),
        message: `could not read task definition ${cronTd}: ClientException: Unable to describe task definition.`,
      },
    ]);
    expect(inventory.services.map((record) => record.name).sort()).toEqual(['orders-api', 'orders-worker', 'payments-api']);
  });

  it('describes a task definition revision shared by two services once', async () => {
    serveEcsWorld(ecs, world());
    const inventory = await collect([REGION]);
    const described = ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input.taskDefinition);
    expect(described.filter((arn) => arn === SHARED_TD)).toHaveLength(1);
    expect(described.sort()).toEqual([SHARED_TD, taskDefinitionArn('orders-cron', 1), taskDefinitionArn('payments-api', 1)].sort());
    const sharing = inventory.services.filter((record) => record.taskDefinitionArn === SHARED_TD);
    expect(sharing.map((record) => record.name).sort()).toEqual(['orders-api', 'orders-worker']);
    for (const record of sharing) expect(record.references).toHaveLength(1);
    expect(taskDefinitions.stats).toEqual({ described: 3, cached: 1, indexed: 0 });
  });

  it('makes no DescribeTaskDefinition call on a second collect with the same cache (warm invocation)', async () => {
    serveEcsWorld(ecs, world());
    const cold = await collect();
    const coldCalls = ecs.commandCalls(DescribeTaskDefinitionCommand).length;
    expect(coldCalls).toBe(4);
    const warm = await collect();
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(coldCalls);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(6); // listing is never cached
    expect(warm.services.map((record) => record.arn).sort()).toEqual(cold.services.map((record) => record.arn).sort());
    expect(taskDefinitions.stats).toEqual({ described: 4, cached: 6, indexed: 0 });
  });
});

describe('collectEcsInventory: one concurrency limit per Region', () => {
  it('keeps DescribeTaskDefinition calls in flight at the configured limit across all clusters of a Region', async () => {
    const clusters = ['c1', 'c2', 'c3', 'c4'];
    const services = Object.fromEntries(
      clusters.map((cluster) => [cluster, [1, 2, 3, 4].map((n) => service(cluster, `s${n}`, { taskDefinition: taskDefinitionArn(`${cluster}-s${n}`, 1) }))]),
    );
    const definitions = Object.fromEntries(
      clusters.flatMap((cluster) => [1, 2, 3, 4].map((n) => taskDefinitionArn(`${cluster}-s${n}`, 1))).map((arn) => [arn, taskDefinition(arn)]),
    );
    serveEcsWorld(ecs, { regions: { [REGION]: services }, taskDefinitions: definitions });
    let inFlight = 0;
    let peak = 0;
    ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { taskDefinition: definitions[input.taskDefinition] };
    });

    const inventory = await collectEcsInventory({ clients: fakeClients(), regions: [REGION], concurrency: 2, taskDefinitions });

    expect(inventory.services).toHaveLength(16);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBe(2);
  });
});
