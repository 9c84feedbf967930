import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ECSClient, ListClustersCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { loadConfig } from '../../../lib/config/config.js';
import { ForeignAccountError } from '../../../lib/errors.js';
import { type ChangeGuard, type ChangeKey, createDynamoDbChangeGuard, type GuardOutcome } from '../../../lib/pipeline/change-guard.js';
import { type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import { reportFailed } from '../../../lib/report/build-report.js';
import type { EcsServiceTargetReport, RefreshReport } from '../../../lib/report/types.js';
import { DeploymentTracker } from '../../../lib/tracking/deployment-tracker.js';
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
// DynamoDB (change record, deployments table) as a double: moto cannot throttle a PutItem on demand.
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

/** A ChangeGuard double: records keys, and either runs the work or answers a fixed duplicate outcome. */
class FakeChangeGuard implements ChangeGuard {
  public readonly keys: ChangeKey[] = [];
  public constructor(private readonly outcome: GuardOutcome['outcome'] = 'ran') {}

  public async run(key: ChangeKey, work: () => Promise<RefreshReport>): Promise<GuardOutcome> {
    this.keys.push(key);
    if (this.outcome === 'in-progress') return { outcome: 'in-progress' };
    if (this.outcome === 'replayed') return { outcome: 'replayed', report: { stored: true } as unknown as RefreshReport };
    // Like Powertools: an error thrown by the work propagates (and the record is deleted).
    return { outcome: 'ran', report: await work() };
  }
}

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

/** Dependencies with recording doubles; `overrides` may add a guard or an expected account. */
function dependencies(overrides: Pick<PipelineDependencies, 'guard' | 'expectedAccount' | 'tracker'> = {}) {
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
    const guard = new FakeChangeGuard();
    const report = await runRefresh(event(), config(), dependencies({ guard }));
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
    const guard = new FakeChangeGuard();
    const report = await runRefresh(event(), config(), dependencies({ guard }));
    expect(ecsTargets(report).map((target) => [target.name, target.status, target.deploymentId ?? target.error])).toEqual([
      ['orders-api', 'done', 'ecs-svc/new-orders-api'],
      ['orders-cron', 'done', 'ecs-svc/new-orders-cron'],
      ['orders-worker', 'failed', 'ThrottlingException: Rate exceeded'],
    ]);
    expect(report.summary).toMatchObject({ targets: 3, done: 2, failed: 1, inventoryProblems: 0 });
    expect(reportFailed(report)).toBe(true);
    expect(report).not.toHaveProperty('idempotency');
    expect(guard.keys).toHaveLength(1);
  });

  it('returns the failed report the same way without a guard', async () => {
    ecs.on(UpdateServiceCommand, { service: serviceArn('orders', 'orders-api') }).rejects(throttling());
    const report = await runRefresh(event(), config(), dependencies());
    expect(report.summary).toMatchObject({ done: 2, failed: 1 });
    expect(updatedServices()).toHaveLength(3);
  });

  it('gives the guard the key {arn, versionId, effect} of the change', async () => {
    const guard = new FakeChangeGuard();
    await runRefresh(event(), config(), dependencies({ guard }));
    expect(guard.keys).toEqual([{ arn: DB_SECRET_ARN, versionId: PUT_VERSION, effect: 'new-current-value' }]);
  });

  for (const outcome of ['replayed', 'in-progress'] as const) {
    it(`does nothing and reports idempotency "${outcome}" with a skipped reason when the guard answers ${outcome}`, async () => {
      const guard = new FakeChangeGuard(outcome);
      const report = await runRefresh(event(), config(), dependencies({ guard }));
      expect(report.idempotency).toBe(outcome);
      expect(report.skipped).toMatch(/^duplicate: /);
      expect(report.skipped).toContain(outcome === 'replayed' ? 'already handled by an earlier run' : 'another invocation is handling this change');
      expect(report.targets).toEqual([]);
      expect(report.summary.failed).toBe(0);
      expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
      expect(ecs.calls()).toHaveLength(0); // not even the inventory runs
      expect(guard.keys).toHaveLength(1);
    });
  }

  it('never consults the guard in a dry run and makes no UpdateService call', async () => {
    const guard = new FakeChangeGuard();
    const report = await runRefresh(event(), config(), dependencies({ guard }), { dryRun: true });
    expect(guard.keys).toEqual([]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(report.dryRun).toBe(true);
    expect(ecsTargets(report).map((target) => target.status)).toEqual(['planned', 'planned', 'planned']);
    expect(report.summary).toMatchObject({ planned: 3, done: 0, failed: 0 });
  });

  it('applies SECRET_REFRESH_DRY_RUN=true from the configuration the same way', async () => {
    const guard = new FakeChangeGuard();
    const report = await runRefresh(event(), config({ SECRET_REFRESH_DRY_RUN: 'true' }), dependencies({ guard }));
    expect(guard.keys).toEqual([]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(report.summary.planned).toBe(3);
  });

  it('throws ForeignAccountError for an event from another account before any AWS or directory call', async () => {
    const foreign = sampleEvent(PUT_EVENT);
    foreign.account = '444455556666';
    const guard = new FakeChangeGuard();
    const deps = dependencies({ guard, expectedAccount: ACCOUNT });
    const run = runRefresh({ type: 'event', event: foreign }, config(), deps);
    await expect(run).rejects.toBeInstanceOf(ForeignAccountError);
    await expect(run).rejects.toThrow('the event is from account 444455556666, but this deployment handles account 111122223333');
    expect(deps.directory.calls).toEqual([]);
    expect(deps.clients.requests).toEqual([]);
    expect(ecs.calls()).toHaveLength(0);
    expect(batch.calls()).toHaveLength(0);
    expect(guard.keys).toEqual([]);
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
    const guard = new FakeChangeGuard();
    const report = await runRefresh(event(PENDING_EVENT), config(), dependencies({ guard }));
    expect(report.skipped).toEqual(expect.stringContaining('AWSPENDING'));
    expect(report.change.effect).toBe('none');
    expect(report.targets).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(ecs.calls()).toHaveLength(0);
    expect(batch.calls()).toHaveLength(0);
    expect(guard.keys).toEqual([]);
  });

  it('counts an inventory problem (ListClusters throttled in one Region) in summary.failed and still acts in the other Region', async () => {
    ecs.on(ListClustersCommand).callsFake(async (_input: unknown, getClient: () => ECSClient) => {
      if ((await getClient().config.region()) === OTHER_REGION) throw throttling();
      return { clusterArns: [clusterArn('orders')] };
    });
    const guard = new FakeChangeGuard();
    const report = await runRefresh(event(), config({ SECRET_REFRESH_REGIONS: `${REGION},${OTHER_REGION}` }), dependencies({ guard }));
    expect(report.summary).toMatchObject({ regions: [REGION, OTHER_REGION], targets: 3, done: 3, failed: 1, inventoryProblems: 1 });
    expect(report.warnings).toContain(`inventory: ${OTHER_REGION} ListClusters: ThrottlingException: Rate exceeded`);
    expect(reportFailed(report)).toBe(true);
    expect(updatedServices()).toHaveLength(3);
    expect(sent.filter((request) => request.command === 'ListServices').map((request) => request.region)).toEqual([REGION]);
  });
});

describe('runRefresh: what reaches the report, and what fails the run', () => {
  const dynamodbClient = () => new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' }, maxAttempts: 1 });
  const storeError = () =>
    Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });

  it('fails the run (never reports in-progress) when the change record cannot be written, and deploys nothing', async () => {
    dynamodb.on(PutItemCommand).rejects(storeError());
    const guard = createDynamoDbChangeGuard('changes', undefined, dynamodbClient());
    const run = runRefresh(event(), config(), dependencies({ guard }));
    await expect(run).rejects.toThrow('Failed to save in progress record to idempotency store');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('reports a rollout that could not be recorded for tracking as a warning, after the deployments it made', async () => {
    documents.on(PutCommand).rejects(storeError());
    const tracker = new DeploymentTracker('deployments', dynamodbClient());
    const report = await runRefresh(event(), config(), dependencies({ tracker }));
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.warnings).toEqual([
      'could not record the deployments for tracking: ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded',
    ]);
  });

  it('records the rollout of the deployments it started, with no warning', async () => {
    documents.on(PutCommand).resolves({});
    const tracker = new DeploymentTracker('deployments', dynamodbClient());
    const report = await runRefresh(event(), config(), dependencies({ tracker }));
    expect(report.warnings).toEqual([]);
    const items = documents.commandCalls(PutCommand).map((call) => String(call.args[0].input.Item?.pk));
    expect(items.filter((pk) => pk.startsWith('rollout#'))).toHaveLength(1);
    expect(items.filter((pk) => pk.startsWith('deployment#')).sort()).toEqual([
      'deployment#ecs-svc/new-orders-api',
      'deployment#ecs-svc/new-orders-cron',
      'deployment#ecs-svc/new-orders-worker',
    ]);
  });

  it('records nothing for tracking in a dry run', async () => {
    const tracker = new DeploymentTracker('deployments', dynamodbClient());
    await runRefresh(event(), config(), dependencies({ tracker }), { dryRun: true });
    expect(dynamodb.calls()).toHaveLength(0);
    expect(documents.calls()).toHaveLength(0);
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
