import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient, ListClustersCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { loadConfig } from '../../../lib/config/config.js';
import { ForeignAccountError } from '../../../lib/errors.js';
import { type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import { reportFailed } from '../../../lib/report/build-report.js';
import type { EcsServiceTargetReport, RefreshReport } from '../../../lib/report/types.js';
import type { RolloutEngine } from '../../../lib/rollout/start-rollout.js';
import type { RolloutPlan } from '../../../lib/rollout/types.js';
import { dynamoDbThrottled, MemoryStateTable } from '../../support/memory-state-table.js';
import {
  ACCOUNT,
  clusterArn,
  fakeClients,
  OTHER_REGION,
  REGION,
  type SentRequest,
  serveEcsWorld,
  service,
  serviceArn,
  taskDefinition,
  taskDefinitionArn,
  throttling,
} from '../aws/ecs-doubles.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, PUT_VERSION, sampleEvent } from '../changes/fake-metadata-directory.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
// DynamoDB (deployments table) as a double: moto cannot throttle a PutItem on demand. The state table is in memory.
const dynamodb = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
afterAll(() => {
  ecs.restore();
  batch.restore();
  dynamodb.restore();
  documents.restore();
});

const PUT_EVENT = 'secretsmanager-putsecretvalue-awscurrent.json';
const PENDING_EVENT = 'secretsmanager-putsecretvalue-awspending.json';
const OTHER_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:demo/payments/api-key-Zz99Yy`;

let sent: SentRequest[];
/**
 * us-east-1, cluster `orders`: three services reading the demo secret (deployed before the change) and one
 * reading another secret. No Batch job definition or queue.
 */
beforeEach(() => {
  ecs.reset();
  batch.reset();
  dynamodb.reset();
  documents.reset();
  const definition = (family: string, valueFrom = DB_SECRET_ARN) =>
    [taskDefinitionArn(family, 1), taskDefinition(taskDefinitionArn(family, 1), valueFrom)] as const;
  sent = serveEcsWorld(ecs, {
    regions: {
      [REGION]: {
        orders: [service('orders', 'orders-api'), service('orders', 'orders-worker'), service('orders', 'orders-cron'), service('orders', 'payments-api')],
      },
      [OTHER_REGION]: {},
    },
    taskDefinitions: Object.fromEntries([
      definition('orders-api'),
      definition('orders-worker'),
      definition('orders-cron'),
      definition('payments-api', OTHER_SECRET),
    ]),
  });
  ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => ({
    service: { deployments: [{ id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' }] },
  }));
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
});

/** Dependencies with recording doubles; `overrides` may add a state table, an expected account or a rollout engine. */
function dependencies(overrides: Pick<PipelineDependencies, 'state' | 'expectedAccount' | 'rollouts'> = {}) {
  const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
  const clients = fakeClients();
  return { clients, directory, taskDefinitions: new TaskDefinitionCache(), ...overrides } satisfies PipelineDependencies;
}

function config(env: Record<string, string> = {}) {
  return loadConfig({ AWS_REGION: REGION, ...env });
}

const event = (file = PUT_EVENT) => ({ type: 'event' as const, event: sampleEvent(file) });
const updatedServices = () => ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.service);
const ecsTargets = (report: RefreshReport) => report.targets.filter((target): target is EcsServiceTargetReport => target.type === 'ecs-service');

describe('runRefresh (ECS, mocked)', () => {
  it('redeploys every service reading the changed secret and reports them done', async () => {
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), config(), dependencies({ state }));
    expect(ecsTargets(report).map((target) => [target.name, target.status, target.deploymentId])).toEqual([
      ['orders-api', 'done', 'ecs-svc/new-orders-api'],
      ['orders-cron', 'done', 'ecs-svc/new-orders-cron'],
      ['orders-worker', 'done', 'ecs-svc/new-orders-worker'],
    ]);
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toHaveLength(3);
    expect(updatedServices()).not.toContain(serviceArn('orders', 'payments-api'));
    expect(report.summary).toMatchObject({ regions: [REGION], clusters: 1, servicesScanned: 4, targets: 3, done: 3, failed: 0, inventoryProblems: 0 });
    expect(reportFailed(report)).toBe(false);
  });

  it('returns (does not throw) a report with summary.failed 1 when one UpdateService fails, the others done', async () => {
    ecs.on(UpdateServiceCommand, { service: serviceArn('orders', 'orders-worker') }).rejects(throttling());
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), config(), dependencies({ state }));
    expect(ecsTargets(report).map((target) => [target.name, target.status, target.deploymentId ?? target.error])).toEqual([
      ['orders-api', 'done', 'ecs-svc/new-orders-api'],
      ['orders-cron', 'done', 'ecs-svc/new-orders-cron'],
      ['orders-worker', 'failed', 'ThrottlingException: Rate exceeded'],
    ]);
    expect(report.summary).toMatchObject({ targets: 3, done: 2, failed: 1, inventoryProblems: 0 });
    expect(reportFailed(report)).toBe(true);
    expect(report).not.toHaveProperty('idempotency');
    // A change with a failed target is not recorded: its retry acts again.
    expect(state.items.records.size).toBe(0);
    expect(report.changes).toEqual([expect.objectContaining({ id: 'c1', decision: 'act', retry: true })]);
  });

  it('returns the failed report the same way without a guard', async () => {
    ecs.on(UpdateServiceCommand, { service: serviceArn('orders', 'orders-api') }).rejects(throttling());
    const report = await runRefresh(event(), config(), dependencies());
    expect(report.summary).toMatchObject({ done: 2, failed: 1 });
    expect(updatedServices()).toHaveLength(3);
  });

  it('records the handled change under its key (ARN, version), with its moment, labels, outcome and counts, after the actions', async () => {
    const state = new MemoryStateTable();
    const handledBefore = Date.now();
    await runRefresh(event(), config(), dependencies({ state }));
    const key = `change#${DB_SECRET_ARN}#${PUT_VERSION}`;
    expect([...state.items.records.keys()]).toEqual([key]);
    const record = state.items.records.get(key);
    expect(record).toMatchObject({
      key,
      arn: DB_SECRET_ARN,
      versionId: PUT_VERSION,
      since: '2026-11-20T09:58:41Z',
      labels: ['AWSCURRENT'],
      outcome: 'handled',
      counts: { targets: 3, done: 3, skipped: 0 },
    });
    expect(Date.parse(record?.handledAt ?? '')).toBeGreaterThanOrEqual(handledBefore - 1000);
    // Written after the actions, and the lease taken before anything and released at the end.
    const order = state.operations.map((entry) => entry.operation);
    expect(order[0]).toBe('tryLease');
    expect(order.indexOf('putChangeRecord')).toBeGreaterThan(order.indexOf('addToBudget'));
    expect(order.at(-1)).toBe('releaseLease');
    expect(state.items.leases.size).toBe(0);
    expect([...state.items.deployed.keys()].sort()).toEqual(['orders-api', 'orders-cron', 'orders-worker'].map((name) => serviceArn('orders', name)));
  });

  it('does nothing for a change the record says was handled, and says so (idempotency "replayed")', async () => {
    const state = new MemoryStateTable();
    await runRefresh(event(), config(), dependencies({ state }));
    ecs.resetHistory();
    const report = await runRefresh(event(), config(), dependencies({ state }));
    expect(report.idempotency).toBe('replayed');
    expect(report.skipped).toMatch(/^duplicate: this change \(same secret and version, current since 2026-11-20T09:58:41Z\) was handled by a run at /);
    expect(report.changes).toEqual([expect.objectContaining({ id: 'c1', decision: 'already-handled' })]);
    expect(report.targets).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(ecs.calls()).toHaveLength(0); // not even the inventory runs
  });

  it('never consults the state table in a dry run and makes no UpdateService call', async () => {
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), config(), dependencies({ state }), { dryRun: true });
    expect(state.operations).toEqual([]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(report.dryRun).toBe(true);
    expect(ecsTargets(report).map((target) => target.status)).toEqual(['planned', 'planned', 'planned']);
    expect(report.summary).toMatchObject({ planned: 3, done: 0, failed: 0 });
  });

  it('applies SECRET_REFRESH_DRY_RUN=true from the configuration the same way', async () => {
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), config({ SECRET_REFRESH_DRY_RUN: 'true' }), dependencies({ state }));
    expect(state.operations).toEqual([]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(report.summary.planned).toBe(3);
  });

  it('throws ForeignAccountError for an event from another account before any AWS or directory call', async () => {
    const foreign = sampleEvent(PUT_EVENT);
    foreign.account = '444455556666';
    const state = new MemoryStateTable();
    const deps = dependencies({ state, expectedAccount: ACCOUNT });
    const run = runRefresh({ type: 'event', event: foreign }, config(), deps);
    await expect(run).rejects.toBeInstanceOf(ForeignAccountError);
    await expect(run).rejects.toThrow('the event is from account 444455556666, but this deployment handles account 111122223333');
    expect(deps.directory.calls).toEqual([]);
    expect(deps.clients.requests).toEqual([]);
    expect(ecs.calls()).toHaveLength(0);
    expect(batch.calls()).toHaveLength(0);
    expect(state.operations).toEqual([]);
  });

  it('also refuses a foreign event when the expected account comes from SECRET_REFRESH_ACCOUNT_ID', async () => {
    const foreign = sampleEvent(PUT_EVENT);
    foreign.account = '444455556666';
    const deps = dependencies();
    await expect(runRefresh({ type: 'event', event: foreign }, config({ SECRET_REFRESH_ACCOUNT_ID: ACCOUNT }), deps)).rejects.toBeInstanceOf(
      ForeignAccountError,
    );
    expect(deps.directory.calls).toEqual([]);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('skips a PutSecretValue staged as AWSPENDING with a reason, without any ECS or Batch call', async () => {
    const state = new MemoryStateTable();
    const report = await runRefresh(event(PENDING_EVENT), config(), dependencies({ state }));
    expect(report.skipped).toEqual(expect.stringContaining('AWSPENDING'));
    expect(report.change?.effect).toBe('none');
    expect(report.targets).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(ecs.calls()).toHaveLength(0);
    expect(batch.calls()).toHaveLength(0);
    expect(state.operations).toEqual([]);
  });

  it('counts an inventory problem (ListClusters throttled in one Region) in summary.failed and still acts in the other Region', async () => {
    ecs.on(ListClustersCommand).callsFake(async (_input: unknown, getClient: () => ECSClient) => {
      if ((await getClient().config.region()) === OTHER_REGION) throw throttling();
      return { clusterArns: [clusterArn('orders')] };
    });
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), config({ SECRET_REFRESH_REGIONS: `${REGION},${OTHER_REGION}` }), dependencies({ state }));
    expect(report.summary).toMatchObject({ regions: [REGION, OTHER_REGION], targets: 3, done: 3, failed: 1, inventoryProblems: 1 });
    expect(report.warnings).toContain(`inventory: ${OTHER_REGION} ListClusters: ThrottlingException: Rate exceeded`);
    expect(reportFailed(report)).toBe(true);
    expect(updatedServices()).toHaveLength(3);
    expect(sent.filter((request) => request.command === 'ListServices').map((request) => request.region)).toEqual([REGION]);
    // The run could not see every reader: the change is not recorded, so its retry looks again.
    expect(state.items.records.size).toBe(0);
  });
});

describe('runRefresh: what reaches the report, and what fails the run', () => {
  const storeError = () =>
    Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });

  it('fails the run before acting (never as "another run is handling it") when the state table cannot be read', async () => {
    const state = new MemoryStateTable();
    state.fault = (operation) => (operation === 'changeRecords' ? { when: 'before', error: storeError() } : undefined);
    const run = runRefresh(event(), config(), dependencies({ state }));
    await expect(run).rejects.toThrow('The level of configured provisioned throughput for the table was exceeded');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(state.items.leases.size).toBe(0);
  });

  it('fails the run when the lease cannot be taken for a store error, before any AWS call', async () => {
    const state = new MemoryStateTable();
    state.fault = (operation) => (operation === 'tryLease' ? { when: 'before', error: dynamoDbThrottled() } : undefined);
    await expect(runRefresh(event(), config(), dependencies({ state }))).rejects.toThrow(/provisioned throughput/);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('keeps the report and fails the run (the change is retried) when the record cannot be written after the actions', async () => {
    const state = new MemoryStateTable();
    state.fault = (operation) => (operation === 'putChangeRecord' ? { when: 'before', error: storeError() } : undefined);
    const report = await runRefresh(event(), config(), dependencies({ state }));
    expect(report.summary).toMatchObject({ done: 3, failed: 1 });
    expect(report.changes).toEqual([expect.objectContaining({ id: 'c1', decision: 'act', retry: true })]);
    expect(report.warnings).toEqual([
      expect.stringMatching(/^could not write the change record of c1 \(demo\/orders\/db\): .*provisioned throughput.*; the change is delivered again$/),
    ]);
    expect(reportFailed(report)).toBe(true);
  });

  it('deploys a plan of one immediate wave directly: no rollout is started', async () => {
    const { engine, started } = recordingEngine();
    const report = await runRefresh(event(), config(), dependencies({ rollouts: engine }));
    expect(updatedServices()).toHaveLength(3);
    expect(started).toEqual([]);
    expect(report.rollout).toBeUndefined();
  });

  it('with SECRET_REFRESH_WAIT_FOR_STEADY=true hands the wave to one rollout: nothing deployed by the run, every target waiting with the rollout named', async () => {
    const { engine, started } = recordingEngine();
    const report = await runRefresh(event(), config({ SECRET_REFRESH_WAIT_FOR_STEADY: 'true' }), dependencies({ rollouts: engine }));
    expect(updatedServices()).toEqual([]);
    expect(started).toHaveLength(1);
    const name = started[0]?.name ?? '';
    expect(name).toMatch(/^demo-orders-db-[0-9a-f]{40}$/);
    expect(started[0]?.waves.map((wave) => wave.map((target) => target.name))).toEqual([['orders-api', 'orders-cron', 'orders-worker']]);
    expect(report.rollout).toMatchObject({ name, status: 'started', waves: 1, services: 3, approval: false });
    expect(ecsTargets(report).map((target) => [target.status, target.reason.split(':')[0]])).toEqual(
      Array(3).fill(['waiting', `rollout ${name}, wave 1 of 1 (waits until the deployments COMPLETED (SECRET_REFRESH_WAIT_FOR_STEADY))`]),
    );
    expect(reportFailed(report)).toBe(false);
  });

  it('names the same rollout when the same batch runs again, and reports that it exists already', async () => {
    const { engine, started } = recordingEngine();
    const steady = config({ SECRET_REFRESH_WAIT_FOR_STEADY: 'true' });
    await runRefresh(event(), steady, dependencies({ rollouts: engine }));
    const again = await runRefresh(event(), steady, dependencies({ rollouts: engine }));
    expect(new Set(started.map((plan) => plan.name)).size).toBe(1);
    expect(again.rollout?.status).toBe('exists');
    expect(ecsTargets(again)[0]?.reason).toMatch(/^rollout \S+ exists already \(this batch was replayed or retried\): /);
  });

  it('fails the targets (the change is retried) when the rollout cannot be started', async () => {
    const { engine } = recordingEngine(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const report = await runRefresh(event(), config({ SECRET_REFRESH_WAIT_FOR_STEADY: 'true' }), dependencies({ rollouts: engine }));
    expect(ecsTargets(report).map((target) => target.status)).toEqual(['failed', 'failed', 'failed']);
    expect(ecsTargets(report)[0]?.error).toMatch(/^could not start the rollout demo-orders-db-[0-9a-f]+: ThrottlingException: Rate exceeded$/);
    expect(report.rollout?.status).toBe('not-started');
    expect(reportFailed(report)).toBe(true);
  });

  it('starts no rollout in a dry run and says what it would be', async () => {
    const { engine, started } = recordingEngine();
    const report = await runRefresh(event(), config({ SECRET_REFRESH_WAIT_FOR_STEADY: 'true' }), dependencies({ rollouts: engine }), { dryRun: true });
    expect(started).toEqual([]);
    expect(report.rollout?.status).toBe('dry-run');
    expect(ecsTargets(report)[0]?.reason).toMatch(/^dry run: would redeploy in rollout demo-orders-db-[0-9a-f]+, wave 1 of 1 \(/);
  });

  it('deploys nothing outside the maintenance window without a state machine, and fails so the change is retried', async () => {
    const closed = config({ SECRET_REFRESH_FREEZE: '2000-01-01..2099-12-31' });
    const report = await runRefresh(event(), closed, dependencies());
    expect(updatedServices()).toEqual([]);
    expect(ecsTargets(report)[0]?.error).toMatch(
      /^not deployed: the plan needs a rollout \(inside the freeze "2000-01-01\.\.2099-12-31", and no opening in the next 35 days \(looked again then\): waits until \S+\) but SECRET_REFRESH_STATE_MACHINE_ARN is not set/,
    );
    expect(reportFailed(report)).toBe(true);
  });

  it('puts the plan warnings in the report', async () => {
    sent = serveEcsWorld(ecs, {
      regions: { [REGION]: { orders: [service('orders', 'orders-api', { tags: [{ key: 'secret-refresh:wave', value: 'first' }] })] } },
      taskDefinitions: { [taskDefinitionArn('orders-api', 1)]: taskDefinition(taskDefinitionArn('orders-api', 1), DB_SECRET_ARN) },
    });
    const report = await runRefresh(event(), config(), dependencies(), { dryRun: true });
    expect(report.warnings).toEqual([
      `${serviceArn('orders', 'orders-api')}: tag secret-refresh:wave="first" is not a whole number from 0 to 1000; the service goes in the last wave`,
    ]);
  });
});

/** DescribeServices shapes of the 2025 ECS deployment types: moto 5.2.1 knows none of them (no strategy, no Express Mode). */
describe('runRefresh: modern ECS deployment types (DescribeServices shapes, mocked)', () => {
  it('redeploys BLUE_GREEN, LINEAR, CANARY and Express Mode services with forceNewDeployment and names the rollout in each entry', async () => {
    const td = taskDefinitionArn('orders-api', 1);
    serveEcsWorld(ecs, {
      regions: {
        [REGION]: {
          orders: [
            service('orders', 'blue-green', {
              taskDefinition: td,
              deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 20, maximumPercent: 200 },
            }),
            service('orders', 'canary', {
              taskDefinition: td,
              deploymentConfiguration: { strategy: 'CANARY', bakeTimeInMinutes: 5, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 15 } },
            }),
            service('orders', 'express', {
              taskDefinition: td,
              resourceManagementType: 'ECS',
              deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 3 } },
            }),
            service('orders', 'linear', {
              taskDefinition: td,
              deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 4 } },
            }),
            service('orders', 'rolling', { taskDefinition: td, deploymentConfiguration: { strategy: 'ROLLING' } }),
          ],
        },
      },
      taskDefinitions: { [td]: taskDefinition(td, DB_SECRET_ARN) },
    });
    const report = await runRefresh(event(), config(), dependencies());
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input)).toEqual(
      ['blue-green', 'canary', 'express', 'linear', 'rolling'].map((name) => ({
        cluster: clusterArn('orders'),
        service: serviceArn('orders', name),
        forceNewDeployment: true,
      })),
    );
    expect(ecsTargets(report).map((target) => [target.name, target.status, target.deployment])).toEqual([
      ['blue-green', 'done', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 20 }],
      ['canary', 'done', { strategy: 'CANARY', bakeTimeInMinutes: 5, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 15 } }],
      ['express', 'done', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 3 }, expressMode: true }],
      ['linear', 'done', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 4 } }],
      ['rolling', 'done', undefined],
    ]);
    expect(ecsTargets(report)[0]?.reason).toMatch(
      /, which changed; strategy BLUE_GREEN \(bake time 20 min\): the refresh may take many minutes and briefly runs both revisions \(double the tasks\)$/,
    );
    expect(ecsTargets(report)[4]?.reason).toMatch(/, which changed$/);
  });
});

/** A rollout engine that records the rollouts it is asked to start (the second start of a name finds it existing). */
function recordingEngine(failure?: Error): { engine: RolloutEngine; started: RolloutPlan[] } {
  const started: RolloutPlan[] = [];
  return {
    started,
    engine: {
      async start(plan) {
        if (failure) throw failure;
        const existed = started.some((earlier) => earlier.name === plan.name);
        started.push(plan);
        return { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:rollout:${plan.name}`, existed };
      },
    },
  };
}
describe('runRefresh: a change its record covers for some labels only', () => {
  it('acts on AWSCURRENT when only a custom label of that version was handled, and adds it to the record', async () => {
    const state = new MemoryStateTable();
    const key = `change#${DB_SECRET_ARN}#${PUT_VERSION}`;
    // A label (blue) moved to this version was handled at 10:00; AWSCURRENT became current before that and was not.
    state.items.records.set(key, {
      key,
      arn: DB_SECRET_ARN,
      versionId: PUT_VERSION,
      since: '2026-11-20T09:58:00Z',
      handledAt: '2026-11-20T10:00:00.000Z',
      labels: ['blue'],
      outcome: 'handled',
      counts: { targets: 0, done: 0, skipped: 0 },
    });
    const report = await runRefresh(event(), config(), dependencies({ state }));
    expect(ecsTargets(report).map((target) => [target.name, target.status])).toEqual([
      ['orders-api', 'done'],
      ['orders-cron', 'done'],
      ['orders-worker', 'done'],
    ]);
    expect(ecsTargets(report)[0]?.reason).toMatch(/ read the current value of secret demo\/orders\/db, which changed$/);
    expect(state.items.records.get(key)).toMatchObject({ labels: ['blue', 'AWSCURRENT'], since: '2026-11-20T09:58:00Z', outcome: 'handled' });
  });
});

describe('runRefresh: the lease bounds the actions', () => {
  it('starts no action in the last minute of the lease when there is no Lambda deadline (the CLI)', async () => {
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), config(), dependencies({ state }), { leaseUntil: new Date(Date.now() + 30_000) });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(ecsTargets(report).map((target) => [target.status, target.error])).toEqual(
      Array.from({ length: 3 }, () => ['failed', 'not started: the time budget ran out before this action; a retry of the event handles it']),
    );
  });

  it('acts when the lease has more than a minute left', async () => {
    const report = await runRefresh(event(), config(), dependencies({ state: new MemoryStateTable() }), { leaseUntil: new Date(Date.now() + 120_000) });
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
  });
});
