/**
 * runRefresh's behaviours that no other fast test noticed when mutated (npm run mutation -- lib/pipeline): the
 * service index failing either way never costs a refresh, and says so in the report. ECS is aws-sdk-client-mock
 * (the same world as run-refresh.test.ts: three services of cluster `orders` read the changed secret); the index is
 * the in-memory store, with one operation made to fail.
 */
import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import { loadConfig } from '../../../lib/config/config.js';
import { CLI_LEASE_MS, type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import type { ServiceIndexStore } from '../../../lib/service-index/index.js';
import { MemoryStateTable } from '../../support/memory-state-table.js';
import { fakeClients, REGION, serveEcsWorld, service, serviceArn, taskDefinition, taskDefinitionArn } from '../aws/ecs-doubles.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, PUT_VERSION, sampleEvent } from '../changes/fake-metadata-directory.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
afterAll(() => {
  ecs.restore();
  batch.restore();
});

const NAMES = ['orders-api', 'orders-cron', 'orders-worker'];
beforeEach(() => {
  ecs.reset();
  batch.reset();
  serveEcsWorld(ecs, {
    regions: { [REGION]: { orders: NAMES.map((name) => service('orders', name)) } },
    taskDefinitions: Object.fromEntries(NAMES.map((name) => [taskDefinitionArn(name, 1), taskDefinition(taskDefinitionArn(name, 1), DB_SECRET_ARN)])),
  });
  ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => ({
    service: { deployments: [{ id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' }] },
  }));
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
});

const storeError = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });

/** The in-memory index with `failing` throwing a store error. */
function failingIndex(failing: keyof ServiceIndexStore): ServiceIndexStore {
  const store = new InMemoryServiceIndexStore();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === failing) return async () => Promise.reject(storeError());
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function dependencies(serviceIndex?: ServiceIndexStore, state?: MemoryStateTable): PipelineDependencies {
  const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
  return {
    clients: fakeClients(),
    directory,
    taskDefinitions: new TaskDefinitionCache(),
    ...(serviceIndex ? { serviceIndex } : {}),
    ...(state ? { state } : {}),
  };
}

const event = () => ({ type: 'event' as const, event: sampleEvent('secretsmanager-putsecretvalue-awscurrent.json') });
const updated = () => ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.service);

describe('runRefresh with a service index that fails', () => {
  it('leaves the run to the scan when the index cannot be read: every reader deployed once, and a warning says why', async () => {
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(failingIndex('coverage')));
    expect(updated().sort()).toEqual(NAMES.map((name) => serviceArn('orders', name)));
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.warnings).toContain(
      'service index: could not be read, the scan alone decides: ThrottlingException: Rate of requests exceeds the allowed throughput',
    );
    expect(report.serviceIndex).toMatchObject({ coveredRegions: [], scannedOnlyRegions: [REGION], candidates: 0, fastPathTargets: 0 });
  });

  it('keeps the deployments and warns when the scan cannot rewrite the index of a Region (the next scan does)', async () => {
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(failingIndex('servicesOf')));
    expect(updated()).toHaveLength(3);
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.warnings).toContain(
      `service index: could not update the index of ${REGION} (the next scan does): ThrottlingException: Rate of requests exceeds the allowed throughput`,
    );
    expect(report.serviceIndex).toMatchObject({ indexedRegions: [REGION], servicesWritten: 0, servicesRemoved: 0 });
  });
});

/** A state table that remembers the expiry each lease was asked for. */
class ExpiryRecordingTable extends MemoryStateTable {
  public readonly expiries: number[] = [];
  public override async tryLease(key: string, owner: string, expiresAt: Date, now: Date): Promise<boolean> {
    this.expiries.push(expiresAt.getTime());
    return super.tryLease(key, owner, expiresAt, now);
  }
}

describe('runRefresh: how long the account lease is held', () => {
  it('holds it until the Lambda deadline when only a deadline is given, and acts before it', async () => {
    const state = new ExpiryRecordingTable();
    const deadline = new Date(Date.now() + 120_000);
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { deadline });
    expect(state.expiries).toEqual([deadline.getTime()]);
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
  });

  it('holds it until leaseUntil when both are given (the invocation timeout outlasts the action deadline)', async () => {
    const state = new ExpiryRecordingTable();
    const deadline = new Date(Date.now() + 120_000);
    const leaseUntil = new Date(Date.now() + 180_000);
    await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { deadline, leaseUntil });
    expect(state.expiries).toEqual([leaseUntil.getTime()]);
  });

  it('holds it 15 minutes without a deadline (the CLI)', async () => {
    const state = new ExpiryRecordingTable();
    const before = Date.now();
    await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state));
    const [expiry] = state.expiries;
    expect(expiry).toBeGreaterThanOrEqual(before + CLI_LEASE_MS);
    expect(expiry).toBeLessThanOrEqual(Date.now() + CLI_LEASE_MS);
    expect(CLI_LEASE_MS).toBe(15 * 60_000);
  });
});
