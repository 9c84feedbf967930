/**
 * Multi-Region secrets against moto: moto creates replicas (CreateSecret AddReplicaRegions), lists them in the
 * primary's DescribeSecret `ReplicationStatus`, answers DescribeSecret of the replica ARN in the replica Region
 * with `PrimaryRegion`, and copies the primary's new versions (same version ids) to the replica.
 */
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { createIdempotencyTable } from '../../demo/tables.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { nextSecond, resetMoto } from '../support/moto.js';
import { motoStateTable } from '../support/moto-state-table.js';
import { recordingPipeline, updatedServices } from '../support/recording-clients.js';

const PRIMARY = 'us-east-1';
const REPLICA = 'us-west-2';
const NAME = 'shared/orders/db';
const TABLE = 'secret-refresh-test-replica-changes';
const config = loadConfig({ AWS_REGION: PRIMARY, SECRET_REFRESH_REGIONS: `${PRIMARY},${REPLICA}` });

interface World {
  readonly account: string;
  readonly primaryArn: string;
  readonly replicaArn: string;
  /** Service ARN → what a change of the primary must do to it. */
  readonly services: Record<string, 'redeploy' | 'not-a-target'>;
}

/** A primary in us-east-1 replicated to us-west-2, one reader of each, and a look-alike in the replica Region. */
async function seed(): Promise<World> {
  const created = await new SecretsManagerClient({ region: PRIMARY }).send(
    new CreateSecretCommand({ Name: NAME, SecretString: '{"password":"v1"}', AddReplicaRegions: [{ Region: REPLICA }] }),
  );
  const other = await new SecretsManagerClient({ region: REPLICA }).send(new CreateSecretCommand({ Name: `${NAME}-eu-only`, SecretString: 'x' }));
  const primaryArn = created.ARN ?? '';
  const account = primaryArn.split(':')[4] ?? '';
  const replicaArn = primaryArn.replace(`:${PRIMARY}:`, `:${REPLICA}:`);
  const readers: [string, string, string[], 'redeploy' | 'not-a-target'][] = [
    [PRIMARY, 'primary-reader', [`${primaryArn}:password::`], 'redeploy'],
    [REPLICA, 'replica-reader', [`${replicaArn}:password::`], 'redeploy'],
    [REPLICA, 'replica-pass-through', [`/aws/reference/secretsmanager/${NAME}`], 'redeploy'],
    [REPLICA, 'replica-look-alike', [other.ARN ?? ''], 'not-a-target'],
  ];
  const services: Record<string, 'redeploy' | 'not-a-target'> = {};
  for (const region of [PRIMARY, REPLICA]) await new ECSClient({ region }).send(new CreateClusterCommand({ clusterName: 'orders' }));
  for (const [region, name, valueFrom, outcome] of readers) {
    const ecs = new ECSClient({ region });
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: name,
        containerDefinitions: [
          { name: 'app', image: 'busybox', memory: 128, secrets: valueFrom.map((value, index) => ({ name: `S${index}`, valueFrom: value })) },
        ],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({ cluster: 'orders', serviceName: name, taskDefinition: registered.taskDefinition?.taskDefinitionArn, desiredCount: 1 }),
    );
    services[`arn:aws:ecs:${region}:${account}:service/orders/${name}`] = outcome;
  }
  return { account, primaryArn, replicaArn, services };
}

function expected(world: World, outcome: 'redeploy' | 'not-a-target'): string[] {
  return Object.entries(world.services)
    .filter(([, value]) => value === outcome)
    .map(([arn]) => arn)
    .sort();
}

describe('multi-Region secret replicas against moto', () => {
  let world: World;

  beforeEach(async () => {
    await resetMoto();
    world = await seed();
  });

  it('moto reports the replica in the primary’s ReplicationStatus and the primary Region on the replica', async () => {
    const primary = await new SecretsManagerClient({ region: PRIMARY }).send(new DescribeSecretCommand({ SecretId: world.primaryArn }));
    const replica = await new SecretsManagerClient({ region: REPLICA }).send(new DescribeSecretCommand({ SecretId: world.replicaArn }));
    expect(primary.ReplicationStatus?.map((status) => [status.Region, status.Status])).toEqual([[REPLICA, 'InSync']]);
    expect(replica).toMatchObject({ ARN: world.replicaArn, Name: NAME, PrimaryRegion: PRIMARY });
  });

  it('a change of the primary redeploys the readers of the primary and of the replica, and no look-alike', async () => {
    const rotation = await rotateSecret(world.primaryArn, PRIMARY, '{"password":"v2"}');
    const { dependencies, calls } = recordingPipeline();

    const report = await runRefresh(
      {
        type: 'event',
        event: secretLabelUpdatedEvent({
          account: world.account,
          region: PRIMARY,
          secretArn: world.primaryArn,
          secretName: NAME,
          versionId: rotation.versionId,
          time: rotation.time,
        }),
      },
      config,
      dependencies,
    );

    expect(report.change).toMatchObject({ arn: world.primaryArn, region: PRIMARY, versionId: rotation.versionId });
    expect(updatedServices(calls)).toEqual(expected(world, 'redeploy'));
    const replicaReader = report.targets.find((target) => target.name === 'replica-reader');
    expect(replicaReader?.references?.[0]?.reason).toContain(`(through its replica in ${REPLICA})`);
  });

  it('the primary’s event plus the forwarded replica-Region event of the same change deploy each reader once (change record)', async () => {
    await createIdempotencyTable(TABLE, PRIMARY);
    const rotation = await rotateSecret(world.primaryArn, PRIMARY, '{"password":"v2"}');
    await nextSecond();
    const input = { account: world.account, secretName: NAME, versionId: rotation.versionId, time: rotation.time };
    const first = recordingPipeline({ state: motoStateTable(TABLE) });
    const forwarded = recordingPipeline({ state: motoStateTable(TABLE) });

    await runRefresh({ type: 'event', event: secretLabelUpdatedEvent({ ...input, region: PRIMARY, secretArn: world.primaryArn }) }, config, first.dependencies);
    const second = await runRefresh(
      { type: 'event', event: secretLabelUpdatedEvent({ ...input, region: REPLICA, secretArn: world.replicaArn }) },
      config,
      forwarded.dependencies,
    );

    expect(updatedServices(first.calls)).toEqual(expected(world, 'redeploy'));
    expect(updatedServices(forwarded.calls)).toEqual([]);
    expect(second.idempotency).toBe('replayed');
    expect(second.change).toMatchObject({ arn: world.primaryArn, region: PRIMARY, versionId: rotation.versionId });
    // The replica-Region event was resolved to the primary with a second DescribeSecret, in the primary's Region.
    expect(forwarded.calls.filter((call) => call.command === 'DescribeSecretCommand').map((call) => [call.region, call.input.SecretId])).toEqual([
      [REPLICA, world.replicaArn],
      [PRIMARY, world.primaryArn],
    ]);
  });

  it('without a change record, the forwarded replica event finds every reader already fresh', async () => {
    // Event times have whole seconds: the seeded deployments must be in an earlier second than the change, and
    // the refresh's deployments in a later one, for "already fresh" to tell them apart.
    const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));
    await nextSecond();
    const rotation = await rotateSecret(world.primaryArn, PRIMARY, '{"password":"v2"}');
    const time = rotation.time.replace(/\.\d+Z$/, 'Z');
    await nextSecond();
    const input = { account: world.account, secretName: NAME, versionId: rotation.versionId, time };
    const first = recordingPipeline();
    const forwarded = recordingPipeline();

    await runRefresh({ type: 'event', event: secretLabelUpdatedEvent({ ...input, region: PRIMARY, secretArn: world.primaryArn }) }, config, first.dependencies);
    const second = await runRefresh(
      { type: 'event', event: secretLabelUpdatedEvent({ ...input, region: REPLICA, secretArn: world.replicaArn }) },
      config,
      forwarded.dependencies,
    );

    expect(updatedServices(first.calls)).toEqual(expected(world, 'redeploy'));
    expect(updatedServices(forwarded.calls)).toEqual([]);
    expect(
      second.targets
        .filter((target) => target.code === 'already-fresh')
        .map((target) => target.arn)
        .sort(),
    ).toEqual(expected(world, 'redeploy'));
  });
});
