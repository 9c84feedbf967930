import { randomUUID } from 'node:crypto';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { putSecretValueEvent, rotationInput, rotationSucceededEvent, secretLabelUpdatedEvent, updateSecretVersionStageEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable } from '../../demo/tables.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { nextSecond, resetMoto } from '../support/moto.js';
import { motoStateTable } from '../support/moto-state-table.js';
import { recordingPipeline, updatedServices, WRITE_COMMANDS } from '../support/recording-clients.js';

const config = loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' });
const TABLE = 'secret-refresh-test-changes';

const pipeline = (withState = false) => recordingPipeline(withState ? { state: motoStateTable(TABLE) } : {});

function serviceArn(account: DemoAccount, region: string, cluster: string, name: string): string {
  return `arn:aws:ecs:${region}:${account.account}:service/${cluster}/${name}`;
}

function expectedArns(account: DemoAccount, outcome: 'redeploy' | 'skip' | 'not-a-target'): string[] {
  return account.services
    .filter((service) => service.onSecretRotation === outcome)
    .map((service) => serviceArn(account, service.region, service.cluster, service.name))
    .sort();
}

async function primaryDeploymentIds(account: DemoAccount): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const service of account.services) {
    const ecs = new ECSClient({ region: service.region });
    const described = await ecs.send(new DescribeServicesCommand({ cluster: service.cluster, services: [service.name] }));
    const primary = described.services?.[0]?.deployments?.find((deployment) => deployment.status === 'PRIMARY');
    ids[serviceArn(account, service.region, service.cluster, service.name)] = primary?.id ?? '';
  }
  return ids;
}

describe('secret rotation against moto (two clusters in us-east-1, one in us-west-2)', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('redeploys exactly the services that read the rotated secret in any form, and none of the look-alikes', async () => {
    const before = await primaryDeploymentIds(account);
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();

    const report = await runRefresh(
      {
        type: 'event',
        event: updateSecretVersionStageEvent({ ...rotationInput(account, rotation), previousVersionId: rotation.previousVersionId }),
      },
      config,
      dependencies,
    );

    const redeploy = expectedArns(account, 'redeploy');
    expect(redeploy.length).toBe(5);
    expect(updatedServices(calls)).toEqual(redeploy);
    expect(
      report.targets
        .filter((t) => t.status === 'done')
        .map((t) => t.arn)
        .sort(),
    ).toEqual(redeploy);
    const services = report.targets.filter((t) => t.type === 'ecs-service');
    expect(
      services
        .filter((t) => t.status === 'skipped')
        .map((t) => t.arn)
        .sort(),
    ).toEqual(expectedArns(account, 'skip'));
    for (const lookAlike of expectedArns(account, 'not-a-target')) {
      expect(report.targets.map((t) => t.arn)).not.toContain(lookAlike);
    }
    expect(report.change).toMatchObject({ kind: 'secret', effect: 'new-current-value', arn: account.secretArn, versionId: rotation.versionId });
    expect(report.summary).toMatchObject({ regions: ['us-east-1', 'us-west-2'], clusters: 3, servicesScanned: 19, failed: 0 });

    // The deployments really changed in ECS, and only for the redeployed services.
    const after = await primaryDeploymentIds(account);
    for (const [arn, id] of Object.entries(after)) {
      if (redeploy.includes(arn)) expect(id, arn).not.toBe(before[arn]);
      else expect(id, arn).toBe(before[arn]);
    }
    const byName = Object.fromEntries(report.targets.map((t) => [t.name, t]));
    expect(byName['orders-pinned']?.reason).toMatch(/version id/);
    expect(byName['orders-previous']?.reason).toMatch(/AWSPREVIOUS/);
    expect(byName['orders-ignored']?.reason).toMatch(/secret-refresh:ignore=true/);
    expect(byName['payments-codedeploy']?.reason).toMatch(/CODE_DEPLOY/);
    const ordersApi = byName['orders-api'];
    expect(ordersApi?.type === 'ecs-service' ? ordersApi.deploymentId : undefined).toBe(after[serviceArn(account, 'us-east-1', 'demo-orders', 'orders-api')]);
  });

  it('does nothing for a PutSecretValue staged as AWSPENDING', async () => {
    const versionId = randomUUID();
    await new SecretsManagerClient({ region: 'us-east-1' }).send(
      new PutSecretValueCommand({ SecretId: account.secretArn, ClientRequestToken: versionId, SecretString: 'pending', VersionStages: ['AWSPENDING'] }),
    );
    const { dependencies, calls } = pipeline();
    const event = putSecretValueEvent(
      {
        account: account.account,
        region: 'us-east-1',
        secretArn: account.secretArn,
        secretName: account.secretName,
        versionId,
        time: new Date().toISOString(),
      },
      ['AWSPENDING'],
    );

    const report = await runRefresh({ type: 'event', event }, config, dependencies);

    expect(report.skipped).toMatch(/AWSPENDING/);
    expect(report.targets).toEqual([]);
    expect(calls.filter((call) => call.service === 'ecs')).toEqual([]);
  });

  it('makes no second deployment when the same event is replayed (already-fresh rule, no idempotency table)', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    // Freshness is judged at whole seconds (a deployment in the change's own second is not fresh).
    await nextSecond();
    const event = updateSecretVersionStageEvent({ ...rotationInput(account, rotation), previousVersionId: rotation.previousVersionId });
    const first = pipeline();
    await runRefresh({ type: 'event', event }, config, first.dependencies);
    const replay = pipeline();

    const report = await runRefresh({ type: 'event', event }, config, replay.dependencies);

    expect(updatedServices(first.calls)).toEqual(expectedArns(account, 'redeploy'));
    expect(updatedServices(replay.calls)).toEqual([]);
    const fresh = report.targets.filter((target) => target.reason.startsWith('already fresh'));
    expect(fresh.map((target) => target.arn).sort()).toEqual(expectedArns(account, 'redeploy'));
  });

  it('deploys each service once when two signals of one rotation are handled concurrently by two consumers (lease, change record)', async () => {
    await createIdempotencyTable(TABLE, 'us-east-1');
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    await nextSecond();
    const input = rotationInput(account, rotation);
    const a = pipeline(true);
    const b = pipeline(true);
    const c = pipeline(true);

    // Two consumers of the intake queue, one signal each, at once: the account lease lets one act; the other waits
    // for it, then finds the change recorded.
    const reports = await Promise.all([
      runRefresh({ type: 'event', event: updateSecretVersionStageEvent({ ...input, previousVersionId: rotation.previousVersionId }) }, config, a.dependencies),
      runRefresh({ type: 'event', event: secretLabelUpdatedEvent(input) }, config, b.dependencies),
    ]);
    // A third signal (e.g. RotationSucceeded) after both finished: the record says it was handled.
    const late = await runRefresh({ type: 'event', event: secretLabelUpdatedEvent(input) }, config, c.dependencies);

    const all = [...updatedServices(a.calls), ...updatedServices(b.calls), ...updatedServices(c.calls)].sort();
    expect(all).toEqual(expectedArns(account, 'redeploy'));
    expect(reports.map((report) => report.idempotency ?? 'ran').sort()).toEqual(['ran', 'replayed']);
    expect(late.idempotency).toBe('replayed');
    expect(late.skipped).toMatch(/^duplicate: this change \(same secret and version, current since .*\) was handled by a run at /);
    expect(c.calls.filter((call) => call.service === 'ecs')).toEqual([]);
  });

  it('handles the signals of one rotation in one batch as one change: each service deployed once, the others merged', async () => {
    await createIdempotencyTable(TABLE, 'us-east-1');
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    await nextSecond();
    const input = rotationInput(account, rotation);
    const { dependencies, calls } = pipeline(true);

    const report = await runRefresh(
      [
        { type: 'event', event: updateSecretVersionStageEvent({ ...input, previousVersionId: rotation.previousVersionId }), source: 'm-1' },
        { type: 'event', event: secretLabelUpdatedEvent(input), source: 'm-2' },
        { type: 'event', event: rotationSucceededEvent(input, 'additionalEventData'), source: 'm-3' },
      ],
      config,
      dependencies,
    );

    expect(updatedServices(calls)).toEqual(expectedArns(account, 'redeploy'));
    expect(calls.filter((call) => call.command === 'ListClustersCommand')).toHaveLength(2); // one scan: one ListClusters per Region
    expect(report.changes.map((entry) => [entry.id, entry.source, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'm-1', 'act', undefined],
      ['c2', 'm-2', 'merged', 'c1'],
      ['c3', 'm-3', 'merged', 'c1'],
    ]);
    expect(report).not.toHaveProperty('change');
    const done = report.targets.filter((target) => target.status === 'done');
    expect(done.map((target) => target.changes)).toEqual(done.map(() => ['c1']));
  });

  it('never writes during a dry run', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const report = await runRefresh(
      {
        type: 'event',
        event: secretLabelUpdatedEvent(rotationInput(account, rotation)),
      },
      config,
      dependencies,
      { dryRun: true },
    );
    expect(calls.filter((call) => WRITE_COMMANDS.test(call.command))).toEqual([]);
    expect(
      report.targets
        .filter((t) => t.status === 'planned')
        .map((t) => t.arn)
        .sort(),
    ).toEqual(expectedArns(account, 'redeploy'));
  });
});
