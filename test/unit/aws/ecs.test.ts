import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../lib/aws/clients.js';
import {
  DESCRIBE_SERVICES_BATCH,
  describeServices,
  forceNewDeployment,
  LIST_PAGE_SIZE,
  listClusterArns,
  listServiceArns,
  TaskDefinitionCache,
} from '../../../lib/aws/ecs.js';
import { clusterArn, deferred, ecsError, REGION, serviceArn, settle, taskDefinition, taskDefinitionArn } from './ecs-doubles.js';

process.env.AWS_REGION ??= REGION;
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDTEST';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());
beforeEach(() => ecs.reset());

const client = () => createAwsClients({ maxAttempts: 1 }).ecs(REGION);
const CLUSTER = clusterArn('orders');
const REVISION = taskDefinitionArn('orders-api', 7);

/** Three pages keyed by the token that asks for them; each request's input is copied as sent. */
function threePages<K extends string>(key: K, sent: Record<string, unknown>[]) {
  const pages: Record<string, Record<string, unknown>> = {
    start: { [key]: ['a1', 'a2'], nextToken: 't1' },
    t1: { [key]: ['b1', 'b2'], nextToken: 't2' },
    t2: { [key]: ['c1'] },
  };
  return async (input: Record<string, unknown>) => {
    sent.push({ ...input });
    return pages[typeof input.nextToken === 'string' ? input.nextToken : 'start'];
  };
}

describe('listClusterArns', () => {
  it('follows nextToken across 3 pages, asking for 100 a page, and returns every ARN in order', async () => {
    const sent: Record<string, unknown>[] = [];
    ecs.on(ListClustersCommand).callsFake(threePages('clusterArns', sent));
    await expect(listClusterArns(client())).resolves.toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    expect(LIST_PAGE_SIZE).toBe(100);
    expect(sent).toEqual([
      { maxResults: 100, nextToken: undefined },
      { maxResults: 100, nextToken: 't1' },
      { maxResults: 100, nextToken: 't2' },
    ]);
    expect(ecs.commandCalls(ListClustersCommand)).toHaveLength(3);
  });

  it('returns an empty list when the Region has no cluster (a page without clusterArns)', async () => {
    ecs.on(ListClustersCommand).resolves({});
    await expect(listClusterArns(client())).resolves.toEqual([]);
    expect(ecs.commandCalls(ListClustersCommand)).toHaveLength(1);
  });
});

describe('listServiceArns', () => {
  it('follows nextToken across 3 pages for the given cluster, asking for 100 a page', async () => {
    const sent: Record<string, unknown>[] = [];
    ecs.on(ListServicesCommand).callsFake(threePages('serviceArns', sent));
    await expect(listServiceArns(client(), CLUSTER)).resolves.toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    expect(sent).toEqual([
      { cluster: CLUSTER, maxResults: 100, nextToken: undefined },
      { cluster: CLUSTER, maxResults: 100, nextToken: 't1' },
      { cluster: CLUSTER, maxResults: 100, nextToken: 't2' },
    ]);
  });

  it('propagates a ListServices error to the caller', async () => {
    ecs.on(ListServicesCommand).rejects(ecsError('ClusterNotFoundException', 'Cluster not found.'));
    await expect(listServiceArns(client(), CLUSTER)).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
  });
});

describe('describeServices', () => {
  const arns = Array.from({ length: 250 }, (_, index) => serviceArn('orders', `svc-${String(index).padStart(3, '0')}`));
  const missing = new Set([arns[0], arns[137], arns[249]]);

  beforeEach(() => {
    ecs.on(DescribeServicesCommand).callsFake(async (input: { services: string[] }) => ({
      services: input.services.filter((arn) => !missing.has(arn)).map((arn) => ({ serviceArn: arn })),
      failures: input.services.filter((arn) => missing.has(arn)).map((arn) => ({ arn, reason: 'MISSING' })),
    }));
  });

  it('describes 250 services in 25 calls of at most 10, with their tags, in input order', async () => {
    const result = await describeServices(client(), CLUSTER, arns, 4);
    const calls = ecs.commandCalls(DescribeServicesCommand).map((call) => call.args[0].input);
    expect(DESCRIBE_SERVICES_BATCH).toBe(10);
    expect(calls).toHaveLength(25);
    for (const input of calls) {
      expect(input).toMatchObject({ cluster: CLUSTER, include: ['TAGS'] });
      expect(input.services?.length).toBeLessThanOrEqual(10);
    }
    expect(calls.flatMap((input) => input.services ?? []).sort()).toEqual([...arns].sort());
    expect(result.services.map((s) => s.serviceArn)).toEqual(arns.filter((arn) => !missing.has(arn)));
  });

  it('collects the failures of every batch with their ARN and reason', async () => {
    const result = await describeServices(client(), CLUSTER, arns, 4);
    expect(result.failures).toEqual([
      { arn: arns[0], reason: 'MISSING' },
      { arn: arns[137], reason: 'MISSING' },
      { arn: arns[249], reason: 'MISSING' },
    ]);
    expect(result.services).toHaveLength(247);
  });

  it('names a failure without arn or reason "?" / "unknown" instead of dropping it', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{}] });
    const result = await describeServices(client(), CLUSTER, [arns[0] as string], 1);
    expect(result.failures).toEqual([{ arn: '?', reason: 'unknown' }]);
  });

  it('makes no call for an empty list of services', async () => {
    await expect(describeServices(client(), CLUSTER, [], 4)).resolves.toEqual({ services: [], failures: [] });
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
  });
});

describe('TaskDefinitionCache', () => {
  it('describes a revision ARN once across repeated gets and counts the cached ones', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(REVISION) });
    const cache = new TaskDefinitionCache();
    const first = await cache.get(client(), REGION, REVISION);
    const second = await cache.get(client(), REGION, REVISION);
    const third = await cache.get(client(), REGION, REVISION);
    expect(first.taskDefinitionArn).toBe(REVISION);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([{ taskDefinition: REVISION }]);
    expect(cache.stats).toEqual({ described: 1, cached: 2, indexed: 0 });
  });

  it('makes one call for concurrent gets of one revision while the first is still in flight', async () => {
    const answer = deferred<{ taskDefinition: ReturnType<typeof taskDefinition> }>();
    ecs.on(DescribeTaskDefinitionCommand).callsFake(() => answer.promise);
    const cache = new TaskDefinitionCache();
    const pending = Array.from({ length: 5 }, () => cache.get(client(), REGION, REVISION));
    await settle();
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    answer.resolve({ taskDefinition: taskDefinition(REVISION) });
    const results = await Promise.all(pending);
    expect(new Set(results).size).toBe(1);
    expect(results[0]?.taskDefinitionArn).toBe(REVISION);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(cache.stats).toEqual({ described: 1, cached: 4, indexed: 0 });
  });

  it('does not cache a bare family name, a family:revision or an ARN without revision', async () => {
    ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => ({
      taskDefinition: taskDefinition(input.taskDefinition),
    }));
    const cache = new TaskDefinitionCache();
    const uncacheable = ['orders-api', 'orders-api:7', `arn:aws:ecs:${REGION}:111122223333:task-definition/orders-api`];
    for (const value of uncacheable) {
      await cache.get(client(), REGION, value);
      await cache.get(client(), REGION, value);
    }
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input.taskDefinition)).toEqual(
      uncacheable.flatMap((value) => [value, value]),
    );
    expect(cache.stats).toEqual({ described: 6, cached: 0, indexed: 0 });
  });

  it('forgets a failed look-up, so the next get of the revision retries and succeeds', async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(ecsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ taskDefinition: taskDefinition(REVISION) });
    const cache = new TaskDefinitionCache();
    await expect(cache.get(client(), REGION, REVISION)).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    await expect(cache.get(client(), REGION, REVISION)).resolves.toMatchObject({ taskDefinitionArn: REVISION });
    await expect(cache.get(client(), REGION, REVISION)).resolves.toMatchObject({ taskDefinitionArn: REVISION });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    expect(cache.stats).toEqual({ described: 2, cached: 1, indexed: 0 });
  });

  it('rejects, and does not cache, an answer without a task definition', async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .resolvesOnce({})
      .resolves({ taskDefinition: taskDefinition(REVISION) });
    const cache = new TaskDefinitionCache();
    await expect(cache.get(client(), REGION, REVISION)).rejects.toThrow(`DescribeTaskDefinition returned no task definition for ${REVISION}`);
    await expect(cache.get(client(), REGION, REVISION)).resolves.toMatchObject({ taskDefinitionArn: REVISION });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });

  it('keys entries by Region, and clear() forgets them all', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition(REVISION) });
    const cache = new TaskDefinitionCache();
    await cache.get(client(), REGION, REVISION);
    await cache.get(client(), 'eu-west-1', REVISION);
    await cache.get(client(), REGION, REVISION);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    cache.clear();
    await cache.get(client(), REGION, REVISION);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(3);
    expect(cache.stats).toEqual({ described: 3, cached: 1, indexed: 0 });
  });

  it('starts over when it reaches maxEntries instead of growing without bound', async () => {
    ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => ({ taskDefinition: taskDefinition(input.taskDefinition) }));
    const cache = new TaskDefinitionCache(2);
    const [a, b, c] = [1, 2, 3].map((revision) => taskDefinitionArn('orders-api', revision)) as [string, string, string];
    await cache.get(client(), REGION, a);
    await cache.get(client(), REGION, b);
    await cache.get(client(), REGION, c); // full: cleared, then c stored
    await cache.get(client(), REGION, c);
    await cache.get(client(), REGION, a);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input.taskDefinition)).toEqual([a, b, c, a]);
  });
});

describe('forceNewDeployment', () => {
  const SERVICE = serviceArn('orders', 'orders-api');

  it('sends forceNewDeployment true for the service and returns the PRIMARY deployment id', async () => {
    ecs.on(UpdateServiceCommand).resolves({
      service: {
        serviceArn: SERVICE,
        deployments: [
          { id: 'ecs-svc/1111111111111111111', status: 'ACTIVE' },
          { id: 'ecs-svc/2222222222222222222', status: 'PRIMARY' },
        ],
      },
    });
    await expect(forceNewDeployment(client(), CLUSTER, SERVICE)).resolves.toEqual({ deploymentId: 'ecs-svc/2222222222222222222' });
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, service: SERVICE, forceNewDeployment: true },
    ]);
  });

  it('returns no deployment id when the answer has no PRIMARY deployment', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: 'ecs-svc/1', status: 'ACTIVE' }] } });
    await expect(forceNewDeployment(client(), CLUSTER, SERVICE)).resolves.toEqual({});
  });

  it('propagates an UpdateService error', async () => {
    ecs.on(UpdateServiceCommand).rejects(ecsError('ThrottlingException', 'Rate exceeded'));
    await expect(forceNewDeployment(client(), CLUSTER, SERVICE)).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });
});

describe('createAwsClients', () => {
  it('reuses one ECS client per Region', () => {
    const clients = createAwsClients({ maxAttempts: 1 });
    expect(clients.ecs(REGION)).toBe(clients.ecs(REGION));
    expect(clients.ecs('eu-west-1')).not.toBe(clients.ecs(REGION));
  });
});
