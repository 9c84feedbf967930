/**
 * Secrets managed by another AWS service (RDS's master user secret `rds!db-<uuid>`) end to end against moto:
 * moto accepts the managed-secret name in CreateSecret and answers DescribeSecret, PutSecretValue and
 * UpdateSecretVersionStage for it like for any secret, so the whole pipeline runs on it unchanged.
 */
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, rotationSucceededEvent, secretLabelUpdatedEvent, updateSecretVersionStageEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable } from '../../demo/tables.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { nextSecond, resetMoto } from '../support/moto.js';
import { motoStateTable } from '../support/moto-state-table.js';
import { recordingPipeline, updatedServices } from '../support/recording-clients.js';

const config = loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' });
const TABLE = 'secret-refresh-test-managed-changes';

function arnOf(account: DemoAccount, service: DemoAccount['services'][number]): string {
  return `arn:aws:ecs:${service.region}:${account.account}:service/${service.cluster}/${service.name}`;
}

function rdsOutcome(account: DemoAccount, outcome: 'redeploy' | 'skip' | 'not-a-target'): string[] {
  return account.services
    .filter((service) => service.onRdsRotation === outcome)
    .map((service) => arnOf(account, service))
    .sort();
}

/** The PRIMARY deployment id of every seeded service, by ARN. */
async function primaryDeployments(account: DemoAccount): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const service of account.services) {
    const described = await new ECSClient({ region: service.region }).send(new DescribeServicesCommand({ cluster: service.cluster, services: [service.name] }));
    ids[arnOf(account, service)] = described.services?.[0]?.deployments?.find((deployment) => deployment.status === 'PRIMARY')?.id ?? '';
  }
  return ids;
}

describe('an RDS-managed secret (rds!db-<uuid>) against moto', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('moto accepts the managed-secret name and gives it an ARN with the usual 6-character suffix', () => {
    expect(account.rdsSecretName).toBe('rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab');
    expect(account.rdsSecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab-[A-Za-z0-9]{6}$/);
  });

  it('a rotation redeploys exactly its readers (json-key full ARN, partial ARN, pass-through, cross-Region), once for two signals', async () => {
    await createIdempotencyTable(TABLE, 'us-east-1');
    const before = await primaryDeployments(account);
    const rotation = await rotateSecret(account.rdsSecretArn, 'us-east-1', '{"username":"admin","password":"rds-v2"}');
    await nextSecond();
    const input = rotationInput({ account: account.account, secretArn: account.rdsSecretArn, secretName: account.rdsSecretName }, rotation);
    const native = recordingPipeline({ state: motoStateTable(TABLE) });
    const managed = recordingPipeline({ state: motoStateTable(TABLE) });

    const report = await runRefresh({ type: 'event', event: secretLabelUpdatedEvent(input) }, config, native.dependencies);
    // The managed rotation's RotationSucceeded names the secret in serviceEventDetails: the same change.
    const second = await runRefresh({ type: 'event', event: rotationSucceededEvent(input, 'serviceEventDetails') }, config, managed.dependencies);

    const readers = rdsOutcome(account, 'redeploy');
    expect(readers).toHaveLength(4);
    expect(updatedServices(native.calls)).toEqual(readers);
    expect(updatedServices(managed.calls)).toEqual([]);
    expect(second.idempotency).toBe('replayed');
    expect(report.change).toMatchObject({ name: account.rdsSecretName, arn: account.rdsSecretArn, versionId: rotation.versionId, effect: 'new-current-value' });
    const skipped = report.targets.filter((target) => target.status === 'skipped');
    expect(skipped.map((target) => target.arn)).toEqual(rdsOutcome(account, 'skip'));
    expect(skipped[0]?.reason).toContain(`moved AWSCURRENT to version ${rotation.versionId}, off version `);
    for (const lookAlike of rdsOutcome(account, 'not-a-target')) expect(report.targets.map((target) => target.arn)).not.toContain(lookAlike);
    // In ECS itself: a new deployment for exactly the readers, none for anything else.
    const after = await primaryDeployments(account);
    for (const [arn, id] of Object.entries(after)) {
      if (readers.includes(arn)) expect(id, arn).not.toBe(before[arn]);
      else expect(id, arn).toBe(before[arn]);
    }
  });

  it('a CloudTrail UpdateSecretVersionStage naming the managed secret by name redeploys the same readers', async () => {
    const rotation = await rotateSecret(account.rdsSecretArn, 'us-east-1', '{"password":"rds-v2"}');
    const input = rotationInput({ account: account.account, secretArn: account.rdsSecretArn, secretName: account.rdsSecretName }, rotation);
    const event = updateSecretVersionStageEvent({ ...input, previousVersionId: rotation.previousVersionId });
    (event.detail.requestParameters as Record<string, unknown>).secretId = account.rdsSecretName;
    event.detail.responseElements = null as unknown as { arn: string };
    const { dependencies, calls } = recordingPipeline();

    await runRefresh({ type: 'event', event }, config, dependencies);

    expect(updatedServices(calls)).toEqual(rdsOutcome(account, 'redeploy'));
  });

  it('a manual refresh by name and by ARN plans exactly its readers', async () => {
    for (const ref of [account.rdsSecretName, account.rdsSecretArn, account.rdsSecretArn.slice(0, -7)]) {
      const { dependencies, calls } = recordingPipeline();
      const report = await runRefresh({ type: 'manual', ref }, config, dependencies, { dryRun: true });
      expect(
        report.targets
          .filter((target) => target.status === 'planned')
          .map((target) => target.arn)
          .sort(),
        ref,
      ).toEqual(rdsOutcome(account, 'redeploy'));
      expect(
        calls.filter((call) => call.service === 'ssm'),
        ref,
      ).toEqual([]);
    }
  });
});
