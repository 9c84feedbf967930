import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploymentStateChangeEvent, rotationInput, secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createDeploymentsTable } from '../../demo/tables.js';
import { TaskDefinitionCache } from '../../lib/aws/ecs.js';
import { createMetadataDirectory } from '../../lib/aws/metadata-directory.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import type { EcsServiceTargetReport, RefreshReport } from '../../lib/report/types.js';
import { DeploymentTracker } from '../../lib/tracking/deployment-tracker.js';
import { handleDeploymentEvent } from '../../lib/tracking/handle-deployment-event.js';
import { resetMoto } from '../support/moto.js';
import { recordingClients, updatedServices } from '../support/recording-clients.js';

const TABLE = 'secret-refresh-test-deployments';
const config = loadConfig({
  AWS_REGION: 'us-east-1',
  SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2',
  SECRET_REFRESH_DEPLOYMENTS_TABLE: TABLE,
  SECRET_REFRESH_WAIT_FOR_STEADY: 'true',
  SECRET_REFRESH_EVENT_BUS: 'default',
});

const WAVES: Record<string, string> = { 'orders-api': '1', 'orders-worker': '1', 'payments-api': '2', 'payments-logs': '2' };

describe('waves and deployment outcome tracking (moto ECS + DynamoDB)', () => {
  let account: DemoAccount;
  let tracker: DeploymentTracker;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
    await createDeploymentsTable(TABLE, 'us-east-1');
    tracker = new DeploymentTracker(TABLE, new DynamoDBClient({ region: 'us-east-1' }));
    const ecs = new ECSClient({ region: 'us-east-1' });
    for (const [name, wave] of Object.entries(WAVES)) {
      const cluster = name.startsWith('orders') ? 'demo-orders' : 'demo-payments';
      await ecs.send(
        new TagResourceCommand({
          resourceArn: `arn:aws:ecs:us-east-1:${account.account}:service/${cluster}/${name}`,
          tags: [{ key: 'secret-refresh:wave', value: wave }],
        }),
      );
    }
  });

  async function rotateAndRun() {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const { clients, calls } = recordingClients();
    const report = await runRefresh(
      {
        type: 'event',
        event: secretLabelUpdatedEvent(rotationInput(account, rotation)),
      },
      config,
      { clients, directory: createMetadataDirectory(clients), taskDefinitions: new TaskDefinitionCache(), tracker },
    );
    const event = (name: string, eventName: 'SERVICE_DEPLOYMENT_COMPLETED' | 'SERVICE_DEPLOYMENT_FAILED', deploymentId = deploymentOf(report, name)) =>
      deploymentStateChangeEvent({ account: account.account, region: 'us-east-1', serviceArn: arnOf(report, name), deploymentId, eventName });
    const handle = (input: unknown) => handleDeploymentEvent(input, { tracker, clients, homeRegion: 'us-east-1', concurrency: 2, eventBus: 'default' });
    return { report, calls, event, handle };
  }

  it('deploys wave 1 first; the event that completes wave 1 starts wave 2, exactly once', async () => {
    const { report, calls, event, handle } = await rotateAndRun();

    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker']);
    expect(statusOf(report, 'payments-api')).toBe('waiting');
    expect(statusOf(report, 'west-cross-region')).toBe('waiting');
    expect(report.summary.waiting).toBe(3);

    expect((await handle(event('orders-api', 'SERVICE_DEPLOYMENT_COMPLETED'))).outcome).toBe('progress');
    expect(updatedServices(calls)).toHaveLength(2);

    const second = await handle(event('orders-worker', 'SERVICE_DEPLOYMENT_COMPLETED'));
    expect(second.outcome).toBe('next-wave');
    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker', 'payments-api', 'payments-logs']);

    // A replay of the same COMPLETED event must not start wave 2 again.
    expect((await handle(event('orders-worker', 'SERVICE_DEPLOYMENT_COMPLETED'))).outcome).toBe('progress');
    expect(updatedServices(calls)).toHaveLength(4);

    // Wave 2 completes → the untagged (last) wave.
    const wave2 = Object.fromEntries((second.deployed ?? []).map((deployment) => [deployment.arn.split('/').pop(), deployment.deploymentId]));
    await handle(event('payments-api', 'SERVICE_DEPLOYMENT_COMPLETED', wave2['payments-api']));
    const third = await handle(event('payments-logs', 'SERVICE_DEPLOYMENT_COMPLETED', wave2['payments-logs']));
    expect(third.outcome).toBe('next-wave');
    expect(names(updatedServices(calls))).toContain('west-cross-region');
  });

  it('a FAILED deployment stops the later waves and publishes Secret Refresh Deployment Failed with the rollback note', async () => {
    const { calls, event, handle } = await rotateAndRun();

    const failed = await handle(event('orders-api', 'SERVICE_DEPLOYMENT_FAILED'));
    const late = await handle(event('orders-worker', 'SERVICE_DEPLOYMENT_COMPLETED'));

    expect(failed.outcome).toBe('failed');
    expect(names((failed.skipped ?? []).map((skip) => skip.arn))).toEqual(['payments-api', 'payments-logs', 'west-cross-region']);
    expect(failed.skipped?.every((skip) => skip.reason === 'earlier wave failed')).toBe(true);
    expect(late.outcome).toBe('progress');
    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker']);
    const published = calls
      .filter((call) => call.command === 'PutEventsCommand')
      .flatMap((call) => call.input.Entries as { DetailType: string; Detail: string }[]);
    const alert = published.find((entry) => entry.DetailType === 'Secret Refresh Deployment Failed');
    expect(JSON.parse(alert?.Detail ?? '{}')).toMatchObject({ note: expect.stringMatching(/cannot restore the old value/) });
  });

  it('starts the next wave once when the last two COMPLETED events of a wave arrive concurrently', async () => {
    const { calls, event, handle } = await rotateAndRun();
    const outcomes = await Promise.all([
      handle(event('orders-api', 'SERVICE_DEPLOYMENT_COMPLETED')),
      handle(event('orders-worker', 'SERVICE_DEPLOYMENT_COMPLETED')),
    ]);
    expect(outcomes.filter((outcome) => outcome.outcome === 'next-wave')).toHaveLength(1);
    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker', 'payments-api', 'payments-logs']);
  });

  it('ignores deployments secret-refresh did not start', async () => {
    const { handle } = await rotateAndRun();
    const foreign = deploymentStateChangeEvent({
      account: account.account,
      region: 'us-east-1',
      serviceArn: `arn:aws:ecs:us-east-1:${account.account}:service/demo-orders/orders-api`,
      deploymentId: 'ecs-svc/0000000000000000000',
      eventName: 'SERVICE_DEPLOYMENT_FAILED',
    });
    expect((await handle(foreign)).outcome).toBe('untracked');
  });
});

function names(arns: readonly string[]): string[] {
  return arns.map((arn) => arn.split('/').pop() ?? arn).sort();
}

function target(report: RefreshReport, name: string): EcsServiceTargetReport {
  const found = report.targets.find((candidate) => candidate.type === 'ecs-service' && candidate.name === name);
  if (found?.type !== 'ecs-service') throw new Error(`no ECS target ${name}`);
  return found;
}

function statusOf(report: RefreshReport, name: string): string {
  return target(report, name).status;
}

function arnOf(report: RefreshReport, name: string): string {
  return target(report, name).arn;
}

function deploymentOf(report: RefreshReport, name: string): string {
  return target(report, name).deploymentId ?? 'none';
}
