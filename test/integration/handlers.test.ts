import { readFile } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { ForeignAccountError, InvalidInputError } from '../../lib/errors.js';
import type { RefreshReport } from '../../lib/report/types.js';
import { resetMoto } from '../support/moto.js';

type Handler = (event: unknown, context: Context) => Promise<RefreshReport>;

function lambdaContext(account: string, functionName: string): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${account}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]abc',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('Lambda handlers (middy + Powertools) against moto', () => {
  let refresh: Handler;
  let onSecretChange: Handler;
  let account: DemoAccount;

  beforeAll(async () => {
    // Read once per execution environment, like a cold start.
    process.env.SECRET_REFRESH_REGIONS = 'us-east-1,us-west-2';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    refresh = (await import('../../functions/refresh.js')).handler as unknown as Handler;
    onSecretChange = (await import('../../functions/on-secret-change.js')).handler as unknown as Handler;
  });

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
  });

  it('refresh returns the dry-run report for a secret name', async () => {
    const report = await refresh({ ref: account.secretName, dryRun: true }, lambdaContext(account.account, 'secret-refresh-dev-refresh'));
    expect(report.dryRun).toBe(true);
    expect(report.mode).toBe('manual');
    expect(report.summary.planned).toBe(5);
    expect(report.summary.done).toBe(0);
  });

  it('refresh refuses unknown input fields instead of guessing (a typo must not turn a dry run into a real one)', async () => {
    const run = refresh({ ref: account.secretName, dryrun: true }, lambdaContext(account.account, 'secret-refresh-dev-refresh'));
    await expect(run).rejects.toBeInstanceOf(InvalidInputError);
    await expect(run).rejects.toThrow(/^invalid refresh input \(input: Unrecognized key: "dryrun"\); expected \{ "ref": /);
  });

  it("onSecretChange refuses an event from another account than the function's", async () => {
    // The sample names the demo account; the function runs in another one.
    const event = JSON.parse(await readFile('events/secretsmanager-secret-label-updated-awscurrent.json', 'utf8')) as { account: string };
    expect(event.account).toBe(account.account);
    const functionAccount = '444455556666';
    const run = onSecretChange(event, lambdaContext(functionAccount, 'secret-refresh-dev-onSecretChange'));
    await expect(run).rejects.toBeInstanceOf(ForeignAccountError);
    await expect(run).rejects.toThrow(`the event is from account ${event.account}, but this deployment handles account ${functionAccount}`);
  });
});
