import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServiceDeploymentsCommand, DescribeServiceRevisionsCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { executeEcsPlan, NOT_STARTED } from '../../../lib/actions/force-new-deployments.js';
import type { PlannedEcsService } from '../../../lib/plan/types.js';
import { ACCOUNT, clusterArn, deferred, ecsError, fakeClients, OTHER_REGION, REGION, serviceArn, settle, throttling } from '../aws/ecs-doubles.js';

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

describe('executeEcsPlan: services gone by the time of UpdateService', () => {
  it.each([
    ['ServiceNotFoundException', 'Service not found.'],
    // moto 5.2.1 accepts UpdateService on an INACTIVE service, so this answer exists only here.
    ['ServiceNotActiveException', 'Service was not ACTIVE.'],
    ['ClusterNotFoundException', 'Cluster not found.'],
  ])('skips a service UpdateService answers %s for with code not-found, and deploys the others', async (name, message) => {
    ecs.on(UpdateServiceCommand, { service: serviceArn('orders', 'gone') }).rejects(ecsError(name, message));
    const reports = await executeEcsPlan([redeploy('gone'), redeploy('svc-a')], { clients: fakeClients(), dryRun: false, concurrency: 2 });
    expect(reports.map((report) => [report.name, report.status, report.code])).toEqual([
      ['gone', 'skipped', 'not-found'],
      ['svc-a', 'done', undefined],
    ]);
    expect(reports[0]?.reason).toBe(
      `the service is gone (UpdateService: ${name}: ${message}): it was deleted after the inventory; nothing of it runs, so nothing reads an old value`,
    );
    expect(reports[0]).not.toHaveProperty('error');
  });
});

describe('executeEcsPlan: modern deployment types', () => {
  it.each([
    ['BLUE_GREEN', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 15 }],
    ['LINEAR', { strategy: 'LINEAR', linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 6 } }],
    ['CANARY', { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } }],
    ['Express Mode', { strategy: 'ROLLING', expressMode: true as const }],
  ])('forces a new deployment of a %s service like any other and reports how it rolls out', async (_what, deployment) => {
    const [report] = await executeEcsPlan([redeploy('svc-a', { deployment })], { clients: fakeClients(), dryRun: false, concurrency: 1 });
    expect(updated()).toEqual([{ cluster: clusterArn('orders'), service: serviceArn('orders', 'svc-a'), forceNewDeployment: true }]);
    expect(report).toMatchObject({ status: 'done', deploymentId: 'ecs-svc/new-svc-a', deployment });
  });

  it('fails (and so retries later) a forced deployment ECS refuses while a blue/green deployment is in flight', async () => {
    ecs.on(UpdateServiceCommand).rejects(ecsError('InvalidParameterException', 'a deployment is in progress'));
    const [report] = await executeEcsPlan([redeploy('svc-a', { deployment: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 60 } })], {
      clients: fakeClients(),
      dryRun: false,
      concurrency: 1,
    });
    expect(report).toMatchObject({ status: 'failed', error: 'InvalidParameterException: a deployment is in progress' });
  });
});

/**
 * The image drift guard before UpdateService, against client mocks: moto 5.2.1 lacks DescribeServiceDeployments
 * and DescribeServiceRevisions (see test/unit/actions/image-drift.test.ts for the look-ups themselves).
 */
describe('executeEcsPlan: SECRET_REFRESH_IMAGE_DRIFT', () => {
  const ecr = mockClient(ECRClient);
  afterAll(() => ecr.restore());
  const RUNNING = `sha256:${'a'.repeat(64)}`;
  const MOVED = `sha256:${'b'.repeat(64)}`;
  const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders:latest`;
  const deployment = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/orders/${name}/d1`;
  const revision = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/orders/${name}/r1`;

  /** A redeploy target whose `app` names the ECR tag `orders:latest` and runs RUNNING. */
  const mutable = (name: string) => redeploy(name, { images: { containers: [{ name: 'app', image: IMAGE }], currentServiceDeployment: deployment(name) } });

  beforeEach(() => {
    ecr.reset();
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(async (input: { serviceDeploymentArns: string[] }) => ({
      serviceDeployments: input.serviceDeploymentArns.map((arn) => ({
        serviceDeploymentArn: arn,
        targetServiceRevision: { arn: revision(arn.split('/')[2] ?? '') },
      })),
    }));
    ecs.on(DescribeServiceRevisionsCommand).callsFake(async (input: { serviceRevisionArns: string[] }) => ({
      serviceRevisions: input.serviceRevisionArns.map((arn) => ({
        serviceRevisionArn: arn,
        containerImages: [{ containerName: 'app', imageDigest: RUNNING }],
      })),
    }));
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: MOVED }] });
  });

  it('warn (the default): redeploys, and names the image that ships with the deployment', async () => {
    const [report] = await executeEcsPlan([mutable('svc-a')], { clients: fakeClients(), dryRun: false, concurrency: 2 });
    expect(report).toMatchObject({ status: 'done', deploymentId: 'ecs-svc/new-svc-a', imageDrift: { status: 'drift' } });
    expect(report?.imageDrift?.containers).toEqual([
      expect.objectContaining({ container: 'app', image: IMAGE, status: 'drift', runningDigest: RUNNING, currentDigest: MOVED }),
    ]);
    expect(report?.reason).toMatch(
      /; image drift \(SECRET_REFRESH_IMAGE_DRIFT=warn\), the new image ships with this deployment: app \(.*orders:latest\): tag latest now resolves to sha256:b{12}…; the running deployment has sha256:a{12}…$/,
    );
    expect(report).not.toHaveProperty('images');
  });

  it('block: skips the drifted service with code image-drift, without UpdateService, and deploys the one whose tag did not move', async () => {
    ecr.on(DescribeImagesCommand, { repositoryName: 'steady' }).resolves({ imageDetails: [{ imageDigest: RUNNING }] });
    const steady = redeploy('svc-steady', {
      images: {
        containers: [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/steady:latest` }],
        currentServiceDeployment: deployment('svc-steady'),
      },
    });
    const reports = await executeEcsPlan([mutable('svc-a'), steady], { clients: fakeClients(), dryRun: false, concurrency: 2, imageDrift: 'block' });
    expect(reports.map((report) => [report.name, report.status, report.code])).toEqual([
      ['svc-a', 'skipped', 'image-drift'],
      ['svc-steady', 'done', undefined],
    ]);
    expect(updated().map((input) => input.service)).toEqual([serviceArn('orders', 'svc-steady')]);
    expect(reports[0]?.reason).toMatch(/^image drift: a forced new deployment would also ship another image: app \(.*\): tag latest now resolves to /);
    expect(reports[0]?.reason).toMatch(/SECRET_REFRESH_IMAGE_DRIFT=block: not redeployed; deploy the new image deliberately/);
    expect(reports[1]).not.toHaveProperty('imageDrift');
  });

  it('block: still skips the drifted service when a deadline is set but not reached (the guard looks until the deadline)', async () => {
    const [report] = await executeEcsPlan([mutable('svc-a')], {
      clients: fakeClients(),
      dryRun: false,
      concurrency: 1,
      imageDrift: 'block',
      deadline: new Date(Date.now() + 60_000),
    });
    expect(report).toMatchObject({ status: 'skipped', code: 'image-drift', imageDrift: { status: 'drift' } });
    expect(updated()).toEqual([]);
  });

  it('block never blocks on unknown: an image of another registry is redeployed, with the unknown reported', async () => {
    const other = redeploy('svc-hub', { images: { containers: [{ name: 'web', image: 'nginx:latest' }], currentServiceDeployment: deployment('svc-hub') } });
    const [report] = await executeEcsPlan([other], { clients: fakeClients(), dryRun: false, concurrency: 1, imageDrift: 'block' });
    expect(report).toMatchObject({ status: 'done', imageDrift: { status: 'unknown' } });
    expect(report?.reason).toBe(other.reason);
  });

  it('allow: makes no look-up at all and reports nothing about images', async () => {
    const [report] = await executeEcsPlan([mutable('svc-a')], { clients: fakeClients(), dryRun: false, concurrency: 1, imageDrift: 'allow' });
    expect(report?.status).toBe('done');
    expect(report).not.toHaveProperty('imageDrift');
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toEqual([]);
    expect(ecr.calls()).toEqual([]);
  });

  it('a dry run looks too (read-only) and shows what block and warn would do', async () => {
    const [blocked] = await executeEcsPlan([mutable('svc-a')], { clients: fakeClients(), dryRun: true, concurrency: 1, imageDrift: 'block' });
    expect(blocked).toMatchObject({ status: 'skipped', code: 'image-drift', imageDrift: { status: 'drift' } });
    expect(blocked?.reason).toMatch(/^dry run: would skip: image drift: /);
    const [warned] = await executeEcsPlan([mutable('svc-a')], { clients: fakeClients(), dryRun: true, concurrency: 1, imageDrift: 'warn' });
    expect(warned).toMatchObject({ status: 'planned', imageDrift: { status: 'drift' } });
    expect(warned?.reason).toMatch(/^dry run: would redeploy: .*; image drift \(SECRET_REFRESH_IMAGE_DRIFT=warn\)/);
    expect(updated()).toEqual([]);
  });

  it('checks nothing once the deadline has passed (the targets are not started anyway)', async () => {
    const [report] = await executeEcsPlan([mutable('svc-a')], { clients: fakeClients(), dryRun: false, concurrency: 1, deadline: new Date(Date.now() - 1) });
    expect(report).toMatchObject({ status: 'failed', error: NOT_STARTED });
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toEqual([]);
  });
});

describe('executeEcsPlan: targets not deployed now', () => {
  it('reports a deferred service deferred, with when it is due, and never calls UpdateService for it (also in a dry run)', async () => {
    const later = redeploy('recent', { decision: 'defer', due: '2026-11-20T10:05:00.000Z', reason: 'deferred until 2026-11-20T10:05:00.000Z' } as never);
    for (const dryRun of [false, true]) {
      const [report] = await executeEcsPlan([later], { clients: fakeClients(), dryRun, concurrency: 5 });
      expect(report).toMatchObject({ status: 'deferred', due: '2026-11-20T10:05:00.000Z', reason: 'deferred until 2026-11-20T10:05:00.000Z' });
      expect(report).not.toHaveProperty('decision');
      expect(report).not.toHaveProperty('clusterArn');
    }
    expect(updated()).toEqual([]);
  });
});
