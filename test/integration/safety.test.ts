import { ECSClient, TagResourceCommand as TagServiceCommand } from '@aws-sdk/client-ecs';
import { SecretsManagerClient, TagResourceCommand as TagSecretCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { type Rotation, rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { runAudit } from '../../lib/audit/run-audit.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { resetMoto } from '../support/moto.js';
import { recordingPipeline, updatedServices } from '../support/recording-clients.js';

const BASE = { AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' };

const pipeline = () => recordingPipeline();

function labelEvent(account: DemoAccount, rotation: Rotation) {
  return secretLabelUpdatedEvent(rotationInput(account, rotation));
}

describe('safety at account scale, against moto', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('refuses an automatic run above SECRET_REFRESH_MAX_TARGETS: nothing redeployed, every target reported, an alert published, not failed', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const config = loadConfig({ ...BASE, SECRET_REFRESH_MAX_TARGETS: '2', SECRET_REFRESH_EVENT_BUS: 'default' });

    const report = await runRefresh({ type: 'event', event: labelEvent(account, rotation) }, config, dependencies);

    expect(updatedServices(calls)).toEqual([]);
    expect(report.refused).toMatch(/5 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=2/);
    expect(report.targets.filter((target) => target.code === 'blast-radius-cap')).toHaveLength(5);
    expect(report.summary.failed).toBe(0);
    const entries = calls
      .filter((call) => call.command === 'PutEventsCommand')
      .flatMap((call) => call.input.Entries as { DetailType: string; Detail: string; Source: string }[]);
    expect(entries.map((entry) => entry.DetailType)).toEqual(['Secret Refresh Completed', 'Secret Refresh Alert']);
    expect(entries.every((entry) => entry.Source === 'secret-refresh')).toBe(true);
    expect(JSON.parse(entries[1]?.Detail ?? '{}')).toMatchObject({ alert: 'blast-radius-cap' });
  });

  it('goes past the cap for a manual refresh with confirmLarge', async () => {
    const { dependencies, calls } = pipeline();
    const config = loadConfig({ ...BASE, SECRET_REFRESH_MAX_TARGETS: '2' });
    const refused = await runRefresh({ type: 'manual', ref: account.secretName }, config, dependencies);
    expect(refused.refused).toBeDefined();
    expect(updatedServices(calls)).toEqual([]);

    const report = await runRefresh({ type: 'manual', ref: account.secretName, confirmLarge: true }, config, dependencies);

    expect(report.refused).toBeUndefined();
    expect(updatedServices(calls)).toHaveLength(5);
  });

  it('acts only inside SECRET_REFRESH_CLUSTERS_INCLUDE / outside _EXCLUDE, reporting the rest as out of scope', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const config = loadConfig({ ...BASE, SECRET_REFRESH_CLUSTERS_INCLUDE: 'demo-*', SECRET_REFRESH_CLUSTERS_EXCLUDE: 'demo-pay*' });

    const report = await runRefresh({ type: 'event', event: labelEvent(account, rotation) }, config, dependencies);

    expect(
      updatedServices(calls)
        .map((arn) => arn.split('/')[1])
        .sort(),
    ).toEqual(['demo-orders', 'demo-orders', 'demo-west']);
    const outOfScope = report.targets.filter((target) => target.code === 'out-of-scope');
    // Scope is checked before the deployment controller, so the CODE_DEPLOY service is out of scope too.
    expect(outOfScope.map((target) => target.name).sort()).toEqual(['payments-api', 'payments-codedeploy', 'payments-logs']);
    expect(outOfScope[0]?.reason).toMatch(/excluded by SECRET_REFRESH_CLUSTERS_EXCLUDE \(demo-pay\*\)/);
  });

  it('in opt-in mode redeploys nothing that is not tagged secret-refresh:enabled=true', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const report = await runRefresh(
      { type: 'event', event: labelEvent(account, rotation) },
      loadConfig({ ...BASE, SECRET_REFRESH_MODE: 'opt-in' }),
      dependencies,
    );
    expect(updatedServices(calls)).toEqual([]);
    expect(
      report.targets
        .filter((target) => target.code === 'not-opted-in')
        .map((target) => target.name)
        .sort(),
    ).toEqual(['orders-api', 'orders-worker', 'payments-api', 'payments-codedeploy', 'payments-logs', 'west-cross-region']);
  });

  it('in opt-in mode redeploys exactly the service tagged secret-refresh:enabled=true', async () => {
    const optedIn = `arn:aws:ecs:us-east-1:${account.account}:service/demo-orders/orders-worker`;
    await new ECSClient({ region: 'us-east-1' }).send(
      new TagServiceCommand({ resourceArn: optedIn, tags: [{ key: 'secret-refresh:enabled', value: 'true' }] }),
    );
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const report = await runRefresh(
      { type: 'event', event: labelEvent(account, rotation) },
      loadConfig({ ...BASE, SECRET_REFRESH_MODE: 'opt-in' }),
      dependencies,
    );
    expect(updatedServices(calls)).toEqual([optedIn]);
    expect(report.targets.find((target) => target.arn === optedIn)?.status).toBe('done');
    expect(report.targets.filter((target) => target.code === 'not-opted-in')).toHaveLength(5);
  });

  it('leaves clusters outside SECRET_REFRESH_CLUSTERS_INCLUDE alone, in every Region', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const report = await runRefresh(
      { type: 'event', event: labelEvent(account, rotation) },
      loadConfig({ ...BASE, SECRET_REFRESH_CLUSTERS_INCLUDE: 'demo-orders' }),
      dependencies,
    );
    expect(new Set(updatedServices(calls).map((arn) => arn.split('/')[1]))).toEqual(new Set(['demo-orders']));
    const outOfScope = report.targets.filter((target) => target.code === 'out-of-scope');
    expect(outOfScope.map((target) => target.name).sort()).toEqual(['payments-api', 'payments-codedeploy', 'payments-logs', 'west-cross-region']);
    expect(outOfScope.find((target) => target.name === 'west-cross-region')?.reason).toBe(
      'cluster demo-west is not in SECRET_REFRESH_CLUSTERS_INCLUDE (demo-orders)',
    );
  });

  it('a secret tagged secret-refresh:ignore=true triggers nothing', async () => {
    await new SecretsManagerClient({ region: 'us-east-1' }).send(
      new TagSecretCommand({ SecretId: account.secretArn, Tags: [{ Key: 'secret-refresh:ignore', Value: 'true' }] }),
    );
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies, calls } = pipeline();
    const report = await runRefresh({ type: 'event', event: labelEvent(account, rotation) }, loadConfig(BASE), dependencies);
    expect(report.skipped).toMatch(/tagged secret-refresh:ignore=true/);
    expect(calls.filter((call) => call.service === 'ecs')).toEqual([]);
    // The tags come with the one DescribeSecret that confirmed the change: no second call.
    expect(calls.filter((call) => call.command === 'DescribeSecretCommand')).toHaveLength(1);
  });

  it('the staleness audit finds the services deployed before the secret changed, and none after a refresh', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // moto keeps times to the second
    await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { dependencies } = pipeline();
    const config = loadConfig(BASE);

    const before = await runAudit(config, dependencies, new Date());
    const staleBefore = before.targets
      .filter((target) => target.status === 'stale')
      .map((target) => target.name)
      .sort();
    // Every service reading the secret's current value; pinned references are not judged, and the CODE_DEPLOY
    // service has no PRIMARY deployment in moto (unknown).
    expect(staleBefore).toEqual(['orders-api', 'orders-ignored', 'orders-worker', 'payments-api', 'payments-logs', 'west-cross-region']);
    expect(before.targets.find((target) => target.name === 'payments-codedeploy')?.status).toBe('unknown');
    expect(before.targets.find((target) => target.name === 'orders-pinned')?.status).not.toBe('stale');
    expect(before.targets.find((target) => target.name === 'replica-reader')?.status).toBe('fresh');

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await runRefresh({ type: 'manual', ref: account.secretName }, config, dependencies);
    const after = await runAudit(config, dependencies, new Date());
    expect(after.targets.filter((target) => target.status === 'stale').map((target) => target.name)).toEqual(['orders-ignored']);
  });
});
