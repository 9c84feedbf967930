import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { executeEcsPlan, NOT_STARTED } from '../../../lib/actions/force-new-deployments.js';
import type { PlannedEcsService } from '../../../lib/plan/types.js';
import { clusterArn, deferred, fakeClients, OTHER_REGION, REGION, serviceArn, settle, throttling } from '../aws/ecs-doubles.js';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());
beforeEach(() => {
  ecs.reset();
  // Answers like ECS: the updated service with a new PRIMARY deployment named after the service.
  ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => ({
    service: {
      serviceArn: input.service,
      deployments: [
        { id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' },
        { id: 'ecs-svc/old', status: 'ACTIVE' },
      ],
    },
  }));
});

function redeploy(name: string, overrides: Partial<PlannedEcsService> = {}): PlannedEcsService {
  const region = overrides.region ?? REGION;
  return {
    type: 'ecs-service',
    arn: serviceArn('orders', name, region),
    name,
    cluster: 'orders',
    clusterArn: clusterArn('orders', region),
    region,
    decision: 'redeploy',
    reason: `container app reads the current value of secret demo/orders/db-credentials, which changed (${name})`,
    references: [],
    ...overrides,
  } as PlannedEcsService;
}

function skipped(name: string): PlannedEcsService {
  return redeploy(name, { decision: 'skip', code: 'already-fresh', reason: 'already fresh: PRIMARY deployment is newer than the change' });
}

const updated = () => ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input);
const FIVE = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e'];

describe('executeEcsPlan', () => {
  it('marks a throttled UpdateService failed with the error and still deploys the other 4', async () => {
    ecs.on(UpdateServiceCommand, { service: serviceArn('orders', 'svc-c') }).rejects(throttling());
    const reports = await executeEcsPlan(
      FIVE.map((name) => redeploy(name)),
      { clients: fakeClients(), dryRun: false, concurrency: 2 },
    );
    expect(reports.map((report) => [report.name, report.status, report.deploymentId ?? report.error])).toEqual([
      ['svc-a', 'done', 'ecs-svc/new-svc-a'],
      ['svc-b', 'done', 'ecs-svc/new-svc-b'],
      ['svc-c', 'failed', 'ThrottlingException: Rate exceeded'],
      ['svc-d', 'done', 'ecs-svc/new-svc-d'],
      ['svc-e', 'done', 'ecs-svc/new-svc-e'],
    ]);
    expect(reports[2]).not.toHaveProperty('deploymentId');
    expect(updated()).toHaveLength(5);
    expect(updated()).toContainEqual({ cluster: clusterArn('orders'), service: serviceArn('orders', 'svc-c'), forceNewDeployment: true });
  });

  it('sends UpdateService with forceNewDeployment to the Region and cluster of each target, and reports without plan internals', async () => {
    const targets = [redeploy('svc-a'), redeploy('svc-eu', { region: OTHER_REGION })];
    const clients = fakeClients();
    const reports = await executeEcsPlan(targets, { clients, dryRun: false, concurrency: 5 });
    expect(updated()).toEqual([
      { cluster: clusterArn('orders'), service: serviceArn('orders', 'svc-a'), forceNewDeployment: true },
      { cluster: clusterArn('orders', OTHER_REGION), service: serviceArn('orders', 'svc-eu', OTHER_REGION), forceNewDeployment: true },
    ]);
    expect(clients.requests.filter((request) => request.service === 'ecs').map((request) => request.region)).toEqual([REGION, OTHER_REGION]);
    expect(reports[1]).toEqual({
      type: 'ecs-service',
      arn: serviceArn('orders', 'svc-eu', OTHER_REGION),
      name: 'svc-eu',
      cluster: 'orders',
      region: OTHER_REGION,
      reason: targets[1]?.reason,
      references: [],
      status: 'done',
      deploymentId: 'ecs-svc/new-svc-eu',
      changes: [],
    });
  });

  it('makes no UpdateService call in a dry run and marks redeploy targets planned', async () => {
    const targets = [...FIVE.map((name) => redeploy(name)), skipped('svc-fresh')];
    const reports = await executeEcsPlan(targets, { clients: fakeClients(), dryRun: true, concurrency: 5 });
    expect(updated()).toEqual([]);
    expect(reports.map((report) => report.status)).toEqual(['planned', 'planned', 'planned', 'planned', 'planned', 'skipped']);
    expect(reports[0]?.reason).toBe(`dry run: would redeploy: ${targets[0]?.reason}`);
    expect(reports[0]).not.toHaveProperty('deploymentId');
  });

  it('leaves skip targets skipped, with their code and reason, without calling UpdateService for them', async () => {
    const targets = [skipped('svc-fresh'), redeploy('svc-a'), skipped('svc-other')];
    const reports = await executeEcsPlan(targets, { clients: fakeClients(), dryRun: false, concurrency: 5 });
    expect(reports.map((report) => [report.name, report.status, report.code])).toEqual([
      ['svc-fresh', 'skipped', 'already-fresh'],
      ['svc-a', 'done', undefined],
      ['svc-other', 'skipped', 'already-fresh'],
    ]);
    expect(reports[0]?.reason).toBe('already fresh: PRIMARY deployment is newer than the change');
    expect(updated().map((input) => input.service)).toEqual([serviceArn('orders', 'svc-a')]);
  });

  it('never has more than `concurrency` UpdateService calls in flight', async () => {
    const held: { resolve: () => void }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const gate = deferred<void>();
      held.push({ resolve: () => gate.resolve() });
      await gate.promise;
      inFlight--;
      return { service: { deployments: [{ id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' }] } };
    });
    const names = Array.from({ length: 8 }, (_, index) => `svc-${index}`);
    const run = executeEcsPlan(
      names.map((name) => redeploy(name)),
      { clients: fakeClients(), dryRun: false, concurrency: 3 },
    );
    let released = 0;
    while (released < names.length) {
      await settle();
      expect(inFlight).toBe(Math.min(3, names.length - released));
      held[released]?.resolve();
      released++;
    }
    const reports = await run;
    expect(maxInFlight).toBe(3);
    expect(updated()).toHaveLength(8);
    expect(reports.map((report) => report.deploymentId)).toEqual(names.map((name) => `ecs-svc/new-${name}`));
  });

  it('deploys wave by wave, lowest wave first and untagged last', async () => {
    const targets = [redeploy('untagged'), redeploy('wave-2', { wave: 2 }), redeploy('wave-0', { wave: 0 })];
    const reports = await executeEcsPlan(targets, { clients: fakeClients(), dryRun: false, concurrency: 5 });
    expect(updated().map((input) => input.service?.split('/').pop())).toEqual(['wave-0', 'wave-2', 'untagged']);
    expect(reports.map((report) => [report.name, report.status])).toEqual([
      ['untagged', 'done'],
      ['wave-2', 'done'],
      ['wave-0', 'done'],
    ]);
  });

  it('with waitForSteady deploys only the first wave and marks later waves waiting', async () => {
    const targets = [redeploy('wave-1', { wave: 1 }), redeploy('untagged')];
    const reports = await executeEcsPlan(targets, { clients: fakeClients(), dryRun: false, concurrency: 5, waitForSteady: true });
    expect(updated().map((input) => input.service)).toEqual([serviceArn('orders', 'wave-1')]);
    expect(reports.map((report) => report.status)).toEqual(['done', 'waiting']);
  });

  it('fails targets as not started, without calling UpdateService, once the deadline has passed', async () => {
    const reports = await executeEcsPlan([redeploy('svc-a'), skipped('svc-fresh')], {
      clients: fakeClients(),
      dryRun: false,
      concurrency: 5,
      deadline: new Date(Date.now() - 1000),
    });
    expect(updated()).toEqual([]);
    expect(reports.map((report) => [report.status, report.error])).toEqual([
      ['failed', NOT_STARTED],
      ['skipped', undefined],
    ]);
  });
});
