/**
 * Regression tests, against moto_server, for the sequences of issue 11 that the per-event model got wrong: a late
 * older event after a newer change (it counted the service fresh and kept v2), a late RotationSucceeded (no version
 * in the event), a parameter deleted and re-created (taken for a duplicate), N changes read by one service (N
 * deployments), a parameter rewritten in a loop (a deployment per write), and two consumers of one batch or of
 * overlapping batches. The state table is on moto's DynamoDB (conditional writes serialized: see
 * test/support/moto-state-table.ts), the intake queue is moto's SQS.
 */
import { randomUUID } from 'node:crypto';
import { CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  parameterStoreChangeEvent,
  rotationInput,
  rotationSucceededEvent,
  secretLabelUpdatedEvent,
  updateSecretVersionStageEvent,
} from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable, createIntakeQueue } from '../../demo/tables.js';
import { loadConfig } from '../../lib/config/config.js';
import { intakeQueue } from '../../lib/pipeline/dependencies.js';
import { type RefreshRequest, runRefresh } from '../../lib/pipeline/run-refresh.js';
import { nextSecond, resetMoto } from '../support/moto.js';
import { motoStateTable } from '../support/moto-state-table.js';
import { recordingPipeline, updatedServices } from '../support/recording-clients.js';

const TABLE = 'secret-refresh-test-sequences';
/**
 * Without the minimum redeploy interval: these sequences redeploy seconds apart, which the interval would defer
 * (never drop; the loop test below covers it). Here they test freshness and the change record.
 */
const config = (env: Record<string, string> = {}) =>
  loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2', SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS: '0', ...env });
const ssm = new SSMClient({ region: 'us-east-1' });
const ecs = new ECSClient({ region: 'us-east-1' });

/** A pipeline on moto with the state table (and, when asked, the intake queue). */
function pipeline(queueUrl?: string) {
  const run = recordingPipeline({ state: motoStateTable(TABLE) });
  const intake = queueUrl ? intakeQueue(run.dependencies.clients, queueUrl, 'us-east-1') : undefined;
  return { ...run, dependencies: { ...run.dependencies, ...(intake ? { intake } : {}) } };
}

function parameterReaders(account: DemoAccount): string[] {
  return account.services
    .filter((service) => service.onParameterUpdate === 'redeploy')
    .map((service) => `arn:aws:ecs:${service.region}:${account.account}:service/${service.cluster}/${service.name}`)
    .sort();
}

function secretReaders(account: DemoAccount): string[] {
  return account.services
    .filter((service) => service.onSecretRotation === 'redeploy')
    .map((service) => `arn:aws:ecs:${service.region}:${account.account}:service/${service.cluster}/${service.name}`)
    .sort();
}

const parameterEvent = (account: DemoAccount, operation: 'Create' | 'Update', time: string, name = account.parameterName) =>
  parameterStoreChangeEvent({ account: account.account, region: 'us-east-1', name, operation, time });

async function putParameter(name: string, value: string): Promise<string> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }));
  return new Date().toISOString();
}

describe('batch sequences against moto', () => {
  let account: DemoAccount;

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
    await createIdempotencyTable(TABLE, 'us-east-1');
  });

  it('a late older event after a newer change: redeploys the readers deployed in between (v2 → deploy → v3, then the v2 event)', async () => {
    const v2At = await putParameter(account.parameterName, 'k2');
    await nextSecond();
    const first = pipeline();
    await runRefresh({ type: 'event', event: parameterEvent(account, 'Update', v2At) }, config(), first.dependencies); // deploys for v2
    await nextSecond();
    const v3At = await putParameter(account.parameterName, 'k3'); // v3, after the readers were deployed
    await nextSecond();
    const late = pipeline();

    // The v2 event is delivered again late (a retry, a redrive): DescribeParameters says v3.
    const report = await runRefresh({ type: 'event', event: parameterEvent(account, 'Update', v2At) }, config(), late.dependencies);

    expect(updatedServices(first.calls)).toEqual(parameterReaders(account));
    expect(report.change).toMatchObject({ versionId: '3' });
    expect(Date.parse(report.change?.currentSince ?? '')).toBeGreaterThan(Date.parse(v2At));
    // Deployed before v3 became current: not fresh, redeployed; before, they counted as fresh and kept v2.
    expect(updatedServices(late.calls)).toEqual(parameterReaders(account));
    // The v3 event then finds its change handled: nothing twice.
    const v3 = pipeline();
    const duplicate = await runRefresh({ type: 'event', event: parameterEvent(account, 'Update', v3At) }, config(), v3.dependencies);
    expect(duplicate.idempotency).toBe('replayed');
    expect(updatedServices(v3.calls)).toEqual([]);
  });

  it('a late RotationSucceeded (no version in the event) after a second rotation: judged by the version DescribeSecret names, current since LastChangedDate', async () => {
    const first = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    await nextSecond();
    const firstRun = pipeline();
    const input = rotationInput(account, first);
    await runRefresh(
      { type: 'event', event: updateSecretVersionStageEvent({ ...input, previousVersionId: first.previousVersionId }) },
      config(),
      firstRun.dependencies,
    );
    await nextSecond();
    const second = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v3"}');
    await nextSecond();
    const late = pipeline();

    // The first rotation's RotationSucceeded arrives late: AWSCURRENT is on the second rotation's version now.
    const report = await runRefresh({ type: 'event', event: rotationSucceededEvent(input) }, config(), late.dependencies);

    expect(updatedServices(firstRun.calls)).toEqual(secretReaders(account));
    expect(report.change).toMatchObject({ versionId: second.versionId, effect: 'new-current-value' });
    expect(Date.parse(report.change?.currentSince ?? '')).toBeGreaterThan(Date.parse(first.time));
    expect(updatedServices(late.calls)).toEqual(secretReaders(account));
  });

  it('a parameter deleted and re-created: its new version 1 is a new change (LastModifiedDate in the key), not a duplicate', async () => {
    const name = '/demo/orders/api-key';
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    const createdAt = await putParameter(name, 'k-first');
    await nextSecond();
    const first = pipeline();
    const created = await runRefresh({ type: 'event', event: parameterEvent(account, 'Create', createdAt) }, config(), first.dependencies);
    await nextSecond();
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    const recreatedAt = await putParameter(name, 'k-second');
    await nextSecond();
    const again = pipeline();

    const report = await runRefresh({ type: 'event', event: parameterEvent(account, 'Create', recreatedAt) }, config(), again.dependencies);

    expect(created.change).toMatchObject({ versionId: '1' });
    expect(report.change).toMatchObject({ versionId: '1' });
    expect(report.change?.versionDate).not.toBe(created.change?.versionDate);
    expect(report).not.toHaveProperty('idempotency');
    expect(updatedServices(again.calls)).toEqual(parameterReaders(account));
  });

  it('a service reading five parameters changed in one batch is deployed once, answering the five changes', async () => {
    const names = Array.from({ length: 5 }, (_, index) => `/demo/five/p${index}`);
    for (const name of names) await putParameter(name, 'v1');
    const definition = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'reads-five',
        containerDefinitions: [
          { name: 'app', image: 'public.ecr.aws/demo/app:1', memory: 128, secrets: names.map((name, index) => ({ name: `P${index}`, valueFrom: name })) },
        ],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'demo-orders',
        serviceName: 'reads-five',
        taskDefinition: definition.taskDefinition?.taskDefinitionArn,
        desiredCount: 1,
      }),
    );
    await nextSecond();
    const times: string[] = [];
    for (const name of names) times.push(await putParameter(name, 'v2'));
    await nextSecond();
    const { dependencies, calls } = pipeline();

    const report = await runRefresh(
      names.map(
        (name, index): RefreshRequest => ({ type: 'event', event: parameterEvent(account, 'Update', times[index] as string, name), source: `m-${index + 1}` }),
      ),
      config(),
      dependencies,
    );

    const arn = `arn:aws:ecs:us-east-1:${account.account}:service/demo-orders/reads-five`;
    expect(updatedServices(calls)).toEqual([arn]);
    const target = report.targets.find((candidate) => candidate.arn === arn);
    expect(target).toMatchObject({ status: 'done', changes: ['c1', 'c2', 'c3', 'c4', 'c5'] });
    expect(target?.reason.split('; ')).toHaveLength(5);
  });

  it('a parameter rewritten in a loop deploys its readers once, defers the next writes, and deploys once more when they are due', async () => {
    const queueUrl = await createIntakeQueue('secret-refresh-test-loop', 'us-east-1');
    // 8 s: the two deferred runs must start within the interval even on a loaded CI machine (3 s was not always).
    const loop = config({ SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS: '8' });
    const firstAt = await putParameter(account.parameterName, 'k2');
    await nextSecond();
    const first = pipeline(queueUrl);
    await runRefresh({ type: 'event', event: parameterEvent(account, 'Update', firstAt) }, loop, first.dependencies);
    const writes = [];
    const redeliveries: string[] = [];
    for (const value of ['k3', 'k4']) {
      writes.push(await putParameter(account.parameterName, value));
      await nextSecond();
      const next = pipeline(queueUrl);
      const deferred = await runRefresh({ type: 'event', event: parameterEvent(account, 'Update', writes.at(-1) as string) }, loop, next.dependencies);
      expect(updatedServices(next.calls)).toEqual([]);
      expect(deferred.summary).toMatchObject({ deferred: parameterReaders(account).length, failed: 0 });
      expect(deferred.changes[0]?.redelivery).toBeDefined();
      redeliveries.push(deferred.changes[0]?.redelivery as string);
    }
    // The deferred changes come back through the queue when due, and one deployment covers both.
    const dueAt = Math.max(...redeliveries.map((at) => Date.parse(at)));
    expect(dueAt - Date.now()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, dueAt - Date.now()));
    const { ReceiveMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    // SQS delays are whole seconds from the send: the messages show up within a second or two of the due time.
    const received: { Messages: import('@aws-sdk/client-sqs').Message[] } = { Messages: [] };
    const sqs = new SQSClient({ region: 'us-east-1' });
    while (received.Messages.length < 2 && Date.now() < dueAt + 5000) {
      const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      received.Messages.push(...(page.Messages ?? []));
    }
    expect(received.Messages).toHaveLength(2);
    const due = pipeline(queueUrl);
    const report = await runRefresh(
      (received.Messages ?? []).map(
        (message): RefreshRequest => ({ type: 'event', event: JSON.parse(message.Body ?? '{}'), source: message.MessageId ?? '?' }),
      ),
      loop,
      due.dependencies,
    );
    expect(report.changes.map((entry) => entry.decision).sort()).toEqual(['act', 'merged']);
    expect(updatedServices(first.calls)).toEqual(parameterReaders(account));
    expect(updatedServices(due.calls)).toEqual(parameterReaders(account));
    // In ECS: two deployments for three writes, the last reading k4.
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'demo-payments', services: ['api-key-reader'] }));
    expect(described.services?.[0]?.deployments?.filter((deployment) => deployment.status === 'PRIMARY')).toHaveLength(1);
  });

  it('two consumers given the same batch (SQS delivered it twice): one acts, the other finds every change handled', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const parameterAt = await putParameter(account.parameterName, 'k2');
    await nextSecond();
    const batch: RefreshRequest[] = [
      { type: 'event', event: secretLabelUpdatedEvent(rotationInput(account, rotation)), source: 'm-1' },
      { type: 'event', event: parameterEvent(account, 'Update', parameterAt), source: 'm-2' },
    ];
    const a = pipeline();
    const b = pipeline();
    const reports = await Promise.all([runRefresh(batch, config(), a.dependencies), runRefresh(batch, config(), b.dependencies)]);
    const all = [...updatedServices(a.calls), ...updatedServices(b.calls)].sort();
    // payments-api reads both: one deployment answers both changes.
    expect(all).toEqual([...new Set([...secretReaders(account), ...parameterReaders(account)])].sort());
    const decisions = reports.map((report) => report.changes.map((entry) => entry.decision).join(','));
    expect(decisions.sort()).toEqual(['act,act', 'already-handled,already-handled']);
  });

  it('overlapping batches on two consumers (c1+c2 and c2+c3): each change acted on once', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    const parameterAt = await putParameter(account.parameterName, 'k2');
    const otherName = `/demo/overlap/${randomUUID().slice(0, 8)}`;
    await putParameter(otherName, 'x'); // read by nobody: a change with no target
    await nextSecond();
    const c1 = { type: 'event' as const, event: secretLabelUpdatedEvent(rotationInput(account, rotation)), source: 'm-1' };
    const c2 = { type: 'event' as const, event: parameterEvent(account, 'Update', parameterAt), source: 'm-2' };
    const c3 = { type: 'event' as const, event: parameterEvent(account, 'Create', new Date().toISOString(), otherName), source: 'm-3' };
    const a = pipeline();
    const b = pipeline();
    await Promise.all([runRefresh([c1, c2], config(), a.dependencies), runRefresh([c2, c3], config(), b.dependencies)]);
    const all = [...updatedServices(a.calls), ...updatedServices(b.calls)].sort();
    expect(all).toEqual([...new Set([...secretReaders(account), ...parameterReaders(account)])].sort());
  });
});
