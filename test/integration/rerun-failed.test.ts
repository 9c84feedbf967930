/**
 * The README's "Re-run a failed change" step, run exactly as written (the shell block between the
 * `failed-events:begin/end` markers, through bash, the real AWS CLI and `npx secret-refresh`) against moto: the
 * failed-events queue holds a change that failed every delivery (the intake queue's redrive: the event as it was
 * sent) and an on-failure record of the per-event functions that came before; both are handled, once, and deleted.
 *
 * The AWS CLI here (v1) does not honour AWS_ENDPOINT_URL, so an `aws` wrapper first on PATH adds
 * `--endpoint-url` for moto and passes everything else through unchanged.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable, createIntakeQueue } from '../../demo/tables.js';
import { nextSecond, resetMoto } from '../support/moto.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const README = new URL('../../README.md', import.meta.url);

/** The shell block of the README's re-run step. */
async function rerunBlock(): Promise<string> {
  const text = await readFile(README, 'utf8');
  const block = /<!-- failed-events:begin -->\n```bash\n([\s\S]*?)```\n<!-- failed-events:end -->/.exec(text)?.[1];
  if (!block) throw new Error('README has no failed-events block');
  return block;
}

describe('README: re-run a failed change, as written', () => {
  let account: DemoAccount;
  let bin: string;
  const sqs = new SQSClient({ region: 'us-east-1' });

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
    bin = await mkdtemp(join(tmpdir(), 'secret-refresh-aws-'));
    const realAws = (await run('bash', ['-c', 'command -v aws'])).stdout.trim();
    await writeFile(join(bin, 'aws'), `#!/bin/sh\nexec "${realAws}" --endpoint-url "$AWS_ENDPOINT_URL" "$@"\n`);
    await chmod(join(bin, 'aws'), 0o755);
  });

  afterEach(async () => {
    await rm(join(ROOT, 'failed.json'), { force: true });
    await rm(bin, { recursive: true, force: true });
  });

  it('handles the failed-events queue’s messages as one batch (each reader deployed once) and deletes them', async () => {
    const queueUrl = await createIntakeQueue('secret-refresh-test-failed-events', 'us-east-1');
    const intakeUrl = await createIntakeQueue('secret-refresh-test-intake', 'us-east-1');
    await createIdempotencyTable('secret-refresh-test-rerun', 'us-east-1');
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v2"}');
    await nextSecond();
    const event = secretLabelUpdatedEvent(rotationInput(account, rotation));
    const onFailure = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: 'r-1',
        functionArn: `arn:aws:lambda:us-east-1:${account.account}:function:secret-refresh-prod-onSecretChange`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: secretLabelUpdatedEvent(rotationInput(account, rotation)),
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TargetsFailedError', errorMessage: '1 target(s) failed' },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(onFailure) }));

    const { stdout, stderr } = await run('bash', ['-euo', 'pipefail', '-c', await rerunBlock()], {
      cwd: ROOT,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        AWS_DEFAULT_REGION: 'us-east-1',
        QUEUE_URL: queueUrl,
        SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2',
        SECRET_REFRESH_IDEMPOTENCY_TABLE: 'secret-refresh-test-rerun',
        SECRET_REFRESH_INTAKE_QUEUE_URL: intakeUrl,
      },
      timeout: 120_000,
    });

    // The dry run planned the 5 readers, the real run deployed each once: the two messages are one change.
    const [dryRun, real] = stdout.split('\nbatch of ').map((part, index) => (index === 0 ? part : `batch of ${part}`));
    expect(dryRun).toMatch(/^\[dry run\] batch of 2 inputs: 1 acted on, 1 merged\n/);
    expect(dryRun).toContain('\n  planned  5: 5 ECS services would be redeployed\n');
    expect(dryRun).toContain('\n  next: dry run: nothing was done; to act, run it again without --dry-run\n      secret-refresh event failed.json');
    expect(real).toContain('\n  done     5: 5 ECS services redeployed\n');
    expect(real).not.toContain('next:');
    // Only the runtime note (Node 20) may be on stderr: no error, no warning.
    expect(stderr.split('\n').filter((line) => line.startsWith('secret-refresh:') && !line.startsWith('secret-refresh: note: Node.js'))).toEqual([]);
    const left = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(left.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  }, 120_000);
});
