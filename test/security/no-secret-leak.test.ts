/**
 * Secrets never leak: the whole Lambda path (intake handler → pipeline → actions → report → result events) runs on
 * CloudTrail events whose records carry secret-value fields (`secretString`, `secretBinary`, a rotation token)
 * set to a canary, with AWS answered by aws-sdk-client-mock. Every byte written to stdout/stderr (Powertools
 * logs, EMF metrics), the returned report, every published event and every thrown error are searched for the
 * canary. The incoming event is logged too (`POWERTOOLS_LOGGER_LOG_EVENT=true`), so the logger's redaction of
 * sensitive keys is exercised on the real event, not only in isolation.
 */
import { inspect } from 'node:util';
import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeContext, sampleEvent, sqsEvent } from '../input/support/lambda-harness.js';
import { ecsError, SECRET_ARN, serveEcsWorld, service, taskDefinition, taskDefinitionArn } from '../unit/aws/ecs-doubles.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The secret value planted in the events. It must appear nowhere. */
const CANARY = 'CANARY-7f3a';
const CANARY_BASE64 = Buffer.from(CANARY).toString('base64');

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
const events = mockClient(EventBridgeClient);
const secretsManager = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);

let onChanges: Handler;
/** Read after the environment is set: the logger reads its settings when its module loads. */
let REDACTED: string;
let output: string[] = [];

beforeAll(async () => {
  for (const [name, value] of Object.entries({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    POWERTOOLS_SERVICE_NAME: 'secret-refresh',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    POWERTOOLS_DEV: '',
    SECRET_REFRESH_EVENT_BUS: 'default',
    SECRET_REFRESH_IDEMPOTENCY_TABLE: '',
    SECRET_REFRESH_DEPLOYMENTS_TABLE: '',
  })) {
    vi.stubEnv(name, value);
  }
  onChanges = (await import('../../functions/on-changes.js')).handler as unknown as Handler;
  ({ REDACTED } = await import('../../lib/lambda/logger.js'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  for (const mock of [ecs, batch, events, secretsManager, ssm]) mock.restore();
});

/** The account: one service reading the secret; DescribeSecret says `currentVersion` is AWSCURRENT. */
function serveAccount(currentVersion: string, updateService: 'succeeds' | 'fails' = 'succeeds'): void {
  for (const mock of [ecs, batch, events, secretsManager, ssm]) mock.reset();
  serveEcsWorld(ecs, {
    regions: { 'us-east-1': { orders: [service('orders', 'orders-api')] } },
    taskDefinitions: { [taskDefinitionArn('orders-api', 1)]: taskDefinition(taskDefinitionArn('orders-api', 1)) },
  });
  if (updateService === 'succeeds') {
    ecs.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: 'ecs-svc/new', status: 'PRIMARY', createdAt: new Date() }] } });
  } else {
    // (ServiceNotActiveException would be a `not-found` skip now: the service is gone, nothing failed.)
    ecs.on(UpdateServiceCommand).rejects(ecsError('AccessDeniedException', 'User is not authorized to perform: ecs:UpdateService'));
  }
  batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  secretsManager.on(DescribeSecretCommand).resolves({
    ARN: SECRET_ARN,
    Name: 'demo/orders/db-credentials',
    VersionIdsToStages: { [currentVersion]: ['AWSCURRENT'], 'old-version': ['AWSPREVIOUS'] },
    LastChangedDate: new Date('2026-11-20T10:00:00Z'),
    Tags: [],
  });
}

beforeEach(() => {
  output = [];
  const capture = ((chunk: unknown, ...rest: unknown[]): boolean => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stdout.write;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return () => vi.restoreAllMocks();
});

/** Everything the run exposed: logs, the report or error, and every published event. */
function exposed(result: unknown): string {
  const published = events.commandCalls(PutEventsCommand).map((call) => JSON.stringify(call.args[0].input));
  return [output.join(''), JSON.stringify(result), inspect(result, { depth: 20 }), ...published].join('\n');
}

/** Adds the canary as secret-value fields, the way a CloudTrail record (or a forged one) could carry them. */
function plant(event: ReturnType<typeof sampleEvent>): ReturnType<typeof sampleEvent> {
  const request = (event.detail.requestParameters ?? {}) as Record<string, unknown>;
  event.detail.requestParameters = { ...request, secretString: CANARY, secretBinary: CANARY_BASE64, SecretString: CANARY };
  event.detail.additionalEventData = { ...(event.detail.additionalEventData as object), rotationToken: CANARY, Password: CANARY };
  return event;
}

const CASES: readonly [file: string, version: string][] = [
  ['secretsmanager-putsecretvalue-awscurrent.json', 'c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f'],
  ['secretsmanager-updatesecret-new-value.json', 'e7f8a9b0-1c2d-4e3f-9a4b-5c6d7e8f9a0b'],
  ['secretsmanager-updatesecretversionstage-awscurrent.json', '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90'],
  ['secretsmanager-rotationsucceeded.json', '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90'],
];

/** The report onChanges logged, from the captured output. */
function loggedReport(): { summary: { done: number; failed: number }; changes: { decision: string }[] } {
  const line = output
    .join('')
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map((text) => JSON.parse(text) as { report?: unknown })
    .find((entry) => entry.report);
  if (!line) throw new Error('onChanges logged no report');
  return line.report as ReturnType<typeof loggedReport>;
}

describe('no secret value leaves the pipeline', () => {
  it.each(CASES)(
    '%s with secretString/secretBinary/rotationToken: redeploys, and no log line, report or published event holds the canary',
    async (file, version) => {
      serveAccount(version);
      const response = await onChanges(sqsEvent([plant(sampleEvent(file))]), fakeContext());

      expect(response).toEqual({ batchItemFailures: [] });
      expect(loggedReport().summary.done).toBe(1);
      const everything = exposed(response);
      // The capture works: the batch and the report were logged, and the event's secret fields were redacted, inside
      // the SQS message body (JSON text in the logged invocation event) too.
      expect(everything).toContain('secret-refresh batch finished');
      expect(everything).toContain(SECRET_ARN);
      expect(everything).toContain(`\\"secretString\\":\\"${REDACTED}\\"`);
      expect(events.commandCalls(PutEventsCommand).length).toBeGreaterThan(0);
      expect(everything).not.toContain(CANARY);
      expect(everything).not.toContain(CANARY_BASE64);
    },
  );

  it('a failing run (UpdateService refused) logs the failed report and asks for the message again, without the canary anywhere', async () => {
    const [file, version] = CASES[0] as (typeof CASES)[number];
    serveAccount(version, 'fails');
    const response = await onChanges(sqsEvent([plant(sampleEvent(file))]), fakeContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(loggedReport().summary.failed).toBe(1);
    const everything = exposed(response);
    expect(everything).toContain('secret-refresh batch finished with failures');
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(CANARY_BASE64);
  });

  it.each<[string, (event: ReturnType<typeof sampleEvent>) => void]>([
    ['malformed requestParameters', (event) => ((event.detail.requestParameters as Record<string, unknown>).versionStages = 'AWSCURRENT')],
    ['a CloudTrail record without eventName', (event) => delete event.detail.eventName],
    ['a secretString in the wrong type', (event) => ((event.detail.requestParameters as Record<string, unknown>).secretId = { secretString: CANARY })],
  ])('an invalid event with %s: its report entry, the alert and the logs hold no canary, and nothing is deployed', async (_label, mutate) => {
    serveAccount('c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f');
    const event = plant(sampleEvent('secretsmanager-putsecretvalue-awscurrent.json'));
    mutate(event);
    const response = await onChanges(sqsEvent([event]), fakeContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(loggedReport().changes.map((entry) => entry.decision)).toEqual(['invalid']);
    const alerts = events.commandCalls(PutEventsCommand).map((call) => JSON.parse(call.args[0].input.Entries?.[0]?.Detail ?? '{}').alert);
    expect(alerts).toContain('invalid-input');
    expect(exposed(response)).not.toContain(CANARY);
    expect(ecs.commandCalls(UpdateServiceCommand)).toEqual([]);
  });
});
