/**
 * The intake queue's function body (lib/lambda/run-changes-in-lambda.ts, `runIntakeBatch`), on mocked ECS, an
 * in-memory state table and a recording intake queue: which messages come back (partial batch failures), which
 * are done (handled, invalid, deferred), and what happens when another run holds the lease or the run fails.
 */
import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import type { IntakeMessage } from '../../../lib/aws/sqs.js';
import { loadConfig } from '../../../lib/config/config.js';
import { logger } from '../../../lib/lambda/logger.js';
import { LEASE_RETRY_DELAY_SECONDS, runIntakeBatch, type SqsRecord } from '../../../lib/lambda/run-changes-in-lambda.js';
import type { PipelineDependencies } from '../../../lib/pipeline/run-refresh.js';
import { dynamoDbThrottled, MemoryStateTable } from '../../support/memory-state-table.js';
import { ACCOUNT, fakeClients, REGION, serveEcsWorld, service, serviceArn, taskDefinition, taskDefinitionArn, throttling } from '../aws/ecs-doubles.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, PUT_VERSION, sampleEvent } from '../changes/fake-metadata-directory.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
afterAll(() => {
  ecs.restore();
  batch.restore();
});

const PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/demo/orders/api-key`;

beforeEach(() => {
  ecs.reset();
  batch.reset();
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  serveEcsWorld(ecs, {
    regions: { [REGION]: { orders: [service('orders', 'reads-secret'), service('orders', 'reads-parameter')] } },
    taskDefinitions: {
      [taskDefinitionArn('reads-secret', 1)]: taskDefinition(taskDefinitionArn('reads-secret', 1), DB_SECRET_ARN),
      [taskDefinitionArn('reads-parameter', 1)]: taskDefinition(taskDefinitionArn('reads-parameter', 1), PARAMETER),
    },
  });
  ecs.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: 'ecs-svc/new', status: 'PRIMARY' }] } });
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
  return () => vi.restoreAllMocks();
});

class RecordingIntake {
  public readonly delivered: IntakeMessage[] = [];
  public failing = false;
  public async deliver(messages: readonly IntakeMessage[]): Promise<void> {
    if (this.failing) throw new Error('SQS refused 1 of 1 message(s)');
    this.delivered.push(...messages);
  }
}

function environment(extra: Partial<PipelineDependencies> = {}) {
  const directory = new FakeMetadataDirectory(
    [dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })],
    [{ name: '/demo/orders/api-key', version: 7, arn: PARAMETER, lastModifiedDate: new Date('2026-11-20T09:45:30Z') }],
  );
  const dependencies: PipelineDependencies = {
    clients: fakeClients(),
    directory,
    taskDefinitions: new TaskDefinitionCache(),
    expectedAccount: ACCOUNT,
    ...extra,
  };
  return { config: loadConfig({ AWS_REGION: REGION }), dependencies };
}

const record = (id: string, body: unknown): SqsRecord => ({ messageId: id, body: typeof body === 'string' ? body : JSON.stringify(body) });
const SECRET_EVENT = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
const PARAMETER_EVENT = sampleEvent('ssm-parameter-store-change-update.json');

describe('runIntakeBatch', () => {
  it('answers no failure for a batch handled in full, an invalid message included (it is reported, not retried)', async () => {
    const response = await runIntakeBatch(
      [record('m-1', SECRET_EVENT), record('m-2', PARAMETER_EVENT), record('m-3', 'not json')],
      environment({ state: new MemoryStateTable() }),
      {},
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(2);
  });

  it('reports exactly the messages whose change has a failed target as batch item failures', async () => {
    ecs.on(UpdateServiceCommand, { service: serviceArn('orders', 'reads-parameter') }).rejects(throttling());
    const response = await runIntakeBatch([record('m-1', SECRET_EVENT), record('m-2', PARAMETER_EVENT)], environment({ state: new MemoryStateTable() }), {});
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  });

  it('also retries the messages merged into a change that failed (they come back and merge again)', async () => {
    ecs.on(UpdateServiceCommand).rejects(throttling());
    const response = await runIntakeBatch([record('m-1', SECRET_EVENT), record('m-2', SECRET_EVENT)], environment(), {});
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  });

  it('gives the whole batch back to the intake queue (no receive spent) when another run holds the lease', async () => {
    const state = new MemoryStateTable();
    state.items.leases.set(`lease#${ACCOUNT}`, { owner: 'other', expiresAt: Date.now() + 300_000 });
    const intake = new RecordingIntake();
    const records = [record('m-1', SECRET_EVENT), record('m-2', 'not json')];
    const response = await runIntakeBatch(records, environment({ state, intake }), { leaseWaitMs: 0 });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(intake.delivered).toEqual(records.map((item) => ({ body: item.body, delaySeconds: LEASE_RETRY_DELAY_SECONDS })));
    expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([]);
  });

  it('fails every message when the batch cannot be given back, or when the state table cannot be read', async () => {
    const held = new MemoryStateTable();
    held.items.leases.set(`lease#${ACCOUNT}`, { owner: 'other', expiresAt: Date.now() + 300_000 });
    const intake = new RecordingIntake();
    intake.failing = true;
    const all = { batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] };
    expect(
      await runIntakeBatch([record('m-1', SECRET_EVENT), record('m-2', PARAMETER_EVENT)], environment({ state: held, intake }), { leaseWaitMs: 0 }),
    ).toEqual(all);
    const broken = new MemoryStateTable();
    broken.fault = (operation) => (operation === 'changeRecords' ? { when: 'before', error: dynamoDbThrottled() } : undefined);
    expect(await runIntakeBatch([record('m-1', SECRET_EVENT), record('m-2', PARAMETER_EVENT)], environment({ state: broken }), {})).toEqual(all);
    expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([]);
  });

  it('answers no failure for a deferred change it sent back to the intake queue', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'reads-secret'), new Date(Date.now() - 60_000).toISOString());
    const intake = new RecordingIntake();
    const response = await runIntakeBatch([record('m-1', SECRET_EVENT)], environment({ state, intake }), {});
    expect(response).toEqual({ batchItemFailures: [] });
    expect(intake.delivered).toHaveLength(1);
    expect(intake.delivered[0]?.body).toBe(JSON.stringify(SECRET_EVENT));
    expect(intake.delivered[0]?.delaySeconds).toBeGreaterThan(230);
  });
});
