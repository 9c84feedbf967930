/**
 * Hostile and malformed EventBridge events sent to the intake queue's function (onChanges), one SQS message each:
 * each is reported as an invalid input with a named error (EventParseError, ForeignAccountError, InvalidInputError…),
 * never retried (no batch item failure: retrying cannot make it valid), and never followed by any AWS call but the
 * published result events (or, where the decision needs one, a read). Every SDK call goes to a local recording
 * endpoint, so "no AWS call" is a request count, whatever code path would have made it.
 */
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventParseError } from '../../lib/errors.js';
import {
  capturingLogs,
  FOREIGN_ACCOUNT,
  fakeContext,
  OWN_ACCOUNT,
  sampleEvent,
  sqsEvent,
  stubDeployedEnvironment,
  TEN_KB_NAME,
} from './support/lambda-harness.js';
import { type RecordingAwsEndpoint, startRecordingAwsEndpoint } from './support/recording-aws-endpoint.js';

type Handler = (event: unknown, context: Context) => Promise<SQSBatchResponse>;

let aws: RecordingAwsEndpoint;
let onChanges: Handler;

beforeAll(async () => {
  aws = await startRecordingAwsEndpoint();
  stubDeployedEnvironment(aws.url);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  onChanges = (await import('../../functions/on-changes.js')).handler as unknown as Handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await aws.close();
});

beforeEach(() => aws.reset());

/** An invalid input's error as the report names it: its class and its message. */
interface Refusal {
  readonly name: string;
  readonly message: string;
}

/** A batch entry of the report onChanges logged. */
interface Entry {
  readonly id: string;
  readonly source?: string;
  readonly decision: string;
  readonly error?: string;
}

/** Delivers `bodies` as one SQS batch and returns what onChanges answered and the report it logged. */
async function deliver(...bodies: unknown[]): Promise<{ response: SQSBatchResponse; entries: Entry[] }> {
  const invocation = await capturingLogs(() => onChanges(sqsEvent(bodies), fakeContext()));
  if (invocation.thrown) throw invocation.thrown;
  const report = invocation.logs.find((line) => typeof line.report === 'object')?.report as { changes: Entry[] } | undefined;
  if (!report) throw new Error(`onChanges logged no report: ${JSON.stringify(invocation.logs).slice(0, 400)}`);
  return { response: invocation.result as SQSBatchResponse, entries: report.changes };
}

/**
 * Delivers `event` as one SQS message and returns its refusal, checking that it is reported `invalid` and not
 * retried (no batch item failure).
 */
async function refusal(event: unknown): Promise<Refusal> {
  const { response, entries } = await deliver(event);
  expect(response).toEqual({ batchItemFailures: [] });
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  expect(entry).toMatchObject({ id: 'c1', source: 'm-1', decision: 'invalid' });
  const [, name = '', message = ''] = /^(\w+): ([\s\S]*)$/.exec(entry?.error ?? '') ?? [];
  return { name, message };
}

/** Every request but the result events the run publishes (the invalid input is reported there too). */
const calls = () => aws.requests.filter((request) => request.operation !== 'PutEvents');

const SECRET_EVENTS = [
  'secretsmanager-secret-label-updated-awscurrent.json',
  'secretsmanager-putsecretvalue-awscurrent.json',
  'secretsmanager-updatesecretversionstage-awscurrent.json',
  'secretsmanager-rotationsucceeded.json',
  'secretsmanager-deletesecret.json',
  'secretsmanager-secret-label-updated-rds-managed.json',
  'secretsmanager-rotationsucceeded-rds-managed.json',
] as const;
const PARAMETER_EVENTS = [
  'ssm-parameter-store-change-update.json',
  'ssm-parameter-store-change-delete.json',
  'ssm-parameter-store-policy-action-expiration.json',
] as const;

describe('onChanges on malformed input', () => {
  it.each<[string, unknown]>([
    ['a number', 42],
    ['null', null],
    ['an array of SQS records', sqsEvent([sampleEvent('ssm-parameter-store-change-update.json')]).Records],
    ['an EventBridge event (not an SQS event)', sampleEvent('ssm-parameter-store-change-update.json')],
  ])('refuses an invocation that is not an SQS event (%s) with EventParseError and no AWS call', async (_label, invocation) => {
    // Its log lines (the function's logger, INFO here) are captured, not printed into the test output.
    const outcome = (await capturingLogs(() => onChanges(invocation, fakeContext()))).thrown;
    expect(outcome).toBeInstanceOf(EventParseError);
    expect((outcome as Error).message).toBe('onChanges expects an SQS event ({ "Records": [{ "messageId", "body", … }] }) from the intake queue');
    expect(aws.requests).toEqual([]);
  });

  it('reports a message body that is not JSON as invalid (IntakeEnvelopeError), deletes it, and makes no call but the result events', async () => {
    const error = await refusal('{"source": "aws.ssm", ');
    expect(error.name).toBe('IntakeEnvelopeError');
    expect(error.message).toMatch(/^SQS message m-1 has a body that is not JSON: /);
    expect(calls()).toEqual([]);
    expect(aws.writes()).toEqual(['PutEvents', 'PutEvents']);
  });

  it.each<[string, unknown, string]>([
    ['a JSON text instead of an object', JSON.stringify(JSON.stringify(sampleEvent('ssm-parameter-store-change-update.json'))), 'a string'],
    ['a number', '42', 'a number'],
    ['true', 'true', 'a boolean'],
    ['null', 'null', 'null'],
  ])('reports a body holding %s as invalid (EventParseError), with no call but the result events', async (_label, body, got) => {
    const error = await refusal(body);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toBe(`event must be an EventBridge event object, got ${got}`);
    expect(calls()).toEqual([]);
  });

  it('unwraps a body holding an array of events and judges each on its own (one invalid element does not stop the others)', async () => {
    const valid = sampleEvent('ssm-parameter-store-change-label.json');
    const { response, entries } = await deliver([valid, 7]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(entries.map((entry) => [entry.id, entry.source, entry.decision])).toEqual([
      ['c1', 'm-1', 'nothing-to-do'],
      ['c2', 'm-1', 'invalid'],
    ]);
    expect(calls()).toEqual([]);
  });

  it('reports each invalid message of a batch on its own, and handles the valid ones', async () => {
    const label = sampleEvent('ssm-parameter-store-change-label.json');
    const foreign = { ...sampleEvent('ssm-parameter-store-change-update.json'), account: FOREIGN_ACCOUNT };
    const { response, entries } = await deliver(label, 'not json', foreign);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(entries.map((entry) => [entry.source, entry.decision, entry.error?.split(':')[0]])).toEqual([
      ['m-1', 'nothing-to-do', undefined],
      ['m-2', 'invalid', 'IntakeEnvelopeError'],
      ['m-3', 'invalid', 'ForeignAccountError'],
    ]);
  });

  it.each<[string, (event: Record<string, unknown>) => void, RegExp]>([
    [
      'an empty object',
      (event) => {
        for (const key of Object.keys(event)) delete event[key];
      },
      /EventBridge event is malformed: .*source/,
    ],
    ['no detail-type', (event) => delete event['detail-type'], /EventBridge event is malformed: detail-type/],
    ['a numeric time', (event) => (event.time = 1_700_000_000), /EventBridge event is malformed: time/],
    [
      'resources that is not a list',
      (event) => (event.resources = 'arn:aws:ssm:us-east-1:111122223333:parameter/x'),
      /EventBridge event is malformed: resources/,
    ],
    ['a string detail', (event) => (event.detail = 'Update /demo/orders/db-password'), /Parameter Store Change event is malformed: detail/],
    ['a detail without name', (event) => delete (event.detail as Record<string, unknown>).name, /Parameter Store Change event is malformed: detail\.name/],
    ['an empty name', (event) => ((event.detail as Record<string, unknown>).name = ''), /Parameter Store Change event is malformed: detail\.name/],
    ['a numeric operation', (event) => ((event.detail as Record<string, unknown>).operation = 1), /detail\.operation/],
  ])('refuses an SSM event with %s (wrong shape) with EventParseError and no AWS call', async (_label, mutate, message) => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    mutate(event);
    const error = await refusal(event);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toMatch(message);
    expect(calls()).toEqual([]);
  });

  it.each<[string, (event: Record<string, unknown> & { detail: Record<string, unknown> }) => void, RegExp]>([
    ['labelUpdated as a number', (event) => (event.detail.labelUpdated = 42), /detail\.labelUpdated/],
    ['no versionId', (event) => delete event.detail.versionId, /detail\.versionId/],
    ['a list as name', (event) => (event.detail.name = ['a', 'b']), /detail\.name/],
  ])('refuses a Secret Label Updated event with %s with EventParseError and no AWS call', async (_label, mutate, message) => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    mutate(event);
    const error = await refusal(event);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toMatch(message);
    expect(calls()).toEqual([]);
  });

  it('refuses a CloudTrail PutSecretValue whose versionStages is a string, with EventParseError and no AWS call', async () => {
    const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
    (event.detail.requestParameters as Record<string, unknown>).versionStages = 'AWSCURRENT';
    const error = await refusal(event);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toContain('versionStages');
    expect(calls()).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['an unknown Secrets Manager detail-type', 'aws.secretsmanager', 'Secret Label Deleted'],
    ['another service (the deployment-state function’s event)', 'aws.ecs', 'ECS Deployment State Change'],
    ['an unknown source', 'com.example.fake', 'Parameter Store Change'],
    ['a detail-type that is an Object.prototype key', 'aws.ssm', 'constructor'],
    ['a source that is an Object.prototype key', '__proto__', 'toString'],
    ['a detail-type with a trailing NUL', 'aws.ssm', 'Parameter Store Change\u0000'],
    ['a detail-type with a zero-width space', 'aws.ssm', 'Parameter\u200BStore Change'],
    ['a differently cased detail-type', 'aws.ssm', 'parameter store change'],
  ])('refuses %s with EventParseError listing the supported events, and no AWS call', async (_label, source, detailType) => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.source = source;
    event['detail-type'] = detailType;
    const error = await refusal(event);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toMatch(/^not a secret or parameter change event: .*\(supported: /);
    expect(calls()).toEqual([]);
  });

  it.each([...SECRET_EVENTS, ...PARAMETER_EVENTS])('refuses %s from another account with ForeignAccountError and no AWS call', async (file) => {
    const event = sampleEvent(file);
    expect(event.account).toBe(OWN_ACCOUNT);
    event.account = FOREIGN_ACCOUNT;
    const error = await refusal(event);
    expect(error.name).toBe('ForeignAccountError');
    expect(error.message).toContain(`the event is from account ${FOREIGN_ACCOUNT}, but this deployment handles account ${OWN_ACCOUNT}`);
    expect(calls()).toEqual([]);
  });

  it('does not let a "__proto__" member of a JSON event pollute Object.prototype', async () => {
    const event = JSON.parse(
      JSON.stringify(sampleEvent('ssm-parameter-store-change-update.json')).replace('"detail":{', '"detail":{"__proto__":{"polluted":"yes"},'),
    ) as unknown;
    await deliver(event);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A well-formed Update of a parameter that does not exist: DescribeParameters, then only the result event.
    expect(aws.writes().filter((operation) => operation !== 'PutEvents')).toEqual([]);
  });
});

describe('hostile names inside well-formed events', () => {
  /**
   * Names no secret or parameter can have: SSM names are at most 1011 characters of `a-zA-Z0-9_.-/`, secret
   * names at most 512 of `A-Za-z0-9/_+=.@-` (or `<service>!` and visible characters but `:`, for managed secrets).
   */
  const HOSTILE_NAMES: readonly [string, string][] = [
    ['a 10 KB name', TEN_KB_NAME],
    ['a name with a NUL', '/demo/orders/db\u0000password'],
    ['a name with a newline (log injection)', '/demo/orders/db\n{"level":"ERROR","message":"forged"}'],
    ['a name with a right-to-left override', '/demo/orders/\u202Edrowssap-bd'],
    ['a name with a zero-width space', '/demo/orders/db\u200Bpassword'],
  ];

  /** Names no parameter can have are refused by the event schema, before any AWS call (there was a gap here once). */
  it.each(HOSTILE_NAMES)('refuses a Parameter Store Change Delete with %s, with EventParseError and no AWS call', async (_label, name) => {
    const event = sampleEvent('ssm-parameter-store-change-delete.json');
    event.detail.name = name;
    event.resources = [];
    const error = await refusal(event);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toMatch(/^Parameter Store Change event is malformed: detail\.name: /);
    expect(calls()).toEqual([]);
  });

  it.each(HOSTILE_NAMES)('makes no write call for a Parameter Store Change Update with %s (only reads)', async (_label, name) => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.detail.name = name;
    event.resources = [];
    await deliver(event);
    expect(aws.writes().filter((operation) => operation !== 'PutEvents')).toEqual([]);
  });

  it.each(HOSTILE_NAMES)('makes no write call for a Secret Label Updated with %s (only reads)', async (_label, name) => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    event.detail.name = name;
    await deliver(event);
    expect(aws.writes().filter((operation) => operation !== 'PutEvents')).toEqual([]);
  });
});

describe('events whose inner identity names another account', () => {
  it('refuses a CloudTrail call whose recipientAccountId is another account, with no write call', async () => {
    const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
    event.detail.recipientAccountId = FOREIGN_ACCOUNT;
    const error = await refusal(event);
    expect(error.name).toBe('ForeignAccountError');
    expect(error.message).toBe(
      `the change is in account ${FOREIGN_ACCOUNT}, but this deployment handles account ${OWN_ACCOUNT}: deploy secret-refresh in that account instead of forwarding its events`,
    );
    expect(aws.writes().filter((operation) => operation !== 'PutEvents')).toEqual([]);
  });

  it.each<[string, string, (detail: Record<string, unknown>, arn: string) => void]>([
    ['PutSecretValue (responseElements.arn)', 'secretsmanager-putsecretvalue-awscurrent.json', (detail, arn) => (detail.responseElements = { arn })],
    [
      'UpdateSecretVersionStage (requestParameters.secretId)',
      'secretsmanager-updatesecretversionstage-awscurrent.json',
      (detail, arn) => {
        (detail.requestParameters as Record<string, unknown>).secretId = arn;
        detail.responseElements = null;
      },
    ],
    [
      'RotationSucceeded (additionalEventData.SecretId)',
      'secretsmanager-rotationsucceeded.json',
      (detail, arn) => (detail.additionalEventData = { SecretId: arn }),
    ],
    [
      'RotationSucceeded of a managed rotation (serviceEventDetails.secretId)',
      'secretsmanager-rotationsucceeded-rds-managed.json',
      (detail, arn) => (detail.serviceEventDetails = { secretId: arn }),
    ],
  ])('refuses a CloudTrail %s naming a secret of another account with ForeignAccountError and no AWS call', async (_label, file, tamper) => {
    const event = sampleEvent(file);
    const foreignArn = `arn:aws:secretsmanager:us-east-1:${FOREIGN_ACCOUNT}:secret:demo/orders/db-credentials-Ab12Cd`;
    tamper(event.detail as Record<string, unknown>, foreignArn);
    const error = await refusal(event);
    expect(error.name).toBe('ForeignAccountError');
    expect(error.message).toContain(`of account ${FOREIGN_ACCOUNT}, but the event was recorded for account ${OWN_ACCOUNT}`);
    expect(calls()).toEqual([]);
  });

  /** A resource ARN in another account than the envelope's contradicts the event: refused (lib/changes/event-resource.ts). */
  it('refuses a Parameter Store Change whose resource ARN is in another account, with no write call', async () => {
    const event = sampleEvent('ssm-parameter-store-change-update.json');
    event.resources = [`arn:aws:ssm:us-east-1:${FOREIGN_ACCOUNT}:parameter/demo/orders/db-password`];
    const error = await refusal(event);
    expect(error.name).toBe('EventParseError');
    expect(error.message).toBe(
      `resources[0] is in account ${FOREIGN_ACCOUNT} / us-east-1, but the event is from account ${OWN_ACCOUNT} / us-east-1: refusing a self-contradictory event`,
    );
    expect(aws.writes().filter((operation) => operation !== 'PutEvents')).toEqual([]);
  });
});
