/**
 * ECS shapes real accounts have, against moto_server: short service ARNs (an account that never opted in to the
 * long ARN format: moto 5.2.1 honours PutAccountSetting `serviceLongArnFormat=disabled` and then names services
 * `service/<name>`), and services that vanish between ListServices and DescribeServices or before UpdateService.
 * Also moto's own ListServices quirk (it lists the services of clusters whose name ends with the asked
 * cluster's: `jobs` lists `batch-jobs/…`), which real ECS does not have and which must not become noise.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  ListServicesCommand,
  type ListServicesCommandOutput,
  PutAccountSettingCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { safeParseArn } from '../../lib/arn/arn.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import type { EcsServiceTargetReport } from '../../lib/report/types.js';
import { resetMoto } from '../support/moto.js';
import { recordingPipeline, updatedServices } from '../support/recording-clients.js';

const REGION = 'us-east-1';
const config = loadConfig({ AWS_REGION: REGION });
const ecs = new ECSClient({ region: REGION, maxAttempts: 1 });

interface World {
  readonly account: string;
  readonly secretArn: string;
}

/** A secret, clusters `jobs` and `batch-jobs`, and one service in each reading the secret. */
async function seed(): Promise<World> {
  const created = await new SecretsManagerClient({ region: REGION }).send(new CreateSecretCommand({ Name: 'fidelity/db', SecretString: '{"password":"v1"}' }));
  const secretArn = created.ARN ?? '';
  for (const cluster of ['jobs', 'batch-jobs']) await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'reader',
      containerDefinitions: [{ name: 'app', image: 'busybox:latest', memory: 128, secrets: [{ name: 'DB', valueFrom: `${secretArn}:password::` }] }],
    }),
  );
  await ecs.send(new CreateServiceCommand({ cluster: 'jobs', serviceName: 'loader', taskDefinition: 'reader', desiredCount: 1 }));
  await ecs.send(new CreateServiceCommand({ cluster: 'batch-jobs', serviceName: 'nightly', taskDefinition: 'reader', desiredCount: 1 }));
  return { account: safeParseArn(secretArn)?.account ?? '', secretArn };
}

async function rotationEvent(world: World) {
  const rotation = await rotateSecret(world.secretArn, REGION, '{"password":"v2"}');
  return secretLabelUpdatedEvent({ account: world.account, region: REGION, secretArn: world.secretArn, secretName: 'fidelity/db', ...rotation });
}

const ecsTargets = (targets: readonly { type: string }[]) => targets.filter((target): target is EcsServiceTargetReport => target.type === 'ecs-service');

describe('short service ARNs (serviceLongArnFormat disabled) against moto', () => {
  let world: World;

  beforeEach(async () => {
    await resetMoto();
    await ecs.send(new PutAccountSettingCommand({ name: 'serviceLongArnFormat', value: 'disabled' }));
    world = await seed();
  });

  it('moto names services service/<name> once the long ARN format is disabled', async () => {
    const listed = await ecs.send(new ListServicesCommand({ cluster: 'batch-jobs' }));
    expect(listed.serviceArns).toEqual([`arn:aws:ecs:${REGION}:${world.account}:service/nightly`]);
  });

  it('redeploys services with short ARNs in their own cluster, reports the cluster, and lets no listing artefact through', async () => {
    const { dependencies, calls } = recordingPipeline();
    const report = await runRefresh({ type: 'event', event: await rotationEvent(world) }, config, dependencies);

    const short = (name: string) => `arn:aws:ecs:${REGION}:${world.account}:service/${name}`;
    expect(updatedServices(calls)).toEqual([short('loader'), short('nightly')]);
    // Each UpdateService names the cluster the service was listed in: a short ARN does not say it.
    expect(calls.filter((call) => call.command === 'UpdateServiceCommand').map((call) => [call.input.cluster, call.input.service])).toEqual(
      expect.arrayContaining([
        [`arn:aws:ecs:${REGION}:${world.account}:cluster/jobs`, short('loader')],
        [`arn:aws:ecs:${REGION}:${world.account}:cluster/batch-jobs`, short('nightly')],
      ]),
    );
    // moto's ListServices on `jobs` also returned batch-jobs' short ARN, which DescribeServices in `jobs` answered
    // MISSING: it was described in its own cluster, so it is neither a vanished service nor a problem.
    const jobs = `arn:aws:ecs:${REGION}:${world.account}:cluster/jobs`;
    const describedInJobs = calls
      .filter((call) => call.command === 'DescribeServicesCommand' && call.input.cluster === jobs)
      .flatMap((call) => call.input.services as string[]);
    expect(describedInJobs.sort()).toEqual([short('loader'), short('nightly')]);
    expect(ecsTargets(report.targets).map((target) => [target.cluster, target.name, target.status, target.code])).toEqual([
      ['batch-jobs', 'nightly', 'done', undefined],
      ['jobs', 'loader', 'done', undefined],
    ]);
    expect(report.warnings).toEqual([]);
    expect(report.summary).toMatchObject({ clusters: 2, servicesScanned: 2, failed: 0, inventoryProblems: 0 });
  });
});

describe('vanished services against moto', () => {
  let world: World;

  beforeEach(async () => {
    await resetMoto();
    world = await seed();
  });

  it("ignores moto's listing of another cluster's long ARNs: neither described there nor reported", async () => {
    const { dependencies, calls } = recordingPipeline();
    const report = await runRefresh({ type: 'event', event: await rotationEvent(world) }, config, dependencies);

    const jobs = `arn:aws:ecs:${REGION}:${world.account}:cluster/jobs`;
    const describedInJobs = calls
      .filter((call) => call.command === 'DescribeServicesCommand' && call.input.cluster === jobs)
      .flatMap((call) => call.input.services as string[]);
    expect(describedInJobs).toEqual([`arn:aws:ecs:${REGION}:${world.account}:service/jobs/loader`]);
    expect(ecsTargets(report.targets).map((target) => [target.cluster, target.name, target.status])).toEqual([
      ['batch-jobs', 'nightly', 'done'],
      ['jobs', 'loader', 'done'],
    ]);
    expect(report.summary).toMatchObject({ failed: 0, inventoryProblems: 0 });
  });

  it('reports a service DescribeServices answers MISSING for (deleted after ListServices) as skipped not-found; the run succeeds', async () => {
    const { dependencies, calls } = recordingPipeline();
    const ghost = `arn:aws:ecs:${REGION}:${world.account}:service/jobs/ghost`;
    // Injected race: ListServices (moto's answer) also names a service that is deleted right after; moto's own
    // DescribeServices then answers MISSING for it.
    dependencies.clients.ecs(REGION).middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const input = (args as { input: { cluster?: string } }).input;
        if (context.commandName === 'ListServicesCommand' && String(input.cluster).endsWith(':cluster/jobs')) {
          const output = result.output as ListServicesCommandOutput;
          output.serviceArns = [...(output.serviceArns ?? []), ghost];
        }
        return result;
      },
      { step: 'initialize', name: 'vanishedServiceRace' },
    );

    const report = await runRefresh({ type: 'event', event: await rotationEvent(world) }, config, dependencies);

    const described = calls.filter((call) => call.command === 'DescribeServicesCommand').flatMap((call) => call.input.services as string[]);
    expect(described).toContain(ghost);
    expect(ecsTargets(report.targets).map((target) => [target.name, target.status, target.code])).toEqual([
      ['nightly', 'done', undefined],
      ['loader', 'done', undefined],
      ['ghost', 'skipped', 'not-found'],
    ]);
    expect(report.targets[2]?.reason).toBe(
      'ListServices named the service but DescribeServices reports it MISSING: it was deleted in between; nothing of it runs, so nothing reads an old value',
    );
    expect(report.summary).toMatchObject({ failed: 0, inventoryProblems: 0, skipped: 1 });
    expect(updatedServices(calls)).not.toContain(ghost);
  });

  it('skips a service gone before its UpdateService (moto: ServiceNotFoundException) with code not-found; the run succeeds', async () => {
    const { dependencies } = recordingPipeline();
    const loader = `arn:aws:ecs:${REGION}:${world.account}:service/jobs/loader`;
    // Injected race: between the inventory and the UpdateService of `loader`, the account loses its services
    // (moto keeps deleted services as INACTIVE, so a reset and the clusters recreated empty stand for "deleted and
    // purged"). moto then answers UpdateService itself: ServiceNotFoundException.
    let raced = false;
    dependencies.clients.ecs(REGION).middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input: { service?: string } }).input;
        if (context.commandName === 'UpdateServiceCommand' && input.service === loader && !raced) {
          raced = true;
          await resetMoto();
          for (const cluster of ['jobs', 'batch-jobs']) await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
        }
        return next(args);
      },
      { step: 'initialize', name: 'serviceDeletedRace' },
    );

    const report = await runRefresh({ type: 'event', event: await rotationEvent(world) }, { ...config, concurrency: 1 }, dependencies);

    const targets = ecsTargets(report.targets);
    const loaderReport = targets.find((target) => target.name === 'loader');
    expect(loaderReport).toMatchObject({ status: 'skipped', code: 'not-found' });
    expect(loaderReport?.reason).toBe(
      'the service is gone (UpdateService: ServiceNotFoundException: Service not found.): it was deleted after the inventory; nothing of it runs, so nothing reads an old value',
    );
    // One call at a time in plan order (batch-jobs before jobs): `nightly` was deployed before the race.
    expect(targets.find((target) => target.name === 'nightly')?.status).toBe('done');
    expect(report.summary.failed).toBe(0);
  });
});
