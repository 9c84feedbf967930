import { AddTagsToResourceCommand, DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { parameterStoreChangeEvent } from '../../demo/demo-events.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import { resetMoto } from '../support/moto.js';
import { recordingPipeline, updatedServices, WRITE_COMMANDS } from '../support/recording-clients.js';

const config = loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' });

const pipeline = () => recordingPipeline();

function readers(account: DemoAccount): string[] {
  return account.services
    .filter((service) => service.onParameterUpdate === 'redeploy')
    .map((service) => `arn:aws:ecs:${service.region}:${account.account}:service/${service.cluster}/${service.name}`)
    .sort();
}

describe('parameter changes against moto', () => {
  let account: DemoAccount;
  const ssm = new SSMClient({ region: 'us-east-1' });

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('redeploys the readers of an updated parameter by name and by ARN, not the reader of /demo/orders/api-key-old', async () => {
    await ssm.send(new PutParameterCommand({ Name: account.parameterName, Value: 'k2', Type: 'SecureString', Overwrite: true }));
    const { dependencies, calls } = pipeline();
    const event = parameterStoreChangeEvent({
      account: account.account,
      region: 'us-east-1',
      name: account.parameterName,
      operation: 'Update',
      time: new Date().toISOString(),
    });

    const report = await runRefresh({ type: 'event', event }, config, dependencies);

    expect(readers(account)).toHaveLength(2);
    expect(updatedServices(calls)).toEqual(readers(account));
    expect(report.change).toMatchObject({ kind: 'parameter', effect: 'new-current-value', versionId: '2' });
    expect(report.targets.map((target) => target.name)).not.toContain('api-key-old-reader');
  });

  it('reports the readers of a deleted parameter without redeploying any of them', async () => {
    await ssm.send(new DeleteParameterCommand({ Name: account.parameterName }));
    const { dependencies, calls } = pipeline();
    const event = parameterStoreChangeEvent({
      account: account.account,
      region: 'us-east-1',
      name: account.parameterName,
      operation: 'Delete',
      time: new Date().toISOString(),
    });

    const report = await runRefresh({ type: 'event', event }, config, dependencies);

    expect(calls.filter((call) => WRITE_COMMANDS.test(call.command))).toEqual([]);
    expect(report.change?.effect).toBe('deleted');
    expect(report.targets.map((target) => target.arn).sort()).toEqual(readers(account));
    for (const target of report.targets) {
      expect(target.status).toBe('skipped');
      expect(target.reason).toMatch(/deleted.*new tasks would fail to start/);
    }
  });

  it('a parameter tagged secret-refresh:ignore=true triggers nothing', async () => {
    await ssm.send(
      new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: account.parameterName, Tags: [{ Key: 'secret-refresh:ignore', Value: 'true' }] }),
    );
    const { dependencies, calls } = pipeline();
    const event = parameterStoreChangeEvent({
      account: account.account,
      region: 'us-east-1',
      name: account.parameterName,
      operation: 'Update',
      time: new Date().toISOString(),
    });
    const report = await runRefresh({ type: 'event', event }, config, dependencies);
    expect(report.skipped).toMatch(/tagged secret-refresh:ignore=true/);
    expect(calls.filter((call) => call.service === 'ecs')).toEqual([]);
  });

  it('ignores a LabelParameterVersion without looking at ECS', async () => {
    const { dependencies, calls } = pipeline();
    const event = parameterStoreChangeEvent({
      account: account.account,
      region: 'us-east-1',
      name: account.parameterName,
      operation: 'LabelParameterVersion',
      time: new Date().toISOString(),
    });
    const report = await runRefresh({ type: 'event', event }, config, dependencies);
    expect(report.skipped).toMatch(/label/i);
    expect(calls.filter((call) => call.service === 'ecs')).toEqual([]);
  });

  it('a manual refresh by parameter ARN redeploys every reader, even ones deployed after the last change', async () => {
    const { dependencies, calls } = pipeline();
    const report = await runRefresh({ type: 'manual', ref: `arn:aws:ssm:us-east-1:${account.account}:parameter/demo/orders/api-key` }, config, dependencies);
    expect(report.mode).toBe('manual');
    expect(updatedServices(calls)).toEqual(readers(account));
  });
});

describe('the revision index in DynamoDB (moto)', () => {
  it('stores a revision and reads it back', async () => {
    const { CreateTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDbRevisionIndex } = await import('../../lib/aws/revision-index.js');
    await resetMoto();
    const client = new DynamoDBClient({ region: 'us-east-1' });
    await client.send(
      new CreateTableCommand({
        TableName: 'revisions',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'arn', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'arn', KeyType: 'HASH' }],
      }),
    );
    const index = new DynamoDbRevisionIndex('revisions', client);
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:3';
    expect(await index.get(arn)).toBeUndefined();
    await index.put(arn, { taskDefinitionArn: arn, containerDefinitions: [{ name: 'app', secrets: [{ name: 'X', valueFrom: '/a/b' }] }] });
    expect((await index.get(arn))?.containerDefinitions).toEqual([{ name: 'app', secrets: [{ name: 'X', valueFrom: '/a/b' }] }]);
  });
});
