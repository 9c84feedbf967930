/**
 * The daily audit function with SECRET_REFRESH_REPORT_BUCKET: against moto's S3, EventBridge and SQS (a rule on the
 * default bus sends the audit's event to a queue, since moto cannot deliver to Lambda), on the demo account. It stores
 * the secrets map's page and JSON under the documented keys and names them in its event; a failed upload is a warning
 * in that event and fails the invocation.
 */

import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { SecretsMapNotStoredError } from '../../lib/errors.js';
import type { SecretsMap } from '../../lib/map/types.js';
import { fakeContext } from '../input/support/lambda-harness.js';
import { resetMoto } from '../support/moto.js';

type Handler = (event: unknown, context: Context) => Promise<{ warnings: string[] }>;

const BUCKET = 'secret-refresh-reports-test';
const SCHEDULED = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
// moto answers path-style only (toolchain.md §2): the test's own client says so; the product's client gets
// path-style from the SDK itself for an endpoint given as an IP address.
const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true, maxAttempts: 1 });
const sqs = new SQSClient({ region: 'us-east-1', maxAttempts: 1 });
const events = new EventBridgeClient({ region: 'us-east-1', maxAttempts: 1 });

interface AuditEvent {
  readonly summary: { servicesScanned: number; inventoryProblems: number };
  readonly warnings: string[];
  readonly secretsMap?: { bucket: string; keys: string[] };
}

let handler: Handler;
let account: DemoAccount;
let queueUrl: string;

beforeAll(async () => {
  // Read once per execution environment, like a cold start.
  vi.stubEnv('SECRET_REFRESH_REGIONS', 'us-east-1,us-west-2');
  vi.stubEnv('SECRET_REFRESH_REPORT_BUCKET', BUCKET);
  vi.stubEnv('SECRET_REFRESH_EVENT_BUS', 'default');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
  handler = (await import('../../functions/audit.js')).handler as unknown as Handler;
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(async () => {
  await resetMoto();
  account = await seedDemoAccount();
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'audit-events' }))).QueueUrl ?? '';
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  await events.send(
    new PutRuleCommand({
      Name: 'audit-events',
      EventPattern: JSON.stringify({ source: ['secret-refresh'], 'detail-type': ['Secret Refresh Audit Completed'] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'audit-events', Targets: [{ Id: 'sqs', Arn: arn }] }));
});

/** The detail of every `Secret Refresh Audit Completed` event the function published. */
async function auditEvents(): Promise<AuditEvent[]> {
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (received.Messages ?? []).map((message) => (JSON.parse(message.Body ?? '{}') as { detail: AuditEvent }).detail);
}

async function objectText(key: string): Promise<{ text: string; contentType?: string; cacheControl?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return {
    text: (await object.Body?.transformToString('utf8')) ?? '',
    ...(object.ContentType ? { contentType: object.ContentType } : {}),
    ...(object.CacheControl ? { cacheControl: object.CacheControl } : {}),
  };
}

describe('the audit function with SECRET_REFRESH_REPORT_BUCKET', () => {
  it('stores the page and the JSON as secrets-map/latest.* and secrets-map/daily/<day>.*, and names them in its event', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

    const report = await handler(SCHEDULED, fakeContext());

    expect(report.warnings.filter((warning) => warning.startsWith('secrets map'))).toEqual([]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
    const day = /^secrets-map\/daily\/(\d{4}-\d\d-\d\d)\.html$/.exec(keys[0] ?? '')?.[1];
    expect(day).toBeDefined();
    expect(keys).toEqual([`secrets-map/daily/${day}.html`, `secrets-map/daily/${day}.json`, 'secrets-map/latest.html', 'secrets-map/latest.json']);

    const json = await objectText('secrets-map/latest.json');
    expect(json.contentType).toBe('application/json; charset=utf-8');
    expect(json.cacheControl).toBe('no-cache');
    const map = JSON.parse(json.text) as SecretsMap;
    expect(map.format).toBe('secret-refresh/map@1');
    expect(map.generatedAt.slice(0, 10)).toBe(day);
    expect(map.settings.homeAccount).toBe(account.account);
    expect(map.summary).toMatchObject({ services: 19, jobDefinitions: 2, inventoryProblems: 0 });
    expect((await objectText(`secrets-map/daily/${day}.json`)).text).toBe(json.text);

    const page = await objectText('secrets-map/latest.html');
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page.text).not.toMatch(/<(link|img|iframe)\b|\s(src|href)=/i);
    const embedded = /<script type="application\/json" id="secrets-map">([^<]*)<\/script>/.exec(page.text)?.[1] ?? '';
    expect(JSON.parse(embedded)).toEqual(map);
    expect((await objectText(`secrets-map/daily/${day}.html`)).text).toBe(page.text);

    const [event, ...others] = await auditEvents();
    expect(others).toEqual([]);
    expect(event?.secretsMap).toEqual({
      bucket: BUCKET,
      keys: [`secrets-map/daily/${day}.html`, `secrets-map/daily/${day}.json`, 'secrets-map/latest.html', 'secrets-map/latest.json'],
    });
    expect(event?.summary.servicesScanned).toBe(19);
    expect(event?.warnings.filter((warning) => warning.startsWith('secrets map'))).toEqual([]);
  });

  it('makes a failed upload a warning of its event, leaves latest.* alone, and fails the invocation', async () => {
    // No bucket: every PutObject answers NoSuchBucket.
    const outcome = await handler(SCHEDULED, fakeContext()).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(outcome).toBeInstanceOf(SecretsMapNotStoredError);
    expect((outcome as Error).message).toMatch(
      new RegExp(
        `^secrets map not stored whole in s3://${BUCKET}: 3 problem\\(s\\): secrets map: PutObject s3://${BUCKET}/secrets-map/daily/\\d{4}-\\d\\d-\\d\\d\\.html failed: NoSuchBucket: `,
      ),
    );
    const [event] = await auditEvents();
    const warnings = event?.warnings.filter((warning) => warning.startsWith('secrets map')) ?? [];
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(new RegExp(`^secrets map: PutObject s3://${BUCKET}/secrets-map/daily/\\d{4}-\\d\\d-\\d\\d\\.html failed: NoSuchBucket: `));
    expect(warnings[1]).toMatch(new RegExp(`^secrets map: PutObject s3://${BUCKET}/secrets-map/daily/\\d{4}-\\d\\d-\\d\\d\\.json failed: NoSuchBucket: `));
    expect(warnings[2]).toBe(`secrets map: s3://${BUCKET}/secrets-map/latest.* not overwritten, it keeps the last map stored whole`);
    expect(event?.secretsMap).toEqual({ bucket: BUCKET, keys: [] });
    // The audit itself is whole: the failure is the map's alone.
    expect(event?.summary).toMatchObject({ servicesScanned: 19, inventoryProblems: 0 });
  });
});
