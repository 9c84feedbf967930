/**
 * The daily audit when part of the account cannot be read (issue 13: it said "all clear" and its event left the
 * warnings out). The function runs against a local endpoint that answers ListClusters with AccessDenied: it must
 * publish `Secret Refresh Audit Completed` carrying the warning and the problem count, then fail the invocation.
 * The endpoint is a recording fake (not moto) because the fault is injected: moto does not deny calls.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditIncompleteError } from '../../lib/errors.js';
import { fakeContext, stubDeployedEnvironment } from '../input/support/lambda-harness.js';
import { type RecordingAwsEndpoint, startRecordingAwsEndpoint } from '../input/support/recording-aws-endpoint.js';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let aws: RecordingAwsEndpoint;
let handler: Handler;

beforeAll(async () => {
  aws = await startRecordingAwsEndpoint();
  stubDeployedEnvironment(aws.url);
  handler = (await import('../../functions/audit.js')).handler as unknown as Handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await aws.close();
});

beforeEach(() => aws.reset());

const SCHEDULED = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const PUT_EVENTS_OK = { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } };

/** The detail of every `Secret Refresh Audit Completed` entry the function published. */
function auditEvents(): { summary: { inventoryProblems: number; servicesScanned: number }; warnings: string[] }[] {
  return aws.requests
    .filter((request) => request.operation === 'PutEvents')
    .flatMap((request) => (JSON.parse(request.body) as { Entries: { DetailType: string; Detail: string }[] }).Entries)
    .filter((entry) => entry.DetailType === 'Secret Refresh Audit Completed')
    .map((entry) => JSON.parse(entry.Detail) as { summary: { inventoryProblems: number; servicesScanned: number }; warnings: string[] });
}

describe('the audit function when the account cannot be read', () => {
  it('publishes the warnings in Secret Refresh Audit Completed, then fails with AuditIncompleteError', async () => {
    aws.respondWith((request) => {
      if (request.operation === 'ListClusters')
        return { status: 400, errorType: 'AccessDeniedException', body: { message: 'not authorized: ecs:ListClusters' } };
      if (request.operation === 'PutEvents') return PUT_EVENTS_OK;
      return undefined;
    });

    const outcome = await handler(SCHEDULED, fakeContext()).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(outcome).toBeInstanceOf(AuditIncompleteError);
    expect((outcome as Error).message).toBe(
      'audit incomplete: 1 thing(s) could not be read, so services behind them were not judged: ' +
        'inventory: us-east-1 ListClusters: AccessDeniedException: not authorized: ecs:ListClusters',
    );
    const [event, ...others] = auditEvents();
    expect(others).toEqual([]);
    expect(event?.summary).toMatchObject({ inventoryProblems: 1, servicesScanned: 0 });
    expect(event?.warnings).toEqual(['inventory: us-east-1 ListClusters: AccessDeniedException: not authorized: ecs:ListClusters']);
  });

  it('succeeds and publishes no warning when everything could be read', async () => {
    aws.respondWith((request) => (request.operation === 'PutEvents' ? PUT_EVENTS_OK : undefined));

    const report = (await handler(SCHEDULED, fakeContext())) as { summary: { inventoryProblems: number } };

    expect(report.summary.inventoryProblems).toBe(0);
    expect(auditEvents()).toEqual([expect.objectContaining({ warnings: [], summary: expect.objectContaining({ inventoryProblems: 0 }) })]);
  });
});
