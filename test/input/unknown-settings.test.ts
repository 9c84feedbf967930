/**
 * A misspelled setting in the functions' environment (issue 13: `SECRET_REFRESH_DRYRUN=true` really redeployed):
 * every function fails at the start of its invocation with the name it did not know and the setting it meant,
 * before any AWS call. Every SDK call goes to the recording endpoint, so "no AWS call" is a request count.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../lib/errors.js';
import { fakeContext, sampleEvent, sqsEvent, stubDeployedEnvironment } from './support/lambda-harness.js';
import { type RecordingAwsEndpoint, startRecordingAwsEndpoint } from './support/recording-aws-endpoint.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let aws: RecordingAwsEndpoint;

beforeAll(async () => {
  aws = await startRecordingAwsEndpoint();
  stubDeployedEnvironment(aws.url);
  vi.stubEnv('SECRET_REFRESH_DRYRUN', 'true');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await aws.close();
});

const SCHEDULED = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const DEPLOYMENT_EVENT = sampleEvent('ecs-deployment-state-change-failed.json');

describe('a function whose environment names an unknown SECRET_REFRESH_ variable', () => {
  it.each<[string, string, unknown]>([
    // The whole batch fails (nothing is deleted): SQS delivers it again, and after 5 receives to the failed-events queue.
    [
      'onChanges',
      '../../functions/on-changes.js',
      sqsEvent([sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), sampleEvent('ssm-parameter-store-change-update.json')]),
    ],
    ['refresh', '../../functions/refresh.js', { ref: 'demo/orders/db', dryRun: true }],
    ['audit', '../../functions/audit.js', SCHEDULED],
    ['onDeploymentStateChange', '../../functions/on-deployment-state-change.js', DEPLOYMENT_EVENT],
  ])('%s fails at start with "did you mean SECRET_REFRESH_DRY_RUN?" and makes no AWS call', async (_name, module, event) => {
    aws.reset();
    const { handler } = (await import(module)) as { handler: Handler };
    const outcome = await handler(event, fakeContext()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(ConfigurationError);
    expect((outcome as Error).message).toBe(
      'Invalid configuration: SECRET_REFRESH_DRYRUN is not a secret-refresh setting: did you mean SECRET_REFRESH_DRY_RUN?',
    );
    expect(aws.requests).toEqual([]);
  });
});
