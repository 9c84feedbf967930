import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  paginateListClusters,
  paginateListServices,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from './server.js';
import { CHANGED_SECRET, generateAccount } from './synthetic-account.js';
import { TokenBucket } from './token-bucket.js';

const ECS = 'AmazonEC2ContainerServiceV20141113.';
let simulator: AwsSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function start(options: { now?: () => number; services?: number } = {}): Promise<AwsSimulator> {
  simulator = await startAwsSimulator({
    account: generateAccount({ seed: 3, services: options.services ?? 250, clusters: 2, revisions: 60, jobDefinitions: 120 }),
    latencyMedianMs: 0,
    ...(options.now ? { now: options.now } : {}),
  });
  return simulator;
}

async function ecsCall(sim: AwsSimulator, action: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(sim.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS}${action}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function client(sim: AwsSimulator, maxAttempts = 1): ECSClient {
  return new ECSClient({ region: 'us-east-1', endpoint: sim.url, maxAttempts, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
}

describe('synthetic account', () => {
  it('is the same for the same seed', () => {
    const a = generateAccount({ seed: 9, services: 300 });
    const b = generateAccount({ seed: 9, services: 300 });
    expect(JSON.stringify([...a.taskDefinitions.values()])).toBe(JSON.stringify([...b.taskDefinitions.values()]));
    expect([...a.servicesByCluster.values()].flat().length).toBe(300);
  });

  it('uses every revision when there are at least as many services, and some reference the changed secret', () => {
    const account = generateAccount({ seed: 9, services: 300, revisions: 100, changedShare: 0.2 });
    expect(account.revisionsInUse).toBe(100);
    expect(account.changedRevisions.size).toBeGreaterThan(5);
    const text = JSON.stringify([...account.taskDefinitions.values()]);
    expect(text).toContain(CHANGED_SECRET.name);
  });
});

describe('aws-sim paging', () => {
  it('ListServices pages 10 by default and up to 100 with maxResults, with nextToken', async () => {
    const sim = await start();
    const cluster = 'bench-c0';
    const first = await ecsCall(sim, 'ListServices', { cluster });
    expect((first.json.serviceArns as string[]).length).toBe(10);
    expect(typeof first.json.nextToken).toBe('string');
    const big = await ecsCall(sim, 'ListServices', { cluster, maxResults: 100 });
    expect((big.json.serviceArns as string[]).length).toBe(100);
    const next = await ecsCall(sim, 'ListServices', { cluster, maxResults: 100, nextToken: big.json.nextToken });
    expect((next.json.serviceArns as string[])[0]).not.toBe((big.json.serviceArns as string[])[0]);
  });

  it('rejects maxResults above 100', async () => {
    const sim = await start();
    const response = await ecsCall(sim, 'ListServices', { cluster: 'bench-c0', maxResults: 101 });
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('InvalidParameterException');
  });

  it('Batch DescribeJobDefinitions pages 100 at a time over REST-JSON', async () => {
    const sim = await start();
    const post = (body: object) =>
      fetch(`${sim.url}/v1/describejobdefinitions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      );
    const first = await post({ status: 'ACTIVE', maxResults: 100 });
    expect((first.jobDefinitions as unknown[]).length).toBe(100);
    const second = await post({ status: 'ACTIVE', maxResults: 100, nextToken: first.nextToken });
    expect((second.jobDefinitions as unknown[]).length).toBe(20);
    expect(second.nextToken).toBeUndefined();
    expect(sim.stats().calls['batch:describejobdefinitions']).toBe(2);
  });
});

describe('aws-sim DescribeServices', () => {
  it('refuses more than 10 services per call', async () => {
    const sim = await start();
    const services = Array.from({ length: 11 }, (_, i) => `svc-${String(i).padStart(5, '0')}`);
    const response = await ecsCall(sim, 'DescribeServices', { cluster: 'bench-c0', services });
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('InvalidParameterException');
  });

  it('reports unknown services as MISSING failures', async () => {
    const sim = await start();
    const response = await ecsCall(sim, 'DescribeServices', { cluster: 'bench-c0', services: ['nope'] });
    expect(response.json.failures).toEqual([{ arn: 'nope', reason: 'MISSING' }]);
  });
});

describe('aws-sim throttling', () => {
  it('a token bucket empties after its burst and refills at the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 50, sustained: 20 }, () => now);
    for (let i = 0; i < 50; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 100; // 0.1 s × 20/s = 2 tokens
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 60_000;
    expect(bucket.tokens).toBe(50);
  });

  it('answers ThrottlingException once the service-read bucket (burst 100) is empty, and serves again after refill', async () => {
    let now = 0;
    const sim = await start({ now: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await ecsCall(sim, 'ListServices', { cluster: 'bench-c0' })).status);
    expect(statuses.filter((s) => s === 200).length).toBe(100);
    const throttled = await ecsCall(sim, 'DescribeServices', { cluster: 'bench-c0', services: ['svc-00000'] });
    expect(throttled.status).toBe(400);
    expect(throttled.json).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    // Another category is not affected.
    expect((await ecsCall(sim, 'ListClusters', {})).status).toBe(200);
    now += 1000;
    expect((await ecsCall(sim, 'ListServices', { cluster: 'bench-c0' })).status).toBe(200);
    expect(sim.stats().throttled).toEqual({ ListServices: 1, DescribeServices: 1 });
  });

  it('the real ECSClient sees a ThrottlingException it classifies as throttling', async () => {
    const now = 0;
    const sim = await start({ now: () => now });
    for (let i = 0; i < 100; i++) await ecsCall(sim, 'ListServices', { cluster: 'bench-c0' });
    const error = await client(sim)
      .send(new ListServicesCommand({ cluster: 'bench-c0' }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('ThrottlingException');
    expect((error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling ?? true).toBe(true);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });
});

describe('aws-sim protocol', () => {
  it('answers an unknown action with UnknownOperationException', async () => {
    const sim = await start();
    const response = await ecsCall(sim, 'DescribeNothing', {});
    expect(response.status).toBe(400);
    expect(response.json.__type).toBe('UnknownOperationException');
    expect(sim.stats().errors.DescribeNothing).toBe(1);
  });

  it('lets the real ECSClient list every service and describe services and task definitions', async () => {
    const sim = await start({ services: 250 });
    const ecs = client(sim);
    const clusters: string[] = [];
    for await (const page of paginateListClusters({ client: ecs, pageSize: 100 }, {})) clusters.push(...(page.clusterArns ?? []));
    expect(clusters).toHaveLength(2);
    const services: string[] = [];
    for (const cluster of clusters) {
      for await (const page of paginateListServices({ client: ecs, pageSize: 100 }, { cluster })) services.push(...(page.serviceArns ?? []));
    }
    expect(services).toHaveLength(250);
    const described = await ecs.send(new DescribeServicesCommand({ cluster: clusters[0], services: services.slice(0, 10), include: ['TAGS'] }));
    expect(described.services).toHaveLength(10);
    const first = described.services?.[0];
    expect(first?.deployments?.[0]?.status).toBe('PRIMARY');
    expect(first?.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(first?.deploymentController?.type).toMatch(/ECS|CODE_DEPLOY/);
    const definition = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: first?.taskDefinition }));
    expect(definition.taskDefinition?.taskDefinitionArn).toBe(first?.taskDefinition);
    expect(definition.taskDefinition?.containerDefinitions?.length).toBeGreaterThan(0);
    expect(sim.stats().calls).toMatchObject({ ListClusters: 1, DescribeServices: 1, DescribeTaskDefinition: 1 });
  });
});
