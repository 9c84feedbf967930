/**
 * The composition root and the Lambda's wiring: with the stack's tables and queue configured, every handler gets the
 * state table on the change table (with the rollout items), the intake queue, the rollout engine on the state
 * machine, the revision index, the service index and the scan checkpoints, and accepts the account of its own ARN. DynamoDB, SQS and Step Functions are
 * doubles (aws-sdk-client-mock): only which table, queue and state machine are written is asserted.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../lib/config/config.js';
import { createPipelineDependencies } from '../../../lib/pipeline/dependencies.js';
import type { PipelineDependencies } from '../../../lib/pipeline/run-refresh.js';

const dynamodb = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
afterAll(() => {
  sfn.restore();
  dynamodb.restore();
  documents.restore();
  sqs.restore();
});
beforeEach(() => {
  dynamodb.reset();
  documents.reset();
  sqs.reset();
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:111122223333:execution:stack-rollout:r1' });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(UpdateItemCommand).resolves({});
  documents.on(PutCommand).resolves({});
  documents.on(GetCommand).resolves({});
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/stack-intake';
const TABLES = {
  SECRET_REFRESH_INTAKE_QUEUE_URL: QUEUE_URL,
  SECRET_REFRESH_IDEMPOTENCY_TABLE: 'stack-changes',
  SECRET_REFRESH_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:stack-rollout',
  SECRET_REFRESH_REVISION_INDEX_TABLE: 'stack-revisions',
  SECRET_REFRESH_SERVICE_INDEX_TABLE: 'stack-services',
};
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test-secret' };
const context = {
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:secret-refresh-dev-onSecretChange',
  getRemainingTimeInMillis: () => 300_000,
} as Context;

/** The state table, its rollout items, the rollout engine and the intake queue of `dependencies` each write once; where they wrote. */
async function tablesWritten(dependencies: PipelineDependencies): Promise<{ state?: string; rollouts?: string; engine?: string; intake?: string }> {
  await dependencies.state?.putDeployed(['arn:aws:ecs:us-east-1:111122223333:service/orders/api'], new Date(), 60);
  const state = documents.commandCalls(PutCommand)[0]?.args[0].input.TableName;
  documents.resetHistory();
  await dependencies.rolloutRecords?.putStatus({
    name: 'r1',
    status: 'ready',
    wave: 1,
    waves: 1,
    services: 1,
    changes: [],
    updatedAt: new Date().toISOString(),
  });
  const rollouts = documents.commandCalls(PutCommand)[0]?.args[0].input.TableName;
  await dependencies.rollouts?.start({ name: 'r1' } as never);
  const engine = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn;
  await dependencies.intake?.deliver([{ body: '{}', delaySeconds: 5 }]);
  const intake = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl;
  return { ...(state ? { state } : {}), ...(rollouts ? { rollouts } : {}), ...(engine ? { engine } : {}), ...(intake ? { intake } : {}) };
}

const MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:stack-rollout';

describe('createPipelineDependencies', () => {
  it('wires the state table, the rollout items, the rollout engine, the intake queue, the revision index and the service index to the configured table, state machine and queue, and the Lambda’s own account', async () => {
    for (const [name, value] of Object.entries(CREDENTIALS)) vi.stubEnv(name, value);
    const dependencies = createPipelineDependencies(loadConfig({ AWS_REGION: 'us-east-1', ...TABLES }), { lambdaContext: context, maxAttempts: 1 });
    expect(dependencies.expectedAccount).toBe('111122223333');
    expect(dependencies.taskDefinitions.index).toBeDefined();
    expect(await tablesWritten(dependencies)).toEqual({ state: 'stack-changes', rollouts: 'stack-changes', engine: MACHINE, intake: QUEUE_URL });
    // The service index reads its own table; the scan checkpoints are items of the change table.
    expect(await dependencies.serviceIndex?.service('arn:aws:ecs:us-east-1:111122223333:service/orders/api')).toBeUndefined();
    expect(await dependencies.scanCheckpoints?.read('scan#1')).toBeUndefined();
    expect(documents.commandCalls(GetCommand).map((call) => call.args[0].input.TableName)).toEqual(['stack-services', 'stack-changes']);
  });

  it('has no state table, intake queue, rollout engine, revision index, service index or expected account when nothing is configured (the CLI without tables)', () => {
    const dependencies = createPipelineDependencies(loadConfig({ AWS_REGION: 'us-east-1' }));
    expect(dependencies.state).toBeUndefined();
    expect(dependencies.intake).toBeUndefined();
    expect(dependencies.rollouts).toBeUndefined();
    expect(dependencies.rolloutRecords).toBeUndefined();
    expect(dependencies.serviceIndex).toBeUndefined();
    expect(dependencies.scanCheckpoints).toBeUndefined();
    expect(dependencies.taskDefinitions.index).toBeUndefined();
    expect(dependencies.expectedAccount).toBeUndefined();
  });

  it('gives each call its own task definition cache unless one is passed to keep', () => {
    const config = loadConfig({ AWS_REGION: 'us-east-1' });
    const first = createPipelineDependencies(config);
    expect(createPipelineDependencies(config).taskDefinitions).not.toBe(first.taskDefinitions);
    expect(createPipelineDependencies(config, { taskDefinitions: first.taskDefinitions }).taskDefinitions).toBe(first.taskDefinitions);
  });
});

describe('the Lambda wiring (lambdaDependencies)', () => {
  it('gives every invocation the state table, the intake queue and the rollout engine of the deployed environment, and keeps clients and cache warm', async () => {
    for (const [name, value] of Object.entries({ AWS_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1', ...CREDENTIALS, ...TABLES })) vi.stubEnv(name, value);
    const { lambdaDependencies } = await import('../../../lib/lambda/environment.js');
    const first = lambdaDependencies(context);
    const second = lambdaDependencies(context);
    expect(first.dependencies.expectedAccount).toBe('111122223333');
    expect(second.dependencies.clients).toBe(first.dependencies.clients);
    expect(second.dependencies.taskDefinitions).toBe(first.dependencies.taskDefinitions);
    expect(await tablesWritten(first.dependencies)).toEqual({ state: 'stack-changes', rollouts: 'stack-changes', engine: MACHINE, intake: QUEUE_URL });
  });

  it('has no state table or rollout engine when they are not set', async () => {
    for (const [name, value] of Object.entries({ AWS_REGION: 'us-east-1', ...CREDENTIALS })) vi.stubEnv(name, value);
    const { lambdaDependencies } = await import('../../../lib/lambda/environment.js');
    const { dependencies } = lambdaDependencies(context);
    expect(dependencies.state).toBeUndefined();
    expect(dependencies.rollouts).toBeUndefined();
  });
});

describe('the intake queue’s Region', () => {
  /** The Region of the SQS client that sent the first SendMessageBatch. */
  async function regionSentFrom(queueUrl: string, homeRegion: string): Promise<string | undefined> {
    for (const [name, value] of Object.entries(CREDENTIALS)) vi.stubEnv(name, value);
    const dependencies = createPipelineDependencies(loadConfig({ AWS_REGION: homeRegion, SECRET_REFRESH_INTAKE_QUEUE_URL: queueUrl }), { maxAttempts: 1 });
    await dependencies.intake?.deliver([{ body: '{}', delaySeconds: 0 }]);
    const call = sqs.commandCalls(SendMessageBatchCommand)[0];
    expect(call?.args[0].input.QueueUrl).toBe(queueUrl);
    return call ? await (call.thisValue as SQSClient).config.region() : undefined;
  }

  it('sends to the Region the queue URL names, whatever the home Region', async () => {
    expect(await regionSentFrom('https://sqs.eu-west-1.amazonaws.com/111122223333/stack-intake', 'us-east-1')).toBe('eu-west-1');
  });

  it('sends through the home Region for a URL that names none (a local endpoint)', async () => {
    expect(await regionSentFrom('http://127.0.0.1:5000/111122223333/stack-intake', 'eu-central-1')).toBe('eu-central-1');
  });
});
