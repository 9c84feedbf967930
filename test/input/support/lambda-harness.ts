/**
 * What the hostile-input tests share: the Lambda context (function in account 111122223333), the deployed
 * functions' environment (as serverless.yml sets it) pointed at the recording endpoint, and sample events.
 */
import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';

/** The account the function runs in (and whose events it accepts). */
export const OWN_ACCOUNT = '111122223333';
/** Another account: its events must be refused. */
export const FOREIGN_ACCOUNT = '444455556666';

/** A Lambda context for function `x` in {@link OWN_ACCOUNT}, us-east-1, 5 minutes left. */
export function fakeContext(): Context {
  return {
    functionName: 'x',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${OWN_ACCOUNT}:function:x`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/x',
    logStreamName: '2026/11/24/[$LATEST]abc',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The environment the deployed functions get from serverless.yml (tables, event bus), with every SDK call sent
 * to `endpoint`. Call before the handler module first runs: configuration and clients are read once per
 * execution environment.
 */
export function stubDeployedEnvironment(endpoint: string): void {
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_MAX_ATTEMPTS: '1',
    POWERTOOLS_SERVICE_NAME: 'secret-refresh',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SECRET_REFRESH_EVENT_BUS: 'default',
    SECRET_REFRESH_IDEMPOTENCY_TABLE: 'secret-refresh-dev-changes',
    SECRET_REFRESH_DEPLOYMENTS_TABLE: 'secret-refresh-dev-deployments',
    SECRET_REFRESH_INTAKE_QUEUE_URL: `${endpoint}/${OWN_ACCOUNT}/secret-refresh-dev-intake`,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

/** `events/<file>` parsed, a fresh copy each time (safe to mutate). */
export function sampleEvent(file: string): Record<string, unknown> & { detail: Record<string, unknown> } {
  return JSON.parse(readFileSync(new URL(`../../../events/${file}`, import.meta.url), 'utf8')) as Record<string, unknown> & {
    detail: Record<string, unknown>;
  };
}

/** A name of exactly 10 KB (10 240 characters) that is otherwise valid. */
export const TEN_KB_NAME = `/big/${'a'.repeat(10_240 - 5)}`;

/**
 * An SQS event as the intake queue's event source mapping delivers it to onChanges: one record per body, message
 * ids `m-1`, `m-2`… A string body is sent as it is; anything else as its JSON.
 */
export function sqsEvent(bodies: readonly unknown[]): { Records: Record<string, unknown>[] } {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m-${index + 1}`,
      receiptHandle: `receipt-${index + 1}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764000000000' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:${OWN_ACCOUNT}:secret-refresh-dev-intake`,
      awsRegion: 'us-east-1',
    })),
  };
}

/** What an onChanges invocation answered and logged (Powertools writes one JSON line per log entry). */
export interface Invocation<T> {
  readonly result?: T;
  readonly thrown?: unknown;
  readonly logs: Record<string, unknown>[];
}

/** Runs `invoke` with stdout captured, and parses the JSON log lines it wrote. */
export async function capturingLogs<T>(invoke: () => Promise<T>): Promise<Invocation<T>> {
  const written: string[] = [];
  const capture = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof process.stdout.write;
  // Powertools writes INFO lines to stdout and ERROR lines to stderr.
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    const result = await invoke();
    return { result, logs: parseLogs(written) };
  } catch (thrown) {
    return { thrown, logs: parseLogs(written) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function parseLogs(written: readonly string[]): Record<string, unknown>[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
