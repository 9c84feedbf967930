/**
 * The image drift guard end to end against moto_server: the ECR side is moto's own (CreateRepository, PutImage
 * moves a tag, DescribeImages resolves it). The ECS side has one gap: moto 5.2.1 returns no
 * `currentServiceDeployment` in DescribeServices and does not implement DescribeServiceDeployments /
 * DescribeServiceRevisions, so test/support/ecs-service-deployments.ts answers those (with the digest ECS would
 * have resolved when the running deployment started); everything else is moto's.
 */
import { BatchDeleteImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { safeParseArn } from '../../lib/arn/arn.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import type { EcsServiceTargetReport } from '../../lib/report/types.js';
import { serveServiceDeployments } from '../support/ecs-service-deployments.js';
import { resetMoto } from '../support/moto.js';
import { recordingPipeline, updatedServices } from '../support/recording-clients.js';

const REGION = 'us-east-1';
const ecs = new ECSClient({ region: REGION, maxAttempts: 1 });
const ecr = new ECRClient({ region: REGION, maxAttempts: 1 });

/** An image manifest with one layer: moto's digest depends on the layers, so each build differs. */
function manifest(build: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 2, digest: `sha256:${'c'.repeat(64)}` },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 3, digest: `sha256:${build.repeat(64).slice(0, 64)}` }],
  });
}

async function push(repositoryName: string, build: string, imageTag: string): Promise<string> {
  const pushed = await ecr.send(new PutImageCommand({ repositoryName, imageManifest: manifest(build), imageTag }));
  return pushed.image?.imageId?.imageDigest ?? '';
}

interface World {
  readonly account: string;
  readonly secretArn: string;
  readonly apiArn: string;
  readonly workerArn: string;
  /** What `orders:latest` resolved to when the services were deployed. */
  readonly deployedDigest: string;
}

/** A secret; services `api` (ECR `orders:latest`) and `worker` (ECR `orders:stable`), both deployed at build 1. */
async function seed(): Promise<World> {
  const created = await new SecretsManagerClient({ region: REGION }).send(new CreateSecretCommand({ Name: 'drift/db', SecretString: '{"password":"v1"}' }));
  const secretArn = created.ARN ?? '';
  const account = safeParseArn(secretArn)?.account ?? '';
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'orders' }));
  const deployedDigest = await push('orders', '1', 'latest');
  await ecr.send(new PutImageCommand({ repositoryName: 'orders', imageManifest: manifest('1'), imageTag: 'stable' }));
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  for (const [family, tag] of [
    ['api', 'latest'],
    ['worker', 'stable'],
  ] as const) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          { name: 'app', image: `${account}.dkr.ecr.${REGION}.amazonaws.com/orders:${tag}`, memory: 128, secrets: [{ name: 'DB', valueFrom: secretArn }] },
        ],
      }),
    );
    await ecs.send(new CreateServiceCommand({ cluster: 'shop', serviceName: family, taskDefinition: family, desiredCount: 1 }));
  }
  const service = (name: string) => `arn:aws:ecs:${REGION}:${account}:service/shop/${name}`;
  return { account, secretArn, apiArn: service('api'), workerArn: service('worker'), deployedDigest };
}

/** Rotates the secret and runs the pipeline with `SECRET_REFRESH_IMAGE_DRIFT=policy`, publishing to moto's default bus. */
async function refresh(world: World, policy: string) {
  const config = loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_IMAGE_DRIFT: policy, SECRET_REFRESH_EVENT_BUS: 'default' });
  const { dependencies, calls } = recordingPipeline();
  serveServiceDeployments(dependencies.clients.ecs(REGION), [
    { serviceArn: world.apiArn, containers: { app: world.deployedDigest } },
    { serviceArn: world.workerArn, containers: { app: world.deployedDigest } },
  ]);
  const rotation = await rotateSecret(world.secretArn, REGION, '{"password":"v2"}');
  const event = secretLabelUpdatedEvent({ account: world.account, region: REGION, secretArn: world.secretArn, secretName: 'drift/db', ...rotation });
  const report = await runRefresh({ type: 'event', event }, config, dependencies);
  const byName = (name: string) => report.targets.find((target): target is EcsServiceTargetReport => target.type === 'ecs-service' && target.name === name);
  const alerts = calls
    .filter((call) => call.command === 'PutEventsCommand')
    .flatMap((call) => call.input.Entries as { DetailType: string; Detail: string }[])
    .filter((entry) => entry.DetailType === 'Secret Refresh Alert')
    .map((entry) => JSON.parse(entry.Detail) as { alert: string; targets: { name: string; code?: string }[] });
  return { report, calls, byName, alerts };
}

describe('the image drift guard against moto (ECR) with the ECS service deployment gap filled', () => {
  let world: World;

  beforeEach(async () => {
    await resetMoto();
    world = await seed();
  });

  it('block: a service whose tag moved since its deployment is not redeployed (image-drift) and alerted; the other is', async () => {
    const moved = await push('orders', '2', 'latest');
    expect(moved).not.toBe(world.deployedDigest);

    const { report, calls, byName, alerts } = await refresh(world, 'block');

    expect(updatedServices(calls)).toEqual([world.workerArn]);
    expect(byName('api')).toMatchObject({ status: 'skipped', code: 'image-drift', imageDrift: { status: 'drift' } });
    expect(byName('api')?.imageDrift?.containers).toEqual([
      {
        container: 'app',
        image: `${world.account}.dkr.ecr.${REGION}.amazonaws.com/orders:latest`,
        status: 'drift',
        runningDigest: world.deployedDigest,
        currentDigest: moved,
        reason: `tag latest now resolves to ${moved.slice(0, 19)}…; the running deployment has ${world.deployedDigest.slice(0, 19)}…`,
      },
    ]);
    expect(byName('worker')).toMatchObject({ status: 'done' });
    expect(byName('worker')).not.toHaveProperty('imageDrift');
    expect(alerts).toMatchObject([{ alert: 'image-drift', targets: [{ name: 'api', code: 'image-drift' }] }]);
    expect(report.summary.failed).toBe(0);
    // moto's ECR answered the tag look-ups (one per distinct image), read-only.
    expect(calls.filter((call) => call.service === 'ecr').map((call) => [call.command, (call.input.imageIds as { imageTag: string }[])[0]?.imageTag])).toEqual(
      expect.arrayContaining([
        ['DescribeImagesCommand', 'latest'],
        ['DescribeImagesCommand', 'stable'],
      ]),
    );
  });

  it('warn (the default): redeploys both, names the image that ships with the api deployment, and alerts', async () => {
    await push('orders', '2', 'latest');
    const { calls, byName, alerts } = await refresh(world, 'warn');
    expect(updatedServices(calls)).toEqual([world.apiArn, world.workerArn]);
    expect(byName('api')).toMatchObject({ status: 'done', imageDrift: { status: 'drift' } });
    expect(byName('api')?.reason).toContain('image drift (SECRET_REFRESH_IMAGE_DRIFT=warn), the new image ships with this deployment: app (');
    expect(alerts.map((alert) => [alert.alert, alert.targets.map((target) => target.name)])).toEqual([['image-drift', ['api']]]);
  });

  it('a tag deleted from the repository is drift too: a forced deployment could not pull it', async () => {
    // Someone deleted the `stable` tag (BatchDeleteImage by tag) after the worker was deployed.
    await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'orders', imageIds: [{ imageTag: 'stable' }] }));
    const { byName } = await refresh(world, 'block');
    expect(byName('worker')).toMatchObject({ status: 'skipped', code: 'image-drift' });
    expect(byName('worker')?.imageDrift?.containers[0]?.reason).toBe('tag stable no longer exists in repository orders: new tasks could not pull the image');
  });

  it('allow: looks nothing up and redeploys both', async () => {
    await push('orders', '2', 'latest');
    const { calls, byName, alerts } = await refresh(world, 'allow');
    expect(updatedServices(calls)).toEqual([world.apiArn, world.workerArn]);
    const lookUps = calls.filter((call) => call.service === 'ecr' || /^DescribeService(Deployments|Revisions)Command$/.test(call.command));
    expect(lookUps).toEqual([]);
    expect(byName('api')).not.toHaveProperty('imageDrift');
    expect(alerts).toEqual([]);
  });

  it('says nothing when no tag moved', async () => {
    const { calls, report, alerts } = await refresh(world, 'block');
    expect(updatedServices(calls)).toEqual([world.apiArn, world.workerArn]);
    expect(report.targets.some((target) => 'imageDrift' in target)).toBe(false);
    expect(alerts).toEqual([]);
  });
});
