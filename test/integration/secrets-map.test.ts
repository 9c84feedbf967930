import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { loadConfig } from '../../lib/config/config.js';
import { collectBatchInventory } from '../../lib/inventory/batch-inventory.js';
import { collectEcsInventory } from '../../lib/inventory/ecs-inventory.js';
import { buildSecretsMap, formatMap, lookUpMapMetadata, mapOptions, renderMapPage } from '../../lib/map/index.js';
import { resetMoto } from '../support/moto.js';
import { recordingPipeline } from '../support/recording-clients.js';

/**
 * The map fed from the real inventory and metadata look-ups against moto_server: the wiring the CLI, the audit
 * function and the demo use, in a few lines.
 */
describe('the secrets map of the demo account, against moto', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('maps every reader, finds the secret being deleted and the parameter that moved Region, and reads no value', async () => {
    // The look-alike secret is scheduled for deletion; /demo/orders/api-key-old (read by name in us-east-1) now
    // exists only in us-west-2.
    await new SecretsManagerClient({ region: 'us-east-1' }).send(new DeleteSecretCommand({ SecretId: account.replicaArn, RecoveryWindowInDays: 7 }));
    await new SSMClient({ region: 'us-east-1' }).send(new DeleteParameterCommand({ Name: '/demo/orders/api-key-old' }));
    await new SSMClient({ region: 'us-west-2' }).send(new PutParameterCommand({ Name: '/demo/orders/api-key-old', Value: 'k0', Type: 'SecureString' }));
    const config = loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' });
    const { dependencies, calls } = recordingPipeline();

    const inventoryOptions = { clients: dependencies.clients, regions: config.regions, concurrency: config.concurrency };
    const [ecs, batch] = await Promise.all([
      collectEcsInventory({ ...inventoryOptions, taskDefinitions: dependencies.taskDefinitions }),
      collectBatchInventory(inventoryOptions),
    ]);
    const options = mapOptions(config, account.account, new Date('2026-12-01T12:00:00Z'));
    const inputs = { services: ecs.services, jobDefinitions: batch.jobDefinitions, jobs: batch.jobs, problems: [...ecs.problems, ...batch.problems] };
    const map = buildSecretsMap({ ...inputs, metadata: await lookUpMapMetadata(inputs, options, dependencies.directory, config.concurrency) }, options);

    expect(map.summary).toMatchObject({ services: 19, jobDefinitions: 2, taskDefinitions: 19 });
    // The RDS-managed secret (rds!db-<uuid>) is a resource like any other, with its stage-and-version reader flagged.
    const rds = map.resources.find((resource) => resource.arn === account.rdsSecretArn);
    expect(rds).toMatchObject({ kind: 'secret', name: account.rdsSecretName, status: 'exists' });
    expect(map.findings.filter((finding) => finding.code === 'unparseable-reference')).toEqual([]);
    expect(map.findings.filter((finding) => finding.code === 'stage-and-version-pin').map((finding) => finding.resource)).toEqual([account.rdsSecretArn]);
    const secret = map.resources.find((resource) => resource.arn === account.secretArn);
    expect(secret).toMatchObject({ kind: 'secret', name: 'demo/orders/db', status: 'exists' });
    expect(secret?.lastChanged).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(secret?.targets.length).toBeGreaterThanOrEqual(8);

    const deleting = map.findings.filter((finding) => finding.code === 'scheduled-for-deletion');
    expect(deleting).toHaveLength(1);
    expect(deleting[0]?.resource).toBe(account.replicaArn);
    expect(deleting[0]?.targets).toEqual([expect.stringMatching(/service\/demo-payments\/replica-reader$/)]);
    expect(deleting[0]?.definitions).toContainEqual(expect.stringMatching(/job-definition\/orders-replica-export:1$/));

    const moved = map.findings.filter((finding) => finding.code === 'name-only-other-region');
    expect(moved).toMatchObject([
      {
        severity: 'error',
        message: 'parameter /demo/orders/api-key-old is read by name in us-east-1, where it does not exist; it exists in us-west-2',
        targets: [expect.stringMatching(/service\/demo-payments\/api-key-old-reader$/)],
      },
    ]);
    expect(moved[0]?.action).toMatch(new RegExp(`^reference it by its full ARN: arn:aws:ssm:us-west-2:${account.account}:parameter/demo/orders/api-key-old$`));
    // The demo's look-alike reads rds!cluster-<same uuid>, which does not exist: its tasks could not start.
    expect(map.findings.filter((finding) => finding.code === 'missing')).toMatchObject([
      { resource: expect.stringMatching(/:secret:rds!cluster-/), targets: [expect.stringMatching(/service\/demo-orders\/billing-cluster-reader$/)] },
    ]);
    expect(map.findings.filter((finding) => finding.code === 'cross-region').flatMap((finding) => finding.targets)).toContainEqual(
      expect.stringMatching(/service\/demo-west\/west-cross-region$/),
    );
    // The inventory carries every container's image: the demo's `busybox:latest` (a tag, not a digest) is found,
    // once, for every task and job definition that runs it.
    const mutable = map.findings.filter((finding) => finding.code === 'mutable-image-tag');
    expect(mutable.map((finding) => finding.image)).toEqual(['public.ecr.aws/docker/library/busybox:latest']);
    expect(mutable[0]?.definitions.filter((arn) => arn.includes(':task-definition/'))).toHaveLength(19);
    expect(mutable[0]?.definitions.filter((arn) => arn.includes(':job-definition/'))).toHaveLength(2);
    expect(map.targets.find((target) => target.name === 'orders-ignored')?.scope.status).toBe('ignored');
    expect(map.targets.find((target) => target.name === 'payments-codedeploy')?.scope.status).toBe('deployment-controller');

    // Metadata only: no call that could return a value was made.
    const commands = new Set(calls.map((call) => call.command));
    expect([...commands].filter((command) => /GetSecretValue|GetParameter|BatchGetSecretValue/.test(command))).toEqual([]);
    expect(commands).toContain('DescribeSecretCommand');
    expect(commands).toContain('DescribeParametersCommand');
    expect(formatMap(map)).toContain('ERROR    name-only-other-region');
    expect(renderMapPage(map)).toContain('<h2>Findings (');
  });
});
